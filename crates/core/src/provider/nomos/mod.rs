//! Nomos (energy tariffs): `X-Nomos-Signature: t=<unix seconds>,v1=<hex>`
//! over `<t>.<body>`, keyed with the endpoint secret's UTF-8 bytes as given
//! (docs.nomos.energy/webhooks/verify-requests); events chosen by the
//! envelope's `topic`.

mod events;

pub use self::events::{NomosEvent, NomosTopic, SubscriptionContext, SubscriptionEvent, TestEvent};
use crate::signature::Scheme;
use crate::signature::timestamped_list::TimestampedList;
use crate::verifier::Verifier;

/// A [`Verifier`] for Nomos deliveries.
pub type NomosVerifier = Verifier<Nomos>;

/// The Nomos scheme.
///
/// The event id lives in the signed body, so it is the replay key; the
/// typed event has it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nomos;

impl Scheme for Nomos {
    const NAME: &'static str = "nomos";
}

impl TimestampedList for Nomos {
    const HEADER: &'static str = "x-nomos-signature";
}
