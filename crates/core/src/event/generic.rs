//! The generic event of the schemes whose bodies we do not type: any JSON
//! value, with the topic, id and replay key each provider defines.

use std::fmt;
use std::marker::PhantomData;

use crate::header::Headers;
use serde::Serialize;
use serde_json::Value;

use crate::error::Error;
use crate::event::{Event, ReplayId, parse_as};
use crate::signature::Scheme;
use crate::verification::Verification;

/// An event of scheme `S` whose body may be any JSON value.
///
/// Serialized as `{"topic":…,"id":…,"payload":…}`.
#[derive(Clone, Serialize)]
#[serde(bound = "")]
#[non_exhaustive]
pub struct GenericEvent<S> {
    /// The event's type, `None` when the delivery names none. For GitHub
    /// it comes from an unsigned header: see the provider's docs.
    pub topic: Option<String>,
    /// The id the provider gives the event, when it gives one. It may come
    /// from an unsigned header (GitHub's `X-GitHub-Delivery`): report it,
    /// never trust it as a replay key.
    pub id: Option<String>,
    /// The whole body.
    pub payload: Value,
    #[serde(skip)]
    scheme: PhantomData<fn() -> S>,
}

impl<S: Scheme> fmt::Debug for GenericEvent<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GenericEvent")
            .field("scheme", &S::NAME)
            .field("topic", &self.topic)
            .field("id", &self.id)
            .field("payload", &self.payload)
            .finish()
    }
}

/// A string member of a JSON object body.
pub(crate) fn string_member(payload: &Value, name: &str) -> Option<String> {
    payload.get(name).and_then(Value::as_str).map(str::to_owned)
}

/// Where a provider of generic events keeps an event's topic, id and
/// replay key (replay keys come only from signed bytes).
pub trait GenericSource: Scheme {
    /// The payload of an authentic body: the body as JSON, for every
    /// provider but Slack (whose form bodies are events too).
    #[doc(hidden)]
    fn payload(body: &[u8]) -> Result<Value, Error> {
        parse_as(body, |value| value)
    }

    /// The topic of an authentic delivery.
    #[doc(hidden)]
    fn topic(headers: &dyn Headers, payload: &Value) -> Result<Option<String>, Error>;

    /// The id the provider reports, signed or not.
    #[doc(hidden)]
    fn id(headers: &dyn Headers, payload: &Value) -> Option<String>;

    /// The key the replay guard uses, from signed bytes only.
    #[doc(hidden)]
    fn replay_id(event: &GenericEvent<Self>, body: &[u8]) -> Option<ReplayId>;

    /// The challenge of a handshake the receiver answers itself (Slack's
    /// `url_verification`); see [`Event::challenge`].
    #[doc(hidden)]
    #[must_use]
    fn challenge(_event: &GenericEvent<Self>) -> Option<&str> {
        None
    }
}

impl<S: GenericSource> Event for GenericEvent<S> {
    type Scheme = S;

    fn parse(headers: &dyn Headers, body: &[u8], _verified: &Verification) -> Result<Self, Error> {
        let payload = S::payload(body)?;
        Ok(Self {
            topic: S::topic(headers, &payload)?,
            id: S::id(headers, &payload),
            payload,
            scheme: PhantomData,
        })
    }

    fn topic_name(&self) -> Option<&str> {
        self.topic.as_deref()
    }

    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    fn replay_id(&self, body: &[u8]) -> Option<ReplayId> {
        S::replay_id(self, body)
    }

    fn challenge(&self) -> Option<&str> {
        S::challenge(self)
    }
}
