//! The receive pipeline, free of any web framework: declared length →
//! read under the limit → verify → parse → claim → run the handler →
//! finish by status. The axum and actix adapters and the command's
//! `listen` only translate a request into these steps and the outcome into
//! a response; every rule that decides a delivery's fate is written here
//! once.

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;

use bytes::{Bytes, BytesMut};

use crate::error::Error;
use crate::event::{Delivery, Event, Hold, ReplayId};
use crate::header::Headers;
use crate::metrics;
use crate::replay::{ClaimedKey, ReplayGuard};
use crate::signature::Scheme;
use crate::verification::Verification;
use crate::verifier::Verifier;

/// Reads a body under a limit and checks it against its declared length.
///
/// Feed it the chunks as they arrive; it refuses `payload_too_large` as
/// soon as the body is known to exceed the limit (from `Content-Length`
/// before reading, else while reading), and `invalid_payload` when the
/// stream fails or ends at another length than it declared.
///
/// ```
/// use hookguard::BodyReader;
///
/// let mut reader = BodyReader::new(Some(b"5".as_slice()), 1024)?;
/// reader.push(b"hel")?;
/// reader.push_bytes(bytes::Bytes::from_static(b"lo"))?;
/// assert_eq!(reader.finish()?, b"hello".as_slice());
///
/// // A client that half-closes early sent less than it declared.
/// let mut short = BodyReader::new(Some(b"5".as_slice()), 1024)?;
/// short.push(b"hel")?;
/// assert_eq!(short.finish().unwrap_err().code(), "invalid_payload");
/// # Ok::<(), hookguard::Error>(())
/// ```
#[derive(Debug)]
pub struct BodyReader {
    /// The first chunk, kept as it came while it is the only one: a body
    /// that arrives in one chunk (the common case) is neither copied nor
    /// allocated again.
    whole: Option<Bytes>,
    /// Every byte read, once a second chunk arrives (or `push` copies).
    buffer: BytesMut,
    declared: Option<u64>,
    limit: usize,
}

impl BodyReader {
    /// A reader for a body whose `Content-Length` value is `declared`
    /// (absent for a chunked body), refused past `limit` bytes.
    ///
    /// # Errors
    ///
    /// `payload_too_large` when the declared length is over the limit;
    /// `malformed_header` when `Content-Length` is not a plain number.
    pub fn new(declared: Option<&[u8]>, limit: usize) -> Result<Self, Error> {
        let declared = match declared {
            None => None,
            Some(text) => Some(parse_length(text)?),
        };
        if declared.is_some_and(|length| length > limit as u64) {
            return Err(Error::PayloadTooLarge { limit });
        }
        Ok(Self {
            whole: None,
            buffer: BytesMut::new(),
            declared,
            limit,
        })
    }

    /// Appends one chunk, copying it.
    ///
    /// # Errors
    ///
    /// `payload_too_large` when the body grows past the limit, and
    /// `invalid_payload` when it grows past its declared length.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), Error> {
        self.admit(chunk.len())?;
        self.copy(chunk);
        Ok(())
    }

    /// Appends one chunk the reader may keep: a body that arrives whole in
    /// its first chunk is returned as that chunk, without a copy.
    ///
    /// # Errors
    ///
    /// As [`BodyReader::push`].
    pub fn push_bytes(&mut self, chunk: Bytes) -> Result<(), Error> {
        self.admit(chunk.len())?;
        if self.whole.is_none() && self.buffer.is_empty() {
            self.whole = Some(chunk);
        } else {
            self.copy(&chunk);
        }
        Ok(())
    }

    /// The whole body, once the stream has ended.
    ///
    /// # Errors
    ///
    /// `invalid_payload` when the body is shorter than its declared length
    /// (a client that half-closed early).
    pub fn finish(self) -> Result<Bytes, Error> {
        let body = match self.whole {
            Some(chunk) => chunk,
            None => self.buffer.freeze(),
        };
        if self
            .declared
            .is_some_and(|declared| declared != body.len() as u64)
        {
            return Err(length_differs());
        }
        Ok(body)
    }

    /// Checks that `more` bytes still fit under the limit and the declared
    /// length.
    fn admit(&self, more: usize) -> Result<(), Error> {
        let length = self.len().saturating_add(more);
        if length > self.limit {
            return Err(Error::PayloadTooLarge { limit: self.limit });
        }
        if self
            .declared
            .is_some_and(|declared| length as u64 > declared)
        {
            return Err(length_differs());
        }
        Ok(())
    }

    fn len(&self) -> usize {
        self.whole.as_ref().map_or(0, Bytes::len) + self.buffer.len()
    }

    /// Appends a copy of `chunk`, after the kept first chunk if any. The
    /// buffer is sized once for the declared length, never for more than
    /// the limit (the declared length is the sender's word).
    fn copy(&mut self, chunk: &[u8]) {
        if self.buffer.capacity() == 0 {
            let capacity = self
                .declared
                .map_or(0, |length| usize::try_from(length).unwrap_or(self.limit))
                .min(self.limit);
            self.buffer.reserve(capacity);
        }
        if let Some(first) = self.whole.take() {
            self.buffer.extend_from_slice(&first);
        }
        self.buffer.extend_from_slice(chunk);
    }

    /// The answer when the body stream itself failed (the client broke off,
    /// the connection reset): nothing authentic arrived.
    #[must_use]
    pub fn unreadable() -> Error {
        Error::InvalidPayload {
            reason: "body could not be read",
        }
    }
}

