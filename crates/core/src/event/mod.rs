//! Typed events: a verified body turned into a value chosen by its topic,
//! and the key the replay guard de-duplicates it by.
//!
//! Each provider declares its event enum from one table (see `table`);
//! the providers whose bodies are not typed share
//! [`GenericEvent`](generic::GenericEvent).

pub(crate) mod generic;
pub(crate) mod php;
pub(crate) mod table;
pub(crate) mod time;

use std::fmt;
use std::time::Duration;

use crate::header::Headers;
use bytes::Bytes;
use sha2::{Digest as _, Sha256};

use crate::error::Error;
use crate::signature::Scheme;
use crate::verification::Verification;

/// An event type that can be parsed from a verified delivery of its scheme,
/// and serialized again (the command prints events as JSON).
pub trait Event: Sized + Clone + Send + Sync + serde::Serialize + 'static {
    /// The scheme whose deliveries carry this event.
    type Scheme: Scheme;

    /// Parses an authentic body.
    ///
    /// # Errors
    ///
    /// `invalid_payload` when the body is not JSON, or a known topic lacks a
    /// required field or has one of the wrong type.
    fn parse(headers: &dyn Headers, body: &[u8], verified: &Verification) -> Result<Self, Error>;

    /// The topic that chose this event, as sent on the wire; `None` when the
    /// delivery names none.
    fn topic_name(&self) -> Option<&str>;

    /// The id the provider gives this event, as reported (GitHub's comes
    /// from an unsigned header); `None` when it gives none. For display and
    /// logs: the replay guard uses [`replay_id`](Self::replay_id).
    fn id(&self) -> Option<&str> {
        None
    }

    /// The key the replay guard de-duplicates this event by, taken only
    /// from signed bytes: the signed event id where the provider
    /// has one, else a digest of the body.
    fn replay_id(&self, body: &[u8]) -> Option<ReplayId>;

    /// The challenge when this event is a provider's handshake that the
    /// receiver must answer itself, without running the handler (Slack's
    /// `url_verification`); `None` for every other event. The receive
    /// pipeline answers it: see [`receive::accept`](crate::receive::accept).
    fn challenge(&self) -> Option<&str> {
        None
    }
}

/// A verified, parsed delivery: the typed event, what verification proved,
/// and the raw body bytes exactly as received.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Delivery<E> {
    /// The typed event.
    pub event: E,
    /// What verification proved: the matched secret and the signed time.
    pub verification: Verification,
    /// The verified body, byte for byte.
    pub body: Bytes,
}

impl<E: Event> Delivery<E> {
    /// The id the provider gives the event, as reported; see [`Event::id`].
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.event.id()
    }

    /// The key the replay guard uses for this delivery; see [`Event::replay_id`].
    #[must_use]
    pub fn replay_id(&self) -> Option<ReplayId> {
        self.event.replay_id(&self.body)
    }
}

/// The bytes a delivery is de-duplicated by, and how long the guard keeps
/// them once the handler succeeded.
///
/// ```
/// use hookguard::{Hold, ReplayId};
///
/// let id = ReplayId::durable("evt_42");
/// assert_eq!(id.key(), b"evt_42");
/// assert_eq!(id.hold(), Hold::Retention);
/// assert_eq!(ReplayId::body_digest(b"{}").key().len(), 32);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ReplayId {
    key: Vec<u8>,
    hold: Hold,
}

/// How long a completed replay key is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Hold {
    /// The guard's retention (7 days by default): for ids that stay the
    /// same on every retry.
    Retention,
    /// Twice the verifier's tolerance: for a shield against replays of the
    /// exact body, which a fresh retry of the same event never repeats.
    ReplayWindow,
    /// This long, whatever the guard's retention.
    For(Duration),
}

impl ReplayId {
    /// A key that stays the same on every retry, kept for the guard's
    /// retention.
    #[must_use]
    pub fn durable(key: impl AsRef<[u8]>) -> Self {
        Self {
            key: key.as_ref().to_vec(),
            hold: Hold::Retention,
        }
    }

    /// The SHA-256 of `body`, kept for the guard's retention: for providers
    /// that sign only the body and redeliver it unchanged.
    #[must_use]
    pub fn body_digest(body: &[u8]) -> Self {
        Self::durable(Sha256::digest(body))
    }

    /// The same key, kept for twice the verifier's tolerance instead.
    #[must_use]
    pub fn for_replay_window(self) -> Self {
        Self {
            hold: Hold::ReplayWindow,
            ..self
        }
    }

    /// The same key, kept for `duration` instead.
    #[must_use]
    pub fn for_duration(self, duration: Duration) -> Self {
        Self {
            hold: Hold::For(duration),
            ..self
        }
    }

    /// The key's bytes (before the guard namespaces and digests them).
    #[must_use]
    pub fn key(&self) -> &[u8] {
        &self.key
    }

    /// How long the key is kept once handled.
    #[must_use]
    pub fn hold(&self) -> Hold {
        self.hold
    }
}

impl fmt::Debug for ReplayId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys are ids or digests from signed bytes; show at most a prefix.
        let shown = &self.key[..self.key.len().min(64)];
        let mut debug = f.debug_struct("ReplayId");
        match std::str::from_utf8(shown) {
            Ok(text) => debug.field("key", &text),
            Err(_) => debug.field("key", &hex::encode(shown)),
        };
        debug
            .field("len", &self.key.len())
            .field("hold", &self.hold)
            .finish()
    }
}

/// Reads the member that names the topic, with `reason` when the body is
/// JSON but has no such string member.
pub(crate) fn read_head<H: serde::de::DeserializeOwned>(
    body: &[u8],
    reason: &'static str,
) -> Result<H, Error> {
    // Skipped members are not checked by serde: check the encoding once here.
    if std::str::from_utf8(body).is_err() {
        return Err(Error::InvalidPayload {
            reason: "body is not UTF-8",
        });
    }
    // serde reads a struct from an array too; the envelope must be an object.
    if body.trim_ascii_start().first() != Some(&b'{') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
                Ok(_) => Error::InvalidPayload { reason },
                Err(error) => invalid_payload(&error),
            },
        );
    }
    serde_json::from_slice(body).map_err(|error| match error.classify() {
        serde_json::error::Category::Data => Error::InvalidPayload { reason },
        _ => invalid_payload(&error),
    })
}

/// Parses `body` as `T` and wraps it into an event.
pub(crate) fn parse_as<T, E>(body: &[u8], wrap: impl FnOnce(T) -> E) -> Result<E, Error>
where
    T: serde::de::DeserializeOwned,
{
    serde_json::from_slice(body)
        .map(wrap)
        .map_err(|error| invalid_payload(&error))
}

/// Turns a failed typed parse into `invalid_payload`, keeping only the kind
/// of failure: serde's messages can quote the body.
pub(crate) fn invalid_payload(error: &serde_json::Error) -> Error {
    use serde_json::error::Category;
    Error::InvalidPayload {
        reason: match error.classify() {
            Category::Data => "a field is missing or has the wrong type for the topic",
            Category::Syntax | Category::Eof => "body is not valid JSON",
            Category::Io => "body could not be read",
        },
    }
}
