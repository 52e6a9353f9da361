//! GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body, keyed with the
//! secret's UTF-8 bytes; the delivery's GUID is in `X-GitHub-Delivery`
//! (docs.github.com, "Validating webhook deliveries").

use http::{HeaderMap, HeaderName, HeaderValue};

use super::{Scheme, body_signed_with, decode_hex_tag, generated_value, sealed::Sealed};
use crate::error::Error;
use crate::header;
use crate::secret::Secret;
use crate::verifier::Verified;

static SIGNATURE: HeaderName = HeaderName::from_static("x-hub-signature-256");
static DELIVERY: HeaderName = HeaderName::from_static("x-github-delivery");

/// The GitHub scheme.
///
/// GitHub signs no timestamp, so there is no freshness check: replays are
/// stopped by the replay guard, keyed by `X-GitHub-Delivery` (the result's
/// id, when the header is present).
#[derive(Debug, Clone, Copy, Default)]
pub struct GitHub;

impl Scheme for GitHub {
    const NAME: &'static str = "github";
}

impl Sealed for GitHub {
    fn authenticate<'h>(
        &self,
        secrets: &[Secret],
        headers: &'h HeaderMap,
        body: &[u8],
    ) -> Result<Verified<'h>, Error> {
        let value = header::required(headers, &SIGNATURE)?;
        let id = header::optional(headers, &DELIVERY)?;
        if id == Some("") {
            return Err(Error::malformed(DELIVERY.as_str(), "value is empty"));
        }
        let candidate = value
            .strip_prefix("sha256=")
            .and_then(decode_hex_tag)
            .ok_or(Error::malformed(
                SIGNATURE.as_str(),
                "expected `sha256=` and 64 hex digits",
            ))?;
        let index = body_signed_with(secrets, body, candidate)?;
        Ok(Verified {
            secret_index: Some(index),
            timestamp: None,
            id,
        })
    }

    fn signature_headers(
        secret: &Secret,
        _timestamp: u64,
        id: &str,
        body: &[u8],
    ) -> Result<HeaderMap, Error> {
        let value = format!("sha256={}", hex::encode(secret.tag(&[body])));
        let mut headers = HeaderMap::from_iter([(SIGNATURE.clone(), generated_value(value))]);
        if !id.is_empty() {
            let id = HeaderValue::from_str(id)
                .map_err(|_| Error::malformed(DELIVERY.as_str(), "value is not visible ASCII"))?;
            headers.insert(DELIVERY.clone(), id);
        }
        Ok(headers)
    }
}
