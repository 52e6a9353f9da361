//! Reading a webhook body once, under the limit, before any hashing: the
//! core's `BodyReader` fed from axum's body stream.

use std::error::Error as StdError;

use axum_core::RequestExt as _;
use axum_core::extract::Request;
use bytes::Bytes;
use hookguard_core::{BodyReader, Error};
use http::header::CONTENT_LENGTH;
use http::request::Parts;
use http_body_util::{BodyExt as _, LengthLimitError};

/// Splits the request and reads its whole body under `limit` and the
/// route's `DefaultBodyLimit`, whichever is smaller.
pub(crate) async fn read_limited(request: Request, limit: usize) -> Result<(Parts, Bytes), Error> {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .map(http::HeaderValue::as_bytes);
    let mut reader = BodyReader::new(declared, limit)?;
    // `with_limited_body` applies the route's `DefaultBodyLimit`.
    let (parts, mut body) = request.with_limited_body().into_parts();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|error| {
            if is_length_limit(&error) {
                Error::PayloadTooLarge { limit }
            } else {
                BodyReader::unreadable()
            }
        })?;
        if let Ok(chunk) = frame.into_data() {
            reader.push_bytes(chunk)?;
        }
    }
    Ok((parts, reader.finish()?))
}

/// Whether a body error, or anything it wraps, is a length limit.
fn is_length_limit(error: &axum_core::Error) -> bool {
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(error) = current {
        if error.is::<LengthLimitError>() {
            return true;
        }
        current = error.source();
    }
    false
}
