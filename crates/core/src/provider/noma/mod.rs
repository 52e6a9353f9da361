//! Noma CMS: `X-Webhook-Signature: <hex>` = HMAC(secret UTF-8, body), no
//! timestamp header; freshness comes from the body's signed `timestamp`
//! member (nomacms.com/documentation/api/webhooks). Events are chosen by
//! the body's `event`.

mod dedupe;
mod events;

use std::sync::Arc;

use http::{HeaderMap, HeaderName};

pub use self::dedupe::{DEDUPE_RETENTION, dedupe_key};
pub use self::events::{AuthEvent, ContentEntry, ContentEvent, NomaEvent, NomaTopic};
use crate::error::Error;
use crate::header::{self, Headers};
use crate::json_field::{FieldProblem, top_level_string};
use crate::secret::Secret;
use crate::signature::{Scheme, body_signed_with, decode_hex_tag, generated_value, sealed::Sealed};
use crate::verification::Verification;
use crate::verifier::Verifier;

/// A [`Verifier`] for Noma CMS deliveries.
pub type NomaVerifier = Verifier<Noma>;

const SIGNATURE: &str = "x-webhook-signature";

/// The Noma scheme.
///
/// The header holds 64 hex digits in either case, optionally after
/// `sha256=`. Noma has no stable event id (`delivery_id` changes on every
/// attempt), so its replay key is a shield: the digest of the exact body,
/// kept for twice the tolerance.
#[derive(Debug, Clone, Copy, Default)]
pub struct Noma {
    /// Set only by [`Verifier::insecure_accept_unsigned`].
    accept_unsigned: bool,
}

impl Verifier<Noma> {
    /// **Insecure.** A Noma verifier for webhooks configured without a
    /// secret: it accepts any delivery, signed or not, and checks only the
    /// body's `timestamp` against the tolerance. Anyone who can reach the
    /// endpoint can forge events. Use it only where Noma offers no secret,
    /// and prefer setting one.
    #[must_use]
    pub fn insecure_accept_unsigned() -> Self {
        Self::with_parts(
            Noma {
                accept_unsigned: true,
            },
            Arc::new([]),
        )
    }
}

impl Scheme for Noma {
    const NAME: &'static str = "noma";
}

impl Sealed for Noma {
    fn authenticate(
        &self,
        secrets: &[Secret],
        headers: &dyn Headers,
        body: &[u8],
    ) -> Result<Verification, Error> {
        if self.accept_unsigned {
            // No secret to check against: whatever signature came is ignored.
            return Ok(Verification::unsigned());
        }
        let value = header::one(headers, SIGNATURE).required()?;
        let hex = value.strip_prefix(b"sha256=").unwrap_or(value);
        body_signed_with(
            secrets,
            body,
            SIGNATURE,
            decode_hex_tag(hex),
            "expected 64 hex digits, optionally after `sha256=`",
        )
    }

    fn body_timestamp(&self, body: &[u8]) -> Result<Option<u64>, Error> {
        let reason = match top_level_string(body, b"timestamp") {
            Ok(raw) => {
                let parsed = std::str::from_utf8(raw)
                    .ok()
                    .and_then(|text| chrono::DateTime::parse_from_rfc3339(text).ok());
                match parsed {
                    // A send time before 1970 is simply very old.
                    Some(time) => return Ok(Some(u64::try_from(time.timestamp()).unwrap_or(0))),
                    None => "`timestamp` is not an ISO 8601 date-time with offset",
                }
            }
            Err(FieldProblem::NotAnObject) => "body is not a JSON object",
            Err(FieldProblem::Missing) => "body has no `timestamp` member",
            Err(FieldProblem::Repeated) => "body has more than one `timestamp` member",
            Err(FieldProblem::NotPlainString) => "`timestamp` is not a plain string",
        };
        Err(Error::InvalidPayload { reason })
    }

    fn signature_headers(
        secret: &Secret,
        _timestamp: u64,
        _id: &str,
        body: &[u8],
    ) -> Result<HeaderMap, Error> {
        let value = hex::encode(secret.tag(&[body]));
        Ok(HeaderMap::from_iter([(
            HeaderName::from_static(SIGNATURE),
            generated_value(value),
        )]))
    }
}
