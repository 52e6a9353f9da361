//! The replay guard: each event's handler runs once, although providers
//! deliver at least once.
//!
//! Before the handler, the event's replay key is *claimed* for a lease
//! (60 s by default). A key already *completed* answers `duplicate`; a key
//! claimed elsewhere answers `in_flight`. While the handler runs,
//! [`ClaimedKey::hold_while`] renews the lease every lease/3, for at most
//! `max_hold` (15 min by default), so a slow handler keeps its claim and a
//! hung one cannot block retries for ever. A handler that succeeds
//! completes the claim (kept 7 days by default); any other outcome releases
//! it, so the provider's retry runs the handler again. Claims carry an
//! owner token, so a late complete or release from an expired lease cannot
//! clobber the claim of whoever holds the key now.
//!
//! Keys are stored as [`ReplayKey`] digests: SHA-256 of the provider name,
//! the guard's route name and the event's key, so every stored key has the
//! same small size whatever the id it came from.
//!
//! "Never runs twice" holds while the store is reachable and the handler
//! finishes within `max_hold`: a claim whose renewals fail (the store is
//! down) or stop (past `max_hold`) ends with its lease, and a retry after
//! that runs the handler again. Losing a claim is logged at WARN under the
//! target `hookguard::replay`, with the key's digest (never the raw key).
//!
//! Durations (lease, retention, `max_hold`) are clamped to
//! [[`MIN_DURATION`], [`MAX_DURATION`]] (1 s to 10 years).

#[cfg(any(test, feature = "test-support"))]
pub mod contract;
mod key;
mod memory;

use std::fmt;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::Poll;
use std::time::Duration;

use tokio::time::Instant;

use self::key::Route;
pub use self::key::{ReplayKey, RouteError};
pub use self::memory::{DEFAULT_MAX_KEYS, MemoryStore};
use crate::error::Error;

/// A boxed future, so stores can sit behind `dyn ReplayStore`.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// Identifies one claim, so only its owner can renew, complete or release it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct OwnerToken(String);

impl OwnerToken {
    /// A token unique across processes: process id, start-up entropy from
    /// the standard library's randomly keyed hasher, time and a counter.
    #[must_use]
    pub fn generate() -> Self {
        use std::hash::{BuildHasher as _, Hasher as _};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(nanos);
        hasher.write_u64(count);
        hasher.write_u32(std::process::id());
        Self(format!(
            "{:x}-{:x}-{count:x}-{:016x}",
            std::process::id(),
            nanos,
            hasher.finish()
        ))
    }

    /// The token's text, as stores keep it.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for OwnerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OwnerToken({})", self.0)
    }
}

/// The answer to a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is ours until the lease ends; run the handler.
    Claimed(OwnerToken),
    /// The key was completed: the event was handled already.
    Completed,
    /// Someone else holds a live claim on the key.
    InFlight,
}

/// Where claims and completed keys are kept: in memory
/// ([`MemoryStore`]) or shared between receivers (`hookguard-redis`).
///
/// Every operation either succeeds or fails with
/// [`Error::StoreUnavailable`]; a guard never runs a handler unguarded.
/// Stores take any [`Duration`] without overflowing: they clamp with
/// [`clamp_duration`] and use saturating arithmetic.
pub trait ReplayStore: Send + Sync + fmt::Debug + 'static {
    /// Claims `key` for `lease`, unless it is completed or claimed.
    fn claim<'a>(&'a self, key: &'a ReplayKey, lease: Duration) -> StoreFuture<'a, Claim>;

    /// Extends the claim on `key` to `lease` from now, if `token` still
    /// owns it. Returns whether it did: `false` means the claim was lost
    /// (its lease ended, and maybe someone else claimed the key).
    fn renew<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a OwnerToken,
        lease: Duration,
    ) -> StoreFuture<'a, bool>;

    /// Marks `key` handled for `retention`, if `token` still owns its claim.
    /// Returns whether it did.
    fn complete<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a OwnerToken,
        retention: Duration,
    ) -> StoreFuture<'a, bool>;

    /// Drops the claim on `key`, if `token` still owns it. Returns whether it did.
    fn release<'a>(&'a self, key: &'a ReplayKey, token: &'a OwnerToken) -> StoreFuture<'a, bool>;

    /// Releases from where no one can wait: a handler that panicked or a
    /// request future that was dropped. Stores do it at once or in the
    /// background; if even that fails, the lease runs out on its own.
    fn release_detached(&self, key: ReplayKey, token: OwnerToken);
}

