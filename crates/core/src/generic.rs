//! The event of the three public schemes (Standard Webhooks, Stripe,
//! GitHub): any JSON body, with the topic and id each scheme defines.

use std::fmt;
use std::marker::PhantomData;

use http::{HeaderMap, HeaderName};
use serde::Serialize;
use serde_json::Value;

use crate::error::Error;
use crate::event::{Event, parse_as};
use crate::header;
use crate::scheme::{GitHub, Scheme, StandardWebhooks, Stripe};
use crate::verifier::Verified;

/// A Standard Webhooks (Svix) event: topic from the body's `type`, id from `webhook-id`.
pub type StandardWebhooksEvent = GenericEvent<StandardWebhooks>;
/// A Stripe event: topic from the body's `type`, id from the body's `id`.
pub type StripeEvent = GenericEvent<Stripe>;
/// A GitHub event: topic from `X-GitHub-Event`, id from `X-GitHub-Delivery`.
pub type GitHubEvent = GenericEvent<GitHub>;

/// An event of scheme `S` whose body may be any JSON value.
///
/// Serialized as `{"topic":…,"id":…,"payload":…}`.
#[derive(Clone, Serialize)]
#[serde(bound = "")]
#[non_exhaustive]
pub struct GenericEvent<S> {
    /// The event's type, `None` when the delivery names none.
    pub topic: Option<String>,
    /// The key that stays the same across retries, when the delivery has one.
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
fn member(payload: &Value, name: &str) -> Option<String> {
    payload.get(name).and_then(Value::as_str).map(str::to_owned)
}

/// Where a public scheme keeps an event's topic and id.
pub trait GenericSource: Scheme {
    /// The topic and the idempotency key of an authentic delivery.
    #[doc(hidden)]
    fn topic_and_id(
        headers: &HeaderMap,
        payload: &Value,
        verified: &Verified<'_>,
    ) -> Result<(Option<String>, Option<String>), Error>;
}

impl GenericSource for StandardWebhooks {
    fn topic_and_id(
        _headers: &HeaderMap,
        payload: &Value,
        verified: &Verified<'_>,
    ) -> Result<(Option<String>, Option<String>), Error> {
        Ok((member(payload, "type"), verified.id.map(str::to_owned)))
    }
}

impl GenericSource for Stripe {
    fn topic_and_id(
        _headers: &HeaderMap,
        payload: &Value,
        _verified: &Verified<'_>,
    ) -> Result<(Option<String>, Option<String>), Error> {
        Ok((member(payload, "type"), member(payload, "id")))
    }
}

impl GenericSource for GitHub {
    fn topic_and_id(
        headers: &HeaderMap,
        _payload: &Value,
        verified: &Verified<'_>,
    ) -> Result<(Option<String>, Option<String>), Error> {
        static EVENT: HeaderName = HeaderName::from_static("x-github-event");
        let topic = header::optional(headers, &EVENT)?.map(str::to_owned);
        Ok((topic, verified.id.map(str::to_owned)))
    }
}

impl<S: GenericSource> Event for GenericEvent<S> {
    type Scheme = S;

    fn parse(headers: &HeaderMap, body: &[u8], verified: &Verified<'_>) -> Result<Self, Error> {
        let payload: Value = parse_as(body, |value| value)?;
        let (topic, id) = S::topic_and_id(headers, &payload, verified)?;
        Ok(Self {
            topic,
            id,
            payload,
            scheme: PhantomData,
        })
    }

    fn topic_name(&self) -> Option<&str> {
        self.topic.as_deref()
    }

    fn idempotency_key(&self) -> Option<&str> {
        self.id.as_deref()
    }
}
