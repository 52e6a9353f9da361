//! What a successful check proved about a delivery: the one home for the
//! matched secret or public key and the signed time.

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
    /// The position, in the order given, of the secret that matched (an
    /// HMAC signature); `None` when a public key matched instead, and for
    /// [`Verifier::insecure_accept_unsigned`](crate::Verifier::insecure_accept_unsigned).
    /// Secrets added with
    /// [`with_retiring_secret`](crate::Verifier::with_retiring_secret) count
    /// on after those given to [`Verifier::new`](crate::Verifier::new).
    pub secret_index: Option<usize>,
    /// The position, in the order added, of the Standard Webhooks public key
    /// whose `v1a` (ed25519) signature matched; `None` when a secret matched.
    pub public_key_index: Option<usize>,
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
            public_key_index: None,
            timestamp,
        }
    }

    /// A check that matched the public key at `index`.
    pub(crate) fn matched_public_key(index: usize, timestamp: Option<u64>) -> Self {
        Self {
            secret_index: None,
            public_key_index: Some(index),
            timestamp,
        }
    }

    /// A check that matched nothing because nothing was asked for (the
    /// insecure Noma verifier).
    pub(crate) fn unsigned() -> Self {
        Self {
            secret_index: None,
            public_key_index: None,
            timestamp: None,
        }
    }
}
