//! Reading the payload once under the limit, then verifying and parsing:
//! what the middleware and the extractor share.

use actix_web::dev::Payload;
use actix_web::http::header::{CONTENT_LENGTH, HeaderMap};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt as _;
use hookguard_core::{Delivery, Error, Event, Verifier, http};

use crate::error::WebhookError;

/// Reads, verifies and parses one delivery.
pub(crate) async fn receive<E: Event>(
    verifier: &Verifier<E::Scheme>,
    headers: &HeaderMap,
    payload: &mut Payload,
) -> Result<Delivery<E>, WebhookError> {
    let body = read_limited(headers, payload, verifier.body_limit()).await?;
    Ok(verifier.receive::<E>(&to_http_headers(headers), body)?)
}

/// The whole payload, refused with `payload_too_large` as soon as it is
/// known to exceed `limit`: from `Content-Length` before reading, else
/// while streaming.
async fn read_limited(
    headers: &HeaderMap,
    payload: &mut Payload,
    limit: usize,
) -> Result<Bytes, Error> {
    let too_large = Error::PayloadTooLarge { limit };
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large);
    }
    let capacity = declared.map_or(0, |length| usize::try_from(length).unwrap_or(limit));
    let mut body = BytesMut::with_capacity(capacity);
    while let Some(chunk) = payload.next().await {
        // The client broke off or the stream failed: nothing authentic arrived.
        let chunk = chunk.map_err(|_| Error::InvalidPayload {
            reason: "body could not be read",
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// actix-web 4 has its own header types; the core takes `http` 1.x ones.
/// Every value is kept, so a repeated field stays repeated.
fn to_http_headers(headers: &HeaderMap) -> http::HeaderMap {
    let mut converted = http::HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_str().as_bytes()),
            http::HeaderValue::from_bytes(value.as_bytes()),
        ) {
            converted.append(name, value);
        }
    }
    converted
}
