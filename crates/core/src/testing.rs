//! Signed test deliveries for your own handlers (feature `testing`): the
//! request a provider would send, built in one expression.
//!
//! [`SignedRequest`] signs with the provider's own [`Signer`], so it works
//! for every scheme, and turns into an `http` 1.x request (axum, hyper,
//! tower's `oneshot`); with the actix-web adapter's `testing` feature,
//! `IntoTestRequest` turns it into an `actix_web::test::TestRequest`.
//!
//! ```
//! use hookguard::scheme::Nomos;
//! use hookguard::testing::SignedRequest;
//! use hookguard::NomosVerifier;
//!
//! let body = r#"{"id":"evt_1","topic":"test.event"}"#;
//! let request = SignedRequest::<Nomos>::new("s3cret", body)?
//!     .uri("/webhooks/nomos")
//!     .into_request::<Vec<u8>>()?;
//!
//! let verifier = NomosVerifier::new(["s3cret"])?;
//! assert!(verifier.verify(request.headers(), request.body()).is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};

use crate::clock::{Clock as _, SystemClock};
use crate::error::{Error, SecretError};
use crate::scheme::{Noma, Scheme};
use crate::sign::Signer;

/// The message id signed when none is given: schemes that sign one
/// (Standard Webhooks) refuse an empty id.
pub const DEFAULT_ID: &str = "msg_hookguard_test";

/// A delivery of scheme `S`, signed when it is turned into a request.
///
/// Defaults: `POST /`, signed now with message id [`DEFAULT_ID`],
/// `Content-Type: application/json`, and the body's `Content-Length`. Headers added with
/// [`header`](Self::header) replace generated ones of the same name, so a
/// test can send a forged signature on purpose.
#[derive(Clone)]
pub struct SignedRequest<S: Scheme> {
    signer: Signer<S>,
    body: Bytes,
    signed_at: Option<u64>,
    id: String,
    uri: String,
    headers: HeaderMap,
    invalid_header: bool,
    stamp_body: bool,
}

/// What [`SignedRequest::into_parts`] gives: the pieces of a request, for
/// any framework's own request builder.
#[derive(Debug, Clone)]
pub struct SignedParts {
    /// Always `POST`.
    pub method: Method,
    /// The path (and query) the request is sent to.
    pub uri: String,
    /// The signature headers, `Content-Type`, and the headers added.
    pub headers: HeaderMap,
    /// The body exactly as signed.
    pub body: Bytes,
}

impl<S: Scheme> SignedRequest<S> {
    /// A delivery of `body`, to be signed with `secret` (read as
    /// [`Verifier::new`](crate::Verifier::new) reads it).
    ///
    /// # Errors
    ///
    /// The secret is one a verifier would refuse.
    pub fn new(secret: &str, body: impl Into<Bytes>) -> Result<Self, SecretError> {
        Ok(Self::with_signer(Signer::new(secret)?, body))
    }

    /// A delivery of `body`, signed by `signer`.
    #[must_use]
    pub fn with_signer(signer: Signer<S>, body: impl Into<Bytes>) -> Self {
        Self {
            signer,
            body: body.into(),
            signed_at: None,
            id: DEFAULT_ID.to_owned(),
            uri: "/".to_owned(),
            headers: HeaderMap::new(),
            invalid_header: false,
            stamp_body: false,
        }
    }

