//! Peak memory of a receiver with the in-memory replay guard at its default
//! bound under a flood of distinct event ids: an axum receiver (the
//! `Dedupe` over `Webhook<NomosEvent>`) driven in-process with
//! signed deliveries, each with a new id. Prints the peak resident set
//! size (`VmHWM`) at checkpoints; bounded means it stops growing once the
//! store is full.
//!
//! `cargo run --release -p hookguard-bench --bin flood [-- COUNT]` (default 1 000 000).

use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use hookguard_axum::{Dedupe, Webhook};
use hookguard_core::nomos::NomosEvent;
use hookguard_core::replay::{DEFAULT_MAX_KEYS, ReplayGuard};
use hookguard_core::scheme::Nomos;
use hookguard_core::{NomosVerifier, Signer};
use tower::ServiceExt as _;

async fn handle(Webhook(_event): Webhook<NomosEvent>) -> StatusCode {
    StatusCode::NO_CONTENT
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|text| text.parse().ok())
        .unwrap_or(1_000_000);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let secret = "flood-secret";
        let verifier = NomosVerifier::new([secret]).expect("a valid secret");
        let signer = Signer::<Nomos>::new(secret).expect("a valid secret");
        let layer = Dedupe::<NomosEvent>::new(ReplayGuard::in_memory());
        let app = Router::new().route("/", post(handle).route_layer(layer)).with_state(verifier);
        println!("FLOOD {count} distinct event ids, in-memory replay guard bound {DEFAULT_MAX_KEYS} keys");
        println!("FLOOD start peak_rss_kib={}", peak_rss_kib());
        let started = Instant::now();
        let mut refused = 0;
        for n in 0..count {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |since| since.as_secs());
            let body = format!(r#"{{"id":"evt_flood_{n}","timestamp":"2026-01-15T10:30:00Z","topic":"subscription.created","context":{{"subscription":"sub_{n}"}}}}"#);
            let headers = signer.sign(now, "", body.as_bytes()).expect("Nomos signs any body");
            let mut request = Request::post("/").body(Body::from(body)).expect("a request");
            request.headers_mut().extend(headers);
            let response = app.clone().oneshot(request).await.expect("axum answers");
            if response.status() != StatusCode::NO_CONTENT {
                refused += 1;
            }
            let done = n + 1;
            if done == DEFAULT_MAX_KEYS / 10 || done == DEFAULT_MAX_KEYS || done % 250_000 == 0 || done == count {
                println!("FLOOD after {done} peak_rss_kib={} refused={refused}", peak_rss_kib());
            }
        }
        println!("FLOOD done in {:.1} s", started.elapsed().as_secs_f64());
    });
}
