//! Run with:
//!
//! ```sh
//! NOMOS_WEBHOOK_SECRET=… NOMA_WEBHOOK_SECRET=… cargo run --example actix_receiver --features actix
//! ```
//!
//! The actix-web twin of `axum_receiver`: Nomos at `POST /webhooks/nomos`
//! (behind the `Receive` middleware) and Noma at `POST /webhooks/noma` (the
//! extractor alone, with its verifier in `app_data`), on `HOOKGUARD_ADDR`
//! (default 127.0.0.1:3000). Same answers, same logs.
//!
//! Shaped for the open internet like the axum one: a request head must
//! arrive within 10 s (`client_request_timeout`), an idle keep-alive
//! connection closes after 10 s, at most 1024 connections are served at
//! once across the workers, and hookguard refuses a body that goes
//! `BODY_IDLE_TIMEOUT` (10 s) without a byte (actix-web does not bound
//! bodies itself).

use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};
use hookguard::actix::{Receive, Webhook};
use hookguard::noma::NomaEvent;
use hookguard::nomos::NomosEvent;
use hookguard::{NomaVerifier, NomosVerifier};

async fn nomos(Webhook(event): Webhook<NomosEvent>) -> HttpResponse {
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
    HttpResponse::NoContent().finish()
}

async fn noma(Webhook(event): Webhook<NomaEvent>) -> HttpResponse {
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
    HttpResponse::NoContent().finish()
}

fn secret(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name} to the endpoint's webhook secret"))
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,hookguard=debug".into()),
        )
        .init();

    // Secrets are checked here, before the server starts.
    let nomos_verifier = NomosVerifier::new([secret("NOMOS_WEBHOOK_SECRET")?])?;
    let noma_verifier = web::Data::new(NomaVerifier::new([secret("NOMA_WEBHOOK_SECRET")?])?);

    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let address = std::env::var("HOOKGUARD_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(noma_verifier.clone())
            // On the route inside a resource: other methods still get 405.
            .service(
                web::resource("/webhooks/nomos").route(web::post().to(nomos).wrap(Receive::<
                    NomosEvent,
                >::new(
                    nomos_verifier.clone(),
                ))),
            )
            .service(web::resource("/webhooks/noma").route(web::post().to(noma)))
    })
    // The limits a receiver on the open internet needs (actix-web's
    // `max_connections` counts per worker).
    .workers(workers)
    .client_request_timeout(Duration::from_secs(10))
    .keep_alive(Duration::from_secs(10))
    .max_connections(1024_usize.div_ceil(workers))
    .bind(&address)?;
    tracing::info!("listening on http://{address}");
    server.run().await?;
    Ok(())
}
