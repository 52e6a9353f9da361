//! The axum adapter driven through a real `Router`: every refusal answers
//! with SPEC's status and exact `{"error":"<code>"}` body, and the handler
//! runs for valid deliveries only.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::routing::post;
use axum::{Extension, Router};
use hookguard_axum::{Verify, Webhook, WebhookDelivery};
use hookguard_core::noma::NomaEvent;
use hookguard_core::nomos::NomosEvent;
use hookguard_core::scheme::{Noma, Nomos};
use hookguard_core::{FixedClock, NomaVerifier, NomosVerifier, Signer, Verification};
use http_body::Frame;
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

const NOW: u64 = 1_768_473_000; // 2026-01-15T10:30:00Z
const SECRET: &str = "axum-test-secret";
const NOMOS: &[u8] = br#"{"id":"evt_1","timestamp":"2026-01-15T10:30:00Z","topic":"subscription.created","context":{"subscription":"sub_1"}}"#;
const NOMA: &[u8] = br#"{"event":"content.updated","project_uuid":"p","collection_id":1,"content_id":2,"content_entry":{"uuid":"u","locale":"en","published_at":null,"fields":[]},"timestamp":"2026-01-15T10:30:00+00:00","delivery_id":"d1"}"#;

/// The app's state: one verifier per provider, and what the handlers saw.
#[derive(Clone)]
struct App {
    nomos: NomosVerifier,
    noma: NomaVerifier,
    seen: Arc<Mutex<Vec<String>>>,
}

impl FromRef<App> for NomosVerifier {
    fn from_ref(app: &App) -> Self {
        app.nomos.clone()
    }
}

impl FromRef<App> for NomaVerifier {
    fn from_ref(app: &App) -> Self {
        app.noma.clone()
    }
}

async fn nomos(State(app): State<App>, Webhook(event): Webhook<NomosEvent>) -> StatusCode {
    let NomosEvent::SubscriptionCreated(created) = event else {
        return StatusCode::NOT_IMPLEMENTED;
    };
    app.seen
        .lock()
        .unwrap()
        .push(format!("nomos {}", created.context.subscription));
    StatusCode::NO_CONTENT
}

async fn noma(
    State(app): State<App>,
    WebhookDelivery(delivery): WebhookDelivery<NomaEvent>,
) -> StatusCode {
    let NomaEvent::ContentUpdated(updated) = delivery.event else {
        return StatusCode::NOT_IMPLEMENTED;
    };
    assert_eq!(delivery.body, NOMA, "raw bytes handed over");
    app.seen
        .lock()
        .unwrap()
        .push(format!("noma {}", updated.delivery_id));
    StatusCode::NO_CONTENT
}

async fn layered(
    State(app): State<App>,
    Extension(verified): Extension<Verification>,
    body: Bytes,
) -> String {
    app.seen.lock().unwrap().push("layered".to_owned());
    format!("{:?} {}", verified.secret_index, body.len())
}

fn app() -> (Router, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let nomos_verifier = NomosVerifier::new(["old-secret", SECRET])
        .unwrap()
        .with_clock(FixedClock(NOW));
    let state = App {
        nomos: nomos_verifier.clone(),
        noma: NomaVerifier::new([SECRET])
            .unwrap()
            .with_clock(FixedClock(NOW)),
        seen: seen.clone(),
    };
    let router = Router::new()
        .route("/nomos", post(nomos))
        .route("/noma", post(noma))
        .route("/small", post(nomos).layer(DefaultBodyLimit::max(64)))
        .route(
            "/layered",
            post(layered).route_layer(Verify::new(nomos_verifier)),
        )
        .with_state(state);
    (router, seen)
}

fn nomos_headers(timestamp: u64, body: &[u8]) -> HeaderMap {
    Signer::<Nomos>::new(SECRET)
        .unwrap()
        .sign(timestamp, "", body)
        .unwrap()
}

fn request(path: &str, headers: HeaderMap, body: Body) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .body(body)
        .unwrap();
    *request.headers_mut() = headers;
    request
}

