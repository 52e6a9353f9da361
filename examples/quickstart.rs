//! Run with `cargo run --example quickstart --features axum`.
//!
//! Starts an axum webhook receiver for Nomos on a free 127.0.0.1 port, then
//! sends it four deliveries over real HTTP: a signed test event, a forged
//! one, a stale one and an oversized one. Prints what came back and exits 0
//! only if every answer is the expected one.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::post;
use hookguard::axum::Webhook;
use hookguard::axum::serve::{Limits, serve};
use hookguard::nomos::NomosEvent;
use hookguard::scheme::Nomos;
use hookguard::{NomosVerifier, Signer};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

// A demo secret: a real receiver reads it from the environment.
const SECRET: &str = "quickstart-demo-secret";

async fn receive(Webhook(event): Webhook<NomosEvent>) -> StatusCode {
    println!("  handler ran for topic {}", event.topic());
    StatusCode::NO_CONTENT
}

#[tokio::main]
async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let verifier = NomosVerifier::new([SECRET])?; // 300 s tolerance, 1 MiB body limit
    let app = Router::new()
        .route("/webhooks/nomos", post(receive))
        .with_state(verifier);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/nomos", listener.local_addr()?);
    // hookguard's server: header and idle-body timeouts, a connection cap.
    tokio::spawn(serve(
        listener,
        app,
        Limits::default(),
        std::future::pending::<()>(),
    ));
    println!("receiver listening at {url}");

    let signer = Signer::<Nomos>::new(SECRET)?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let event = br#"{"id":"evt_quickstart","timestamp":"2026-01-15T10:30:00Z","topic":"test.event","context":{}}"#.to_vec();
    let forged = br#"{"id":"evt_quickstart","timestamp":"2026-01-15T10:30:00Z","topic":"subscription.terminated","context":{"subscription":"sub_1"}}"#.to_vec();
    let oversized = vec![b' '; 2 * 1024 * 1024];

    let cases = [
        (
            "signed test event",
            signer.sign(now, "", &event)?,
            event.clone(),
            204,
            "",
        ),
        (
            "forged body",
            signer.sign(now, "", &event)?,
            forged,
            401,
            r#"{"error":"signature_mismatch"}"#,
        ),
        (
            "sent an hour ago",
            signer.sign(now - 3600, "", &event)?,
            event,
            401,
            r#"{"error":"timestamp_too_old"}"#,
        ),
        (
            "2 MiB body",
            signer.sign(now, "", &oversized)?,
            oversized,
            413,
            r#"{"error":"payload_too_large"}"#,
        ),
    ];

    let client = Client::builder(TokioExecutor::new()).build_http();
    let mut rows = Vec::new();
    for (name, headers, body, expected_status, expected_body) in cases {
        let (status, answer) = post_delivery(&client, &url, headers, body).await?;
        let right = status == expected_status && answer == expected_body;
        rows.push((name, status, answer, right));
    }

    println!(
        "\n{:<18} {:<6} {:<34} as expected",
        "delivery", "status", "body"
    );
    for (name, status, answer, right) in &rows {
        println!(
            "{name:<18} {status:<6} {answer:<34} {}",
            if *right { "yes" } else { "NO" }
        );
    }
    let all_right = rows.iter().all(|(.., right)| *right);
    Ok(if all_right {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn post_delivery(
    client: &Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
    url: &str,
    headers: HeaderMap,
    body: Vec<u8>,
) -> Result<(u16, String), Box<dyn std::error::Error>> {
    let mut request = Request::post(url).body(Full::new(Bytes::from(body)))?;
    request.headers_mut().extend(headers);
    let response = client.request(request).await?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}
