//! Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>` over `<t>.<body>`,
//! keyed with the whole endpoint secret, `whsec_` included, as UTF-8
//! (docs.stripe.com/webhooks, "verify manually").

use http::HeaderName;

use super::{Scheme, timestamped_list::TimestampedList};

/// The Stripe scheme.
///
/// The event id lives in the body (`id`), so the verification result carries
/// no id; the generic event has it. `v0` test-mode signatures are ignored.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stripe;

impl Scheme for Stripe {
    const NAME: &'static str = "stripe";
}

impl TimestampedList for Stripe {
    fn header() -> &'static HeaderName {
        static SIGNATURE: HeaderName = HeaderName::from_static("stripe-signature");
        &SIGNATURE
    }
}
