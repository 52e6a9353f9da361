//! The shared request corpus (`tests/corpus`) against every adapter: axum's
//! extractor, actix-web's middleware, and actix-web's extractor alone. Each
//! answers each request with the same status and body, and runs the handler
//! for exactly the same requests.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

mod corpus;

use std::sync::{Arc, Mutex};

use corpus::{Case, cases, noma_verifier, nomos_verifier};
use hookguard::noma::NomaEvent;
use hookguard::nomos::NomosEvent;
use hookguard::{Event, NomaVerifier, NomosVerifier};

/// What the handlers saw, in order.
type Seen = Arc<Mutex<Vec<String>>>;

fn describe<E: Event>(provider: &str, event: &E, unknown: bool) -> String {
    let topic = event.topic_name().unwrap_or("-");
    if unknown {
        format!("{provider} unknown {topic}")
    } else {
        format!("{provider} {topic}")
    }
}

fn record_nomos(seen: &Seen, event: &NomosEvent) {
    let unknown = matches!(event, NomosEvent::Unknown { .. });
    seen.lock().unwrap().push(describe("nomos", event, unknown));
}

fn record_noma(seen: &Seen, event: &NomaEvent) {
    let unknown = matches!(event, NomaEvent::Unknown { .. });
    seen.lock().unwrap().push(describe("noma", event, unknown));
}

/// Checks one answer against its case, and what the handler recorded.
fn check(target: &str, case: &Case, status: u16, body: &[u8], seen: &Seen) {
    let handled = seen.lock().unwrap().drain(..).collect::<Vec<_>>();
    assert_eq!(
        (status, String::from_utf8_lossy(body).into_owned(), handled),
        (
            case.status,
            case.response.clone(),
            case.handled.clone().into_iter().collect()
        ),
        "{target}: {}",
        case.name
    );
}

mod axum_adapter {
    use axum::Router;
    use axum::body::Body;
    use axum::extract::{FromRef, State};
    use axum::http::{Request, StatusCode};
    use axum::routing::post;
    use hookguard::axum::Webhook;
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    use super::*;

    #[derive(Clone)]
    struct App {
        nomos: NomosVerifier,
        noma: NomaVerifier,
        seen: Seen,
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
        record_nomos(&app.seen, &event);
        StatusCode::NO_CONTENT
    }

    async fn noma(State(app): State<App>, Webhook(event): Webhook<NomaEvent>) -> StatusCode {
        record_noma(&app.seen, &event);
        StatusCode::NO_CONTENT
    }

    #[tokio::test]
    async fn answers_the_corpus() {
        let seen = Seen::default();
        let app = App {
            nomos: nomos_verifier(),
            noma: noma_verifier(),
            seen: seen.clone(),
        };
        let router = Router::new()
            .route("/nomos", post(nomos))
            .route("/noma", post(noma))
            .with_state(app);
        for case in cases() {
            let mut request = Request::post(case.path)
                .body(Body::from(case.body.clone()))
                .unwrap();
            for (name, value) in &case.headers {
                request.headers_mut().append(
                    axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    value.parse().unwrap(),
                );
            }
            let response = router.clone().oneshot(request).await.unwrap();
            let status = response.status().as_u16();
            if !case.response.is_empty() {
                assert_eq!(
                    response.headers()["content-type"],
                    "application/json",
                    "{}",
                    case.name
                );
            }
            let body = response.into_body().collect().await.unwrap().to_bytes();
            check("axum", &case, status, &body, &seen);
        }
        let get = router
            .clone()
            .oneshot(Request::get("/nomos").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED, "axum: GET");
    }
}

mod actix_adapter {
    use actix_web::middleware::Condition;
    use actix_web::{App, HttpResponse, test, web};
    use hookguard::actix::{Receive, Webhook};

    use super::*;

    async fn nomos(seen: web::Data<Seen>, Webhook(event): Webhook<NomosEvent>) -> HttpResponse {
        record_nomos(&seen, &event);
        HttpResponse::NoContent().finish()
    }

    async fn noma(seen: web::Data<Seen>, Webhook(event): Webhook<NomaEvent>) -> HttpResponse {
        record_noma(&seen, &event);
        HttpResponse::NoContent().finish()
    }

