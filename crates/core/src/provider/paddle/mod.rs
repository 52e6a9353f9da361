//! Paddle Billing: `Paddle-Signature: ts=<unix seconds>;h1=<hex>[;h1=…]`
//! over `<ts>:<body>`, keyed with the whole endpoint secret key
//! (`pdl_ntfset_…`) as UTF-8 (developer.paddle.com, "Verify webhook
//! signatures"); a generic event whose topic is the body's `event_type`
//! and whose id is the body's `event_id`.

use serde_json::Value;

use crate::error::Error;
use crate::event::ReplayId;
use crate::event::generic::{GenericEvent, GenericSource, string_member};
use crate::header::Headers;
use crate::signature::Scheme;
use crate::signature::timestamped_list::{Format, TimestampedList};
use crate::verifier::Verifier;

/// A [`Verifier`] for Paddle deliveries.
pub type PaddleVerifier = Verifier<Paddle>;

/// A Paddle event: topic from the body's `event_type`, id from the body's
/// `event_id`.
pub type PaddleEvent = GenericEvent<Paddle>;

/// The Paddle scheme.
///
/// The event id lives in the signed body (`event_id`): it is the replay
/// key. Several `h1` entries (a secret rotation) are all candidates; a
/// header with more than 16 signature entries is malformed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Paddle;

impl Scheme for Paddle {
    const NAME: &'static str = "paddle";
}

impl TimestampedList for Paddle {
    const FORMAT: Format = Format::PADDLE;

    const HEADER: &'static str = "paddle-signature";
}

impl GenericSource for Paddle {
    fn topic(_headers: &dyn Headers, payload: &Value) -> Result<Option<String>, Error> {
        Ok(string_member(payload, "event_type"))
    }

    fn id(_headers: &dyn Headers, payload: &Value) -> Option<String> {
        string_member(payload, "event_id")
    }

    fn replay_id(event: &GenericEvent<Self>, _body: &[u8]) -> Option<ReplayId> {
        // The body is signed, so its `event_id` cannot be swapped.
        event.id.as_deref().map(ReplayId::durable)
    }
}
