//! The shared request corpus (`tests/corpus`) against every adapter: axum's
//! extractor, actix-web's middleware, and actix-web's extractor alone. Each
//! answers each request with the same status and body, and runs the handler
//! for exactly the same requests.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

mod corpus;

use std::sync::{Arc, Mutex};

use corpus::{Case, cases, noma_verifier, nomos_verifier, slack_verifier};
use hookguard::generic::SlackEvent;
use hookguard::noma::NomaEvent;
use hookguard::nomos::NomosEvent;
use hookguard::{Event, NomaVerifier, NomosVerifier, SlackVerifier};

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

fn record_slack(seen: &Seen, event: &SlackEvent) {
    seen.lock().unwrap().push(describe("slack", event, false));
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
        slack: SlackVerifier,
        seen: Seen,
    }

    impl FromRef<App> for SlackVerifier {
        fn from_ref(app: &App) -> Self {
            app.slack.clone()
        }
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

    async fn slack(State(app): State<App>, Webhook(event): Webhook<SlackEvent>) -> StatusCode {
        record_slack(&app.seen, &event);
        StatusCode::NO_CONTENT
    }

    #[tokio::test]
    async fn answers_the_corpus() {
        let seen = Seen::default();
        let app = App {
            nomos: nomos_verifier(),
            noma: noma_verifier(),
            slack: slack_verifier(),
            seen: seen.clone(),
        };
        let router = Router::new()
            .route("/nomos", post(nomos))
            .route("/noma", post(noma))
            .route("/slack", post(slack))
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

    async fn slack(seen: web::Data<Seen>, Webhook(event): Webhook<SlackEvent>) -> HttpResponse {
        record_slack(&seen, &event);
        HttpResponse::NoContent().finish()
    }

    async fn run(target: &str, with_middleware: bool) {
        let seen = Seen::default();
        let mut app = App::new().app_data(web::Data::new(seen.clone()));
        if !with_middleware {
            app = app
                .app_data(web::Data::new(nomos_verifier()))
                .app_data(web::Data::new(noma_verifier()))
                .app_data(web::Data::new(slack_verifier()));
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
            )
            .service(
                web::resource("/slack").route(web::post().to(slack).wrap(Condition::new(
                    with_middleware,
                    Receive::<SlackEvent>::new(slack_verifier()),
                ))),
            ),
        )
        .await;
        for case in cases() {
            let mut request = test::TestRequest::post()
                .uri(case.path)
                .set_payload(case.body.clone());
            for (name, value) in &case.headers {
                // `set_payload` declared a length already: a case's own
                // declaration replaces it rather than repeating the field.
                request = if name == "content-length" {
                    request.insert_header((name.as_str(), value.as_str()))
                } else {
                    request.append_header((name.as_str(), value.as_str()))
                };
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
    async fn verify_middleware_hands_on_the_exact_bytes_and_refuses_forgeries() {
        use hookguard::Verification;
        use hookguard::actix::Verify;

        async fn raw(verified: web::ReqData<Verification>, body: web::Bytes) -> String {
            format!(
                "secret {:?} at {:?}: {}",
                verified.secret_index,
                verified.timestamp,
                String::from_utf8_lossy(&body)
            )
        }
        let app = test::init_service(App::new().service(
            web::resource("/nomos").route(web::post().to(raw).wrap(Verify::new(nomos_verifier()))),
        ))
        .await;
        let send = |headers: &[(String, String)], body: Vec<u8>| {
            let mut request = test::TestRequest::post().uri("/nomos").set_payload(body);
            for (name, value) in headers {
                request = request.append_header((name.as_str(), value.as_str()));
            }
            request.to_request()
        };
        let valid = &cases()[0];

        let response = test::call_service(&app, send(&valid.headers, valid.body.clone())).await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(
            test::read_body(response).await,
            format!(
                "secret Some(0) at Some({}): {}",
                corpus::NOW,
                String::from_utf8_lossy(corpus::NOMOS)
            )
        );

        let mut forged = valid.body.clone();
        forged[10] ^= 1;
        let response = test::call_service(&app, send(&valid.headers, forged)).await;
        assert_eq!(response.status().as_u16(), 401);
        assert_eq!(
            test::read_body(response).await,
            r#"{"error":"signature_mismatch"}"#.as_bytes()
        );

        let response = test::call_service(&app, send(&[], valid.body.clone())).await;
        assert_eq!(response.status().as_u16(), 400);
        assert_eq!(
            test::read_body(response).await,
            r#"{"error":"missing_header"}"#.as_bytes()
        );

        let oversized = vec![b' '; corpus::LIMIT + 1];
        let response = test::call_service(&app, send(&valid.headers, oversized)).await;
        assert_eq!(response.status().as_u16(), 413);
        assert_eq!(
            test::read_body(response).await,
            r#"{"error":"payload_too_large"}"#.as_bytes()
        );

        let get =
            test::call_service(&app, test::TestRequest::get().uri("/nomos").to_request()).await;
        assert_eq!(get.status().as_u16(), 405);
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

/// Issue 12, defect 5: over a real socket, a client that declares more than
/// it sends and half-closes its side was accepted by actix (axum answered
/// 400). Both must answer 400 `invalid_payload`, and no handler runs.
mod half_closed_body {
    use std::io::{Read as _, Write as _};
    use std::net::{Shutdown, SocketAddr, TcpStream};
    use std::time::Duration;

    use super::*;

    /// Sends `body` under a `Content-Length` 7 bytes too long, half-closes,
    /// and returns the whole answer.
    fn send_cut_short(address: SocketAddr) -> String {
        let headers = corpus::cases()
            .into_iter()
            .find(|case| case.name == "/nomos valid")
            .unwrap()
            .headers;
        let body = corpus::NOMOS;
        let mut stream = TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut head = format!(
            "POST /nomos HTTP/1.1\r\nhost: test\r\nconnection: close\r\ncontent-length: {}\r\n",
            body.len() + 7
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        stream.shutdown(Shutdown::Write).unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    }

    fn assert_refused(target: &str, answer: &str, seen: &Seen) {
        assert!(answer.starts_with("HTTP/1.1 400"), "{target}: {answer:?}");
        assert!(
            answer.ends_with(r#"{"error":"invalid_payload"}"#),
            "{target}: {answer:?}"
        );
        assert!(seen.lock().unwrap().is_empty(), "{target}: handler ran");
    }

    #[actix_web::test]
    async fn actix_refuses_a_body_cut_short_by_a_half_close() {
        use actix_web::{App, HttpResponse, HttpServer, web};
        use hookguard::actix::Webhook;

        async fn nomos(seen: web::Data<Seen>, Webhook(event): Webhook<NomosEvent>) -> HttpResponse {
            record_nomos(&seen, &event);
            HttpResponse::NoContent().finish()
        }
        let seen = Seen::default();
        let data = web::Data::new(seen.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::Data::new(nomos_verifier()))
                .route("/nomos", web::post().to(nomos))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap();
        let address = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        let answer = actix_web::rt::task::spawn_blocking(move || send_cut_short(address))
            .await
            .unwrap();
        handle.stop(false).await;
        assert_refused("actix", &answer, &seen);
    }

    #[tokio::test]
    async fn axum_refuses_a_body_cut_short_by_a_half_close() {
        use axum::extract::State;
        use axum::http::StatusCode;
        use hookguard::axum::Webhook;

        async fn nomos(
            State(seen): State<Seen>,
            Webhook(event): Webhook<NomosEvent>,
        ) -> StatusCode {
            record_nomos(&seen, &event);
            StatusCode::NO_CONTENT
        }
        #[derive(Clone)]
        struct App(Seen, NomosVerifier);
        impl axum::extract::FromRef<App> for Seen {
            fn from_ref(app: &App) -> Self {
                app.0.clone()
            }
        }
        impl axum::extract::FromRef<App> for NomosVerifier {
            fn from_ref(app: &App) -> Self {
                app.1.clone()
            }
        }
        let seen = Seen::default();
        let router = axum::Router::new()
            .route("/nomos", axum::routing::post(nomos))
            .with_state(App(seen.clone(), nomos_verifier()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, router).await });
        let answer = tokio::task::spawn_blocking(move || send_cut_short(address))
            .await
            .unwrap();
        server.abort();
        assert_refused("axum", &answer, &seen);
    }
}
