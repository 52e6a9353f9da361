//! The HTTP client for `/api/webhooks`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;
use url::Host;

use crate::validate::{Resolve, SystemResolver, validate};
use crate::{ApiToken, Error, FieldError, LogEntry, LogPage, Webhook, WebhookDefinition};

/// Where the Noma API lives unless told otherwise.
pub const DEFAULT_BASE_URL: &str = "https://app.nomacms.com";
/// Each attempt (connect, send, read the whole answer) must finish within this.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// How many times a 429 is retried before it is reported.
pub const MAX_RETRIES: u32 = 3;
/// The longest wait a `Retry-After` can ask for; longer asks wait this long.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(60);
/// The most bytes read from one answer.
pub const MAX_RESPONSE_BYTES: usize = 4 << 20;
/// The most pages followed for one listing: a server that claims more is
/// not believed.
pub const MAX_PAGES: u64 = 100;
/// The longest `message` or field error kept from a refusal.
const MAX_MESSAGE_CHARS: usize = 500;
/// The most field errors kept from a refusal.
const MAX_FIELD_ERRORS: usize = 50;

/// A webhook as created or updated, with the warnings of local validation
/// (a URL host that does not resolve here).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Registered {
    /// The webhook as the API answered it.
    pub webhook: Webhook,
    /// What local validation warned about.
    pub warnings: Vec<FieldError>,
}

/// Builds a [`Client`]; see [`Client::builder`].
pub struct ClientBuilder {
    base_url: String,
    project_id: String,
    token: ApiToken,
    attempt_timeout: Duration,
    max_retry_wait: Duration,
    max_response_bytes: usize,
    resolver: Arc<dyn Resolve>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("project_id", &self.project_id)
            .field("token", &self.token)
            .field("attempt_timeout", &self.attempt_timeout)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The API's address (default [`DEFAULT_BASE_URL`]): `https://`, or
    /// `http://` for a loopback host only (a local test double).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The timeout of each attempt (default [`ATTEMPT_TIMEOUT`]).
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The cap on a `Retry-After` wait (default [`MAX_RETRY_WAIT`]).
    #[must_use]
    pub fn max_retry_wait(mut self, cap: Duration) -> Self {
        self.max_retry_wait = cap;
        self
    }

    /// The most bytes read from one answer (default [`MAX_RESPONSE_BYTES`]).
    #[must_use]
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// How URL host names are resolved for validation (default
    /// [`SystemResolver`]).
    #[must_use]
    pub fn resolver(mut self, resolver: impl Resolve + 'static) -> Self {
        self.resolver = Arc::new(resolver);
        self
    }