/// A shared store is a store, so a caller can keep a handle on the one it
/// gave a guard (to read [`MemoryStore::len`], say).
impl<S: ReplayStore> ReplayStore for Arc<S> {
    fn claim<'a>(&'a self, key: &'a ReplayKey, lease: Duration) -> StoreFuture<'a, Claim> {
        (**self).claim(key, lease)
    }

    fn renew<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a OwnerToken,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        (**self).renew(key, token, lease)
    }

    fn complete<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a OwnerToken,
        retention: Duration,
    ) -> StoreFuture<'a, bool> {
        (**self).complete(key, token, retention)
    }

    fn release<'a>(&'a self, key: &'a ReplayKey, token: &'a OwnerToken) -> StoreFuture<'a, bool> {
        (**self).release(key, token)
    }

    fn release_detached(&self, key: ReplayKey, token: OwnerToken) {
        (**self).release_detached(key, token);
    }
}

/// How long a claim lasts by default: longer than any handler should run
/// between two renewals.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);

/// How long a completed key is kept by default: past the last retry of
/// every provider (Nomos retries for about 3 days).
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// How long a running handler's claim is renewed at most, by default.
pub const DEFAULT_MAX_HOLD: Duration = Duration::from_secs(15 * 60);

/// The shortest lease, retention or `max_hold`: shorter ones are raised to it.
pub const MIN_DURATION: Duration = Duration::from_secs(1);

/// The longest lease, retention or `max_hold` (ten 365-day years): longer
/// ones are cut to it, so no store computes an expiry past what it can hold.
pub const MAX_DURATION: Duration = Duration::from_secs(10 * 365 * 24 * 60 * 60);

/// `duration` clamped to [[`MIN_DURATION`], [`MAX_DURATION`]], as the guard
/// and the stores use every lease, retention and `max_hold`.
#[must_use]
pub fn clamp_duration(duration: Duration) -> Duration {
    duration.clamp(MIN_DURATION, MAX_DURATION)
}

/// A store with the lease, retention, `max_hold` and route to use, shared
/// by the adapters.
#[derive(Debug, Clone)]
pub struct ReplayGuard {
    store: Arc<dyn ReplayStore>,
    lease: Duration,
    retention: Duration,
    max_hold: Duration,
    route: Route,
}

impl ReplayGuard {
    /// A guard on `store` with the default lease (60 s), retention (7 days),
    /// `max_hold` (15 min) and an empty route name.
    #[must_use]
    pub fn new(store: impl ReplayStore) -> Self {
        Self {
            store: Arc::new(store),
            lease: DEFAULT_LEASE,
            retention: DEFAULT_RETENTION,
            max_hold: DEFAULT_MAX_HOLD,
            route: Route::default(),
        }
    }

    /// An in-memory guard with the default bound: the embedded default for
    /// a single receiver.
    #[must_use]
    pub fn in_memory() -> Self {
        Self::new(MemoryStore::new())
    }

