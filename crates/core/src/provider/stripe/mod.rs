//! Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>` over `<t>.<body>`,
//! keyed with the whole endpoint secret, `whsec_` included, as UTF-8
//! (docs.stripe.com/webhooks, "verify manually"); a generic event whose
//! topic is the body's `type` and whose id is the body's `id`.

use crate::header::Headers;
use serde_json::Value;

use crate::error::Error;
use crate::event::ReplayId;
use crate::event::generic::{GenericEvent, GenericSource, string_member};
use crate::signature::Scheme;
use crate::signature::timestamped_list::TimestampedList;
use crate::verifier::Verifier;

/// A [`Verifier`] for Stripe deliveries.
pub type StripeVerifier = Verifier<Stripe>;

/// A Stripe event: topic from the body's `type`, id from the body's `id`.
pub type StripeEvent = GenericEvent<Stripe>;

/// The Stripe scheme.
///
/// The event id lives in the signed body (`id`): it is the replay key.
/// `v0` test-mode signatures are ignored.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stripe;

impl Scheme for Stripe {
    const NAME: &'static str = "stripe";
}

impl TimestampedList for Stripe {
    const HEADER: &'static str = "stripe-signature";
}

impl GenericSource for Stripe {
    fn topic(_headers: &dyn Headers, payload: &Value) -> Result<Option<String>, Error> {
        Ok(string_member(payload, "type"))
    }

    fn id(_headers: &dyn Headers, payload: &Value) -> Option<String> {
        string_member(payload, "id")
    }

    fn replay_id(event: &GenericEvent<Self>, _body: &[u8]) -> Option<ReplayId> {
        // The body is signed, so its `id` cannot be swapped.
        event.id.as_deref().map(ReplayId::durable)
    }
}
