//! Nomos events: the envelope `{"id","timestamp","topic","context"}`, one
//! variant per known topic with its typed context.

use crate::header::Headers;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Nomos;
use crate::error::Error;
use crate::event::{Event, ReplayId, table::events, time};
use crate::verification::Verification;

events! {
    /// A Nomos event, chosen by the envelope's `topic`.
    ///
    /// Serialized as the envelope it came from (`topic` first); `Unknown` as
    /// `{"topic":…,"raw":…}`.
    event NomosEvent, tagged "topic";
    /// A Nomos topic.
    ///
    /// ```
    /// use hookguard::nomos::NomosTopic;
    ///
    /// let topic: NomosTopic = "subscription.created".parse().unwrap();
    /// assert_eq!(topic, NomosTopic::SubscriptionCreated);
    /// assert_eq!(topic.as_str(), "subscription.created");
    /// ```
    topic NomosTopic;
    rows {
        /// `subscription.created`: `context.lead` may be set.
        SubscriptionCreated(SubscriptionEvent) => "subscription.created",
        /// `subscription.confirmed`
        SubscriptionConfirmed(SubscriptionEvent) => "subscription.confirmed",
        /// `subscription.activated`
        SubscriptionActivated(SubscriptionEvent) => "subscription.activated",
        /// `subscription.terminated`
        SubscriptionTerminated(SubscriptionEvent) => "subscription.terminated",
        /// `subscription.ended`
        SubscriptionEnded(SubscriptionEvent) => "subscription.ended",
        /// `test.event`, as a full envelope or, from older senders, a bare
        /// `{"topic":"test.event"}`.
        TestEvent(TestEvent) => "test.event",
    }
}

/// The envelope of a subscription event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SubscriptionEvent {
    /// The event id: the same on every retry, so the replay key.
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
}

impl Event for NomosEvent {
    type Scheme = Nomos;

    fn parse(_headers: &dyn Headers, body: &[u8], _verified: &Verification) -> Result<Self, Error> {
        Self::from_slice(body)
    }

    fn topic_name(&self) -> Option<&str> {
        Some(self.topic_str())
    }

    fn id(&self) -> Option<&str> {
        NomosEvent::id(self)
    }

    fn replay_id(&self, _body: &[u8]) -> Option<ReplayId> {
        // The id is in the signed body, and the same on every retry.
        NomosEvent::id(self).map(ReplayId::durable)
    }
}
