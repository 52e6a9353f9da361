//! Nomos: `X-Nomos-Signature: t=<unix seconds>,v1=<hex>` over `<t>.<body>`,
//! keyed with the endpoint secret's UTF-8 bytes as given
//! (docs.nomos.energy/webhooks/verify-requests).

use http::HeaderName;

use super::{Scheme, timestamped_list::TimestampedList};

/// The Nomos scheme.
///
/// The event id lives in the body, so the verification result carries no
/// id; the typed event has it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nomos;

impl Scheme for Nomos {
    const NAME: &'static str = "nomos";
}

impl TimestampedList for Nomos {
    fn header() -> &'static HeaderName {
        static SIGNATURE: HeaderName = HeaderName::from_static("x-nomos-signature");
        &SIGNATURE
    }
}