    /// A delivery whose body is `event` as JSON.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    pub fn json(secret: &str, event: &serde_json::Value) -> Result<Self, SecretError> {
        Self::new(secret, event.to_string())
    }

    /// Signs at `unix_seconds` instead of now (to test the tolerance, or
    /// with a verifier on a `FixedClock`).
    #[must_use]
    pub fn signed_at(mut self, unix_seconds: u64) -> Self {
        self.signed_at = Some(unix_seconds);
        self
    }

    /// The message id, for the schemes that send one (Standard Webhooks
    /// `webhook-id`, GitHub `X-GitHub-Delivery`).
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// The path (and query) the request goes to; `/` by default.
    #[must_use]
    pub fn uri(mut self, uri: impl Into<String>) -> Self {
        self.uri = uri.into();
        self
    }

    /// Adds a header (GitHub's `X-GitHub-Event`, say), replacing a
    /// generated one of that name. A name or value that is not valid is
    /// reported by [`into_parts`](Self::into_parts).
    #[must_use]
    pub fn header<N, V>(mut self, name: N, value: V) -> Self
    where
        N: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => {
                self.headers.insert(name, value);
            }
            _ => self.invalid_header = true,
        }
        self
    }

    /// Signs the delivery: the method, URI, headers and body of the request.
    ///
    /// # Errors
    ///
    /// `malformed_header` when a header given to [`header`](Self::header)
    /// or the id is not valid header text (Standard Webhooks also refuses
    /// an empty id); `invalid_payload` when a Noma body to stamp is not a
    /// JSON object.
    pub fn into_parts(self) -> Result<SignedParts, Error> {
        if self.invalid_header {
            return Err(Error::malformed(
                "test header",
                "a header given to SignedRequest::header is not a valid name or value",
            ));
        }
        let signed_at = self.signed_at.unwrap_or_else(|| SystemClock.unix_now());
        let body = if self.stamp_body {
            stamp_timestamp(&self.body, signed_at)?
        } else {
            self.body
        };
        let mut headers = self.signer.sign(signed_at, &self.id, &body)?;
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
        for (name, value) in self.headers {
            if let Some(name) = name {
                headers.insert(name, value);
            }
        }
        Ok(SignedParts {
            method: Method::POST,
            uri: self.uri,
            headers,
            body,
        })
    }

    /// The signed delivery as an `http` 1.x request, with any body type
    /// built from bytes (`axum::body::Body`, `String`, `Vec<u8>`, …).
    ///
    /// # Errors
    ///
    /// As [`into_parts`](Self::into_parts), and `malformed_header` (on
    /// `uri`) when the URI is not valid.
    pub fn into_request<B: From<Bytes>>(self) -> Result<http::Request<B>, Error> {
        let parts = self.into_parts()?;
        let mut request = http::Request::builder()
            .method(parts.method)
            .uri(parts.uri)
            .body(B::from(parts.body))
            .map_err(|_| Error::malformed("uri", "not a valid request URI"))?;
        *request.headers_mut() = parts.headers;
        Ok(request)
    }
}

impl SignedRequest<Noma> {
    /// A Noma delivery of `event` whose top-level `timestamp` is set to the
    /// signing time when it is signed: Noma signs no timestamp header, and
    /// its verifier holds the body's `timestamp` to the tolerance.
    ///
    /// ```
    /// use hookguard::testing::SignedRequest;
    /// use hookguard::{FixedClock, NomaVerifier};
    ///
    /// let event = serde_json::json!({"event": "content.published", "timestamp": "old"});
    /// let request = SignedRequest::noma("s3cret", &event)?
    ///     .signed_at(1_768_473_000)
    ///     .into_request::<Vec<u8>>()?;
    /// assert!(String::from_utf8_lossy(request.body()).contains(r#""timestamp":"2026-01-15T10:30:00Z""#));
    ///
    /// let verifier = NomaVerifier::new(["s3cret"])?.with_clock(FixedClock(1_768_473_000));
    /// assert!(verifier.verify(request.headers(), request.body()).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    pub fn noma(secret: &str, event: &serde_json::Value) -> Result<Self, SecretError> {
        let mut request = Self::json(secret, event)?;
        request.stamp_body = true;
        Ok(request)
    }
}

/// `body` with its top-level `timestamp` set to `unix_seconds`, in the
/// RFC 3339 form Noma sends.
fn stamp_timestamp(body: &[u8], unix_seconds: u64) -> Result<Bytes, Error> {
    let mut object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(body)
        .map_err(|_| Error::InvalidPayload {
            reason: "a Noma test body must be a JSON object",
        })?;
    let time = i64::try_from(unix_seconds)
        .ok()
        .and_then(|seconds| DateTime::<Utc>::from_timestamp(seconds, 0))
        .ok_or(Error::InvalidPayload {
            reason: "signing time is out of range",
        })?;
    object.insert(
        "timestamp".to_owned(),
        time.to_rfc3339_opts(SecondsFormat::Secs, true).into(),
    );
    Ok(Bytes::from(serde_json::Value::Object(object).to_string()))
}

impl<S: Scheme> fmt::Debug for SignedRequest<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The signer's own Debug redacts the secret.
        f.debug_struct("SignedRequest")
            .field("signer", &self.signer)
            .field("uri", &self.uri)
            .field("signed_at", &self.signed_at)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}
