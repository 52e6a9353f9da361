//! The replay guard through both adapters: a duplicate answers 200 without
//! running the handler; a handler that fails or panics releases the claim so
//! the retry runs it; two concurrent deliveries of one id run it once.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::FutureExt as _;
use hookguard::nomos::NomosEvent;
use hookguard::replay::ReplayGuard;
use hookguard::scheme::Nomos;
use hookguard::{FixedClock, NomosVerifier, Signer};

const NOW: u64 = 1_768_473_000;
const SECRET: &str = "replay-secret";

/// Calls per subscription id; the id also says how the handler behaves.
type Calls = Arc<Mutex<HashMap<String, usize>>>;

fn verifier() -> NomosVerifier {
    NomosVerifier::new([SECRET])
        .unwrap()
        .with_clock(FixedClock(NOW))
}

/// A signed Nomos delivery of event `id` about subscription `behaviour`.
fn delivery(id: &str, behaviour: &str) -> (Vec<(String, String)>, Vec<u8>) {
    let body = format!(r#"{{"id":"{id}","timestamp":"2026-01-15T10:30:00Z","topic":"subscription.ended","context":{{"subscription":"{behaviour}"}}}}"#).into_bytes();
    let headers = Signer::<Nomos>::new(SECRET)
        .unwrap()
        .sign(NOW, "", &body)
        .unwrap();
    let headers = headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect();
    (headers, body)
}

/// What the handler does: counts the call, then behaves as told.
async fn behave(calls: &Calls, event: &NomosEvent) -> u16 {
    let NomosEvent::SubscriptionEnded(ended) = event else {
        return 418;
    };
    let behaviour = ended.context.subscription.clone();
    *calls.lock().unwrap().entry(ended.id.clone()).or_default() += 1;
    match behaviour.as_str() {
        "fail" => 500,
        "panic" => panic!("handler panicked on purpose"),
        "slow" => {
            tokio::time::sleep(Duration::from_millis(200)).await;
            204
        }
        _ => 204,
    }
}

fn calls_of(calls: &Calls, id: &str) -> usize {
    calls.lock().unwrap().get(id).copied().unwrap_or(0)
}

/// A framework under test: sends a delivery, returns status, body and
/// `Retry-After`, or `None` when the handler panicked.
trait Receiver {
    async fn send(&self, id: &str, behaviour: &str) -> Option<(u16, String, Option<String>)>;
}

async fn guard_rules(receiver: &impl Receiver, calls: &Calls, name: &str) {
    let duplicate = Some((200, r#"{"error":"duplicate"}"#.to_owned(), None));

    assert_eq!(
        receiver.send("evt_ok", "ok").await,
        Some((204, String::new(), None)),
        "{name}: first delivery"
    );
    assert_eq!(
        receiver.send("evt_ok", "ok").await,
        duplicate,
        "{name}: redelivery"
    );
    assert_eq!(calls_of(calls, "evt_ok"), 1, "{name}: handler ran once");

    // A failed handler releases the claim: the retry runs it again.
    assert_eq!(
        receiver.send("evt_fail", "fail").await.unwrap().0,
        500,
        "{name}"
    );
    assert_eq!(
        receiver.send("evt_fail", "ok").await.unwrap().0,
        204,
        "{name}: retry after 500"
    );
    assert_eq!(receiver.send("evt_fail", "ok").await, duplicate, "{name}");
    assert_eq!(calls_of(calls, "evt_fail"), 2, "{name}");

    // So does a panicking one.
    assert_eq!(
        receiver.send("evt_panic", "panic").await,
        None,
        "{name}: the handler panicked"
    );
    assert_eq!(
        receiver.send("evt_panic", "ok").await.unwrap().0,
        204,
        "{name}: retry after a panic"
    );
    assert_eq!(calls_of(calls, "evt_panic"), 2, "{name}");

    // Two at once: one runs, the other is told to come back later.
    let (first, second) = futures_util::future::join(
        receiver.send("evt_race", "slow"),
        receiver.send("evt_race", "slow"),
    )
    .await;
    let mut answers = [first.unwrap(), second.unwrap()];
    answers.sort();
    assert_eq!(
        answers,
        [
            (204, String::new(), None),
            (
                503,
                r#"{"error":"in_flight"}"#.to_owned(),
                Some("60".to_owned())
            )
        ],
        "{name}: concurrent deliveries"
    );
    assert_eq!(
        calls_of(calls, "evt_race"),
        1,
        "{name}: handler ran once for two concurrent deliveries"
    );
    assert_eq!(receiver.send("evt_race", "slow").await, duplicate, "{name}");

    // A request dropped while its handler runs (the client went away, a
    // timeout fired) releases the claim: the retry runs the handler.
    let dropped = tokio::time::timeout(
        Duration::from_millis(50),
        receiver.send("evt_dropped", "slow"),
    )
    .await;
    assert!(dropped.is_err(), "{name}: the slow delivery was cut off");
    assert_eq!(
        receiver.send("evt_dropped", "ok").await.unwrap().0,
        204,
        "{name}: retry after a dropped request"
    );
    assert_eq!(calls_of(calls, "evt_dropped"), 2, "{name}");
}

mod axum_adapter {
    use axum::Router;
    use axum::body::Body;
    use axum::extract::State;
    use axum::http::{Request, StatusCode};
    use axum::routing::post;
    use hookguard::axum::{Dedupe, Webhook};
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    use super::*;

    #[derive(Clone)]
    struct App {
        verifier: NomosVerifier,
        calls: Calls,
    }

    impl axum::extract::FromRef<App> for NomosVerifier {
        fn from_ref(app: &App) -> Self {
            app.verifier.clone()
        }
    }

    async fn handler(State(app): State<App>, Webhook(event): Webhook<NomosEvent>) -> StatusCode {
        StatusCode::from_u16(behave(&app.calls, &event).await).unwrap()
    }

    struct Axum(Router);

    impl Receiver for Axum {
        async fn send(&self, id: &str, behaviour: &str) -> Option<(u16, String, Option<String>)> {
            let (headers, body) = delivery(id, behaviour);
            let mut request = Request::post("/nomos").body(Body::from(body)).unwrap();
            for (name, value) in headers {
                request.headers_mut().insert(
                    axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    value.parse().unwrap(),
                );
            }
            let response = AssertUnwindSafe(self.0.clone().oneshot(request))
                .catch_unwind()
                .await
                .ok()?
                .unwrap();
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get("retry-after")
                .map(|value| value.to_str().unwrap().to_owned());
            let body = response.into_body().collect().await.unwrap().to_bytes();
            Some((
                status,
                String::from_utf8(body.to_vec()).unwrap(),
                retry_after,
            ))
        }
    }

    #[tokio::test]
    async fn guard_through_axum() {
        let calls = Calls::default();
        let app = App {
            verifier: verifier(),
            calls: calls.clone(),
        };
        // The verifier is given once, to the state; the layer only guards.
        let layer = Dedupe::<NomosEvent>::new(ReplayGuard::in_memory());
        let router = Router::new()
            .route("/nomos", post(handler).route_layer(layer))
            .with_state(app);
        guard_rules(&Axum(router), &calls, "axum").await;
    }

    /// The WARN logged when a handler behind `Dedupe` ran unguarded, for a
    /// request to `router` whose `Content-Length` says `declared` bytes;
    /// with the status.
    async fn unguarded_warning(router: Router, declared: usize) -> (u16, bool) {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let writer = Arc::clone(&logs);
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || Log(Arc::clone(&writer)))
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        tracing::callsite::rebuild_interest_cache();
        let request = Request::post("/nomos")
            .header("content-length", declared)
            .body(Body::from(vec![b'{'; declared]))
            .unwrap();
        let status = router.oneshot(request).await.unwrap().status().as_u16();
        let logs = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
        (status, logs.contains("ran unguarded"))
    }

    struct Log(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Log {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A body refused by its declared length, before anything is read,
    /// still counts as seen by the extractor: the handler did not run, and
    /// nothing claims it ran unguarded.
    #[tokio::test]
    async fn a_body_refused_by_its_declared_length_is_no_unguarded_handler() {
        let calls = Calls::default();
        let app = App {
            verifier: verifier().with_body_limit(16),
            calls: calls.clone(),
        };
        let router = Router::new()
            .route(
                "/nomos",
                post(handler).route_layer(Dedupe::<NomosEvent>::new(ReplayGuard::in_memory())),
            )
            .with_state(app);
        assert_eq!(unguarded_warning(router, 17).await, (413, false));
        assert!(calls.lock().unwrap().is_empty());

        // The control: a handler that takes no `Webhook` is reported.
        let unguarded = Router::new().route(
            "/nomos",
            post(|| async { StatusCode::NO_CONTENT })
                .route_layer(Dedupe::<NomosEvent>::new(ReplayGuard::in_memory())),
        );
        assert_eq!(unguarded_warning(unguarded, 17).await, (204, true));
    }
}

mod actix_adapter {
    use actix_web::dev::{Service, ServiceResponse};
    use actix_web::{App, HttpResponse, test, web};
    use hookguard::actix::{Dedupe, Receive, Webhook};

    use super::*;

    async fn handler(calls: web::Data<Calls>, Webhook(event): Webhook<NomosEvent>) -> HttpResponse {
        let status = behave(&calls, &event).await;
        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
    }

    struct Actix<S>(S);

    impl<S> Receiver for Actix<S>
    where
        S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    {
        async fn send(&self, id: &str, behaviour: &str) -> Option<(u16, String, Option<String>)> {
            let (headers, body) = delivery(id, behaviour);
            let mut request = test::TestRequest::post().uri("/nomos").set_payload(body);
            for (name, value) in headers {
                request = request.insert_header((name, value));
            }
            let response = AssertUnwindSafe(self.0.call(request.to_request()))
                .catch_unwind()
                .await
                .ok()?
                .unwrap();
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get("retry-after")
                .map(|value| value.to_str().unwrap().to_owned());
            let body = test::read_body(response).await;
            Some((
                status,
                String::from_utf8(body.to_vec()).unwrap(),
                retry_after,
            ))
        }
    }

    #[actix_web::test]
    async fn guard_through_actix() {
        let calls = Calls::default();
        let dedupe = Dedupe::<NomosEvent>::new(ReplayGuard::in_memory());
        let app = test::init_service(
            App::new().app_data(web::Data::new(calls.clone())).service(
                web::resource("/nomos").route(
                    web::post()
                        .to(handler)
                        .wrap(Receive::<NomosEvent>::new(verifier()))
                        .wrap(dedupe),
                ),
            ),
        )
        .await;
        guard_rules(&Actix(app), &calls, "actix").await;
    }

    #[actix_web::test]
    async fn guard_through_actix_extractor_alone() {
        let calls = Calls::default();
        let dedupe = Dedupe::<NomosEvent>::new(ReplayGuard::in_memory());
        let app = test::init_service(
            App::new()
                .app_data(web::Data::new(calls.clone()))
                .app_data(web::Data::new(verifier()))
                .service(web::resource("/nomos").route(web::post().to(handler).wrap(dedupe))),
        )
        .await;
        guard_rules(&Actix(app), &calls, "actix extractor").await;
    }
}

/// Issue 12, defect 1: `X-GitHub-Delivery` is not signed, so a captured
/// delivery resent under new (large) delivery ids ran again every time.
/// The replay key is now the body's digest: the handler runs once.
mod github_replays {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::Router;
    use axum::body::Body;
    use axum::extract::State;
    use axum::http::{Request, StatusCode};
    use axum::routing::post;
    use hookguard::GitHubVerifier;
    use hookguard::axum::{Dedupe, Webhook};
    use hookguard::generic::GitHubEvent;
    use hookguard::scheme::GitHub;
    use tower::ServiceExt as _;

    use super::*;

    #[derive(Clone)]
    struct App {
        verifier: GitHubVerifier,
        runs: Arc<AtomicUsize>,
    }

    impl axum::extract::FromRef<App> for GitHubVerifier {
        fn from_ref(app: &App) -> Self {
            app.verifier.clone()
        }
    }

    async fn handler(State(app): State<App>, Webhook(_event): Webhook<GitHubEvent>) -> StatusCode {
        app.runs.fetch_add(1, Ordering::SeqCst);
        StatusCode::NO_CONTENT
    }

    #[tokio::test]
    async fn github_replay_with_forged_delivery_ids_runs_the_handler_once() {
        let runs = Arc::new(AtomicUsize::new(0));
        let app = App {
            verifier: GitHubVerifier::new(["gh-secret"]).unwrap(),
            runs: Arc::clone(&runs),
        };
        let router = Router::new()
            .route(
                "/github",
                post(handler).route_layer(Dedupe::<GitHubEvent>::new(ReplayGuard::in_memory())),
            )
            .with_state(app);
        let body = br#"{"action":"opened","number":1}"#;
        let signed = Signer::<GitHub>::new("gh-secret")
            .unwrap()
            .sign(0, "original-guid", body)
            .unwrap();
        let mut answers = HashMap::new();
        for attempt in 0..200 {
            let mut request = Request::post("/github")
                .body(Body::from(&body[..]))
                .unwrap();
            for (name, value) in &signed {
                request.headers_mut().insert(name, value.clone());
            }
            // Every replay but the first carries a new, 60 KB delivery id.
            if attempt > 0 {
                let forged = format!("{attempt}-{}", "x".repeat(60 * 1024));
                request
                    .headers_mut()
                    .insert("x-github-delivery", forged.parse().unwrap());
            }
            let response = router.clone().oneshot(request).await.unwrap();
            *answers.entry(response.status().as_u16()).or_insert(0) += 1;
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1, "the handler ran once");
        assert_eq!(
            answers,
            HashMap::from([(204, 1), (200, 199)]),
            "one run, then 199 `duplicate` answers"
        );
    }
}

/// Noma's opt-in dedupe key (SPEC §7): the three attempts of one event
/// (each with a new `delivery_id` and `timestamp`) run the handler once, in
/// one line of wiring, in both adapters; the default shield runs each.
mod noma_dedupe {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use hookguard::noma::{self, NomaEvent};
    use hookguard::scheme::Noma;
    use hookguard::{NomaVerifier, Signer};

    use super::*;

    fn noma_verifier() -> NomaVerifier {
        NomaVerifier::new([SECRET])
            .unwrap()
            .with_clock(FixedClock(NOW))
    }

    /// Attempt `attempt` (0, 1, 2: 30 s apart, as Noma retries) of a
    /// `content.updated` whose title is `title`.
    fn attempt(attempt: usize, title: &str) -> Sent {
        // NOW is 10:30:00; the attempts are 60, 30 and 0 s before it.
        let sent = ["10:29:00", "10:29:30", "10:30:00"][attempt];
        let sent = format!("2026-01-15T{sent}+00:00");
        let body = format!(r#"{{"event":"content.updated","project_uuid":"p","collection_id":1,"content_id":2,"content_entry":{{"uuid":"u","locale":"en","published_at":null,"fields":{{"title":"{title}"}}}},"timestamp":"{sent}","delivery_id":"delivery-{attempt}-{title}"}}"#).into_bytes();
        let headers = Signer::<Noma>::new(SECRET)
            .unwrap()
            .sign(0, "", &body)
            .unwrap();
        let headers = headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
            .collect();
        (headers, body)
    }

    /// Each attempt's status, then a different event's.
    fn expected(opted_in: bool) -> Vec<u16> {
        if opted_in {
            vec![204, 200, 200, 204]
        } else {
            vec![204, 204, 204, 204]
        }
    }

    /// Headers and body of one delivery.
    type Sent = (Vec<(String, String)>, Vec<u8>);

    fn deliveries() -> Vec<Sent> {
        vec![
            attempt(0, "Hello"),
            attempt(1, "Hello"),
            attempt(2, "Hello"),
            attempt(2, "Other"),
        ]
    }

    mod axum_adapter {
        use axum::Router;
        use axum::body::Body;
        use axum::extract::State;
        use axum::http::{Request, StatusCode};
        use axum::routing::post;
        use hookguard::axum::{Dedupe, Webhook};
        use http_body_util::BodyExt as _;
        use tower::ServiceExt as _;

        use super::*;

        #[derive(Clone)]
        struct App {
            verifier: NomaVerifier,
            runs: Arc<AtomicUsize>,
        }

        impl axum::extract::FromRef<App> for NomaVerifier {
            fn from_ref(app: &App) -> Self {
                app.verifier.clone()
            }
        }

        async fn handler(
            State(app): State<App>,
            Webhook(_event): Webhook<NomaEvent>,
        ) -> StatusCode {
            app.runs.fetch_add(1, Ordering::SeqCst);
            StatusCode::NO_CONTENT
        }

        async fn run(opted_in: bool) -> (Vec<u16>, usize) {
            let runs = Arc::new(AtomicUsize::new(0));
            let mut dedupe = Dedupe::<NomaEvent>::new(ReplayGuard::in_memory());
            if opted_in {
                dedupe = dedupe.with_key(noma::dedupe_key);
            }
            let router = Router::new()
                .route("/noma", post(handler).route_layer(dedupe))
                .with_state(App {
                    verifier: noma_verifier(),
                    runs: Arc::clone(&runs),
                });
            let mut statuses = Vec::new();
            for (headers, body) in deliveries() {
                let mut request = Request::post("/noma").body(Body::from(body)).unwrap();
                for (name, value) in headers {
                    request.headers_mut().insert(
                        axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                        value.parse().unwrap(),
                    );
                }
                let response = router.clone().oneshot(request).await.unwrap();
                let status = response.status().as_u16();
                let body = response.into_body().collect().await.unwrap().to_bytes();
                if status == 200 {
                    assert_eq!(&body[..], br#"{"error":"duplicate"}"#);
                }
                statuses.push(status);
            }
            (statuses, runs.load(Ordering::SeqCst))
        }

        #[tokio::test]
        async fn the_three_attempts_of_one_noma_event_run_once_when_opted_in() {
            assert_eq!(run(true).await, (expected(true), 2));
            assert_eq!(run(false).await, (expected(false), 4), "the default shield");
        }
    }

    mod actix_adapter {
        use actix_web::{App, HttpResponse, test, web};
        use hookguard::actix::{Dedupe, Webhook};

        use super::*;

        async fn handler(
            runs: web::Data<AtomicUsize>,
            Webhook(_event): Webhook<NomaEvent>,
        ) -> HttpResponse {
            runs.fetch_add(1, Ordering::SeqCst);
            HttpResponse::NoContent().finish()
        }

        async fn run(opted_in: bool) -> (Vec<u16>, usize) {
            let runs = web::Data::new(AtomicUsize::new(0));
            let mut dedupe = Dedupe::<NomaEvent>::new(ReplayGuard::in_memory());
            if opted_in {
                dedupe = dedupe.with_key(noma::dedupe_key);
            }
            let app = test::init_service(
                App::new()
                    .app_data(runs.clone())
                    .app_data(web::Data::new(noma_verifier()))
                    .service(web::resource("/noma").route(web::post().to(handler).wrap(dedupe))),
            )
            .await;
            let mut statuses = Vec::new();
            for (headers, body) in deliveries() {
                let mut request = test::TestRequest::post().uri("/noma").set_payload(body);
                for (name, value) in headers {
                    request = request.insert_header((name, value));
                }
                let response = test::call_service(&app, request.to_request()).await;
                let status = response.status().as_u16();
                let body = test::read_body(response).await;
                if status == 200 {
                    assert_eq!(&body[..], br#"{"error":"duplicate"}"#);
                }
                statuses.push(status);
            }
            (statuses, runs.load(Ordering::SeqCst))
        }

        #[actix_web::test]
        async fn the_three_attempts_of_one_noma_event_run_once_when_opted_in() {
            assert_eq!(run(true).await, (expected(true), 2));
            assert_eq!(run(false).await, (expected(false), 4), "the default shield");
        }
    }
}
