//! The replay guard: each event's handler runs once, although providers
//! deliver at least once.
//!
//! Before the handler, the event's idempotency key is *claimed* for a lease
//! (60 s by default). A key already *completed* answers `duplicate`; a key
//! claimed elsewhere answers `in_flight`. A handler that succeeds completes
//! the claim (kept 7 days by default); any other outcome releases it, so
//! the provider's retry runs the handler again. Claims carry an owner token,
//! so a late complete or release from an expired lease cannot clobber the
//! claim of whoever holds the key now.

#[doc(hidden)]
pub mod contract;
mod memory;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub use self::memory::{DEFAULT_MAX_KEYS, MemoryStore};
use crate::error::Error;

/// A boxed future, so stores can sit behind `dyn ReplayStore`.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// Identifies one claim, so only its owner can complete or release it.
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
pub trait ReplayStore: Send + Sync + fmt::Debug + 'static {
    /// Claims `key` for `lease`, unless it is completed or claimed.
    fn claim<'a>(&'a self, key: &'a str, lease: Duration) -> StoreFuture<'a, Claim>;

    /// Marks `key` handled for `retention`, if `token` still owns its claim.
    /// Returns whether it did.
    fn complete<'a>(
        &'a self,
        key: &'a str,
        token: &'a OwnerToken,
        retention: Duration,
    ) -> StoreFuture<'a, bool>;

    /// Drops the claim on `key`, if `token` still owns it. Returns whether it did.
    fn release<'a>(&'a self, key: &'a str, token: &'a OwnerToken) -> StoreFuture<'a, bool>;

    /// Releases from where no one can wait: a handler that panicked or a
    /// request future that was dropped. Stores do it at once or in the
    /// background; if even that fails, the lease runs out on its own.
    fn release_detached(&self, key: String, token: OwnerToken);
}

/// How long a claim lasts by default: longer than any handler should run.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);

/// How long a completed key is kept by default: past the last retry of
/// every provider (Nomos retries for about 3 days).
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// A store with the lease and retention to use, shared by the adapters.
#[derive(Debug, Clone)]
pub struct ReplayGuard {
    store: Arc<dyn ReplayStore>,
    lease: Duration,
    retention: Duration,
}

impl ReplayGuard {
    /// A guard on `store` with the default lease (60 s) and retention (7 days).
    #[must_use]
    pub fn new(store: impl ReplayStore) -> Self {
        Self {
            store: Arc::new(store),
            lease: DEFAULT_LEASE,
            retention: DEFAULT_RETENTION,
        }
    }

    /// An in-memory guard with the default bound: the embedded default for
    /// a single receiver.
    #[must_use]
    pub fn in_memory() -> Self {
        Self::new(MemoryStore::new())
    }

    /// Sets how long a claim lasts.
    #[must_use]
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sets how long a completed key is kept.
    #[must_use]
    pub fn with_retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// The lease, also the `Retry-After` of an `in_flight` answer.
    #[must_use]
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// Claims `key` before the handler runs; once handled it is kept for
    /// `retention`, or the guard's retention when `None`.
    ///
    /// # Errors
    ///
    /// [`Error::Duplicate`] when the key was completed, [`Error::InFlight`]
    /// (retry after the lease)
    /// when it is claimed elsewhere, [`Error::StoreUnavailable`] when the
    /// store cannot answer.
    pub async fn claim(&self, key: &str, retention: Option<Duration>) -> Result<ClaimedKey, Error> {
        match self.store.claim(key, self.lease).await? {
            Claim::Claimed(token) => Ok(ClaimedKey {
                store: Arc::clone(&self.store),
                retention: retention.unwrap_or(self.retention),
                key: key.to_owned(),
                token: Some(token),
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
/// Call [`finish`](ClaimedKey::finish) with the handler's outcome. Dropped
/// unfinished (a panic, a dropped request future), it releases the claim, so
/// the provider's retry runs the handler again.
#[derive(Debug)]
pub struct ClaimedKey {
    store: Arc<dyn ReplayStore>,
    retention: Duration,
    key: String,
    token: Option<OwnerToken>,
}

impl ClaimedKey {
    /// The claimed key.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Completes the claim when the handler succeeded, releases it otherwise.
    ///
    /// # Errors
    ///
    /// [`Error::StoreUnavailable`] when the store cannot be reached; the
    /// claim then ends with its lease.
    pub async fn finish(mut self, handled: bool) -> Result<(), Error> {
        let Some(token) = self.token.take() else {
            return Ok(());
        };
        if handled {
            self.store
                .complete(&self.key, &token, self.retention)
                .await?;
        } else {
            self.store.release(&self.key, &token).await?;
        }
        Ok(())
    }
}

impl Drop for ClaimedKey {
    fn drop(&mut self) {
        if let Some(token) = self.token.take() {
            self.store
                .release_detached(std::mem::take(&mut self.key), token);
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
}