    /// The client. TLS is rustls with the ring provider, given to this
    /// client only (no process-wide default is installed), and the
    /// operating system's certificate roots.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a base URL that is not https (or http on a
    /// loopback host), carries credentials, a query or a fragment; an empty
    /// project id or token, or one that cannot be a header value; or TLS
    /// that cannot be set up.
    pub fn build(self) -> Result<Client, Error> {
        let (base, loopback_http) = check_base_url(&self.base_url)?;
        let project_id = HeaderValue::from_str(&self.project_id)
            .ok()
            .filter(|_| !self.project_id.trim().is_empty())
            .ok_or_else(|| {
                Error::Config("the project id is empty or not a valid header value".into())
            })?;
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", self.token.expose()))
            .ok()
            .filter(|_| !self.token.expose().trim().is_empty())
            .ok_or_else(|| {
                Error::Config("the API token is empty or not a valid header value".into())
            })?;
        authorization.set_sensitive(true);

        let tls_error = |error: rustls::Error| Error::Config(format!("TLS set-up: {error}"));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(tls_error)?;
        let tls = rustls_platform_verifier::BuilderVerifierExt::with_platform_verifier(tls)
            .map_err(tls_error)?
            .with_no_client_auth();
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .https_only(!loopback_http)
            // A redirect would carry the token somewhere the user did not name.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.attempt_timeout)
            .timeout(self.attempt_timeout)
            .user_agent(concat!("hookguard-noma-api/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| Error::Config(format!("HTTP client: {error}")))?;
        Ok(Client {
            http,
            base,
            project_id,
            authorization,
            token: self.token,
            attempt_timeout: self.attempt_timeout,
            max_retry_wait: self.max_retry_wait,
            max_response_bytes: self.max_response_bytes,
            resolver: self.resolver,
        })
    }
}

/// The base URL without a trailing slash, and whether it is plain http on
/// a loopback host.
fn check_base_url(text: &str) -> Result<(String, bool), Error> {
    let refuse = |reason: &str| Error::Config(format!("API URL {text:?}: {reason}"));
    let url = Url::parse(text).map_err(|error| refuse(&error.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("must not carry credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse("must not have a query or a fragment"));
    }
    let loopback = match url.host() {
        Some(Host::Ipv4(v4)) => v4.is_loopback(),
        Some(Host::Ipv6(v6)) => v6.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => return Err(refuse("has no host")),
    };
    match url.scheme() {
        "https" => Ok((url.as_str().trim_end_matches('/').to_owned(), false)),
        "http" if loopback => Ok((url.as_str().trim_end_matches('/').to_owned(), true)),
        "http" => Err(refuse("http:// is only for loopback hosts; use https://")),
        other => Err(refuse(&format!("unsupported scheme {other}"))),
    }
}

/// An async client for Noma's webhook resource.
///
/// Every request carries `Accept: application/json`, `project-id` and
/// `Authorization: Bearer …`; each attempt times out after 10 s; a 429 is
/// retried up to 3 times after its `Retry-After` (at most 60 s).
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    project_id: HeaderValue,
    authorization: HeaderValue,
    token: ApiToken,
    attempt_timeout: Duration,
    max_retry_wait: Duration,
    max_response_bytes: usize,
    resolver: Arc<dyn Resolve>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("project_id", &self.project_id)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder for the project `project_id` with `token` (a personal
    /// access token with the `admin` ability).
    #[must_use]
    pub fn builder(project_id: impl Into<String>, token: ApiToken) -> ClientBuilder {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.into(),
            project_id: project_id.into(),
            token,
            attempt_timeout: ATTEMPT_TIMEOUT,
            max_retry_wait: MAX_RETRY_WAIT,
            max_response_bytes: MAX_RESPONSE_BYTES,
            resolver: Arc::new(SystemResolver),
        }
    }

    /// The URL of the webhook collection, e.g.
    /// `https://app.nomacms.com/api/webhooks`.
    #[must_use]
    pub fn webhooks_url(&self) -> String {
        format!("{}/api/webhooks", self.base)
    }

    /// Local validation alone, as [`Client::create`] runs it.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] with every refused field.
    pub async fn validate(&self, definition: &WebhookDefinition) -> Result<Vec<FieldError>, Error> {
        validate(definition, self.resolver.as_ref()).await
    }

    /// Registers a webhook (`POST /api/webhooks`), after local validation.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] before any request; [`Error::Api`] for the API's
    /// refusal (422 with its field errors, 401, 403, 429 after 3 retries…);
    /// the transport errors of every call.
    pub async fn create(&self, definition: &WebhookDefinition) -> Result<Registered, Error> {
        let warnings = self.validate(definition).await?;
        let answer = self.call(Method::POST, "", &[], Some(definition)).await?;
        Ok(Registered {
            webhook: self.one_webhook(answer, "")?,
            warnings,
        })
    }

    /// Every webhook of the project (`GET /api/webhooks`), a bare array or
    /// Laravel pages, whose `last_page` is followed.
    ///
    /// # Errors
    ///
    /// [`Error::Api`], [`Error::InvalidResponse`] and the transport errors.
    pub async fn list(&self) -> Result<Vec<Webhook>, Error> {
        let url = self.webhooks_url();
        let rows = self.all_pages("", &[], &url).await?;
        rows.into_iter()
            .map(|row| {
                Webhook::from_value(row).map_err(|reason| Error::InvalidResponse {
                    url: url.clone(),
                    reason,
                })
            })
            .collect()
    }

    /// One webhook (`GET /api/webhooks/{uuid}`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a malformed uuid; [`Error::Api`] (404 when
    /// unknown) and the transport errors.
    pub async fn get(&self, uuid: &str) -> Result<Webhook, Error> {
        let path = uuid_path(uuid)?;
        let answer = self.call(Method::GET, &path, &[], None).await?;
        self.one_webhook(answer, &path)
    }

    /// Replaces a webhook's whole definition (`PUT /api/webhooks/{uuid}`),
    /// after local validation. Noma's update is not a patch: a definition
    /// without a secret removes the secret.
    ///
    /// # Errors
    ///
    /// As [`Client::create`], and [`Error::Invalid`] for a malformed uuid.
    pub async fn update(
        &self,
        uuid: &str,
        definition: &WebhookDefinition,
    ) -> Result<Registered, Error> {
        let path = uuid_path(uuid)?;
        let warnings = self.validate(definition).await?;
        let answer = self.call(Method::PUT, &path, &[], Some(definition)).await?;
        Ok(Registered {
            webhook: self.one_webhook(answer, &path)?,
            warnings,
        })
    }

    /// Deletes a webhook (`DELETE /api/webhooks/{uuid}`; 200 or 204).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a malformed uuid; [`Error::Api`] and the
    /// transport errors.
    pub async fn delete(&self, uuid: &str) -> Result<(), Error> {
        let path = uuid_path(uuid)?;
        self.call(Method::DELETE, &path, &[], None).await?;
        Ok(())
    }

    /// One page of a webhook's delivery logs
    /// (`GET /api/webhooks/{uuid}/logs?page=&paginate=`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for a malformed uuid or a page or size of 0;
    /// [`Error::Api`], [`Error::InvalidResponse`] and the transport errors.
    pub async fn logs(&self, uuid: &str, page: u64, per_page: u64) -> Result<LogPage, Error> {
        let path = format!("{}/logs", uuid_path(uuid)?);
        check_page(page, per_page)?;
        let query = [
            ("page", page.to_string()),
            ("paginate", per_page.to_string()),
        ];
        let answer = self.call(Method::GET, &path, &query, None).await?;
        let url = format!("{}{path}", self.webhooks_url());
        let (rows, pages) = page_rows(answer, &url)?;
        Ok(LogPage {
            entries: rows.into_iter().map(LogEntry::from_value).collect(),
            current_page: pages.current.unwrap_or(page),
            last_page: pages.last.unwrap_or(page),
            per_page: pages.per_page,
            total: pages.total,
        })
    }

    /// Every log row of a webhook, following `last_page` (at most
    /// [`MAX_PAGES`] pages of `per_page` rows).
    ///
    /// # Errors
    ///
    /// As [`Client::logs`].
    pub async fn all_logs(&self, uuid: &str, per_page: u64) -> Result<Vec<LogEntry>, Error> {
        let path = format!("{}/logs", uuid_path(uuid)?);
        check_page(1, per_page)?;
        let url = format!("{}{path}", self.webhooks_url());
        let query = [("paginate", per_page.to_string())];
        let rows = self.all_pages(&path, &query, &url).await?;
        Ok(rows.into_iter().map(LogEntry::from_value).collect())
    }

    /// The rows of a listing: a bare array, or Laravel pages followed to
    /// `last_page`.
    async fn all_pages(
        &self,
        path: &str,
        query: &[(&str, String)],
        url: &str,
    ) -> Result<Vec<Value>, Error> {
        let answer = self.call(Method::GET, path, query, None).await?;
        let (mut rows, pages) = page_rows(answer, url)?;
        let last = pages.last.unwrap_or(1);
        if last > MAX_PAGES {
            return Err(Error::InvalidResponse {
                url: url.into(),
                reason: format!("it claims {last} pages; at most {MAX_PAGES} are read"),
            });
        }
        for page in pages.current.unwrap_or(1) + 1..=last {
            let mut paged = query.to_vec();
            paged.push(("page", page.to_string()));
            let answer = self.call(Method::GET, path, &paged, None).await?;
            let (more, _) = page_rows(answer, url)?;
            if more.is_empty() {
                break;
            }
            rows.extend(more);
        }
        Ok(rows)
    }

    fn one_webhook(&self, answer: Value, path: &str) -> Result<Webhook, Error> {
        // The docs do not pin whether a single webhook comes bare or under
        // `data` (Laravel resources wrap, the docs' examples do not): read both.
        let value = match answer {
            Value::Object(mut object) if object.get("data").is_some_and(Value::is_object) => {
                object.remove("data").unwrap_or_default()
            }
            other => other,
        };
        Webhook::from_value(value).map_err(|reason| Error::InvalidResponse {
            url: format!("{}{path}", self.webhooks_url()),
            reason,
        })
    }

    /// One request with its retries: the answer's JSON (`null` when empty).
    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&WebhookDefinition>,
    ) -> Result<Value, Error> {
        let mut url = Url::parse(&format!("{}{path}", self.webhooks_url()))
            .map_err(|error| Error::Config(format!("request URL: {error}")))?;
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(key, value)| (*key, value.as_str())));
        }
        let shown_url = url.to_string();
        // What a server must never get to echo back to a terminal.
        let mut hidden = vec![self.token.expose()];
        if let Some(secret) = body.and_then(|definition| definition.secret.as_ref()) {
            hidden.push(secret.expose());
        }
        let body = body.map(|definition| definition.to_json().to_string());
        let mut retries = 0;
        loop {
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .header(ACCEPT, "application/json")
                .header("project-id", self.project_id.clone())
                .header(AUTHORIZATION, self.authorization.clone());
            if let Some(body) = &body {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let attempt = self.attempt(request, &shown_url);
            let (status, retry_after, bytes) = tokio::time::timeout(self.attempt_timeout, attempt)
                .await
                .map_err(|_| Error::Timeout {
                    url: shown_url.clone(),
                    after: self.attempt_timeout,
                })??;
            if status == StatusCode::TOO_MANY_REQUESTS && retries < MAX_RETRIES {
                retries += 1;
                let wait = retry_delay(retry_after.as_deref(), chrono::Utc::now())
                    .min(self.max_retry_wait);
                tokio::time::sleep(wait).await;
                continue;
            }
            if status.is_success() {
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    return Ok(Value::Null);
                }
                let mut value: Value =
                    serde_json::from_slice(&bytes).map_err(|error| Error::InvalidResponse {
                        url: shown_url.clone(),
                        reason: format!("not JSON ({error})"),
                    })?;
                scrub(&mut value, &hidden);
                return Ok(value);
            }
            return Err(refusal(status, &bytes, &hidden));
        }
    }

    /// Sends one attempt and reads the answer whole, within the size limit.
    async fn attempt(
        &self,
        request: reqwest::RequestBuilder,
        url: &str,
    ) -> Result<(StatusCode, Option<String>, Vec<u8>), Error> {
        let transport = |error: reqwest::Error| {
            if error.is_timeout() {
                Error::Timeout {
                    url: url.into(),
                    after: self.attempt_timeout,
                }
            } else {
                Error::Unreachable {
                    url: url.into(),
                    cause: root_cause(&error),
                }
            }
        };
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let too_large = || Error::ResponseTooLarge {
            url: url.into(),
            limit: self.max_response_bytes,
        };
        if response
            .content_length()
            .is_some_and(|length| length > self.max_response_bytes as u64)
        {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if bytes.len() + chunk.len() > self.max_response_bytes {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok((status, retry_after, bytes))
    }
}

/// The API's refusal, Laravel's shape read leniently, hidden values
/// scrubbed, control characters replaced, lengths bounded.
fn refusal(status: StatusCode, bytes: &[u8], hidden: &[&str]) -> Error {
    let mut message = None;
    let mut field_errors = Vec::new();
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(object)) => {
            message = object
                .get("message")
                .and_then(Value::as_str)
                .map(|text| clean(text, hidden));
            if let Some(Value::Object(errors)) = object.get("errors") {
                for (field, messages) in errors {
                    let messages: Vec<&str> = match messages {
                        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                        Value::String(text) => vec![text],
                        _ => Vec::new(),
                    };
                    for text in messages {
                        if field_errors.len() < MAX_FIELD_ERRORS {
                            field_errors
                                .push(FieldError::new(clean(field, hidden), clean(text, hidden)));
                        }
                    }
                }
            }
        }
        _ => {
            let text = String::from_utf8_lossy(bytes);
            if !text.trim().is_empty() {
                message = Some(clean(text.trim(), hidden));
            }
        }
    }
    Error::Api {
        status: status.as_u16(),
        message,
        field_errors,
    }
}

