//! Linear: `Linear-Signature: <hex>` = HMAC(secret UTF-8, body), with the
//! send time in the body's `webhookTimestamp` (Unix milliseconds)
//! (linear.app/developers/webhooks, "Securing webhooks"); a generic event
//! whose topic is `<type>.<action>` and whose id is `Linear-Delivery`
//! (unsigned).

use http::{HeaderMap, HeaderName};
use serde_json::Value;

use crate::error::Error;
use crate::event::ReplayId;
use crate::event::generic::{GenericEvent, GenericSource, string_member};
use crate::header::{self, Headers};
use crate::json_field::{FieldProblem, top_level_value};
use crate::secret::Secret;
use crate::signature::{Scheme, body_signed_with, decode_hex_tag, generated_value, sealed::Sealed};
use crate::verification::Verification;
use crate::verifier::Verifier;

const SIGNATURE: &str = "linear-signature";
const DELIVERY: &str = "linear-delivery";

/// A [`Verifier`] for Linear deliveries.
pub type LinearVerifier = Verifier<Linear>;

/// A Linear event: topic `<type>.<action>` from the body (e.g.
/// `Issue.create`), id from `Linear-Delivery` (unsigned: reported, never
/// trusted).
pub type LinearEvent = GenericEvent<Linear>;

/// The Linear scheme.
///
/// Linear signs only the body, and puts its send time there
/// (`webhookTimestamp`, Unix milliseconds, floored to seconds and held to
/// the tolerance). `Linear-Delivery` is not signed, so the replay key is a
/// shield: the SHA-256 of the exact body, kept for twice the tolerance
/// (SPEC §7), the same as Noma's.
#[derive(Debug, Clone, Copy, Default)]
pub struct Linear;

impl Scheme for Linear {
    const NAME: &'static str = "linear";
}

impl Sealed for Linear {
    fn authenticate(
        &self,
        secrets: &[Secret],
        headers: &dyn Headers,
        body: &[u8],
    ) -> Result<Verification, Error> {
        let [signature, delivery] = header::find(headers, [SIGNATURE, DELIVERY]);
        let value = signature.required()?;
        delivery.unsigned()?;
        body_signed_with(
            secrets,
            body,
            SIGNATURE,
            decode_hex_tag(value),
            "expected 64 hex digits",
        )
    }

    fn body_timestamp(&self, body: &[u8]) -> Result<Option<u64>, Error> {
        let reason = match top_level_value(body, b"webhookTimestamp") {
            Ok(raw) => match unix_millis(raw) {
                Some(millis) => return Ok(Some(millis / 1000)),
                None => "`webhookTimestamp` is not an integer of Unix milliseconds",
            },
            Err(FieldProblem::NotAnObject) => "body is not a JSON object",
            Err(FieldProblem::Missing) => "body has no `webhookTimestamp` member",
            Err(FieldProblem::Repeated) => "body has more than one `webhookTimestamp` member",
            Err(FieldProblem::NotPlainString) => {
                "`webhookTimestamp` is not an integer of Unix milliseconds"
            }
        };
        Err(Error::InvalidPayload { reason })
    }

    fn signature_headers(
        secret: &Secret,
        _timestamp: u64,
        id: &str,
        body: &[u8],
    ) -> Result<HeaderMap, Error> {
        let value = hex::encode(secret.tag(&[body]));
        let mut headers =
            HeaderMap::from_iter([(HeaderName::from_static(SIGNATURE), generated_value(value))]);
        header::insert_id(&mut headers, DELIVERY, id)?;
        Ok(headers)
    }
}

/// A JSON integer of Unix milliseconds; a negative one (before 1970) is
/// simply very old. `None` for a fraction, an exponent, a string or a
/// number past 64 bits.
fn unix_millis(raw: &[u8]) -> Option<u64> {
    let (negative, digits) = match raw.strip_prefix(b"-") {
        Some(digits) => (true, digits),
        None => (false, raw),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut value: u64 = 0;
    for &digit in digits {
        value = value
            .checked_mul(10)?
            .checked_add(u64::from(digit - b'0'))?;
    }
    Some(if negative { 0 } else { value })
}

impl GenericSource for Linear {
    fn topic(_headers: &dyn Headers, payload: &Value) -> Result<Option<String>, Error> {
        Ok(
            match (
                string_member(payload, "type"),
                string_member(payload, "action"),
            ) {
                (Some(kind), Some(action)) => Some(format!("{kind}.{action}")),
                _ => None,
            },
        )
    }

    fn id(headers: &dyn Headers, _payload: &Value) -> Option<String> {
        header::reported(headers, DELIVERY)
    }

    fn replay_id(_event: &GenericEvent<Self>, body: &[u8]) -> Option<ReplayId> {
        // `Linear-Delivery` is unsigned; the exact body (its signed
        // `webhookTimestamp` included) shields the replay window.
        Some(ReplayId::body_digest(body).for_replay_window())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_timestamps_are_integer_milliseconds() {
        assert_eq!(unix_millis(b"1676056940508"), Some(1_676_056_940_508));
        assert_eq!(unix_millis(b"0"), Some(0));
        assert_eq!(unix_millis(b"-5"), Some(0));
        for bad in [
            &b""[..],
            b"-",
            b"1.5",
            b"1e12",
            b"\"1676056940508\"",
            b"18446744073709551616",
            b"+1",
            b"null",
        ] {
            assert_eq!(unix_millis(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
