//! Run with:
//!
//! ```sh
//! NOMOS_WEBHOOK_SECRET=… NOMA_WEBHOOK_SECRET=… cargo run --example axum_receiver --features axum
//! ```
//!
//! A webhook receiver for Nomos at `POST /webhooks/nomos` and Noma at
//! `POST /webhooks/noma`, on `HOOKGUARD_ADDR` (default 127.0.0.1:3000).
//! Handlers only ever see authentic, fresh, well-formed events; every other
//! request is answered with its status and `{"error":"<code>"}`. Set
//! `RUST_LOG=hookguard=debug` to see each refusal's code.
//!
//! It runs on `hookguard::axum::serve`, shaped for the open internet: a
//! request head must arrive within 10 s, a body may not go 10 s without a
//! byte, and at most 1024 connections are served at once (more wait in the
//! listen backlog). `axum::serve` has none of these limits.

use axum::Router;
use axum::extract::FromRef;
use axum::http::StatusCode;
use axum::routing::post;
use hookguard::axum::Webhook;
use hookguard::axum::serve::{Limits, serve};
use hookguard::noma::NomaEvent;
use hookguard::nomos::NomosEvent;
use hookguard::{NomaVerifier, NomosVerifier};

/// One verifier per provider; the extractor picks the one it needs.
#[derive(Clone)]
struct Receiver {
    nomos: NomosVerifier,
    noma: NomaVerifier,
}

impl FromRef<Receiver> for NomosVerifier {
    fn from_ref(receiver: &Receiver) -> Self {
        receiver.nomos.clone()
    }
}

impl FromRef<Receiver> for NomaVerifier {
    fn from_ref(receiver: &Receiver) -> Self {
        receiver.noma.clone()
    }
}

async fn nomos(Webhook(event): Webhook<NomosEvent>) -> StatusCode {
    match event {
        NomosEvent::SubscriptionCreated(created) => {
            tracing::info!(subscription = %created.context.subscription, lead = ?created.context.lead, "subscription created");
        }
        NomosEvent::SubscriptionTerminated(terminated) => {
            tracing::info!(subscription = %terminated.context.subscription, "subscription terminated");
        }
        NomosEvent::TestEvent(_) => tracing::info!("test event from the Nomos dashboard"),
        // New topics arrive as `Unknown`: acknowledge them, or Nomos retries for days.
        other => tracing::info!(topic = %other.topic(), "not handled"),
    }
    StatusCode::NO_CONTENT
}

async fn noma(Webhook(event): Webhook<NomaEvent>) -> StatusCode {
    match event {
        NomaEvent::ContentPublished(content) | NomaEvent::ContentUpdated(content) => {
            tracing::info!(
                content_id = content.content_id,
                "content changed: refresh the cache"
            );
        }
        NomaEvent::ContentDeleted(content) => {
            tracing::info!(content_id = content.content_id, "content deleted")
        }
        other => tracing::info!(topic = %other.topic(), "not handled"),
    }
    StatusCode::NO_CONTENT
}

fn secret(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name} to the endpoint's webhook secret"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,hookguard=debug".into()),
        )
        .init();

    // Secrets are checked here, at start-up: an empty or padded one stops the program.
    let receiver = Receiver {
        nomos: NomosVerifier::new([secret("NOMOS_WEBHOOK_SECRET")?])?,
        noma: NomaVerifier::new([secret("NOMA_WEBHOOK_SECRET")?])?,
    };
    let app = Router::new()
        .route("/webhooks/nomos", post(nomos))
        .route("/webhooks/noma", post(noma))
        .with_state(receiver);

    let address = std::env::var("HOOKGUARD_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let listener = tokio::net::TcpListener::bind(&address).await?;
    tracing::info!("listening on http://{}", listener.local_addr()?);
    // Until Ctrl-C; requests in flight then get 10 s to finish.
    serve(listener, app, Limits::default(), tokio::signal::ctrl_c()).await?;
    Ok(())
}
