//! The verifier: built once from secrets, a tolerance and a clock; checks
//! many deliveries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::header::Headers;

use crate::clock::{Clock, SystemClock};
use crate::error::{Error, SecretError};
use crate::retirement::Retirements;
use crate::secret::Secret;
use crate::signature::Scheme;
use crate::verification::Verification;

/// How far a delivery's signed time may be from now, either way, by default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The largest body accepted by default: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Checks that deliveries of scheme `S` are authentic and fresh.
///
/// Build it once at start-up and share it: cloning is cheap, and checking a
/// delivery allocates nothing (but for a Standard Webhooks `v1a` check,
/// which puts the signed message in one piece for ed25519: one allocation). The order of the checks is fixed: body size,
/// header syntax, signature, then time, so a stale report always means an
/// authentic but late delivery.
///
/// ```
/// use std::time::Duration;
/// use hookguard::{FixedClock, NomosVerifier};
///
/// // The old secret stays valid while the provider rolls over to the new one.
/// let verifier = NomosVerifier::new(["new-secret", "old-secret"])?
///     .with_tolerance(Duration::from_secs(120))
///     .with_clock(FixedClock(1_700_000_000));
/// assert_eq!(verifier.tolerance(), Duration::from_secs(120));
/// # Ok::<(), hookguard::SecretError>(())
/// ```
///
/// A rotation can end on a date: a secret added with
/// [`with_retiring_secret`](Verifier::with_retiring_secret) stops matching
/// after its retirement time, so a forgotten old secret does not stay valid
/// for ever.
#[derive(Clone)]
pub struct Verifier<S: Scheme> {
    // One reference count for the whole configuration: adapters clone the
    // verifier per request (axum's `FromRef`), and every shared count they
    // touch is a cache line the worker threads pass back and forth.
    parts: Arc<Parts<S>>,
}

/// What a verifier is built from; changed only by the builder methods,
/// before the verifier is shared.
#[derive(Clone)]
struct Parts<S: Scheme> {
    scheme: S,
    secrets: Arc<[Secret]>,
    retirements: Arc<Retirements>,
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

    /// A verifier whose every secret retires on a date: `(secret,
    /// retire_at)` pairs, as when each secret of your configuration carries
    /// its end. Indexes follow the order given. Add secrets that do not
    /// retire with [`Verifier::new`] instead, then these with
    /// [`with_retiring_secret`](Verifier::with_retiring_secret).
    ///
    /// # Errors
    ///
    /// [`SecretError::NoSecrets`] when `secrets` is empty; otherwise the
    /// first secret refused, as [`Verifier::new`] refuses one.
    pub fn new_retiring<I, T>(secrets: I) -> Result<Self, SecretError>
    where
        I: IntoIterator<Item = (T, u64)>,
        T: AsRef<str>,
    {
        let mut verifier = Self::with_parts(S::default(), Arc::new([]));
        for (secret, retire_at) in secrets {
            verifier = verifier.with_retiring_secret(secret.as_ref(), retire_at)?;
        }
        if verifier.parts.secrets.is_empty() {
            return Err(SecretError::NoSecrets);
        }
        Ok(verifier)
    }
}

impl<S: Scheme> Verifier<S> {
    pub(crate) fn with_parts(scheme: S, secrets: Arc<[Secret]>) -> Self {
        Self {
            parts: Arc::new(Parts {
                scheme,
                secrets,
                retirements: Arc::default(),
                tolerance_secs: DEFAULT_TOLERANCE.as_secs(),
                clock: Arc::new(SystemClock),
                body_limit: DEFAULT_BODY_LIMIT,
            }),
        }
    }

    /// The configuration, to change in a builder method (copied first if
    /// a clone of this verifier shares it).
    fn parts_mut(&mut self) -> &mut Parts<S> {
        Arc::make_mut(&mut self.parts)
    }

    /// The scheme, for the provider modules' own builder methods.
    pub(crate) fn scheme_mut(&mut self) -> &mut S {
        &mut self.parts_mut().scheme
    }

    /// Adds a secret that stops matching after `retire_at` (Unix seconds,
    /// by the verifier's clock, [`verify_ignoring_time`](Verifier::verify_ignoring_time)
    /// included): up to and including that second it matches like any
    /// other, from the next one on it is as if it were not there, and a
    /// delivery only it would match is `signature_mismatch`.
    ///
    /// Its index comes after the secrets given to [`Verifier::new`] and any
    /// retiring secret added before it. A match on it is logged at INFO
    /// under target `hookguard::rotation` (index and date, never the
    /// secret), at most once a minute per secret; once every secret has
    /// retired, each refusal logs a WARN there.
    ///
    /// ```
    /// use hookguard_core::{FixedClock, NomosVerifier, Signer, scheme::Nomos};
    ///
    /// // The old secret keeps working until the end of 2026-01-31 UTC.
    /// let verifier = NomosVerifier::new(["new-secret"])?
    ///     .with_retiring_secret("old-secret", 1_769_903_999)?;
    /// let body = br#"{"id":"evt_1","topic":"test.event"}"#;
    /// let headers = Signer::<Nomos>::new("old-secret")?.sign(1_769_903_999, "", body)?;
    ///
    /// let verified = verifier.verify_at(&headers, body, 1_769_903_999)?;
    /// assert_eq!(verified.secret_index, Some(1));
    /// let retired = verifier.verify_at(&headers, body, 1_769_904_000).unwrap_err();
    /// assert_eq!(retired.code(), "signature_mismatch");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The secret is refused as [`Verifier::new`] refuses one.
    pub fn with_retiring_secret(
        mut self,
        secret: &str,
        retire_at: u64,
    ) -> Result<Self, SecretError> {
        let added = S::secret(secret)?;
        let parts = self.parts_mut();
        let index = parts.secrets.len();
        parts.secrets = parts.secrets.iter().cloned().chain([added]).collect();
        parts.retirements = Arc::new(parts.retirements.and(index, retire_at));
        Ok(self)
    }

