//! Standard Webhooks (and Svix, which uses the same scheme under `svix-*`
//! header names): `webhook-signature: v1,<base64> v1a,<base64> …` over
//! `<webhook-id>.<webhook-timestamp>.<body>`; `v1` is HMAC-SHA256 keyed with
//! the base64-decoded `whsec_` secret, `v1a` ed25519 under a `whpk_` public
//! key (github.com/standard-webhooks/standard-webhooks,
//! spec/standard-webhooks.md); a generic event whose topic is the body's
//! `type` and whose id, signed, is `webhook-id`.

mod entries;

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use self::entries::Entries;
use crate::ed25519_keys::{PublicKey, SecretKey};
use crate::error::{Error, SecretError};
use crate::event::ReplayId;
use crate::event::generic::{GenericEvent, GenericSource, string_member};
use crate::header::{self, Headers};
use crate::secret::Secret;
use crate::signature::{Scheme, generated_value, matching_secret, sealed::Sealed};
use crate::verification::Verification;
use crate::verifier::Verifier;

/// A [`Verifier`] for Standard Webhooks and Svix deliveries.
pub type StandardWebhooksVerifier = Verifier<StandardWebhooks>;

/// A Standard Webhooks (Svix) event: topic from the body's `type`, id from `webhook-id`.
pub type StandardWebhooksEvent = GenericEvent<StandardWebhooks>;

/// Each header's standard name, then its Svix name.
const ID: [&str; 2] = ["webhook-id", "svix-id"];
const TIMESTAMP: [&str; 2] = ["webhook-timestamp", "svix-timestamp"];
const SIGNATURE: [&str; 2] = ["webhook-signature", "svix-signature"];

/// The Standard Webhooks scheme.
///
/// Each header is read under its `webhook-*` name, or under its `svix-*`
/// name when the former is absent. The `whsec_` prefix of the secret is
/// optional. `webhook-id` is part of the signed message, so it is the
/// replay key.
///
/// `v1` entries are checked against the verifier's secrets, `v1a` entries
/// against its public keys ([`Verifier::from_public_keys`],
/// [`Verifier::with_public_key`]); any match passes. Keys come only from the
/// configuration, never from the request. At most 16 entries are read: a
/// header with more, or with no `v1`/`v1a` entry at all, is
/// `malformed_header`; an entry that does not parse, or of a version this
/// verifier has no key for, simply does not match.
#[derive(Clone, Default)]
pub struct StandardWebhooks {
    public_keys: Arc<[PublicKey]>,
}

impl fmt::Debug for StandardWebhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandardWebhooks")
            .field(
                "public_keys",
                &format_args!("<{} redacted>", self.public_keys.len()),
            )
            .finish()
    }
}

impl Verifier<StandardWebhooks> {
    /// A verifier of `v1a` (ed25519) signatures only, under any of
    /// `public_keys` in the order given (the result's `public_key_index`
    /// says which matched). Each key is base64 of the raw 32-byte key or of
    /// its 44-byte SPKI DER form (`MCowBQYDK2VwAyEA…`), with or without the
    /// `whpk_` prefix; padding is optional.
    ///
    /// ```
    /// use hookguard_core::{Signer, StandardWebhooksVerifier, scheme::StandardWebhooks};
    ///
    /// // The sender's key pair: it keeps the secret half, you get the public one.
    /// let signing_key = "whsk_QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=";
    /// let public_key = "whpk_IVL40Zt5HSRFMkLhXy6rbLfP+ntqXtMAl5YOBpiB2xI=";
    ///
    /// let verifier = StandardWebhooksVerifier::from_public_keys([public_key])?;
    /// let body = br#"{"type":"invoice.paid"}"#;
    /// let headers = Signer::<StandardWebhooks>::from_signing_key(signing_key)?
    ///     .sign(1_700_000_000, "msg_1", body)?;
    /// let verified = verifier.verify_at(&headers, body, 1_700_000_000)?;
    /// assert_eq!(verified.public_key_index, Some(0));
    /// assert_eq!(verified.secret_index, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`SecretError::NoSecrets`] when `public_keys` is empty; otherwise the
    /// first key that is not base64, of the wrong length, not an ed25519
    /// point, or of small order, with the reason (never the key).
    pub fn from_public_keys<I>(public_keys: I) -> Result<Self, SecretError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let public_keys = public_keys
            .into_iter()
            .map(|text| PublicKey::from_text(text.as_ref()))
            .collect::<Result<Arc<[PublicKey]>, _>>()?;
        if public_keys.is_empty() {
            return Err(SecretError::NoSecrets);
        }
        Ok(Self::with_parts(
            StandardWebhooks { public_keys },
            Arc::new([]),
        ))
    }

    /// Adds a public key that `v1a` entries are checked against, next to
    /// the secrets that `v1` entries are checked against (a sender may sign
    /// with both during a move from one to the other). Its index counts on
    /// from the keys already held.
    ///
    /// ```
    /// use hookguard_core::StandardWebhooksVerifier;
    ///
    /// let verifier = StandardWebhooksVerifier::new(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])?
    ///     .with_public_key("MCowBQYDK2VwAyEAIVL40Zt5HSRFMkLhXy6rbLfP+ntqXtMAl5YOBpiB2xI=")?;
    /// # Ok::<(), hookguard_core::SecretError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Verifier::from_public_keys`], for this key.
    pub fn with_public_key(mut self, public_key: &str) -> Result<Self, SecretError> {
        let key = PublicKey::from_text(public_key)?;
        let scheme = self.scheme_mut();
        scheme.public_keys = scheme.public_keys.iter().cloned().chain([key]).collect();
        Ok(self)
    }
}

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
        headers: &dyn Headers,
        body: &[u8],
    ) -> Result<Verification, Error> {
        let [
            (id_name, id),
            (timestamp_name, timestamp_text),
            (signature_name, signatures),
        ] = standard_or_svix(headers, [ID, TIMESTAMP, SIGNATURE])?;
        if id.is_empty() {
            return Err(Error::malformed(id_name, "value is empty"));
        }
        let timestamp = header::parse_timestamp(timestamp_name, timestamp_text)?;
        let entries = Entries::parse(signature_name, signatures)?;
        let message: [&[u8]; 5] = [id, b".", timestamp_text, b".", body];
        if let Some(index) = matching_secret(secrets, &message, || entries.hmac_tags()) {
            return Ok(Verification::matched(index, Some(timestamp)));
        }
        if self.public_keys.is_empty() || !entries.has_ed25519() {
            return Err(Error::SignatureMismatch);
        }
        // ed25519 takes the message whole: this is the one allocation of a
        // `v1a` check, made only when there is a key and an entry to try.
        let whole = message.concat();
        let index = self
            .public_keys
            .iter()
            .position(|key| {
                entries
                    .ed25519_signatures()
                    .flatten()
                    .any(|signature| key.verifies(&whole, &signature))
            })
            .ok_or(Error::SignatureMismatch)?;
        Ok(Verification::matched_public_key(index, Some(timestamp)))
    }

    fn has_public_keys(&self) -> bool {
        !self.public_keys.is_empty()
    }

    fn signature_headers(
        secret: &Secret,
        timestamp: u64,
        id: &str,
        body: &[u8],
    ) -> Result<HeaderMap, Error> {
        signature_headers(Some(secret), None, timestamp, id, body)
    }
}

