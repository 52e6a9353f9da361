//! The client against a fake Noma API on 127.0.0.1: the exact requests it
//! sends, the documented answers, and hostile ones.

#![allow(clippy::unwrap_used)]

#[path = "support/fake_noma.rs"]
mod fake_noma;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use fake_noma::{ADMIN_TOKEN, FakeNoma, Hostile, PROJECT, READER_TOKEN};
use hookguard_noma_api::{
    ApiToken, Client, Error, Event, FieldError, Resolution, Resolve, Source, WebhookDefinition,
    WebhookSecret,
};
use serde_json::json;

const SECRET: &str = "k3Xq9vT2mP8rL5wN1bY7cF4hJ6dS0aGzE-uI_oQx2Zs";

/// Every name resolves to one public address, so no test needs DNS.
#[derive(Debug)]
struct PublicDns;

impl Resolve for PublicDns {
    fn resolve<'a>(&'a self, _host: &'a str) -> Resolution<'a> {
        Box::pin(async { Ok(vec!["93.184.215.14".parse::<IpAddr>().unwrap()]) })
    }
}

fn client(fake: &FakeNoma, token: &str) -> Client {
    Client::builder(PROJECT, ApiToken::new(token))
        .base_url(fake.url())
        .resolver(PublicDns)
        .build()
        .unwrap()
}

fn definition() -> WebhookDefinition {
    let mut definition = WebhookDefinition::new(
        "Site rebuild",
        "https://hooks.example.com/noma",
        vec![Event::ContentPublished, Event::ContentUpdated],
        vec![Source::Cms, Source::Api],
    );
    definition.description = Some("Production".into());
    definition.secret = Some(WebhookSecret::new(SECRET));
    definition.collection_ids = vec![2];
    definition
}

fn documented_body() -> serde_json::Value {
    json!({
        "name": "Site rebuild",
        "description": "Production",
        "url": "https://hooks.example.com/noma",
        "secret": SECRET,
        "events": ["content.published", "content.updated"],
        "sources": ["cms", "api"],
        "payload": true,
        "status": true,
        "collection_ids": [2],
    })
}

#[tokio::test]
async fn create_sends_exactly_the_documented_request() {
    let fake = FakeNoma::start().await;
    let registered = client(&fake, ADMIN_TOKEN)
        .create(&definition())
        .await
        .unwrap();

    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/api/webhooks");
    assert_eq!(request.query, None);
    assert_eq!(request.headers["content-type"], "application/json");
    assert_eq!(request.headers["accept"], "application/json");
    assert_eq!(request.headers["project-id"], PROJECT);
    assert_eq!(
        request.headers["authorization"],
        format!("Bearer {ADMIN_TOKEN}")
    );
    assert_eq!(request.body.as_ref().unwrap(), &documented_body());

    let webhook = registered.webhook;
    assert!(registered.warnings.is_empty());
    assert_eq!(webhook.uuid, "9f0c2b1e-0000-4000-8000-000000000001");
    assert_eq!(webhook.events, ["content.published", "content.updated"]);
    assert_eq!(webhook.collections[0].id, 2);
    assert!(!webhook.raw().to_string().contains(SECRET));
    assert_eq!(fake.stored_secret(&webhook.uuid).as_deref(), Some(SECRET));
}

#[tokio::test]
async fn a_webhook_under_data_reads_like_a_bare_one() {
    let fake = FakeNoma::start().await;
    fake.behave(|b| b.wrap_single = true);
    let client = client(&fake, ADMIN_TOKEN);
    let created = client.create(&definition()).await.unwrap().webhook;
    let fetched = client.get(&created.uuid).await.unwrap();
    assert_eq!(fetched.name, "Site rebuild");
    assert_eq!(fetched, created);
}

#[tokio::test]
async fn what_local_validation_refuses_is_never_sent() {
    let fake = FakeNoma::start().await;
    let client = client(&fake, ADMIN_TOKEN);
    let mutations: [fn(&mut WebhookDefinition); 7] = [
        |d| d.url = "http://hooks.example.com/".into(),
        |d| d.url = "https://10.0.0.7/".into(),
        |d| d.url = "https://[::ffff:127.0.0.1]/".into(),
        |d| d.url = "https://admin:pw@hooks.example.com/".into(),
        |d| d.secret = Some(WebhookSecret::new("short")),
        |d| d.events.clear(),
        |d| d.name = String::new(),
    ];
    for mutate in mutations {
        let mut bad = definition();
        mutate(&mut bad);
        let error = client.create(&bad).await.unwrap_err();
        assert!(matches!(error, Error::Invalid(_)), "{error}");
        let error = client.update("9f0c", &bad).await.unwrap_err();
        assert!(matches!(error, Error::Invalid(_)), "{error}");
    }
    assert!(client.get("../../api/projects").await.is_err());
    assert_eq!(fake.requests().len(), 0);
}

