//! The error: a refused delivery as an actix-web response.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{ContentType, RETRY_AFTER};
use actix_web::{HttpResponse, ResponseError};
use hookguard_core::Error;

/// Why a webhook request was refused, answered with the code's HTTP status
/// and `{"error":"<code>"}` with `Content-Type: application/json` (and
/// `Retry-After` for `in_flight` and `busy`).
///
/// A provider's handshake (Slack's `url_verification`, see
/// `hookguard_core::receive::accept`) travels the same way and is answered
/// 200 with `{"challenge":…}`: the handler never sees it.
///
/// It stays a [`ResponseError`] inside `actix_web::Error`, so its status
/// survives `?`. Refusals are logged at DEBUG under `hookguard::rejection`
/// where they are decided (`misconfigured`, an operator's problem, at
/// ERROR); never the secret, the signature or the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookError {
    error: Error,
}

impl WebhookError {
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
}

impl From<Error> for WebhookError {
    fn from(error: Error) -> Self {
        Self { error }
    }
}

impl ResponseError for WebhookError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        if self.error == Error::Misconfigured {
            tracing::error!(target: "hookguard::rejection", code = self.code(), "no webhook verifier in app_data and no middleware on the route");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(ContentType::json());
        if let Some(seconds) = self.error.retry_after_secs() {
            response.insert_header((RETRY_AFTER, seconds));
        }
        response.body(self.error.response_body())
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_survives_conversion_to_an_actix_error() {
        let error: actix_web::Error = WebhookError::from(Error::SignatureMismatch).into();
        assert_eq!(
            error.as_response_error().status_code(),
            StatusCode::UNAUTHORIZED
        );
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            response.headers().get("content-type").unwrap(),
            "application/json"
        );
        assert_eq!(
            error.as_error::<WebhookError>().unwrap().code(),
            "signature_mismatch"
        );
    }
}
