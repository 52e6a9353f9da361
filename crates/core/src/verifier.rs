//! The verifier: built once from secrets, a tolerance and a clock; checks
//! many deliveries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;

use crate::clock::{Clock, SystemClock};
use crate::error::{Error, SecretError};
use crate::scheme::{GitHub, Noma, Nomos, Scheme, StandardWebhooks, Stripe};
use crate::secret::Secret;

/// How far a delivery's signed time may be from now, either way, by default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The largest body accepted by default: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// A [`Verifier`] for Nomos deliveries.
pub type NomosVerifier = Verifier<Nomos>;
/// A [`Verifier`] for Noma CMS deliveries.
pub type NomaVerifier = Verifier<Noma>;
/// A [`Verifier`] for Standard Webhooks and Svix deliveries.
pub type StandardWebhooksVerifier = Verifier<StandardWebhooks>;
/// A [`Verifier`] for Stripe deliveries.
pub type StripeVerifier = Verifier<Stripe>;
/// A [`Verifier`] for GitHub deliveries.
pub type GitHubVerifier = Verifier<GitHub>;

/// What a successful check proved about a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified<'h> {
    /// The position, in the order given, of the secret that matched; `None`
    /// only for [`Verifier::insecure_accept_unsigned`].
    pub secret_index: Option<usize>,
    /// The signed send time in Unix seconds, where the scheme signs one
    /// (read from the body for Noma; `None` when the time was not checked).
    pub timestamp: Option<u64>,
    /// The idempotency key from the headers, where the scheme puts one there
    /// (`webhook-id`, `X-GitHub-Delivery`). Nomos and Stripe carry theirs in
    /// the body; the typed event has it.
    pub id: Option<&'h str>,
}

/// What a check proved, owned: for request extensions and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verification {
    /// As [`Verified::secret_index`].
    pub secret_index: Option<usize>,
    /// As [`Verified::timestamp`].
    pub timestamp: Option<u64>,
    /// As [`Verified::id`].
    pub id: Option<String>,
}

impl From<Verified<'_>> for Verification {
    fn from(verified: Verified<'_>) -> Self {
        Self {
            secret_index: verified.secret_index,
            timestamp: verified.timestamp,
            id: verified.id.map(str::to_owned),
        }
    }
}

/// Checks that deliveries of scheme `S` are authentic and fresh.
///
/// Build it once at start-up and share it: cloning is cheap, and checking a
/// delivery allocates nothing. The order of the checks is fixed: body size,
/// header syntax, signature, then time, so a stale report always means an
/// authentic but late delivery.
///
/// ```
/// use std::time::Duration;
/// use hookguard_core::{FixedClock, NomosVerifier};
///
/// // The old secret stays valid while the provider rolls over to the new one.
/// let verifier = NomosVerifier::new(["new-secret", "old-secret"])?
///     .with_tolerance(Duration::from_secs(120))
///     .with_clock(FixedClock(1_700_000_000));
/// assert_eq!(verifier.tolerance(), Duration::from_secs(120));
/// # Ok::<(), hookguard_core::SecretError>(())
/// ```
#[derive(Clone)]
pub struct Verifier<S: Scheme> {
    scheme: S,
    secrets: Arc<[Secret]>,
    tolerance_secs: u64,
    clock: Arc<dyn Clock>,
    body_limit: usize,
}

impl<S: Scheme + Default> Verifier<S> {
    /// A verifier that accepts a delivery signed with any of `secrets`, in
    /// the order given (the result reports which one matched). The text of
    /// each secret is interpreted as the scheme's provider hands it out.
    ///
    /// # Errors
    ///
    /// [`SecretError::NoSecrets`] when `secrets` is empty; otherwise the
    /// first secret that is empty, padded with white space or (Standard
    /// Webhooks) not base64 is refused with the reason.
    pub fn new<I>(secrets: I) -> Result<Self, SecretError>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let secrets = secrets
            .into_iter()
            .map(|text| S::secret(text.as_ref()))
            .collect::<Result<Arc<[Secret]>, _>>()?;
        if secrets.is_empty() {
            return Err(SecretError::NoSecrets);
        }
        Ok(Self::with_parts(S::default(), secrets))
    }
}