    /// Sets how long a claim lasts between renewals (clamped to 1 s – 10 years).
    #[must_use]
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = clamp_duration(lease);
        self
    }

    /// Sets how long a completed key is kept, unless a claim asks for its
    /// own retention (clamped to 1 s – 10 years).
    #[must_use]
    pub fn with_retention(mut self, retention: Duration) -> Self {
        self.retention = clamp_duration(retention);
        self
    }

    /// Sets how long [`ClaimedKey::hold_while`] renews a claim at most,
    /// counted from the claim (clamped to 1 s – 10 years). A handler still
    /// running after it loses its claim one lease later, so a retry can
    /// run the event again.
    #[must_use]
    pub fn with_max_hold(mut self, max_hold: Duration) -> Self {
        self.max_hold = clamp_duration(max_hold);
        self
    }

    /// Sets the route name put into every key, so two endpoints of one
    /// provider that must each run an event keep apart (empty by default).
    ///
    /// ```
    /// use hookguard::replay::ReplayGuard;
    ///
    /// let billing = ReplayGuard::in_memory().with_route("billing")?;
    /// let audit = ReplayGuard::in_memory().with_route("audit")?;
    /// assert_ne!(billing.key("nomos", b"evt_1"), audit.key("nomos", b"evt_1"));
    /// assert!(ReplayGuard::in_memory().with_route("bad\0name").is_err());
    /// # Ok::<(), hookguard::replay::RouteError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`RouteError`] when `route` contains a NUL byte (0x00).
    pub fn with_route(mut self, route: impl Into<String>) -> Result<Self, RouteError> {
        self.route = Route::new(route)?;
        Ok(self)
    }

    /// The lease, also the `Retry-After` of an `in_flight` answer.
    #[must_use]
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// The retention of a completed key, unless a claim asks for its own.
    #[must_use]
    pub fn retention(&self) -> Duration {
        self.retention
    }

    /// How long a running handler's claim is renewed at most.
    #[must_use]
    pub fn max_hold(&self) -> Duration {
        self.max_hold
    }

    /// The route name put into every key.
    #[must_use]
    pub fn route(&self) -> &str {
        self.route.as_str()
    }

    /// The stored key of an event of `provider` (the scheme's name, such as
    /// `nomos`) whose replay key is `key`, under this guard's route. The
    /// provider name is one of the fixed scheme names, which never contain
    /// 0x00; `key` may hold any bytes.
    #[must_use]
    pub fn key(&self, provider: &str, key: &[u8]) -> ReplayKey {
        ReplayKey::derive(provider, &self.route, key)
    }

    /// Claims `key` before the handler runs. `retention` is how long the key
    /// is kept once completed: `None` for the guard's, `Some` for this
    /// key's own (clamped to 1 s – 10 years), such as a replay shield's
    /// few minutes.
    ///
    /// # Errors
    ///
    /// [`Error::Duplicate`] when the key was completed, [`Error::InFlight`]
    /// (retry after the lease) when it is claimed elsewhere,
    /// [`Error::StoreUnavailable`] when the store cannot answer.
    pub async fn claim(
        &self,
        key: ReplayKey,
        retention: Option<Duration>,
    ) -> Result<ClaimedKey, Error> {
        match self.store.claim(&key, self.lease).await? {
            Claim::Claimed(token) => Ok(ClaimedKey {
                store: Arc::clone(&self.store),
                key,
                token: Some(token),
                lease: self.lease,
                retention: retention.map_or(self.retention, clamp_duration),
                max_hold: self.max_hold,
                // Tokio's clock, so paused test time holds claims too.
                claimed_at: Instant::now(),
            }),
            Claim::Completed => Err(Error::Duplicate),
            Claim::InFlight => Err(Error::InFlight {
                retry_after_secs: self.lease.as_secs().max(1),
            }),
        }
    }
}

/// A key this receiver holds while its handler runs.
///
/// Run the handler inside [`hold_while`](ClaimedKey::hold_while), then call
/// [`finish`](ClaimedKey::finish) with its outcome. Dropped unfinished (a
/// panic, a dropped request future), it releases the claim, so the
/// provider's retry runs the handler again.
#[derive(Debug)]
pub struct ClaimedKey {
    store: Arc<dyn ReplayStore>,
    key: ReplayKey,
    token: Option<OwnerToken>,
    lease: Duration,
    retention: Duration,
    max_hold: Duration,
    claimed_at: Instant,
}

impl ClaimedKey {
    /// The claimed key.
    #[must_use]
    pub fn key(&self) -> ReplayKey {
        self.key
    }

    /// The retention the key gets once completed.
    #[must_use]
    pub fn retention(&self) -> Duration {
        self.retention
    }

