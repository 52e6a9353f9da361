//! The `metrics` feature: the exact counters, labels and values a recorder
//! sees when deliveries go through the axum and the actix-web adapters.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use hookguard::metrics::{DUPLICATE, IN_FLIGHT, REFUSED, VERIFIED};
use hookguard::scheme::Nomos;
use hookguard::testing::SignedRequest;
use hookguard::{FixedClock, NomosVerifier};
use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};

const AT: u64 = 1_768_473_000;
const SECRET: &str = "s3cret";

/// A recorder that keeps every series as `name{label=value,…}`.
#[derive(Debug, Default)]
struct Recorded {
    counters: Mutex<BTreeMap<String, Arc<AtomicU64>>>,
    gauges: Mutex<BTreeMap<String, Arc<AtomicU64>>>,
}

fn series(key: &Key) -> String {
    let labels: Vec<String> = key
        .labels()
        .map(|label| format!("{}={}", label.key(), label.value()))
        .collect();
    format!("{}{{{}}}", key.name(), labels.join(","))
}

impl Recorded {
    fn counters(&self) -> BTreeMap<String, u64> {
        let counters = self.counters.lock().unwrap();
        counters
            .iter()
            .map(|(name, value)| (name.clone(), value.load(Ordering::Relaxed)))
            .collect()
    }

    fn gauge(&self, name: &str) -> Option<f64> {
        let gauges = self.gauges.lock().unwrap();
        gauges
            .get(name)
            .map(|value| f64::from_bits(value.load(Ordering::Relaxed)))
    }
}

impl Recorder for Recorded {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}

    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        let mut counters = self.counters.lock().unwrap();
        Counter::from_arc(Arc::clone(counters.entry(series(key)).or_default()))
    }

    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        let mut gauges = self.gauges.lock().unwrap();
        Gauge::from_arc(Arc::clone(gauges.entry(series(key)).or_default()))
    }

    fn register_histogram(&self, _: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::noop()
    }
}

fn verifier() -> NomosVerifier {
    NomosVerifier::new([SECRET])
        .unwrap()
        .with_clock(FixedClock(AT))
}

