//! Nomos events: the envelope `{"id","timestamp","topic","context"}`, one
//! variant per known topic with its typed context.

use chrono::{DateTime, Utc};
use http::HeaderMap;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::event::{Event, parse_as, read_head, time, topic::topics};
use crate::scheme::Nomos;
use crate::verifier::Verified;

topics! {
    /// A Nomos topic.
    ///
    /// ```
    /// use hookguard_core::nomos::NomosTopic;
    ///
    /// let topic: NomosTopic = "subscription.created".parse().unwrap();
    /// assert_eq!(topic, NomosTopic::SubscriptionCreated);
    /// assert_eq!(topic.as_str(), "subscription.created");
    /// ```
    NomosTopic {
        /// `subscription.created`
        SubscriptionCreated => "subscription.created",
        /// `subscription.confirmed`
        SubscriptionConfirmed => "subscription.confirmed",
        /// `subscription.activated`
        SubscriptionActivated => "subscription.activated",
        /// `subscription.terminated`
        SubscriptionTerminated => "subscription.terminated",
        /// `subscription.ended`
        SubscriptionEnded => "subscription.ended",
        /// `test.event`, sent from the Nomos dashboard.
        TestEvent => "test.event",
    }
}

/// A Nomos event, chosen by the envelope's `topic`.
///
/// Serialized as the envelope it came from (`topic` first); `Unknown` as
/// `{"topic":…,"raw":…}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "topic")]
#[non_exhaustive]
pub enum NomosEvent {
    /// `subscription.created`: `context.lead` may be set.
    #[serde(rename = "subscription.created")]
    SubscriptionCreated(SubscriptionEvent),
    /// `subscription.confirmed`
    #[serde(rename = "subscription.confirmed")]
    SubscriptionConfirmed(SubscriptionEvent),
    /// `subscription.activated`
    #[serde(rename = "subscription.activated")]
    SubscriptionActivated(SubscriptionEvent),
    /// `subscription.terminated`
    #[serde(rename = "subscription.terminated")]
    SubscriptionTerminated(SubscriptionEvent),
    /// `subscription.ended`
    #[serde(rename = "subscription.ended")]
    SubscriptionEnded(SubscriptionEvent),
    /// `test.event`, as a full envelope or, from older senders, a bare
    /// `{"topic":"test.event"}`.
    #[serde(rename = "test.event")]
    TestEvent(TestEvent),
    /// A topic this version does not know: a normal event, not an error.
    #[serde(untagged)]
    Unknown {
        /// The topic as sent.
        topic: String,
        /// The whole body.
        raw: serde_json::Value,
    },
}

/// The envelope of a subscription event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubscriptionEvent {
    /// The event id: the same on every retry, so the idempotency key.
    pub id: String,
    /// When Nomos created the event.
    #[serde(deserialize_with = "time::utc")]
    pub timestamp: DateTime<Utc>,
    /// The ids the event is about.
    pub context: SubscriptionContext,
}

/// The `context` of a subscription event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubscriptionContext {
    /// The subscription's id.
    pub subscription: String,
    /// The lead the subscription came from (`subscription.created` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
}

/// A `test.event`; older senders omit everything but the topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TestEvent {
    /// The event id, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// When Nomos created the event, when sent.
    #[serde(
        default,
        deserialize_with = "time::optional_utc",
        skip_serializing_if = "Option::is_none"
    )]
    pub timestamp: Option<DateTime<Utc>>,
}

impl NomosEvent {
    /// The event's topic.
    #[must_use]
    pub fn topic(&self) -> NomosTopic {
        match self {
            Self::SubscriptionCreated(_) => NomosTopic::SubscriptionCreated,
            Self::SubscriptionConfirmed(_) => NomosTopic::SubscriptionConfirmed,
            Self::SubscriptionActivated(_) => NomosTopic::SubscriptionActivated,
            Self::SubscriptionTerminated(_) => NomosTopic::SubscriptionTerminated,
            Self::SubscriptionEnded(_) => NomosTopic::SubscriptionEnded,
            Self::TestEvent(_) => NomosTopic::TestEvent,
            Self::Unknown { topic, .. } => NomosTopic::Other(topic.clone()),
        }
    }

    /// The event id, the same on every retry; `None` only for a bare test event.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        match self {
            Self::SubscriptionCreated(event)
            | Self::SubscriptionConfirmed(event)
            | Self::SubscriptionActivated(event)
            | Self::SubscriptionTerminated(event)
            | Self::SubscriptionEnded(event) => Some(&event.id),
            Self::TestEvent(event) => event.id.as_deref(),
            Self::Unknown { raw, .. } => raw.get("id").and_then(serde_json::Value::as_str),
        }
    }

    /// Parses an authentic Nomos body.
    ///
    /// # Errors
    ///
    /// `invalid_payload` when the body is not a JSON object with a string
    /// `topic`, or a known topic lacks a field or has one of the wrong type.
    pub fn from_slice(body: &[u8]) -> Result<Self, Error> {
        #[derive(Deserialize)]
        struct Head {
            topic: String,
        }
        let Head { topic } = read_head(body, "body is not an object with a string `topic`")?;
        let typed = |wrap: fn(SubscriptionEvent) -> Self| parse_as(body, wrap);
        match topic.parse::<NomosTopic>() {
            Ok(NomosTopic::SubscriptionCreated) => typed(Self::SubscriptionCreated),
            Ok(NomosTopic::SubscriptionConfirmed) => typed(Self::SubscriptionConfirmed),
            Ok(NomosTopic::SubscriptionActivated) => typed(Self::SubscriptionActivated),
            Ok(NomosTopic::SubscriptionTerminated) => typed(Self::SubscriptionTerminated),
            Ok(NomosTopic::SubscriptionEnded) => typed(Self::SubscriptionEnded),
            Ok(NomosTopic::TestEvent) => parse_as(body, Self::TestEvent),
            Ok(NomosTopic::Other(topic)) => parse_as(body, |raw| Self::Unknown { topic, raw }),
            Err(never) => match never {},
        }
    }
}

impl Event for NomosEvent {
    type Scheme = Nomos;

    fn parse(_headers: &HeaderMap, body: &[u8], _verified: &Verified<'_>) -> Result<Self, Error> {
        Self::from_slice(body)
    }

    fn topic_name(&self) -> Option<&str> {
        match self {
            Self::Unknown { topic, .. } => Some(topic),
            known => known.topic().known_name(),
        }
    }

    fn idempotency_key(&self) -> Option<&str> {
        self.id()
    }
}