/// Text from the server made safe to print: no token or secret, no control
/// characters (terminal escapes), bounded.
fn clean(text: &str, hidden: &[&str]) -> String {
    let mut text = text.to_owned();
    for value in hidden.iter().filter(|value| !value.is_empty()) {
        text = text.replace(value, "<redacted>");
    }
    let mut cleaned: String = text
        .chars()
        .take(MAX_MESSAGE_CHARS)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if text.chars().count() > MAX_MESSAGE_CHARS {
        cleaned.push('…');
    }
    cleaned
}

/// Replaces hidden values wherever a server echoed them in a JSON answer.
fn scrub(value: &mut Value, hidden: &[&str]) {
    match value {
        Value::String(text) => {
            for hidden in hidden.iter().filter(|value| !value.is_empty()) {
                if text.contains(hidden) {
                    *text = text.replace(hidden, "<redacted>");
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| scrub(item, hidden)),
        Value::Object(object) => object.values_mut().for_each(|item| scrub(item, hidden)),
        _ => {}
    }
}

/// The path of one webhook. The uuid goes into the URL, so only UUID
/// characters are allowed: `../` or `?` cannot reach another route.
fn uuid_path(uuid: &str) -> Result<String, Error> {
    let valid = !uuid.is_empty()
        && uuid.len() <= 64
        && uuid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if valid {
        Ok(format!("/{uuid}"))
    } else {
        Err(Error::Invalid(vec![FieldError::new(
            "uuid",
            "must be a webhook UUID (letters, digits and -, at most 64)",
        )]))
    }
}

fn check_page(page: u64, per_page: u64) -> Result<(), Error> {
    let mut errors = Vec::new();
    if page == 0 {
        errors.push(FieldError::new("page", "pages start at 1"));
    }
    if per_page == 0 {
        errors.push(FieldError::new("paginate", "must be at least 1"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors))
    }
}

/// Laravel's pagination numbers, when present.
#[derive(Default)]
struct Pages {
    current: Option<u64>,
    last: Option<u64>,
    per_page: Option<u64>,
    total: Option<u64>,
}

/// The rows of one listing answer: a bare array, or an object with a
/// `data` array and Laravel's numbers (also under `meta`, as Laravel API
/// resources put them).
fn page_rows(answer: Value, url: &str) -> Result<(Vec<Value>, Pages), Error> {
    match answer {
        Value::Array(rows) => Ok((rows, Pages::default())),
        Value::Object(mut object) => {
            let Some(Value::Array(rows)) = object.remove("data") else {
                return Err(Error::InvalidResponse {
                    url: url.into(),
                    reason: "neither a JSON array nor an object with a data array".into(),
                });
            };
            let numbers = match object.get("meta") {
                Some(Value::Object(meta)) => meta.clone(),
                _ => object,
            };
            let number = |key: &str| match numbers.get(key) {
                Some(Value::Number(n)) => n.as_u64(),
                Some(Value::String(text)) => text.parse().ok(),
                _ => None,
            };
            Ok((
                rows,
                Pages {
                    current: number("current_page"),
                    last: number("last_page"),
                    per_page: number("per_page"),
                    total: number("total"),
                },
            ))
        }
        _ => Err(Error::InvalidResponse {
            url: url.into(),
            reason: "neither a JSON array nor an object with a data array".into(),
        }),
    }
}

/// How long a 429 asks to wait: `Retry-After` as seconds or an HTTP date;
/// 1 s when absent or unreadable. The caller caps it.
fn retry_delay(header: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> Duration {
    let Some(header) = header.map(str::trim) else {
        return Duration::from_secs(1);
    };
    if let Ok(seconds) = header.parse::<u64>() {
        return Duration::from_secs(seconds);
    }
    match chrono::DateTime::parse_from_rfc2822(header) {
        Ok(date) => (date.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
        Err(_) => Duration::from_secs(1),
    }
}

/// The innermost error: "Connection refused (os error 111)" rather than
/// "error sending request".
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-15T10:30:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(retry_delay(Some("7"), now), Duration::from_secs(7));
        assert_eq!(retry_delay(Some(" 0 "), now), Duration::ZERO);
        assert_eq!(
            retry_delay(Some("Thu, 15 Jan 2026 10:30:20 GMT"), now),
            Duration::from_secs(20)
        );
        assert_eq!(
            retry_delay(Some("Thu, 15 Jan 2026 10:00:00 GMT"), now),
            Duration::ZERO
        );
        assert_eq!(retry_delay(None, now), Duration::from_secs(1));
        assert_eq!(retry_delay(Some("soon"), now), Duration::from_secs(1));
        assert_eq!(retry_delay(Some("-5"), now), Duration::from_secs(1));
    }

    #[test]
    fn the_defaults_are_the_documented_ones() {
        assert_eq!(ATTEMPT_TIMEOUT, Duration::from_secs(10));
        assert_eq!(MAX_RETRY_WAIT, Duration::from_secs(60));
        assert_eq!(MAX_RETRIES, 3);
        let builder = Client::builder("p", ApiToken::new("t"));
        assert_eq!(builder.base_url, "https://app.nomacms.com");
        assert_eq!(builder.attempt_timeout, ATTEMPT_TIMEOUT);
        assert_eq!(builder.max_retry_wait, MAX_RETRY_WAIT);
    }

    #[test]
    fn http_is_only_for_loopback_hosts() {
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        assert!(check_base_url("http://[::1]:8080/").is_ok());
        assert!(check_base_url("http://localhost:8080").is_ok());
        assert_eq!(
            check_base_url("https://app.nomacms.com/").unwrap(),
            ("https://app.nomacms.com".to_owned(), false)
        );
        for refused in [
            "http://app.nomacms.com",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "https://user:pw@app.nomacms.com",
            "https://app.nomacms.com/?x=1",
            "nonsense",
        ] {
            assert!(
                matches!(check_base_url(refused), Err(Error::Config(_))),
                "{refused}"
            );
        }
    }

    #[test]
    fn a_uuid_cannot_reach_another_route() {
        assert_eq!(uuid_path("9f0c-AB12").unwrap(), "/9f0c-AB12");
        for hostile in [
            "",
            "../projects",
            "a/b",
            "a?x=1",
            "a#b",
            "a%2F",
            &"a".repeat(65),
        ] {
            assert!(
                matches!(uuid_path(hostile), Err(Error::Invalid(_))),
                "{hostile}"
            );
        }
    }

    #[test]
    fn debug_of_a_client_never_shows_the_token() {
        let client = Client::builder("proj", ApiToken::new("tok-3f9a"))
            .build()
            .unwrap();
        let shown = format!(
            "{client:?} {:?}",
            Client::builder("p", ApiToken::new("tok-3f9a"))
        );
        assert!(!shown.contains("tok-3f9a"), "{shown}");
        assert!(shown.contains("proj"));
    }

    #[test]
    fn bad_credentials_are_configuration_errors() {
        assert!(matches!(
            Client::builder("", ApiToken::new("t")).build(),
            Err(Error::Config(_))
        ));
        let error = Client::builder("p", ApiToken::new("line\nbreak-tok"))
            .build()
            .unwrap_err();
        assert!(!error.to_string().contains("break-tok"));
    }
}
