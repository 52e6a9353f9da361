//! The baseline of the load test: a route that only reads the body and
//! answers 204, with no verification, in axum or actix-web.
//!
//! `bare_receiver axum|actix 127.0.0.1:PORT` (see `scripts/load.sh`).

use std::net::SocketAddr;

fn main() -> std::io::Result<()> {
    let mut arguments = std::env::args().skip(1);
    let framework = arguments.next().unwrap_or_default();
    let address: SocketAddr = arguments
        .next()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3100)));
    match framework.as_str() {
        "axum" => axum_server(address),
        "actix" => actix_server(address),
        _ => {
            eprintln!("usage: bare_receiver axum|actix 127.0.0.1:PORT");
            std::process::exit(2);
        }
    }
}

fn axum_server(address: SocketAddr) -> std::io::Result<()> {
    use axum::{Router, body::Bytes, http::StatusCode, routing::post};
    async fn read(body: Bytes) -> StatusCode {
        std::hint::black_box(body);
        StatusCode::NO_CONTENT
    }
    tokio::runtime::Runtime::new()?.block_on(async {
        let app = Router::new().route("/webhooks/nomos", post(read));
        let listener = tokio::net::TcpListener::bind(address).await?;
        axum::serve(listener, app).await
    })
}

fn actix_server(address: SocketAddr) -> std::io::Result<()> {
    use actix_web::{App, HttpResponse, HttpServer, web};
    async fn read(body: web::Bytes) -> HttpResponse {
        std::hint::black_box(body);
        HttpResponse::NoContent().finish()
    }
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(|| App::new().route("/webhooks/nomos", web::post().to(read)))
            .bind(address)?
            .run()
            .await
    })
}
