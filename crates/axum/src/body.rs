//! Reading a webhook body once, under the limit, before any hashing.

use std::error::Error as StdError;

use axum_core::RequestExt as _;
use axum_core::extract::Request;
use bytes::Bytes;
use hookguard_core::Error;
use http::header::CONTENT_LENGTH;
use http::request::Parts;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};

use crate::rejection::WebhookRejection;

/// Splits the request and reads its whole body, refusing with
/// `payload_too_large` as soon as the body is known to exceed `limit` bytes
/// (from `Content-Length`, else while streaming) or the route's
/// `DefaultBodyLimit`, whichever is smaller.
pub(crate) async fn read_limited(
    request: Request,
    limit: usize,
) -> Result<(Parts, Bytes), WebhookRejection> {
    let too_large = || WebhookRejection::from(Error::PayloadTooLarge { limit });
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    // `with_limited_body` applies the route's `DefaultBodyLimit`.
    let (parts, body) = request.with_limited_body().into_parts();
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok((parts, collected.to_bytes())),
        Err(error) if is_length_limit(&*error) => Err(too_large()),
        // The client broke off or the body stream failed: nothing authentic
        // was received, so the answer is the body's, not the signature's.
        Err(_) => Err(Error::InvalidPayload {
            reason: "body could not be read",
        }
        .into()),
    }
}

/// Whether a body error, or anything it wraps, is a length limit.
fn is_length_limit(error: &(dyn StdError + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(error) = current {
        if error.is::<LengthLimitError>() {
            return true;
        }
        current = error.source();
    }
    false
}
