//! Typed events: a verified body turned into a value chosen by its topic.
//!
//! Each provider has its own event enum ([`NomosEvent`](crate::nomos::NomosEvent),
//! [`NomaEvent`](crate::noma::NomaEvent)) and the three public schemes share
//! [`GenericEvent`](crate::generic::GenericEvent). [`Verifier::receive`]
//! verifies and parses in one call and hands back a [`Delivery`].

pub(crate) mod php;
pub(crate) mod time;
pub(crate) mod topic;

use bytes::Bytes;
use http::HeaderMap;

use crate::error::Error;
use crate::scheme::Scheme;
use crate::verifier::{Verified, Verifier};

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
    fn parse(headers: &HeaderMap, body: &[u8], verified: &Verified<'_>) -> Result<Self, Error>;

    /// The topic that chose this event, as sent on the wire; `None` when the
    /// delivery names none.
    fn topic_name(&self) -> Option<&str>;

    /// The key that identifies the event across retries, if the event has
    /// one in its body (Nomos `id`, Stripe `id`).
    fn idempotency_key(&self) -> Option<&str> {
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
    /// Which secret matched; `None` only for an unsigned Noma verifier.
    pub secret_index: Option<usize>,
    /// The signed send time in Unix seconds, where the scheme signs one.
    pub timestamp: Option<u64>,
    /// The key that stays the same across retries of this event: the Nomos
    /// or Stripe event id, `webhook-id`, or `X-GitHub-Delivery`. Noma has none.
    pub idempotency_key: Option<String>,
    /// The verified body, byte for byte.
    pub body: Bytes,
}

impl<S: Scheme> Verifier<S> {
    /// Verifies a delivery, then parses it into the typed event `E`: the one
    /// call from request to event, outside any web framework.
    ///
    /// ```
    /// use hookguard_core::nomos::NomosEvent;
    /// use hookguard_core::{FixedClock, NomosVerifier, Signer, scheme::Nomos};
    ///
    /// let body = r#"{"id":"evt_1","timestamp":"2026-01-15T10:30:00Z","topic":"subscription.ended","context":{"subscription":"sub_1"}}"#;
    /// let headers = Signer::<Nomos>::new("s3cret")?.sign(1_768_473_000, "", body.as_bytes())?;
    /// let verifier = NomosVerifier::new(["s3cret"])?.with_clock(FixedClock(1_768_473_000));
    ///
    /// let delivery = verifier.receive::<NomosEvent>(&headers, body)?;
    /// assert_eq!(delivery.idempotency_key.as_deref(), Some("evt_1"));
    /// match delivery.event {
    ///     NomosEvent::SubscriptionEnded(event) => assert_eq!(event.context.subscription, "sub_1"),
    ///     other => panic!("unexpected {other:?}"),
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Every error of [`Verifier::verify`], then `invalid_payload` when the
    /// authentic body is not a valid `E`.
    pub fn receive<E: Event<Scheme = S>>(
        &self,
        headers: &HeaderMap,
        body: impl Into<Bytes>,
    ) -> Result<Delivery<E>, Error> {
        let body = body.into();
        let verified = self.verify(headers, &body)?;
        let event = E::parse(headers, &body, &verified)?;
        let idempotency_key = event.idempotency_key().or(verified.id).map(str::to_owned);
        Ok(Delivery {
            secret_index: verified.secret_index,
            timestamp: verified.timestamp,
            idempotency_key,
            event,
            body,
        })
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