    /// Runs `work` (the handler) while renewing the claim every lease/3, for
    /// at most the guard's `max_hold` from the claim; then renewal stops and
    /// `work` runs on unguarded until it ends. A renewal that finds the claim
    /// lost stops renewing and is logged at WARN; one the store cannot
    /// answer is logged and tried again at the next period.
    ///
    /// Renewal needs a Tokio runtime with its timer; outside one, `work`
    /// runs without renewal (the lease alone bounds the claim).
    pub async fn hold_while<F: Future>(&mut self, work: F) -> F::Output {
        let mut work = pin!(work);
        let runtime = tokio::runtime::Handle::try_current().is_ok();
        if let (Some(token), true) = (&self.token, runtime) {
            let until = self.claimed_at.checked_add(self.max_hold);
            let mut renewal = pin!(keep_renewed(
                &*self.store,
                &self.key,
                token,
                self.lease,
                until
            ));
            let finished = std::future::poll_fn(|context| {
                if let Poll::Ready(output) = work.as_mut().poll(context) {
                    return Poll::Ready(Some(output));
                }
                renewal.as_mut().poll(context).map(|()| None)
            })
            .await;
            if let Some(output) = finished {
                return output;
            }
        }
        work.await
    }

    /// Completes the claim when the handler succeeded, releases it
    /// otherwise. A claim found lost (another owner, or the lease ended) is
    /// logged at WARN with the key's digest: the event may run again.
    ///
    /// # Errors
    ///
    /// [`Error::StoreUnavailable`] when the store cannot be reached (also
    /// logged at WARN); the claim then ends with its lease.
    pub async fn finish(mut self, handled: bool) -> Result<(), Error> {
        let Some(token) = self.token.take() else {
            return Ok(());
        };
        let key = self.key;
        let outcome = if handled {
            self.store.complete(&key, &token, self.retention).await
        } else {
            self.store.release(&key, &token).await
        };
        let action = if handled { "complete" } else { "release" };
        match outcome {
            Ok(true) => Ok(()),
            Ok(false) => {
                tracing::warn!(target: "hookguard::replay", %key, action, "the claim was lost before the handler's outcome was recorded (its lease ended, another receiver may hold the key); the event may run again");
                Ok(())
            }
            Err(error) => {
                tracing::warn!(target: "hookguard::replay", %key, action, %error, "could not record the handler's outcome; the claim ends with its lease and the event may run again");
                Err(error)
            }
        }
    }
}

impl Drop for ClaimedKey {
    fn drop(&mut self) {
        if let Some(token) = self.token.take() {
            self.store.release_detached(self.key, token);
        }
    }
}

/// Renews the claim every lease/3 until `until` (when given); returns when
/// renewal stops: `max_hold` reached, or the claim lost.
async fn keep_renewed(
    store: &dyn ReplayStore,
    key: &ReplayKey,
    token: &OwnerToken,
    lease: Duration,
    until: Option<Instant>,
) {
    let period = lease / 3;
    let mut next = Instant::now() + period;
    loop {
        if let Some(until) = until.filter(|until| next > *until) {
            // Warn only if the handler is still running at `max_hold`.
            tokio::time::sleep_until(until).await;
            tracing::warn!(target: "hookguard::replay", %key, "the handler outlived max_hold: its claim is no longer renewed and ends with its lease");
            return;
        }
        tokio::time::sleep_until(next).await;
        next += period;
        match store.renew(key, token, lease).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(target: "hookguard::replay", %key, "the claim was lost while the handler runs (its lease ended, another receiver may hold the key); the event may run again");
                return;
            }
            Err(error) => {
                tracing::warn!(target: "hookguard::replay", %key, %error, "could not renew the claim; trying again");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_tokens_differ() {
        let tokens: std::collections::HashSet<_> =
            (0..1000).map(|_| OwnerToken::generate()).collect();
        assert_eq!(tokens.len(), 1000);
    }

    #[test]
    fn durations_are_clamped_to_one_second_and_ten_years() {
        assert_eq!(clamp_duration(Duration::ZERO), Duration::from_secs(1));
        assert_eq!(
            clamp_duration(Duration::MAX),
            Duration::from_secs(315_360_000)
        );
        let guard = ReplayGuard::in_memory()
            .with_lease(Duration::ZERO)
            .with_retention(Duration::MAX)
            .with_max_hold(Duration::from_millis(1));
        assert_eq!(guard.lease(), Duration::from_secs(1));
        assert_eq!(guard.retention(), Duration::from_secs(315_360_000));
        assert_eq!(guard.max_hold(), Duration::from_secs(1));
    }
}