fn length_differs() -> Error {
    Error::InvalidPayload {
        reason: "body length differs from Content-Length",
    }
}

fn parse_length(text: &[u8]) -> Result<u64, Error> {
    let digits = std::str::from_utf8(text)
        .ok()
        .filter(|text| !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()));
    digits
        .and_then(|digits| digits.parse::<u64>().ok())
        .ok_or(Error::malformed(
            "content-length",
            "not a plain decimal length",
        ))
}

impl<S: Scheme> Verifier<S> {
    /// Verifies a delivery, then parses it into the typed event `E`: the one
    /// call from request to event, outside any web framework.
    ///
    /// ```
    /// use hookguard::nomos::NomosEvent;
    /// use hookguard::{FixedClock, NomosVerifier, Signer, scheme::Nomos};
    ///
    /// let body = r#"{"id":"evt_1","timestamp":"2026-01-15T10:30:00Z","topic":"subscription.ended","context":{"subscription":"sub_1"}}"#;
    /// let headers = Signer::<Nomos>::new("s3cret")?.sign(1_768_473_000, "", body.as_bytes())?;
    /// let verifier = NomosVerifier::new(["s3cret"])?.with_clock(FixedClock(1_768_473_000));
    ///
    /// let delivery = verifier.receive::<NomosEvent>(&headers, body)?;
    /// assert_eq!(delivery.id(), Some("evt_1"));
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
        headers: &dyn Headers,
        body: impl Into<Bytes>,
    ) -> Result<Delivery<E>, Error> {
        let body = body.into();
        let verification = self.verify(headers, &body)?;
        let event = E::parse(headers, &body, &verification)?;
        Ok(Delivery {
            event,
            verification,
            body,
        })
    }
}

/// The pipeline from a read body to the handler's delivery: verify, parse,
/// then answer a provider's handshake (Slack's `url_verification`) instead
/// of handing it on. The adapters and `hookguard listen` call this, so a
/// handshake is answered the same way everywhere: as
/// [`Error::Handshake`], which they send like any refusal (200,
/// `{"challenge":…}`); the handler never sees it and it is never claimed.
///
/// ```
/// use hookguard_core::generic::SlackEvent;
/// use hookguard_core::{FixedClock, SlackVerifier, Signer, receive, scheme::Slack};
///
/// let body = br#"{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV","type":"url_verification"}"#;
/// let headers = Signer::<Slack>::new("s3cret")?.sign(1_700_000_000, "", body)?;
/// let verifier = SlackVerifier::new(["s3cret"])?.with_clock(FixedClock(1_700_000_000));
///
/// let answer = receive::accept::<SlackEvent>(&verifier, &headers, &body[..]).unwrap_err();
/// assert_eq!(answer.http_status(), 200);
/// assert_eq!(answer.response_body(), r#"{"challenge":"3eZbrw1aBm2rZgRNFdxV"}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// Every error of [`Verifier::receive`], and [`Error::Handshake`] for a
/// handshake.
pub fn accept<E: Event>(
    verifier: &Verifier<E::Scheme>,
    headers: &dyn Headers,
    body: impl Into<Bytes>,
) -> Result<Delivery<E>, Error> {
    let delivery = verifier.receive::<E>(headers, body)?;
    if let Some(challenge) = delivery.event.challenge() {
        return Err(Error::Handshake {
            challenge: challenge.to_owned(),
        });
    }
    Ok(delivery)
}

/// Which key a delivery is de-duplicated by; `None` runs the handler
/// unguarded. The default is [`Delivery::replay_id`].
pub type KeyFn<E> = Arc<dyn Fn(&Delivery<E>) -> Option<ReplayId> + Send + Sync>;