#[tokio::test]
async fn the_servers_422_is_shown_when_it_refuses_what_passed_locally() {
    let fake = FakeNoma::start().await;
    let mut unknown_collection = definition();
    unknown_collection.collection_ids = vec![99];
    let error = client(&fake, ADMIN_TOKEN)
        .create(&unknown_collection)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(422));
    assert_eq!(
        error.field_errors(),
        [FieldError {
            field: "collection_ids.0".into(),
            message: "The selected collection_ids.0 is invalid.".into()
        }]
    );
    assert_eq!(
        error.to_string(),
        "the Noma API answered 422 (validation failed): The selected collection_ids.0 is invalid.; \
         collection_ids.0: The selected collection_ids.0 is invalid."
    );
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn a_bad_token_is_401_and_a_token_without_admin_is_403() {
    let fake = FakeNoma::start().await;
    let error = client(&fake, "wrong-token").list().await.unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(
        error.to_string(),
        "the Noma API answered 401 (missing or invalid API token): Unauthenticated."
    );
    let error = client(&fake, READER_TOKEN).list().await.unwrap_err();
    assert_eq!(error.status(), Some(403));
    assert_eq!(
        error.to_string(),
        "the Noma API answered 403 (the token lacks the admin ability): Forbidden"
    );
    let other_project = Client::builder("other-project", ApiToken::new(ADMIN_TOKEN))
        .base_url(fake.url())
        .build()
        .unwrap();
    assert_eq!(other_project.list().await.unwrap_err().status(), Some(404));
}

