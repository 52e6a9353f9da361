//! Reading a webhook body once, under the limit, before any hashing: the
//! core's `BodyReader` fed from axum's body stream.

use std::error::Error as StdError;

use axum_core::RequestExt as _;
use axum_core::body::Body;
use axum_core::extract::Request;
use bytes::Bytes;
use hookguard_core::{BodyReader, Error};
use http::header::CONTENT_LENGTH;
use http::request::Parts;
use http_body_util::{BodyExt as _, LengthLimitError};

/// A request's body, to read whole under a limit.
///
/// The request is split before anything is awaited ([`limited`]), so that
/// a future reading the body holds the body stream and the reader, not the
/// whole request: a future that kept the request across its awaits is
/// hundreds of bytes larger, and axum boxes every handler's future, so each
/// request would allocate and copy them.
pub(crate) struct LimitedBody {
    body: Body,
    reader: BodyReader,
    limit: usize,
}

/// Splits the request into its head and its body, to read under `limit` and
/// the route's `DefaultBodyLimit`, whichever is smaller.
///
/// # Errors
///
/// As [`BodyReader::new`], from the request's `Content-Length`.
pub(crate) fn limited(request: Request, limit: usize) -> Result<(Parts, LimitedBody), Error> {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .map(http::HeaderValue::as_bytes);
    let reader = BodyReader::new(declared, limit)?;
    // `with_limited_body` applies the route's `DefaultBodyLimit`.
    let (parts, body) = request.with_limited_body().into_parts();
    Ok((
        parts,
        LimitedBody {
            body,
            reader,
            limit,
        },
    ))
}

impl LimitedBody {
    /// The whole body.
    pub(crate) async fn read(mut self) -> Result<Bytes, Error> {
        while let Some(frame) = self.body.frame().await {
            let frame = frame.map_err(|error| {
                if is_length_limit(&error) {
                    Error::PayloadTooLarge { limit: self.limit }
                } else {
                    BodyReader::unreadable()
                }
            })?;
            if let Ok(chunk) = frame.into_data() {
                self.reader.push_bytes(chunk)?;
            }
        }
        self.reader.finish()
    }
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