/// The replay guard of one route: the guard and the key function, shared
/// by the extractor that claims and the layer that finishes.
pub struct Deduplication<E: Event> {
    guard: ReplayGuard,
    key: KeyFn<E>,
}

impl<E: Event> Deduplication<E> {
    /// De-duplicates by each event's own replay key ([`Event::replay_id`]).
    #[must_use]
    pub fn new(guard: ReplayGuard) -> Self {
        Self {
            guard,
            key: Arc::new(Delivery::replay_id),
        }
    }

    /// De-duplicates by the key `key` picks (`None`: no guard for that
    /// delivery). Take it only from signed bytes: a key an attacker can
    /// change lets a captured delivery run again.
    #[must_use]
    pub fn with_key(
        mut self,
        key: impl Fn(&Delivery<E>) -> Option<ReplayId> + Send + Sync + 'static,
    ) -> Self {
        self.key = Arc::new(key);
        self
    }

    /// The guard.
    #[must_use]
    pub fn guard(&self) -> &ReplayGuard {
        &self.guard
    }

    /// Claims the delivery's key before its handler runs; `None` when the
    /// delivery has no key (its handler runs unguarded).
    ///
    /// # Errors
    ///
    /// `duplicate`, `in_flight` or `store_unavailable`, from the guard.
    pub async fn claim(
        &self,
        verifier: &Verifier<E::Scheme>,
        delivery: &Delivery<E>,
    ) -> Result<Option<ClaimedKey>, Error> {
        let Some(id) = (self.key)(delivery) else {
            return Ok(None);
        };
        let retention = match id.hold() {
            Hold::Retention => None,
            Hold::ReplayWindow => Some(verifier.tolerance().saturating_mul(2)),
            Hold::For(duration) => Some(duration),
        };
        let key = self.guard.key(E::Scheme::NAME, id.key());
        self.guard.claim(key, retention).await.map(Some)
    }
}

impl<E: Event> Clone for Deduplication<E> {
    fn clone(&self) -> Self {
        Self {
            guard: self.guard.clone(),
            key: Arc::clone(&self.key),
        }
    }
}

impl<E: Event> fmt::Debug for Deduplication<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deduplication")
            .field("guard", &self.guard)
            .finish_non_exhaustive()
    }
}

/// A claim and the in-flight gauge's share of it, which ends when the
/// claim is finished or dropped.
type Held = (ClaimedKey, metrics::InFlight);

/// Where the extractor leaves its claim for the layer that runs the
/// handler: one per request, put in the request's extensions by the layer.
pub struct ClaimSlot<E: Event> {
    deduplication: Deduplication<E>,
    claimed: Arc<Mutex<Option<Held>>>,
    seen: Arc<AtomicBool>,
}

impl<E: Event> ClaimSlot<E> {
    /// An empty slot for one request.
    #[must_use]
    pub fn new(deduplication: Deduplication<E>) -> Self {
        Self {
            deduplication,
            claimed: Arc::default(),
            seen: Arc::default(),
        }
    }

    /// Marks that an extractor for `E` took the request, so the guard is in
    /// force (call it before reading the body: a refused delivery counts).
    pub fn mark_seen(&self) {
        self.seen.store(true, Ordering::Relaxed);
    }

    /// Claims the delivery's key and leaves the claim in the slot.
    ///
    /// # Errors
    ///
    /// As [`Deduplication::claim`].
    pub async fn claim(
        &self,
        verifier: &Verifier<E::Scheme>,
        delivery: &Delivery<E>,
    ) -> Result<(), Error> {
        if let Some(claimed) = self.deduplication.claim(verifier, delivery).await? {
            *self.lock() = Some((claimed, metrics::InFlight::start(E::Scheme::NAME)));
        }
        Ok(())
    }

    fn holds_claim(&self) -> bool {
        self.lock().is_some()
    }

