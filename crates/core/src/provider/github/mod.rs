//! GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body, keyed with the
//! secret's UTF-8 bytes (docs.github.com, "Validating webhook deliveries");
//! a generic event whose topic is `X-GitHub-Event` and whose id is
//! `X-GitHub-Delivery`, neither of them signed.

use http::{HeaderMap, HeaderName};
use serde_json::Value;

use crate::error::Error;
use crate::event::ReplayId;
use crate::event::generic::{GenericEvent, GenericSource};
use crate::header::{self, Headers};
use crate::secret::Secret;
use crate::signature::{Scheme, body_signed_with, decode_hex_tag, generated_value, sealed::Sealed};
use crate::verification::Verification;
use crate::verifier::Verifier;

const SIGNATURE: &str = "x-hub-signature-256";
const DELIVERY: &str = "x-github-delivery";
const EVENT: &str = "x-github-event";

/// A [`Verifier`] for GitHub deliveries.
pub type GitHubVerifier = Verifier<GitHub>;

/// A GitHub event: topic from `X-GitHub-Event`, id from `X-GitHub-Delivery`
/// (both unsigned: reported, never trusted).
pub type GitHubEvent = GenericEvent<GitHub>;

/// The GitHub scheme.
///
/// GitHub signs only the body: no timestamp, so there is no freshness
/// check, and neither `X-GitHub-Delivery` nor `X-GitHub-Event`. Replays are
/// stopped by the replay guard, keyed by the SHA-256 of the body:
/// a captured delivery resent under a new delivery id is still the same
/// body, and GitHub's own redeliveries carry the same body too.
#[derive(Debug, Clone, Copy, Default)]
pub struct GitHub;

impl Scheme for GitHub {
    const NAME: &'static str = "github";
}

impl Sealed for GitHub {
    fn authenticate(
        &self,
        secrets: &[Secret],
        headers: &dyn Headers,
        body: &[u8],
    ) -> Result<Verification, Error> {
        let [signature, delivery] = header::find(headers, [SIGNATURE, DELIVERY]);
        let value = signature.required()?;
        delivery.unsigned()?;
        let candidate = value.strip_prefix(b"sha256=").and_then(decode_hex_tag);
        body_signed_with(
            secrets,
            body,
            SIGNATURE,
            candidate,
            "expected `sha256=` and 64 hex digits",
        )
    }

    fn signature_headers(
        secret: &Secret,
        _timestamp: u64,
        id: &str,
        body: &[u8],
    ) -> Result<HeaderMap, Error> {
        let value = format!("sha256={}", hex::encode(secret.tag(&[body])));
        let mut headers =
            HeaderMap::from_iter([(HeaderName::from_static(SIGNATURE), generated_value(value))]);
        header::insert_id(&mut headers, DELIVERY, id)?;
        Ok(headers)
    }
}

impl GenericSource for GitHub {
    fn topic(headers: &dyn Headers, _payload: &Value) -> Result<Option<String>, Error> {
        Ok(header::one(headers, EVENT)
            .optional_text()?
            .map(str::to_owned))
    }

    fn id(headers: &dyn Headers, _payload: &Value) -> Option<String> {
        header::reported(headers, DELIVERY)
    }

    fn replay_id(_event: &GenericEvent<Self>, body: &[u8]) -> Option<ReplayId> {
        // `X-GitHub-Delivery` is unsigned: anyone can resend a captured
        // body under a new one. The body is what GitHub signs.
        Some(ReplayId::body_digest(body))
    }
}
