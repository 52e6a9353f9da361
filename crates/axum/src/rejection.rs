//! The rejection: a refused delivery as an axum response.

use std::fmt;

use axum_core::response::{IntoResponse, Response};
use hookguard_core::Error;
use http::{HeaderValue, StatusCode, header};

/// Why a webhook request was refused, answered with the code's HTTP status
/// and `{"error":"<code>"}` with `Content-Type: application/json` (and
/// `Retry-After` for `in_flight` and `busy`).
///
/// A provider's handshake (Slack's `url_verification`, see
/// `hookguard_core::receive::accept`) travels the same way and is answered
/// 200 with `{"challenge":…}`: the handler never sees it.
///
/// The response never carries the secret, the signature or the body. The
/// refusal is logged at DEBUG under `hookguard::rejection` where it is
/// decided, with the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRejection {
    error: Error,
}

impl WebhookRejection {
    /// The HTTP status of the answer.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The stable error code, as in the body.
    #[must_use]
    pub fn code(&self) -> &'static str {
        self.error.code()
    }

    /// The underlying error.
    #[must_use]
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The response body, `{"error":"<code>"}`.
    #[must_use]
    pub fn body_text(&self) -> String {
        self.error.response_body()
    }
}

impl From<Error> for WebhookRejection {
    fn from(error: Error) -> Self {
        Self { error }
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        let mut response = (self.status(), self.body_text()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(seconds) = self.error.retry_after_secs() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}