/// Sends one request and returns the status, content type and body.
async fn send(router: &Router, request: Request<Body>) -> (StatusCode, Option<String>, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_owned());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        content_type,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

async fn refused(router: &Router, request: Request<Body>) -> (StatusCode, String) {
    let (status, content_type, body) = send(router, request).await;
    assert_eq!(
        content_type.as_deref(),
        Some("application/json"),
        "{status} {body}"
    );
    (status, body)
}

fn error(code: &str) -> String {
    format!(r#"{{"error":"{code}"}}"#)
}

#[tokio::test]
async fn valid_deliveries_reach_the_handler_with_the_right_variant() {
    let (router, seen) = app();
    let (status, _, _) = send(
        &router,
        request("/nomos", nomos_headers(NOW, NOMOS), Body::from(NOMOS)),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let noma_headers = Signer::<Noma>::new(SECRET)
        .unwrap()
        .sign(0, "", NOMA)
        .unwrap();
    let (status, _, _) = send(&router, request("/noma", noma_headers, Body::from(NOMA))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    assert_eq!(*seen.lock().unwrap(), ["nomos sub_1", "noma d1"]);
}

#[tokio::test]
async fn every_refusal_has_its_status_and_exact_code_and_never_runs_the_handler() {
    let (router, seen) = app();
    let mut tampered = NOMOS.to_vec();
    tampered[10] ^= 1;
    let garbage = b"this is not json";
    let mut repeated = nomos_headers(NOW, NOMOS);
    repeated.append("x-nomos-signature", repeated["x-nomos-signature"].clone());
    let mut malformed = HeaderMap::new();
    malformed.insert("x-nomos-signature", "t=now,v1=abc".parse().unwrap());

    let cases: Vec<(&str, HeaderMap, Vec<u8>, StatusCode, &str)> = vec![
        (
            "forged",
            nomos_headers(NOW, NOMOS),
            tampered,
            StatusCode::UNAUTHORIZED,
            "signature_mismatch",
        ),
        (
            "stale",
            nomos_headers(NOW - 301, NOMOS),
            NOMOS.to_vec(),
            StatusCode::UNAUTHORIZED,
            "timestamp_too_old",
        ),
        (
            "future",
            nomos_headers(NOW + 301, NOMOS),
            NOMOS.to_vec(),
            StatusCode::UNAUTHORIZED,
            "timestamp_in_future",
        ),
        (
            "missing header",
            HeaderMap::new(),
            NOMOS.to_vec(),
            StatusCode::BAD_REQUEST,
            "missing_header",
        ),
        (
            "malformed header",
            malformed,
            NOMOS.to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_header",
        ),
        (
            "repeated header",
            repeated,
            NOMOS.to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_header",
        ),
        (
            "authentic garbage",
            nomos_headers(NOW, garbage),
            garbage.to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_payload",
        ),
    ];
    for (name, headers, body, status, code) in cases {
        for path in ["/nomos", "/layered"] {
            let expected = if path == "/layered" && code == "invalid_payload" {
                // The layer does not parse: an authentic body passes it.
                continue;
            } else {
                (status, error(code))
            };
            assert_eq!(
                refused(
                    &router,
                    request(path, headers.clone(), Body::from(body.clone()))
                )
                .await,
                expected,
                "{name} at {path}"
            );
        }
    }
    assert!(
        seen.lock().unwrap().is_empty(),
        "handler ran: {:?}",
        seen.lock().unwrap()
    );
}

/// A body that arrives in chunks without `Content-Length`, and may fail.
struct Chunks(VecDeque<Result<Bytes, std::io::Error>>);

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Ready(self.0.pop_front().map(|chunk| chunk.map(Frame::data)))
    }
}

fn chunked(chunks: impl IntoIterator<Item = Result<Bytes, std::io::Error>>) -> Body {
    Body::new(Chunks(chunks.into_iter().collect()))
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_with_or_without_content_length() {
    let (router, seen) = app();
    let big = vec![b'x'; 1024 * 1024 + 1];
    let headers = nomos_headers(NOW, &big);

    let mut declared = headers.clone();
    declared.insert("content-length", big.len().to_string().parse().unwrap());
    for path in ["/nomos", "/layered"] {
        let (status, body) = refused(
            &router,
            request(path, declared.clone(), Body::from(big.clone())),
        )
        .await;
        assert_eq!(
            (status, body),
            (StatusCode::PAYLOAD_TOO_LARGE, error("payload_too_large")),
            "{path}"
        );

        let in_chunks = chunked(
            big.chunks(64 * 1024)
                .map(|chunk| Ok(Bytes::copy_from_slice(chunk))),
        );
        let (status, body) = refused(&router, request(path, headers.clone(), in_chunks)).await;
        assert_eq!(
            (status, body),
            (StatusCode::PAYLOAD_TOO_LARGE, error("payload_too_large")),
            "{path} chunked"
        );
    }

    // A lie in Content-Length is refused before a byte is read.
    let mut lying = nomos_headers(NOW, NOMOS);
    lying.insert("content-length", "999999999".parse().unwrap());
    let (status, _) = refused(&router, request("/nomos", lying, chunked([]))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // The route's DefaultBodyLimit applies when it is the smaller one.
    let (status, body) = refused(
        &router,
        request(
            "/small",
            nomos_headers(NOW, NOMOS),
            chunked([Ok(Bytes::from_static(NOMOS))]),
        ),
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::PAYLOAD_TOO_LARGE, error("payload_too_large"))
    );

    // Exactly at the limit is read and verified (it is not a Nomos event).
    let at_limit = vec![b' '; 1024 * 1024];
    let (status, body) = refused(
        &router,
        request(
            "/nomos",
            nomos_headers(NOW, &at_limit),
            Body::from(at_limit),
        ),
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::BAD_REQUEST, error("invalid_payload"))
    );
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_body_that_fails_mid_stream_gets_an_answer() {
    let (router, seen) = app();
    for path in ["/nomos", "/layered"] {
        let failing = chunked([
            Ok(Bytes::from_static(&NOMOS[..20])),
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "client went away",
            )),
        ]);
        let (status, body) =
            refused(&router, request(path, nomos_headers(NOW, NOMOS), failing)).await;
        assert_eq!(
            (status, body),
            (StatusCode::BAD_REQUEST, error("invalid_payload")),
            "{path}"
        );
    }
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_layer_restores_the_body_and_adds_the_verification() {
    let (router, seen) = app();
    let (status, _, body) = send(
        &router,
        request(
            "/layered",
            nomos_headers(NOW, NOMOS),
            chunked([Ok(Bytes::from_static(NOMOS))]),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        format!("Some(1) {}", NOMOS.len()),
        "second secret matched, all bytes restored"
    );
    assert_eq!(*seen.lock().unwrap(), ["layered"]);

    // Another method gets the router's own 405, not a webhook refusal.
    let get = Request::builder()
        .method(Method::GET)
        .uri("/layered")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&router, get).await.0, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn a_real_socket_round_trip() {
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    let (router, seen) = app();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let client = Client::builder(TokioExecutor::new()).build_http::<http_body_util::Full<Bytes>>();
    let mut answers = Vec::new();
    for (body, timestamp) in [(NOMOS, NOW), (&b"{}"[..], NOW), (NOMOS, NOW - 1000)] {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(format!("http://{address}/nomos"))
            .body(http_body_util::Full::new(Bytes::from_static(body)))
            .unwrap();
        request
            .headers_mut()
            .extend(nomos_headers(timestamp, NOMOS));
        let response = client.request(request).await.unwrap();
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        answers.push((status, String::from_utf8(body.to_vec()).unwrap()));
    }
    server.abort();
    assert_eq!(
        answers,
        [
            (204, String::new()),
            (401, error("signature_mismatch")),
            (401, error("timestamp_too_old"))
        ]
    );
    assert_eq!(*seen.lock().unwrap(), ["nomos sub_1"]);
}
