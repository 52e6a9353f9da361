//! Shopify: `X-Shopify-Hmac-Sha256: <base64>` = HMAC(secret UTF-8, body)
//! (shopify.dev, "Verify webhooks"); a generic event whose topic is
//! `X-Shopify-Topic` and whose id is `X-Shopify-Webhook-Id`, neither of
//! them signed.

use http::{HeaderMap, HeaderName};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::error::Error;
use crate::event::ReplayId;
use crate::event::generic::{GenericEvent, GenericSource};
use crate::header::{self, Headers};
use crate::secret::Secret;
use crate::signature::{
    Scheme, body_signed_with, decode_base64_tag, generated_value, sealed::Sealed,
};
use crate::verification::Verification;
use crate::verifier::Verifier;

const SIGNATURE: &str = "x-shopify-hmac-sha256";
const TOPIC: &str = "x-shopify-topic";
const WEBHOOK_ID: &str = "x-shopify-webhook-id";

/// A [`Verifier`] for Shopify deliveries.
pub type ShopifyVerifier = Verifier<Shopify>;

/// A Shopify event: topic from `X-Shopify-Topic`, id from
/// `X-Shopify-Webhook-Id` (both unsigned: reported, never trusted).
pub type ShopifyEvent = GenericEvent<Shopify>;

/// The Shopify scheme.
///
/// Shopify signs only the body: no timestamp, so no freshness check, and
/// neither the topic nor the webhook id. The replay key is the SHA-256 of
/// `X-Shopify-Topic`, 0x00 and the body (SPEC §7): `orders/paid` and
/// `orders/updated` can carry identical bodies, so the body alone would
/// drop a genuine event. The price: a captured body resent under another
/// topic name runs once per name. Route only the topics you subscribed
/// to, and act on the state fetched from Shopify's API, not on the topic
/// alone.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shopify;

impl Scheme for Shopify {
    const NAME: &'static str = "shopify";
}

impl Sealed for Shopify {
    fn authenticate(
        &self,
        secrets: &[Secret],
        headers: &dyn Headers,
        body: &[u8],
    ) -> Result<Verification, Error> {
        let [signature, topic, webhook_id] = header::find(headers, [SIGNATURE, TOPIC, WEBHOOK_ID]);
        let value = signature.required()?;
        // Both feed the event (the topic also its replay key): a repeated
        // or empty one is refused here, before anyone reads it.
        topic.unsigned()?;
        webhook_id.unsigned()?;
        body_signed_with(
            secrets,
            body,
            SIGNATURE,
            decode_base64_tag(value),
            "expected the base64 of 32 bytes",
        )
    }

    fn signature_headers(
        secret: &Secret,
        _timestamp: u64,
        id: &str,
        body: &[u8],
    ) -> Result<HeaderMap, Error> {
        use base64::Engine as _;
        let value = base64::engine::general_purpose::STANDARD.encode(secret.tag(&[body]));
        let mut headers =
            HeaderMap::from_iter([(HeaderName::from_static(SIGNATURE), generated_value(value))]);
        header::insert_id(&mut headers, WEBHOOK_ID, id)?;
        Ok(headers)
    }
}

impl GenericSource for Shopify {
    fn topic(headers: &dyn Headers, _payload: &Value) -> Result<Option<String>, Error> {
        Ok(header::reported(headers, TOPIC))
    }

    fn id(headers: &dyn Headers, _payload: &Value) -> Option<String> {
        header::reported(headers, WEBHOOK_ID)
    }

    fn replay_id(event: &GenericEvent<Self>, body: &[u8]) -> Option<ReplayId> {
        // The topic is unsigned but part of the key: the same body under
        // two genuine topics is two events. An absent topic keys as empty.
        let mut key = Sha256::new();
        key.update(event.topic.as_deref().unwrap_or_default().as_bytes());
        key.update([0]);
        key.update(body);
        Some(ReplayId::durable(key.finalize()))
    }
}
