//! What a successful check proved about a delivery: the one home for the
//! matched secret and the signed time.

/// What a successful check proved about a delivery.
///
/// It is small and `Copy`: [`Verifier::verify`](crate::Verifier::verify)
/// returns it without allocating, and a [`Delivery`](crate::Delivery)
/// carries it next to the typed event. Ids are not part of it: an id a
/// provider sends in a header may be unsigned, so events report their ids
/// themselves ([`Event::id`](crate::Event::id)) and replay keys come only
/// from signed bytes ([`Event::replay_id`](crate::Event::replay_id)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verification {
    /// The position, in the order given, of the secret that matched; `None`
    /// only for [`Verifier::insecure_accept_unsigned`](crate::Verifier::insecure_accept_unsigned).
    pub secret_index: Option<usize>,
    /// The signed send time in Unix seconds, where the scheme signs one
    /// (read from the body for Noma; `None` when the time was not checked).
    pub timestamp: Option<u64>,
}

impl Verification {
    /// A check that matched the secret at `index`, with the signed time
    /// from the headers when the scheme has one there.
    pub(crate) fn matched(index: usize, timestamp: Option<u64>) -> Self {
        Self {
            secret_index: Some(index),
            timestamp,
        }
    }
}
