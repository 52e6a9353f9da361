//! The target of the load test: one server, in axum or actix-web, with two
//! routes that end in the same typed event.
//!
//! - `POST /bare` reads the body and parses it with serde_json into
//!   `NomosEvent` (the same parse hookguard runs), as a handler without
//!   hookguard would: no verification.
//! - `POST /floor` does the same after the least a receiver verifying by
//!   hand must do (`hookguard_bench::floor_check_nomos`: split the header,
//!   decode the hex, check the HMAC), so that what hookguard adds over the
//!   HMAC itself can be told apart from the HMAC.
//! - `POST /verified` takes `Webhook<NomosEvent>`: read under the limit,
//!   verify, parse.
//!
//! Both answer 204, or 400 for a body that is not an event. Serving both
//! from one process with one configuration leaves hookguard's work as the
//! only difference. `load_receiver axum|actix 127.0.0.1:PORT`, with the
//! secret in `NOMOS_WEBHOOK_SECRET` (see `scripts/load.sh`).

use std::net::SocketAddr;

use hookguard_bench::Floor;
use hookguard_core::NomosVerifier;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut arguments = std::env::args().skip(1);
    let framework = arguments.next().unwrap_or_default();
    let address: SocketAddr = arguments
        .next()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3100)));
    let secret = std::env::var("NOMOS_WEBHOOK_SECRET")
        .map_err(|_| "set NOMOS_WEBHOOK_SECRET to the secret the deliveries are signed with")?;
    let floor = Floor::new(secret.as_bytes());
    let verifier = NomosVerifier::new([secret])?;
    match framework.as_str() {
        "axum" => axum_server(address, verifier, floor)?,
        "actix" => actix_server(address, verifier, floor)?,
        _ => {
            eprintln!("usage: load_receiver axum|actix 127.0.0.1:PORT");
            std::process::exit(2);
        }
    }
    Ok(())
}

fn axum_server(address: SocketAddr, verifier: NomosVerifier, floor: Floor) -> std::io::Result<()> {
    tokio::runtime::Runtime::new()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(address).await?;
        axum::serve(listener, hookguard_bench::load_router(verifier, floor)).await
    })
}

fn actix_server(address: SocketAddr, verifier: NomosVerifier, floor: Floor) -> std::io::Result<()> {
    use actix_web::{App, HttpServer};

    let routes = hookguard_bench::load_routes(verifier, floor);
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || App::new().configure(routes.clone()))
            .bind(address)?
            .run()
            .await
    })
}