impl Verifier<Noma> {
    /// **Insecure.** A Noma verifier for webhooks configured without a
    /// secret: it accepts any delivery, signed or not, and checks only the
    /// body's `timestamp` against the tolerance. Anyone who can reach the
    /// endpoint can forge events. Use it only where Noma offers no secret,
    /// and prefer setting one.
    #[must_use]
    pub fn insecure_accept_unsigned() -> Self {
        Self::with_parts(
            Noma {
                accept_unsigned: true,
            },
            Arc::new([]),
        )
    }
}

impl<S: Scheme> Verifier<S> {
    fn with_parts(scheme: S, secrets: Arc<[Secret]>) -> Self {
        Self {
            scheme,
            secrets,
            tolerance_secs: DEFAULT_TOLERANCE.as_secs(),
            clock: Arc::new(SystemClock),
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// Sets how far the signed time may be from now in either direction,
    /// inclusive, in whole seconds (a fraction of a second is dropped).
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance_secs = tolerance.as_secs();
        self
    }

    /// Sets where "now" comes from (the system clock by default).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Sets the largest body accepted, in bytes (1 MiB by default). Framework
    /// adapters also use it to stop reading a body early.
    #[must_use]
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// The tolerance in whole seconds.
    #[must_use]
    pub fn tolerance(&self) -> Duration {
        Duration::from_secs(self.tolerance_secs)
    }

    /// The largest body accepted, in bytes.
    #[must_use]
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// Checks a delivery at the clock's current time.
    ///
    /// `headers` are the request's headers, `body` its raw bytes exactly as
    /// received (never re-serialized; they need not be UTF-8).
    ///
    /// # Errors
    ///
    /// `payload_too_large`, `missing_header`, `malformed_header`,
    /// `signature_mismatch`, then `timestamp_too_old` or
    /// `timestamp_in_future`, and for Noma `invalid_payload` when the
    /// authentic body has no readable `timestamp`.
    pub fn verify<'h>(&self, headers: &'h HeaderMap, body: &[u8]) -> Result<Verified<'h>, Error> {
        self.verify_at(headers, body, self.clock.unix_now())
    }

    /// Checks a delivery as if now were `now` (Unix seconds): for tests, and
    /// for checking a captured delivery at the time it arrived.
    ///
    /// # Errors
    ///
    /// As [`Verifier::verify`].
    pub fn verify_at<'h>(
        &self,
        headers: &'h HeaderMap,
        body: &[u8],
        now: u64,
    ) -> Result<Verified<'h>, Error> {
        let mut verified = self.verify_ignoring_time(headers, body)?;
        if verified.timestamp.is_none() {
            verified.timestamp = self.scheme.body_timestamp(body)?;
        }
        if let Some(signed) = verified.timestamp {
            check_freshness(signed, now, self.tolerance_secs)?;
        }
        Ok(verified)
    }

    /// Checks size, headers and signature but not the time: for re-checking
    /// an archived delivery. The result's timestamp is the one from the
    /// headers, if the scheme has one there.
    ///
    /// # Errors
    ///
    /// As [`Verifier::verify`], without the time-related ones.
    pub fn verify_ignoring_time<'h>(
        &self,
        headers: &'h HeaderMap,
        body: &[u8],
    ) -> Result<Verified<'h>, Error> {
        if body.len() > self.body_limit {
            return Err(Error::PayloadTooLarge {
                limit: self.body_limit,
            });
        }
        self.scheme.authenticate(&self.secrets, headers, body)
    }
}

/// Inclusive in both directions: exactly `tolerance` seconds off passes.
fn check_freshness(signed: u64, now: u64, tolerance: u64) -> Result<(), Error> {
    if signed > now && signed - now > tolerance {
        Err(Error::TimestampInFuture)
    } else if now > signed && now - signed > tolerance {
        Err(Error::TimestampTooOld)
    } else {
        Ok(())
    }
}

impl<S: Scheme> fmt::Debug for Verifier<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("scheme", &self.scheme)
            .field(
                "secrets",
                &format_args!("<{} redacted>", self.secrets.len()),
            )
            .field("tolerance_secs", &self.tolerance_secs)
            .field("clock", &self.clock)
            .field("body_limit", &self.body_limit)
            .finish()
    }
}
