//! A fake Noma webhook API on 127.0.0.1, answering as the Noma docs say
//! (nomacms.com/documentation/api/webhooks: create, list, get, update,
//! delete, logs; authentication: 400 without `project-id`, 401 for a bad
//! token, 403 without the admin ability; 422 in Laravel's shape; 429 with
//! `Retry-After`), and recording every request it receives.
//!
//! Shared by the client's tests and the CLI's (`#[path]` include).

#![allow(dead_code, clippy::unwrap_used, unreachable_pub)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The token with the admin ability.
pub const ADMIN_TOKEN: &str = "fake-admin-token-5c1d";
/// A valid token without the admin ability.
pub const READER_TOKEN: &str = "fake-reader-token-08aa";
/// The project the tokens belong to.
pub const PROJECT: &str = "0b6f3c2e-8d7a-4a51-9f3e-1c2d3e4f5a6b";
/// Collection ids that exist in the project; any other is a 422.
pub const COLLECTIONS: [u64; 3] = [1, 2, 3];

/// One request as received.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: BTreeMap<String, String>,
    pub body: Option<Value>,
}

/// How the fake misbehaves, for the hostile-server tests.
#[derive(Clone, Debug, Default)]
pub enum Hostile {
    #[default]
    None,
    /// A success answer of this many bytes.
    HugeBody(usize),
    /// A success answer that is not JSON.
    NotJson,
    /// Answers after this long.
    Slow(Duration),
    /// Refuses every request with a message echoing the Authorization header
    /// and a terminal escape.
    EchoCredentials,
    /// A list that claims this many pages.
    EndlessPages(u64),
}

#[derive(Default)]
pub struct Behaviour {
    /// Answer this many requests with 429 first.
    pub rate_limited: usize,
    /// The `Retry-After` of those 429s.
    pub retry_after: String,
    /// Single webhooks under `data` (else bare).
    pub wrap_single: bool,
    /// List in Laravel pages of this size (else a bare array).
    pub list_page_size: Option<usize>,
    pub hostile: Hostile,
}

#[derive(Default)]
struct Inner {
    requests: Vec<Recorded>,
    webhooks: Vec<Value>,
    secrets: BTreeMap<String, Option<String>>,
    logs: BTreeMap<String, Vec<Value>>,
    behaviour: Behaviour,
    next_id: u32,
}

#[derive(Clone, Default)]
pub struct FakeNoma {
    inner: Arc<Mutex<Inner>>,
    pub addr: Option<SocketAddr>,
}

impl FakeNoma {
    /// Starts on the current tokio runtime.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fake = Self {
            addr: Some(listener.local_addr().unwrap()),
            ..Self::default()
        };
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        fake
    }

    /// Starts on a runtime of its own, for tests that are not async.
    pub fn start_in_thread() -> Self {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                sender.send(Self::start().await).unwrap();
                std::future::pending::<()>().await;
            });
        });
        receiver.recv().unwrap()
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr.unwrap())
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.lock().unwrap().requests.clone()
    }

    pub fn behave(&self, change: impl FnOnce(&mut Behaviour)) {
        change(&mut self.inner.lock().unwrap().behaviour);
    }

    /// The secret the fake stored for a webhook (what the client sent).
    pub fn stored_secret(&self, uuid: &str) -> Option<String> {
        self.inner
            .lock()
            .unwrap()
            .secrets
            .get(uuid)
            .cloned()
            .flatten()
    }

    /// Adds `count` delivery log rows to a webhook, newest first.
    pub fn add_logs(&self, uuid: &str, count: usize) {
        let mut inner = self.inner.lock().unwrap();
        let rows = inner.logs.entry(uuid.to_owned()).or_default();
        for index in 0..count {
            rows.push(json!({
                "id": index + 1,
                "action": if index % 2 == 0 { "content.published" } else { "content.updated" },
                "url": "https://hooks.example.com/noma",
                "status": if index == 1 { "500" } else { "200" },
                "request": {"event": "content.published"},
                "response": {"status": 200, "body": "ok", "body_truncated": false},
                "created_at": format!("2026-01-15T10:{:02}:00.000000Z", 59 - index.min(59)),
            }));
        }
    }

    /// Registers a webhook directly, as if made in the dashboard.
    pub fn seed(&self, name: &str, url: &str) -> String {
        let mut inner = self.inner.lock().unwrap();
        let (uuid, webhook) = new_webhook(
            &mut inner,
            &json!({"name": name, "url": url, "events": ["content.published"], "sources": ["cms"]}),
        );
        inner.webhooks.push(webhook);
        inner
            .secrets
            .insert(uuid.clone(), Some("old-secret-1".into()));
        uuid
    }
}