fn delivery(id: &str) -> SignedRequest<Nomos> {
    let body = format!(r#"{{"id":"{id}","topic":"test.event"}}"#);
    SignedRequest::<Nomos>::new(SECRET, body)
        .unwrap()
        .uri("/nomos")
        .signed_at(AT)
}

/// The deliveries both frameworks get, in order, with the status each
/// must answer: accepted, its retry, a forgery, a stale one, an unsigned one.
fn deliveries() -> Vec<(SignedRequest<Nomos>, u16)> {
    vec![
        (delivery("evt_1"), 204),
        (delivery("evt_1"), 200),
        (
            delivery("evt_2").header("x-nomos-signature", format!("t={AT},v1={}", "0".repeat(64))),
            401,
        ),
        (delivery("evt_3").signed_at(AT - 301), 401),
        (delivery("evt_4").header("x-nomos-signature", "t=1"), 400),
    ]
}

/// What the recorder must hold after `deliveries()`.
fn expected() -> BTreeMap<String, u64> {
    BTreeMap::from([
        (format!("{VERIFIED}{{provider=nomos}}"), 1),
        (format!("{DUPLICATE}{{provider=nomos}}"), 1),
        (
            format!("{REFUSED}{{provider=nomos,code=signature_mismatch}}"),
            1,
        ),
        (
            format!("{REFUSED}{{provider=nomos,code=timestamp_too_old}}"),
            1,
        ),
        (
            format!("{REFUSED}{{provider=nomos,code=malformed_header}}"),
            1,
        ),
    ])
}

/// Runs `future` on a current-thread tokio runtime with `recorded` as the
/// thread's recorder: every request it sends is counted there and nowhere
/// else, so the tests do not see each other's counts.
fn on_tokio(recorded: &Recorded, future: impl std::future::Future<Output = ()>) {
    metrics::with_local_recorder(recorded, || {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(future);
    });
}

/// The status axum answers `request` with.
async fn axum_status(router: &axum::Router, request: SignedRequest<Nomos>) -> u16 {
    use tower::ServiceExt as _;
    let request = request.into_request::<axum::body::Body>().unwrap();
    router
        .clone()
        .oneshot(request)
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn in_flight() -> String {
    format!("{IN_FLIGHT}{{provider=nomos}}")
}

#[test]
fn axum_requests_are_counted_exactly() {
    use axum::Router;
    use axum::http::StatusCode;
    use axum::routing::post;
    use hookguard::axum::{Dedupe, Webhook};
    use hookguard::nomos::NomosEvent;
    use hookguard::replay::ReplayGuard;

    let recorded = Arc::new(Recorded::default());
    let seen_in_flight = Arc::new(Mutex::new(None));
    let (watch, seen) = (Arc::clone(&recorded), Arc::clone(&seen_in_flight));
    let handler = move |Webhook(_): Webhook<NomosEvent>| async move {
        *seen.lock().unwrap() = watch.gauge(&in_flight());
        StatusCode::NO_CONTENT
    };
    let router = Router::new()
        .route(
            "/nomos",
            post(handler).route_layer(Dedupe::<NomosEvent>::new(ReplayGuard::in_memory())),
        )
        .with_state(verifier());
    on_tokio(&recorded, async {
        for (request, status) in deliveries() {
            assert_eq!(axum_status(&router, request).await, status);
        }
    });
    assert_eq!(recorded.counters(), expected());
    assert_eq!(*seen_in_flight.lock().unwrap(), Some(1.0));
    assert_eq!(recorded.gauge(&in_flight()), Some(0.0));
}

#[test]
fn actix_requests_are_counted_exactly() {
    use actix_web::{App, HttpResponse, test, web};
    use hookguard::actix::{Dedupe, Receive, Webhook};
    use hookguard::nomos::NomosEvent;
    use hookguard::replay::ReplayGuard;
    use hookguard::testing::IntoTestRequest as _;

    async fn handler(
        recorded: web::Data<Arc<Recorded>>,
        seen: web::Data<Mutex<Option<f64>>>,
        Webhook(_): Webhook<NomosEvent>,
    ) -> HttpResponse {
        *seen.lock().unwrap() = recorded.gauge(&in_flight());
        HttpResponse::NoContent().finish()
    }

    let recorded = Arc::new(Recorded::default());
    let seen_in_flight = web::Data::new(Mutex::new(None));
    metrics::with_local_recorder(&*recorded, || {
        actix_web::rt::System::new().block_on(async {
            let app = test::init_service(
                App::new()
                    .app_data(web::Data::new(Arc::clone(&recorded)))
                    .app_data(seen_in_flight.clone())
                    .service(
                        web::resource("/nomos").route(
                            web::post()
                                .to(handler)
                                .wrap(Receive::<NomosEvent>::new(verifier()))
                                .wrap(Dedupe::<NomosEvent>::new(ReplayGuard::in_memory())),
                        ),
                    ),
            )
            .await;
            for (request, status) in deliveries() {
                let request = request.into_test_request().unwrap().to_request();
                let response = test::call_service(&app, request).await;
                assert_eq!(response.status().as_u16(), status);
            }
        });
    });
    assert_eq!(recorded.counters(), expected());
    assert_eq!(*seen_in_flight.lock().unwrap(), Some(1.0));
    assert_eq!(recorded.gauge(&in_flight()), Some(0.0));
}

/// Labels come from fixed sets: whatever an attacker puts in the unsigned
/// headers, path or body, the series stay those of the provider and the
/// error codes.
#[test]
fn an_attacker_cannot_grow_the_number_of_series() {
    use axum::Router;
    use axum::routing::post;
    use hookguard::axum::Webhook;
    use hookguard::nomos::NomosEvent;

    let recorded = Recorded::default();
    let router = Router::new()
        .route("/{*any}", post(|Webhook(_): Webhook<NomosEvent>| async {}))
        .with_state(verifier());
    on_tokio(&recorded, async {
        for attempt in 0..100 {
            let forged = delivery(&format!("evt_attacker_{attempt}"))
                .uri(format!("/path-{attempt}"))
                .header("x-nomos-signature", format!("t={AT},v1={attempt:064x}"))
                .header("x-provider", format!("provider-{attempt}"));
            assert_eq!(axum_status(&router, forged).await, 401);
        }
    });
    assert_eq!(
        recorded.counters(),
        BTreeMap::from([(
            format!("{REFUSED}{{provider=nomos,code=signature_mismatch}}"),
            100
        )])
    );
}

/// `busy` (answered by `hookguard listen` when its output is stalled) and
/// `duplicate` have counters of their own; every other code is a refusal.
#[test]
fn each_answer_lands_in_its_own_counter() {
    use hookguard::Error;
    use hookguard::metrics::BUSY;
    use hookguard::receive::log_refusal;

    let recorded = Recorded::default();
    metrics::with_local_recorder(&recorded, || {
        log_refusal(
            "noma",
            &Error::Busy {
                retry_after_secs: 5,
            },
        );
        log_refusal(
            "noma",
            &Error::Busy {
                retry_after_secs: 5,
            },
        );
        log_refusal("github", &Error::Duplicate);
        log_refusal(
            "stripe",
            &Error::InFlight {
                retry_after_secs: 60,
            },
        );
        log_refusal("stripe", &Error::StoreUnavailable);
        log_refusal("standard", &Error::PayloadTooLarge { limit: 1 });
    });
    assert_eq!(
        recorded.counters(),
        BTreeMap::from([
            (format!("{BUSY}{{provider=noma}}"), 2),
            (format!("{DUPLICATE}{{provider=github}}"), 1),
            (format!("{REFUSED}{{provider=stripe,code=in_flight}}"), 1),
            (
                format!("{REFUSED}{{provider=stripe,code=store_unavailable}}"),
                1
            ),
            (
                format!("{REFUSED}{{provider=standard,code=payload_too_large}}"),
                1
            ),
        ])
    );
}

/// The axum `Verify` layer, which verifies without parsing, counts too.
#[test]
fn the_verify_layer_counts_what_it_accepts_and_refuses() {
    use axum::Router;
    use axum::routing::post;
    use hookguard::axum::Verify;

    let recorded = Recorded::default();
    let router: Router = Router::new()
        .route("/nomos", post(|| async {}))
        .route_layer(Verify::new(verifier()));
    on_tokio(&recorded, async {
        assert_eq!(axum_status(&router, delivery("evt_1")).await, 200);
        let ahead = delivery("evt_2").signed_at(AT + 301);
        assert_eq!(axum_status(&router, ahead).await, 401);
    });
    assert_eq!(
        recorded.counters(),
        BTreeMap::from([
            (format!("{VERIFIED}{{provider=nomos}}"), 1),
            (
                format!("{REFUSED}{{provider=nomos,code=timestamp_in_future}}"),
                1
            ),
        ])
    );
}