#[tokio::test]
async fn a_429_is_retried_after_its_retry_after() {
    let fake = FakeNoma::start().await;
    fake.behave(|b| {
        b.rate_limited = 2;
        b.retry_after = "1".into();
    });
    let started = Instant::now();
    let webhooks = client(&fake, ADMIN_TOKEN).list().await.unwrap();
    assert!(webhooks.is_empty());
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn a_429_is_reported_after_three_retries() {
    let fake = FakeNoma::start().await;
    fake.behave(|b| {
        b.rate_limited = 100;
        b.retry_after = "0".into();
    });
    let error = client(&fake, ADMIN_TOKEN)
        .create(&definition())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(fake.requests().len(), 4);
}

#[tokio::test]
async fn hostile_retry_after_of_an_hour_waits_only_the_cap() {
    let fake = FakeNoma::start().await;
    fake.behave(|b| {
        b.rate_limited = 1;
        b.retry_after = "3600".into();
    });
    let client = Client::builder(PROJECT, ApiToken::new(ADMIN_TOKEN))
        .base_url(fake.url())
        .max_retry_wait(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    client.list().await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn list_reads_a_bare_array_and_follows_laravel_pages() {
    let fake = FakeNoma::start().await;
    for index in 0..5 {
        fake.seed(&format!("hook {index}"), "https://hooks.example.com/");
    }
    let client = client(&fake, ADMIN_TOKEN);
    assert_eq!(client.list().await.unwrap().len(), 5);
    assert_eq!(fake.requests()[0].query, None);

    fake.behave(|b| b.list_page_size = Some(2));
    let names: Vec<String> = client
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.name)
        .collect();
    assert_eq!(names, ["hook 0", "hook 1", "hook 2", "hook 3", "hook 4"]);
    let queries: Vec<Option<String>> = fake.requests()[1..]
        .iter()
        .map(|r| r.query.clone())
        .collect();
    assert_eq!(
        queries,
        [None, Some("page=2".into()), Some("page=3".into())]
    );
}

#[tokio::test]
async fn hostile_endless_pages_are_not_followed() {
    let fake = FakeNoma::start().await;
    fake.behave(|b| b.hostile = Hostile::EndlessPages(1_000_000_000));
    let error = client(&fake, ADMIN_TOKEN).list().await.unwrap_err();
    assert!(matches!(error, Error::InvalidResponse { .. }), "{error}");
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn update_puts_the_whole_definition_and_delete_answers_204() {
    let fake = FakeNoma::start().await;
    let client = client(&fake, ADMIN_TOKEN);
    let uuid = fake.seed("old", "https://old.example.com/");
    let mut changed = definition();
    changed.status = false;
    changed.secret = None;
    let updated = client.update(&uuid, &changed).await.unwrap().webhook;
    assert!(!updated.status);
    let put = &fake.requests()[0];
    assert_eq!(put.method, "PUT");
    assert_eq!(put.path, format!("/api/webhooks/{uuid}"));
    let mut expected = documented_body();
    expected.as_object_mut().unwrap().remove("secret");
    expected["status"] = json!(false);
    assert_eq!(put.body.as_ref().unwrap(), &expected);
    assert_eq!(fake.stored_secret(&uuid), None);

    client.delete(&uuid).await.unwrap();
    assert_eq!(fake.requests()[1].method, "DELETE");
    assert_eq!(client.get(&uuid).await.unwrap_err().status(), Some(404));
}

#[tokio::test]
async fn rotation_gets_then_puts_the_same_definition_with_the_new_secret() {
    let fake = FakeNoma::start().await;
    let client = client(&fake, ADMIN_TOKEN);
    let created = client.create(&definition()).await.unwrap().webhook;
    let current = client.get(&created.uuid).await.unwrap();
    let next =
        WebhookDefinition::from_webhook(&current, Some(WebhookSecret::new("n3w-secret-value")))
            .unwrap();
    client.update(&created.uuid, &next).await.unwrap();
    let put = fake.requests().pop().unwrap();
    let mut expected = documented_body();
    expected["secret"] = json!("n3w-secret-value");
    assert_eq!(put.body.unwrap(), expected);
    assert_eq!(
        fake.stored_secret(&created.uuid).as_deref(),
        Some("n3w-secret-value")
    );
}

#[tokio::test]
async fn logs_come_a_page_at_a_time_or_all_pages_followed() {
    let fake = FakeNoma::start().await;
    let uuid = fake.seed("logged", "https://hooks.example.com/");
    fake.add_logs(&uuid, 25);
    let client = client(&fake, ADMIN_TOKEN);
    let page = client.logs(&uuid, 2, 10).await.unwrap();
    assert_eq!(page.entries.len(), 10);
    assert_eq!(
        (page.current_page, page.last_page, page.total),
        (2, 3, Some(25))
    );
    assert_eq!(page.entries[0].raw()["id"], 11);
    assert_eq!(
        fake.requests()[0].path,
        format!("/api/webhooks/{uuid}/logs")
    );
    assert_eq!(
        fake.requests()[0].query.as_deref(),
        Some("page=2&paginate=10")
    );

    let all = client.all_logs(&uuid, 10).await.unwrap();
    assert_eq!(all.len(), 25);
    assert_eq!(all[1].status.as_deref(), Some("500"));
    let queries: Vec<String> = fake.requests()[1..]
        .iter()
        .map(|r| r.query.clone().unwrap())
        .collect();
    assert_eq!(
        queries,
        ["paginate=10", "paginate=10&page=2", "paginate=10&page=3"]
    );
}

#[tokio::test]
async fn hostile_huge_body_is_refused_at_the_limit() {
    let fake = FakeNoma::start().await;
    fake.behave(|b| b.hostile = Hostile::HugeBody(5 << 20));
    let error = client(&fake, ADMIN_TOKEN).list().await.unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit, .. } if limit == 4 << 20),
        "{error}"
    );
}

#[tokio::test]
async fn hostile_answer_that_is_not_json_is_an_invalid_response() {
    let fake = FakeNoma::start().await;
    fake.behave(|b| b.hostile = Hostile::NotJson);
    let error = client(&fake, ADMIN_TOKEN).get("9f0c").await.unwrap_err();
    assert!(matches!(error, Error::InvalidResponse { .. }), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("unexpected answer from http://127.0.0.1:")
    );
}

#[tokio::test]
async fn hostile_slow_server_times_out_per_attempt() {
    let fake = FakeNoma::start().await;
    fake.behave(|b| b.hostile = Hostile::Slow(Duration::from_secs(5)));
    let client = Client::builder(PROJECT, ApiToken::new(ADMIN_TOKEN))
        .base_url(fake.url())
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.list().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn hostile_server_echoing_the_token_and_secret_is_redacted() {
    let fake = FakeNoma::start().await;
    fake.behave(|b| b.hostile = Hostile::EchoCredentials);
    let error = client(&fake, ADMIN_TOKEN)
        .create(&definition())
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(ADMIN_TOKEN), "{shown}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(!shown.contains('\u{1b}'), "{shown}");
    assert!(
        shown.contains("bad request from Bearer <redacted> ?[2J"),
        "{shown}"
    );
}

#[tokio::test]
async fn an_unreachable_api_names_the_url_and_the_cause() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder(PROJECT, ApiToken::new(ADMIN_TOKEN))
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let error = client.list().await.unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.starts_with(&format!(
            "cannot reach http://127.0.0.1:{port}/api/webhooks: "
        )),
        "{shown}"
    );
    assert!(shown.to_lowercase().contains("refused"), "{shown}");
}