fn answer(status: StatusCode, body: Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn new_webhook(inner: &mut Inner, body: &Value) -> (String, Value) {
    inner.next_id += 1;
    let uuid = format!("9f0c2b1e-0000-4000-8000-{:012}", inner.next_id);
    let webhook = webhook_json(&uuid, body, "2026-01-15T10:30:00.000000Z");
    (uuid, webhook)
}

fn webhook_json(uuid: &str, body: &Value, created_at: &str) -> Value {
    let collections: Vec<Value> = body["collection_ids"]
        .as_array()
        .map(|ids| {
            ids.iter()
                .map(|id| json!({"id": id, "uuid": format!("col-{id}"), "name": format!("Collection {id}"), "slug": format!("collection-{id}")}))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "uuid": uuid,
        "name": body["name"],
        "description": body.get("description").cloned().unwrap_or(Value::Null),
        "url": body["url"],
        "events": body["events"],
        "sources": body["sources"],
        "payload": body.get("payload").cloned().unwrap_or(Value::Bool(true)),
        "status": body.get("status").cloned().unwrap_or(Value::Bool(true)),
        "collections": collections,
        "created_at": created_at,
        "updated_at": "2026-01-15T10:30:00.000000Z",
    })
}

/// The server's own rules: the documented ones, and one the client cannot
/// know (the collection ids that exist).
fn server_validation(body: &Value) -> Option<Value> {
    let mut errors = serde_json::Map::new();
    let mut refuse = |field: &str, message: &str| {
        errors.insert(field.into(), json!([message]));
    };
    if body["name"]
        .as_str()
        .is_none_or(|name| name.trim().is_empty())
    {
        refuse("name", "The name field is required.");
    }
    match body["url"].as_str() {
        Some(url) if url.starts_with("https://") => {}
        _ => refuse("url", "The url field must be a valid URL."),
    }
    if let Some(secret) = body.get("secret").and_then(Value::as_str) {
        if secret.chars().count() < 6 {
            refuse("secret", "The secret field must be at least 6 characters.");
        }
    }
    if body["events"].as_array().is_none_or(Vec::is_empty) {
        refuse("events", "The events field is required.");
    }
    if body["sources"].as_array().is_none_or(Vec::is_empty) {
        refuse("sources", "The sources field is required.");
    }
    if let Some(ids) = body["collection_ids"].as_array() {
        for (index, id) in ids.iter().enumerate() {
            if !id.as_u64().is_some_and(|id| COLLECTIONS.contains(&id)) {
                refuse(
                    &format!("collection_ids.{index}"),
                    &format!("The selected collection_ids.{index} is invalid."),
                );
            }
        }
    }
    (!errors.is_empty()).then(|| {
        let first = errors
            .values()
            .next()
            .and_then(|messages| messages[0].as_str())
            .unwrap_or_default()
            .to_owned();
        json!({"message": first, "errors": errors})
    })
}

fn query_number(query: Option<&str>, key: &str) -> Option<usize> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{key}=")))
        .and_then(|value| value.parse().ok())
}

fn paginated(rows: &[Value], page: usize, per_page: usize) -> Value {
    let per_page = per_page.max(1);
    let last_page = rows.len().div_ceil(per_page).max(1);
    let data: Vec<Value> = rows
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .cloned()
        .collect();
    json!({
        "current_page": page,
        "data": data,
        "per_page": per_page,
        "total": rows.len(),
        "last_page": last_page,
    })
}

async fn handle(State(fake): State<FakeNoma>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, 1 << 20).await.unwrap_or_default();
    let headers: BTreeMap<String, String> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or("?").to_owned(),
            )
        })
        .collect();
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers,
        body: serde_json::from_slice(&bytes).ok(),
    };
    let hostile = {
        let mut inner = fake.inner.lock().unwrap();
        inner.requests.push(recorded.clone());
        inner.behaviour.hostile.clone()
    };
    match hostile {
        Hostile::None | Hostile::EndlessPages(_) => {}
        Hostile::HugeBody(size) => {
            return (StatusCode::OK, Body::from(vec![b' '; size])).into_response();
        }
        Hostile::NotJson => return (StatusCode::OK, "<html>gateway</html>").into_response(),
        Hostile::Slow(delay) => tokio::time::sleep(delay).await,
        Hostile::EchoCredentials => {
            let echoed = recorded
                .headers
                .get("authorization")
                .cloned()
                .unwrap_or_default();
            return answer(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"message": format!("bad request from {echoed} \u{1b}[2J"),
                       "errors": {"secret": [format!("{} is weak", recorded.body.as_ref().and_then(|b| b["secret"].as_str()).unwrap_or_default())]}}),
            );
        }
    }
    respond(&fake, &parts.method, &parts.headers, &recorded)
}