    /// Sets how far the signed time may be from now in either direction,
    /// inclusive, in whole seconds (a fraction of a second is dropped).
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.parts_mut().tolerance_secs = tolerance.as_secs();
        self
    }

    /// Sets where "now" comes from (the system clock by default).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.parts_mut().clock = Arc::new(clock);
        self
    }

    /// Sets the largest body accepted, in bytes (1 MiB by default). Framework
    /// adapters also use it to stop reading a body early.
    #[must_use]
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.parts_mut().body_limit = bytes;
        self
    }

    /// The tolerance in whole seconds.
    #[must_use]
    pub fn tolerance(&self) -> Duration {
        Duration::from_secs(self.parts.tolerance_secs)
    }

    /// The largest body accepted, in bytes.
    #[must_use]
    pub fn body_limit(&self) -> usize {
        self.parts.body_limit
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
    pub fn verify(&self, headers: &dyn Headers, body: &[u8]) -> Result<Verification, Error> {
        self.verify_at(headers, body, self.parts.clock.unix_now())
    }

    /// Checks a delivery as if now were `now` (Unix seconds): for tests, and
    /// for checking a captured delivery at the time it arrived.
    ///
    /// # Errors
    ///
    /// As [`Verifier::verify`].
    pub fn verify_at(
        &self,
        headers: &dyn Headers,
        body: &[u8],
        now: u64,
    ) -> Result<Verification, Error> {
        let mut verified = self.authenticate_at(headers, body, now)?;
        if verified.timestamp.is_none() {
            verified.timestamp = self.parts.scheme.body_timestamp(body)?;
        }
        if let Some(signed) = verified.timestamp {
            check_freshness(signed, now, self.parts.tolerance_secs)?;
        }
        Ok(verified)
    }

    /// Checks size, headers and signature but not the time: for re-checking
    /// an archived delivery. The result's timestamp is the one from the
    /// headers, if the scheme has one there. Retiring secrets still retire
    /// by the clock.
    ///
    /// # Errors
    ///
    /// As [`Verifier::verify`], without the time-related ones.
    pub fn verify_ignoring_time(
        &self,
        headers: &dyn Headers,
        body: &[u8],
    ) -> Result<Verification, Error> {
        self.authenticate_at(headers, body, self.parts.clock.unix_now())
    }

    /// Size, headers and signature, with the secrets that have not retired
    /// at `now`.
    ///
    /// A retired secret is passed over by asking the scheme again with the
    /// secrets after it: the scheme reports the first match in order, so the
    /// next answer is the next match. This costs nothing when no secret
    /// retires, and a few more MACs only when a retired one matched.
    fn authenticate_at(
        &self,
        headers: &dyn Headers,
        body: &[u8],
        now: u64,
    ) -> Result<Verification, Error> {
        if body.len() > self.parts.body_limit {
            return Err(Error::PayloadTooLarge {
                limit: self.parts.body_limit,
            });
        }
        let mut skipped = 0;
        let outcome = loop {
            let remaining = self.parts.secrets.get(skipped..).unwrap_or_default();
            match self.parts.scheme.authenticate(remaining, headers, body) {
                Ok(mut verified) => match verified.secret_index {
                    Some(index) if self.parts.retirements.is_retired(skipped + index, now) => {
                        skipped += index + 1;
                    }
                    Some(index) => {
                        verified.secret_index = Some(skipped + index);
                        // Throttled by the clock, not by `now`: a `verify_at`
                        // far from the present must not silence the log.
                        self.parts
                            .retirements
                            .note_match(S::NAME, skipped + index, now, || {
                                self.parts.clock.unix_now()
                            });
                        break Ok(verified);
                    }
                    None => break Ok(verified),
                },
                Err(error) => break Err(error),
            }
        };
        if outcome.is_err()
            && !self.parts.scheme.has_public_keys()
            && self
                .parts
                .retirements
                .all_retired(self.parts.secrets.len(), now)
        {
            tracing::warn!(
                target: "hookguard::rotation",
                provider = S::NAME,
                secrets = self.parts.secrets.len(),
                "every secret of this verifier has retired: it refuses every delivery; configure the current secret"
            );
        }
        outcome
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
            .field("scheme", &self.parts.scheme)
            .field(
                "secrets",
                &format_args!("<{} redacted>", self.parts.secrets.len()),
            )
            .field("retiring_secrets", &self.parts.retirements.len())
            .field("tolerance_secs", &self.parts.tolerance_secs)
            .field("clock", &self.parts.clock)
            .field("body_limit", &self.parts.body_limit)
            .finish()
    }
}