    async fn run(target: &str, with_middleware: bool) {
        let seen = Seen::default();
        let mut app = App::new().app_data(web::Data::new(seen.clone()));
        if !with_middleware {
            app = app
                .app_data(web::Data::new(nomos_verifier()))
                .app_data(web::Data::new(noma_verifier()));
        }
        // The middleware wraps the route inside a resource, so other methods get 405.
        let app = test::init_service(
            app.service(
                web::resource("/nomos").route(web::post().to(nomos).wrap(Condition::new(
                    with_middleware,
                    Receive::<NomosEvent>::new(nomos_verifier()),
                ))),
            )
            .service(
                web::resource("/noma").route(web::post().to(noma).wrap(Condition::new(
                    with_middleware,
                    Receive::<NomaEvent>::new(noma_verifier()),
                ))),
            ),
        )
        .await;
        for case in cases() {
            let mut request = test::TestRequest::post()
                .uri(case.path)
                .set_payload(case.body.clone());
            for (name, value) in &case.headers {
                request = request.append_header((name.as_str(), value.as_str()));
            }
            let response = test::call_service(&app, request.to_request()).await;
            let status = response.status().as_u16();
            if !case.response.is_empty() {
                assert_eq!(
                    response.headers().get("content-type").unwrap(),
                    "application/json",
                    "{}",
                    case.name
                );
            }
            let body = test::read_body(response).await;
            check(target, &case, status, &body, &seen);
        }
        // Another method gets the framework's own 405, not a webhook refusal.
        let get =
            test::call_service(&app, test::TestRequest::get().uri("/nomos").to_request()).await;
        assert_eq!(get.status().as_u16(), 405, "{target}: GET");
    }

    #[actix_web::test]
    async fn middleware_answers_the_corpus() {
        run("actix middleware", true).await;
    }

    #[actix_web::test]
    async fn extractor_alone_answers_the_corpus() {
        run("actix extractor", false).await;
    }

    #[actix_web::test]
    async fn middleware_puts_the_exact_bytes_back() {
        // A handler reads the payload once: one route per body extractor.
        async fn bytes(Webhook(event): Webhook<NomosEvent>, body: web::Bytes) -> String {
            format!("{} {}", event.topic(), String::from_utf8_lossy(&body))
        }
        async fn json(body: web::Json<serde_json::Value>) -> String {
            body["id"].to_string()
        }
        let verify = Receive::<NomosEvent>::new(nomos_verifier());
        let app = test::init_service(
            App::new()
                .route("/bytes", web::post().to(bytes).wrap(verify.clone()))
                .route("/json", web::post().to(json).wrap(verify)),
        )
        .await;
        let valid = &cases()[0];
        let expected = format!(
            "subscription.created {}",
            String::from_utf8_lossy(corpus::NOMOS)
        );
        for (path, expected) in [("/bytes", expected.as_str()), ("/json", r#""evt_1""#)] {
            let mut request = test::TestRequest::post()
                .uri(path)
                .insert_header(("content-type", "application/json"))
                .set_payload(valid.body.clone());
            for (name, value) in &valid.headers {
                request = request.append_header((name.as_str(), value.as_str()));
            }
            let response = test::call_service(&app, request.to_request()).await;
            assert_eq!(response.status().as_u16(), 200, "{path}");
            assert_eq!(
                test::read_body(response).await,
                expected.as_bytes(),
                "{path}"
            );
        }
    }

    #[actix_web::test]
    async fn extractor_without_a_verifier_fails_closed() {
        let seen = Seen::default();
        let app = test::init_service(
            App::new()
                .app_data(web::Data::new(seen.clone()))
                .route("/nomos", web::post().to(nomos)),
        )
        .await;
        let valid = &cases()[0];
        let mut request = test::TestRequest::post()
            .uri("/nomos")
            .set_payload(valid.body.clone());
        for (name, value) in &valid.headers {
            request = request.append_header((name.as_str(), value.as_str()));
        }
        let response = test::call_service(&app, request.to_request()).await;
        assert_eq!(response.status().as_u16(), 500);
        assert_eq!(
            test::read_body(response).await,
            r#"{"error":"misconfigured"}"#
        );
        assert!(seen.lock().unwrap().is_empty());
    }
}