fn respond(fake: &FakeNoma, method: &Method, headers: &HeaderMap, recorded: &Recorded) -> Response {
    let mut inner = fake.inner.lock().unwrap();
    if inner.behaviour.rate_limited > 0 {
        inner.behaviour.rate_limited -= 1;
        let retry_after = inner.behaviour.retry_after.clone();
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [
                ("retry-after", retry_after.as_str()),
                ("content-type", "application/json"),
            ],
            r#"{"message":"Too Many Attempts."}"#,
        )
            .into_response();
    }
    let Some(project) = headers.get("project-id") else {
        return answer(
            StatusCode::BAD_REQUEST,
            json!({"message": "Project header missing."}),
        );
    };
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some(value) if value == format!("Bearer {ADMIN_TOKEN}") => {}
        Some(value) if value == format!("Bearer {READER_TOKEN}") => {
            return (StatusCode::FORBIDDEN, "Forbidden").into_response();
        }
        _ => {
            return answer(
                StatusCode::UNAUTHORIZED,
                json!({"message": "Unauthenticated."}),
            );
        }
    }
    if project != PROJECT {
        return answer(
            StatusCode::NOT_FOUND,
            json!({"message": "Project not found."}),
        );
    }
    let segments: Vec<&str> = recorded.path.trim_start_matches('/').split('/').collect();
    let wrap = |inner: &Inner, webhook: Value| {
        if inner.behaviour.wrap_single {
            json!({"data": webhook})
        } else {
            webhook
        }
    };
    let not_found = || {
        answer(
            StatusCode::NOT_FOUND,
            json!({"message": "Webhook not found."}),
        )
    };
    match (method.as_str(), segments.as_slice()) {
        ("POST", ["api", "webhooks"]) => {
            let body = recorded.body.clone().unwrap_or(Value::Null);
            if let Some(refusal) = server_validation(&body) {
                return answer(StatusCode::UNPROCESSABLE_ENTITY, refusal);
            }
            let (uuid, webhook) = new_webhook(&mut inner, &body);
            inner.webhooks.push(webhook.clone());
            let secret = body
                .get("secret")
                .and_then(Value::as_str)
                .map(str::to_owned);
            inner.secrets.insert(uuid, secret);
            answer(StatusCode::CREATED, wrap(&inner, webhook))
        }
        ("GET", ["api", "webhooks"]) => {
            if let Hostile::EndlessPages(pages) = inner.behaviour.hostile {
                return answer(
                    StatusCode::OK,
                    json!({"current_page": 1, "data": [], "per_page": 1, "total": pages, "last_page": pages}),
                );
            }
            match inner.behaviour.list_page_size {
                Some(size) => {
                    let page = query_number(recorded.query.as_deref(), "page").unwrap_or(1);
                    answer(StatusCode::OK, paginated(&inner.webhooks, page, size))
                }
                None => answer(StatusCode::OK, Value::Array(inner.webhooks.clone())),
            }
        }
        ("GET", ["api", "webhooks", uuid]) => {
            match inner.webhooks.iter().find(|w| w["uuid"] == *uuid).cloned() {
                Some(webhook) => answer(StatusCode::OK, wrap(&inner, webhook)),
                None => not_found(),
            }
        }
        ("PUT", ["api", "webhooks", uuid]) => {
            let body = recorded.body.clone().unwrap_or(Value::Null);
            let Some(index) = inner.webhooks.iter().position(|w| w["uuid"] == *uuid) else {
                return not_found();
            };
            if let Some(refusal) = server_validation(&body) {
                return answer(StatusCode::UNPROCESSABLE_ENTITY, refusal);
            }
            let created_at = inner.webhooks[index]["created_at"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let webhook = webhook_json(uuid, &body, &created_at);
            inner.webhooks[index] = webhook.clone();
            let secret = body
                .get("secret")
                .and_then(Value::as_str)
                .map(str::to_owned);
            inner.secrets.insert((*uuid).to_owned(), secret);
            answer(StatusCode::OK, wrap(&inner, webhook))
        }
        ("DELETE", ["api", "webhooks", uuid]) => {
            let before = inner.webhooks.len();
            inner.webhooks.retain(|w| w["uuid"] != *uuid);
            if inner.webhooks.len() == before {
                return not_found();
            }
            StatusCode::NO_CONTENT.into_response()
        }
        ("GET", ["api", "webhooks", uuid, "logs"]) => {
            if !inner.webhooks.iter().any(|w| w["uuid"] == *uuid) {
                return not_found();
            }
            let page = query_number(recorded.query.as_deref(), "page").unwrap_or(1);
            let per_page = query_number(recorded.query.as_deref(), "paginate")
                .unwrap_or(25)
                .min(100);
            let rows = inner.logs.get(*uuid).cloned().unwrap_or_default();
            answer(StatusCode::OK, paginated(&rows, page, per_page))
        }
        _ => answer(StatusCode::NOT_FOUND, json!({"message": "Not Found"})),
    }
}