    fn take(&self) -> Option<Held> {
        self.lock().take()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Held>> {
        // A panic while holding the lock leaves a valid Option behind.
        self.claimed.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<E: Event> Clone for ClaimSlot<E> {
    fn clone(&self) -> Self {
        Self {
            deduplication: self.deduplication.clone(),
            claimed: Arc::clone(&self.claimed),
            seen: Arc::clone(&self.seen),
        }
    }
}

impl<E: Event> fmt::Debug for ClaimSlot<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimSlot").finish_non_exhaustive()
    }
}

/// Runs `handler` (the rest of the request, the extractor included) under
/// the replay guard: once the extractor leaves its claim in `slot`, the
/// claim is renewed while the handler runs (every lease/3, up to the
/// guard's `max_hold`), then completed when `status_of` the output is a
/// 2xx and released otherwise; a panic or a dropped future releases it
/// too. A claim that cannot be recorded is logged, never silently lost.
pub async fn run_guarded<E, F, T>(
    slot: &ClaimSlot<E>,
    handler: F,
    status_of: impl Fn(&T) -> u16,
) -> T
where
    E: Event,
    F: Future<Output = T>,
{
    let mut handler = pin!(handler);
    // Run until the handler ends or the extractor has claimed the key.
    let ended = poll_fn(|context| match handler.as_mut().poll(context) {
        Poll::Ready(output) => Poll::Ready(Some(output)),
        Poll::Pending if slot.holds_claim() => Poll::Ready(None),
        Poll::Pending => Poll::Pending,
    })
    .await;
    let (output, claimed) = match (ended, slot.take()) {
        (Some(output), claimed) => (output, claimed),
        (None, Some((mut claimed, in_flight))) => {
            let output = claimed.hold_while(handler.as_mut()).await;
            (output, Some((claimed, in_flight)))
        }
        // Unreachable: the slot held a claim a moment ago and only this
        // function takes it. Finish the handler unguarded rather than panic.
        (None, None) => (handler.as_mut().await, None),
    };
    if let Some((claimed, _in_flight)) = claimed {
        finish(claimed, status_of(&output)).await;
    } else if !slot.seen.load(Ordering::Relaxed) {
        tracing::warn!(
            target: "hookguard::replay",
            provider = E::Scheme::NAME,
            "a handler behind the replay guard took no webhook extractor: it ran unguarded"
        );
    }
    output
}

/// The replay outcome rule: a 2xx completes the claim, anything else
/// releases it so the provider's retry runs the handler again. A store that
/// cannot record the outcome is logged at WARN by [`ClaimedKey::finish`];
/// the claim then ends with its lease, and the answer stands.
pub async fn finish(claimed: ClaimedKey, status: u16) {
    let handled = (200..300).contains(&status);
    // Already logged by `finish`; the response is the handler's either way.
    let _ = claimed.finish(handled).await;
}

/// Logs a refused delivery at DEBUG under `hookguard::rejection`: the
/// provider, the code and the reason, never a secret, the body or an
/// unsigned id. With the `metrics` feature it is counted too.
pub fn log_refusal(provider: &'static str, error: &Error) {
    if let Error::Handshake { .. } = error {
        tracing::debug!(
            target: "hookguard::delivery",
            provider,
            "answered a handshake without running the handler"
        );
        return;
    }
    metrics::refused(provider, error);
    tracing::debug!(
        target: "hookguard::rejection",
        provider,
        code = error.code(),
        status = error.http_status(),
        reason = %error,
        "refused webhook delivery"
    );
}

/// Logs an accepted delivery at DEBUG under `hookguard::delivery`: the
/// provider, the matched secret or public key (by index), the signed time
/// and the reported id, cut to [`LOGGED_ID_CHARS`] characters (it may come
/// from an unsigned header, whose size the sender chooses). With the
/// `metrics` feature it is counted too.
pub fn log_accepted<E: Event>(delivery: &Delivery<E>) {
    record_accepted::<E::Scheme>(&delivery.verification, delivery.id());
}

/// As [`log_accepted`], for a delivery verified but not parsed (the
/// `Verify` layer and middleware): no event, so no id.
pub fn log_verified<S: Scheme>(verification: &Verification) {
    record_accepted::<S>(verification, None);
}

fn record_accepted<S: Scheme>(verification: &Verification, id: Option<&str>) {
    metrics::accepted(S::NAME);
    tracing::debug!(
        target: "hookguard::delivery",
        provider = S::NAME,
        secret_index = verification.secret_index,
        public_key_index = verification.public_key_index,
        signed_at = verification.timestamp,
        id = id.map(logged_id),
        "accepted webhook delivery"
    );
}

/// The most characters of a reported id that a log line carries.
pub const LOGGED_ID_CHARS: usize = 128;

/// An id as logs show it: its first [`LOGGED_ID_CHARS`] characters.
#[must_use]
pub fn logged_id(id: &str) -> &str {
    id.char_indices()
        .nth(LOGGED_ID_CHARS)
        .map_or(id, |(end, _)| &id[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_unsigned_id_is_cut_to_128_characters_in_logs() {
        let long = "é".repeat(60_000);
        assert_eq!(logged_id(&long).chars().count(), LOGGED_ID_CHARS);
        assert_eq!(logged_id("evt_1"), "evt_1");
        let exact = "x".repeat(LOGGED_ID_CHARS);
        assert_eq!(logged_id(&exact), exact);
    }
}