/// The headers of a delivery signed with a secret (`v1`), a signing key
/// (`v1a`), or both in one `webhook-signature` header, `v1` first.
pub(crate) fn signature_headers(
    secret: Option<&Secret>,
    signing_key: Option<&SecretKey>,
    timestamp: u64,
    id: &str,
    body: &[u8],
) -> Result<HeaderMap, Error> {
    let id_value = HeaderValue::from_str(id)
        .ok()
        .filter(|_| !id.is_empty())
        .ok_or(Error::malformed(ID[0], "must be non-empty visible ASCII"))?;
    let timestamp = timestamp.to_string();
    let message: [&[u8]; 5] = [id.as_bytes(), b".", timestamp.as_bytes(), b".", body];
    let base64 = base64::engine::general_purpose::STANDARD;
    let hmac =
        secret.map(|secret| format!("{},{}", entries::HMAC, base64.encode(secret.tag(&message))));
    let ed25519 = signing_key.map(|key| {
        let signature = key.sign(&message.concat());
        format!("{},{}", entries::ED25519, base64.encode(signature))
    });
    let signature = hmac
        .into_iter()
        .chain(ed25519)
        .collect::<Vec<_>>()
        .join(" ");
    Ok(HeaderMap::from_iter([
        (HeaderName::from_static(ID[0]), id_value),
        (
            HeaderName::from_static(TIMESTAMP[0]),
            generated_value(timestamp),
        ),
        (
            HeaderName::from_static(SIGNATURE[0]),
            generated_value(signature),
        ),
    ]))
}

impl GenericSource for StandardWebhooks {
    fn topic(_headers: &dyn Headers, payload: &Value) -> Result<Option<String>, Error> {
        Ok(string_member(payload, "type"))
    }

    fn id(headers: &dyn Headers, _payload: &Value) -> Option<String> {
        let [(_, id)] = standard_or_svix(headers, [ID]).ok()?;
        std::str::from_utf8(id).ok().map(str::to_owned)
    }

    fn replay_id(event: &GenericEvent<Self>, _body: &[u8]) -> Option<ReplayId> {
        // `webhook-id` is part of the signed message.
        event.id.as_deref().map(ReplayId::durable)
    }
}

/// Each header under its standard name, else under its Svix name, with
/// the name it was found under; a missing header is reported under the
/// standard name.
///
/// The standard names are found in one pass, and the Svix names in a
/// second only when a standard one is absent: a Svix field next to its
/// standard one is never read, so a sender of the standard names (or of
/// both) costs three names, not six.
fn standard_or_svix<'h, const N: usize>(
    headers: &'h dyn Headers,
    names: [[&'static str; 2]; N],
) -> Result<[(&'static str, &'h [u8]); N], Error> {
    let standard = header::find(headers, names.map(|[standard, _]| standard));
    let mut svix = None;
    let mut values = [("", &b""[..]); N];
    for ((value, found), index) in values.iter_mut().zip(standard).zip(0..) {
        *value = match found.optional()? {
            Some(bytes) => (found.name(), bytes),
            None => {
                let svix = svix
                    .get_or_insert_with(|| header::find(headers, names.map(|[_, svix]| svix)))
                    [index];
                match svix.optional()? {
                    Some(bytes) => (svix.name(), bytes),
                    None => return Err(Error::MissingHeader { name: found.name() }),
                }
            }
        };
    }
    Ok(values)
}
