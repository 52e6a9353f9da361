//! Standard Webhooks (and Svix, which uses the same scheme under `svix-*`
//! header names): `webhook-signature: v1,<base64> …` over
//! `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the base64-decoded
//! `whsec_` secret (github.com/standard-webhooks/standard-webhooks,
//! spec/standard-webhooks.md); a generic event whose topic is the body's
//! `type` and whose id, signed, is `webhook-id`.

use base64::Engine as _;
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use crate::error::{Error, SecretError};
use crate::event::ReplayId;
use crate::event::generic::{GenericEvent, GenericSource, string_member};
use crate::header;
use crate::secret::Secret;
use crate::signature::{
    Scheme, decode_base64_tag, generated_value, matching_secret, sealed::Sealed,
};
use crate::verification::Verification;
use crate::verifier::Verifier;

/// A [`Verifier`] for Standard Webhooks and Svix deliveries.
pub type StandardWebhooksVerifier = Verifier<StandardWebhooks>;

/// A Standard Webhooks (Svix) event: topic from the body's `type`, id from `webhook-id`.
pub type StandardWebhooksEvent = GenericEvent<StandardWebhooks>;

static ID: [HeaderName; 2] = [
    HeaderName::from_static("webhook-id"),
    HeaderName::from_static("svix-id"),
];
static TIMESTAMP: [HeaderName; 2] = [
    HeaderName::from_static("webhook-timestamp"),
    HeaderName::from_static("svix-timestamp"),
];
static SIGNATURE: [HeaderName; 2] = [
    HeaderName::from_static("webhook-signature"),
    HeaderName::from_static("svix-signature"),
];

/// The signature version this scheme checks; `v1a` (asymmetric) and other
/// versions are ignored.
const VERSION: &str = "v1";

/// The Standard Webhooks scheme.
///
/// Each header is read under its `webhook-*` name, or under its `svix-*`
/// name when the former is absent. The `whsec_` prefix of the secret is
/// optional. `webhook-id` is part of the signed message, so it is the
/// replay key.
#[derive(Debug, Clone, Copy, Default)]
pub struct StandardWebhooks;

impl Scheme for StandardWebhooks {
    const NAME: &'static str = "standard";
}

impl Sealed for StandardWebhooks {
    fn secret(text: &str) -> Result<Secret, SecretError> {
        Secret::from_standard_webhooks(text)
    }

    fn authenticate(
        &self,
        secrets: &[Secret],
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Verification, Error> {
        let (id_name, id) = either(headers, &ID)?;
        let (timestamp_name, timestamp_text) = either(headers, &TIMESTAMP)?;
        let (signature_name, signatures) = either(headers, &SIGNATURE)?;
        if id.is_empty() {
            return Err(Error::malformed(id_name, "value is empty"));
        }
        let timestamp = header::parse_timestamp(timestamp_name, timestamp_text)?;
        if candidates(signatures).next().is_none() {
            return Err(Error::malformed(signature_name, "no `v1,` signature entry"));
        }
        let message: [&[u8]; 5] = [id.as_bytes(), b".", timestamp_text.as_bytes(), b".", body];
        let index = matching_secret(secrets, &message, || {
            candidates(signatures).map(decode_base64_tag)
        })
        .ok_or(Error::SignatureMismatch)?;
        Ok(Verification::matched(index, Some(timestamp)))
    }

    fn signature_headers(
        secret: &Secret,
        timestamp: u64,
        id: &str,
        body: &[u8],
    ) -> Result<HeaderMap, Error> {
        let id_value = HeaderValue::from_str(id)
            .ok()
            .filter(|_| !id.is_empty())
            .ok_or(Error::malformed(
                ID[0].as_str(),
                "must be non-empty visible ASCII",
            ))?;
        let timestamp = timestamp.to_string();
        let tag = secret.tag(&[id.as_bytes(), b".", timestamp.as_bytes(), b".", body]);
        let signature = format!(
            "{VERSION},{}",
            base64::engine::general_purpose::STANDARD.encode(tag)
        );
        Ok(HeaderMap::from_iter([
            (ID[0].clone(), id_value),
            (TIMESTAMP[0].clone(), generated_value(timestamp)),
            (SIGNATURE[0].clone(), generated_value(signature)),
        ]))
    }
}

impl GenericSource for StandardWebhooks {
    fn topic(_headers: &HeaderMap, payload: &Value) -> Result<Option<String>, Error> {
        Ok(string_member(payload, "type"))
    }

    fn id(headers: &HeaderMap, _payload: &Value) -> Option<String> {
        either(headers, &ID).ok().map(|(_, id)| id.to_owned())
    }

    fn replay_id(event: &GenericEvent<Self>, _body: &[u8]) -> Option<ReplayId> {
        // `webhook-id` is part of the signed message.
        event.id.as_deref().map(ReplayId::durable)
    }
}

/// The header under its standard name, else under its Svix name; a missing
/// header is reported under the standard name.
fn either<'h>(
    headers: &'h HeaderMap,
    [standard, svix]: &'static [HeaderName; 2],
) -> Result<(&'static str, &'h str), Error> {
    if let Some(value) = header::optional(headers, standard)? {
        return Ok((standard.as_str(), value));
    }
    match header::optional(headers, svix)? {
        Some(value) => Ok((svix.as_str(), value)),
        None => Err(Error::MissingHeader {
            name: standard.as_str(),
        }),
    }
}

/// The base64 parts of the space-separated `v1,<base64>` entries.
fn candidates(signatures: &str) -> impl Iterator<Item = &str> {
    signatures
        .split(' ')
        .filter_map(|entry| entry.split_once(','))
        .filter(|(version, _)| *version == VERSION)
        .map(|(_, signature)| signature)
}
