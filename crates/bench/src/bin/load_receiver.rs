//! The target of the load test: one server, in axum or actix-web, with two
//! routes that end in the same typed event.
//!
//! - `POST /bare` reads the body and parses it with serde_json into
//!   `NomosEvent` (the same parse hookguard runs), as a handler without
//!   hookguard would: no verification.
//! - `POST /verified` takes `Webhook<NomosEvent>`: read under the limit,
//!   verify, parse.
//!
//! Both answer 204, or 400 for a body that is not an event. Serving both
//! from one process with one configuration leaves hookguard's work as the
//! only difference. `load_receiver axum|actix 127.0.0.1:PORT`, with the
//! secret in `NOMOS_WEBHOOK_SECRET` (see `scripts/load.sh`).

use std::hint::black_box;
use std::net::SocketAddr;

use hookguard_core::NomosVerifier;
use hookguard_core::nomos::NomosEvent;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut arguments = std::env::args().skip(1);
    let framework = arguments.next().unwrap_or_default();
    let address: SocketAddr = arguments
        .next()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3100)));
    let secret = std::env::var("NOMOS_WEBHOOK_SECRET")
        .map_err(|_| "set NOMOS_WEBHOOK_SECRET to the secret the deliveries are signed with")?;
    let verifier = NomosVerifier::new([secret])?;
    match framework.as_str() {
        "axum" => axum_server(address, verifier)?,
        "actix" => actix_server(address, verifier)?,
        _ => {
            eprintln!("usage: load_receiver axum|actix 127.0.0.1:PORT");
            std::process::exit(2);
        }
    }
    Ok(())
}

/// The bare route's parse; `None` when the body is not an event.
fn parse(body: &[u8]) -> Option<NomosEvent> {
    NomosEvent::from_slice(body).ok()
}

fn axum_server(address: SocketAddr, verifier: NomosVerifier) -> std::io::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(address).await?;
        axum::serve(listener, hookguard_bench::load_router(verifier)).await
    })
}

fn actix_server(address: SocketAddr, verifier: NomosVerifier) -> std::io::Result<()> {
    use actix_web::{App, HttpResponse, HttpServer, web};
    use hookguard_actix::Webhook;

    async fn bare(body: web::Bytes) -> HttpResponse {
        match parse(&body) {
            Some(event) => {
                black_box(event);
                HttpResponse::NoContent().finish()
            }
            None => HttpResponse::BadRequest().finish(),
        }
    }
    async fn verified(Webhook(event): Webhook<NomosEvent>) -> HttpResponse {
        black_box(event);
        HttpResponse::NoContent().finish()
    }
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            App::new()
                .app_data(verifier.clone())
                .route("/bare", web::post().to(bare))
                .route("/verified", web::post().to(verified))
        })
        .bind(address)?
        .run()
        .await
    })
}
