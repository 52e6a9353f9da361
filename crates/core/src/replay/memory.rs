//! The in-memory replay store: the embedded default for one receiver.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::{Claim, OwnerToken, ReplayKey, ReplayStore, StoreFuture, clamp_duration};
use crate::clock::{Clock, SystemClock};
use crate::error::Error;

/// The default bound on the number of keys kept.
pub const DEFAULT_MAX_KEYS: usize = 100_000;

/// How many expired keys one claim drops on its way, so memory held by
/// expired keys is given back without a pause proportional to the store.
const PURGE_PER_CLAIM: usize = 64;

/// A bounded in-memory [`ReplayStore`].
///
/// Each key is kept as its 32-byte digest with its own expiry (a lease,
/// or a retention once completed), so memory per key is a constant. Every
/// operation is O(log n) under one mutex. At the bound, expired keys are
/// evicted first, then the completed key closest to its expiry; live
/// claims never are: a claim that finds only live claims at the bound is
/// refused with `store_unavailable` (503, so the provider retries later).
/// Times are milliseconds from the store's [`Clock`]; durations are
/// clamped to 1 s – 10 years and expiries saturate, so no duration wraps.
pub struct MemoryStore {
    state: Mutex<State>,
    clock: Arc<dyn Clock>,
    max_keys: usize,
}

/// An index item: expiry (ms), the entry's sequence number, the key. Sorted,
/// the first item is the key that expires first.
type Slot = (u64, u64, [u8; 32]);

#[derive(Default)]
struct State {
    entries: HashMap<[u8; 32], Entry>,
    /// Every entry by expiry, so expired entries are found first.
    by_expiry: BTreeSet<Slot>,
    /// Completed entries by expiry: the live keys that may be evicted.
    completed: BTreeSet<Slot>,
    next_seq: u64,
}

struct Entry {
    seq: u64,
    expires: u64,
    owner: Option<OwnerToken>,
}

impl Entry {
    fn slot(&self, key: [u8; 32]) -> Slot {
        (self.expires, self.seq, key)
    }
}

impl MemoryStore {
    /// A store bounded to [`DEFAULT_MAX_KEYS`] keys, on the system clock.
    #[must_use]
    pub fn new() -> Self {
        Self::with_max_keys(DEFAULT_MAX_KEYS)
    }

    /// A store bounded to `max_keys` keys (at least one).
    #[must_use]
    pub fn with_max_keys(max_keys: usize) -> Self {
        Self {
            state: Mutex::new(State::default()),
            clock: Arc::new(SystemClock),
            max_keys: max_keys.max(1),
        }
    }

    /// Sets where "now" comes from (for tests).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The number of keys held, claims and completed ones (expired keys not
    /// yet dropped included).
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no key is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every change below leaves the map and its indexes consistent
        // before anything that could panic; keep serving.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn now(&self) -> u64 {
        self.clock.unix_now_millis()
    }

    fn claim_now(&self, key: &ReplayKey, lease: Duration) -> Result<Claim, Error> {
        let key = *key.as_bytes();
        let now = self.now();
        let mut state = self.lock();
        state.purge_expired(now, PURGE_PER_CLAIM);
        if let Some(entry) = state.entries.get(&key) {
            if entry.expires > now {
                return Ok(if entry.owner.is_none() {
                    Claim::Completed
                } else {
                    Claim::InFlight
                });
            }
            state.remove(key);
        }
        if state.entries.len() >= self.max_keys && !state.evict_one(now) {
            return Err(Error::StoreUnavailable);
        }
        let token = OwnerToken::generate();
        state.insert(key, expiry(now, lease), Some(token.clone()));
        Ok(Claim::Claimed(token))
    }

    fn renew_now(&self, key: &ReplayKey, token: &OwnerToken, lease: Duration) -> bool {
        let key = *key.as_bytes();
        let now = self.now();
        let mut state = self.lock();
        if !state.owns(key, token, now) {
            return false;
        }
        state.insert(key, expiry(now, lease), Some(token.clone()));
        true
    }

    fn complete_now(&self, key: &ReplayKey, token: &OwnerToken, retention: Duration) -> bool {
        let key = *key.as_bytes();
        let now = self.now();
        let mut state = self.lock();
        if !state.owns(key, token, now) {
            return false;
        }
        state.insert(key, expiry(now, retention), None);
        true
    }

    fn release_now(&self, key: &ReplayKey, token: &OwnerToken) -> bool {
        let key = *key.as_bytes();
        let now = self.now();
        let mut state = self.lock();
        let owned = state.owns(key, token, now);
        if owned {
            state.remove(key);
        }
        owned
    }
}

impl State {
    /// Sets `key`'s entry, replacing any earlier one.
    fn insert(&mut self, key: [u8; 32], expires: u64, owner: Option<OwnerToken>) {
        self.remove(key);
        self.next_seq = self.next_seq.wrapping_add(1);
        let entry = Entry {
            seq: self.next_seq,
            expires,
            owner,
        };
        self.by_expiry.insert(entry.slot(key));
        if entry.owner.is_none() {
            self.completed.insert(entry.slot(key));
        }
        self.entries.insert(key, entry);
    }

    fn remove(&mut self, key: [u8; 32]) {
        if let Some(entry) = self.entries.remove(&key) {
            let slot = entry.slot(key);
            self.by_expiry.remove(&slot);
            self.completed.remove(&slot);
        }
    }

    /// Whether `token` holds a live claim on `key`.
    fn owns(&self, key: [u8; 32], token: &OwnerToken, now: u64) -> bool {
        self.entries
            .get(&key)
            .is_some_and(|entry| entry.expires > now && entry.owner.as_ref() == Some(token))
    }

    /// Drops up to `limit` expired keys.
    fn purge_expired(&mut self, now: u64, limit: usize) {
        for _ in 0..limit {
            match self.by_expiry.first() {
                Some(&(expires, _, key)) if expires <= now => self.remove(key),
                _ => return,
            }
        }
    }

    /// Evicts an expired key, else the completed key closest to its
    /// expiry; never a live claim. Returns whether a key was evicted.
    fn evict_one(&mut self, now: u64) -> bool {
        let victim = match self.by_expiry.first() {
            Some(&(expires, _, key)) if expires <= now => Some(key),
            _ => self.completed.first().map(|&(_, _, key)| key),
        };
        victim.is_some_and(|key| {
            self.remove(key);
            true
        })
    }
}

/// `now` plus `duration` (clamped to 1 s – 10 years, rounded up to whole
/// milliseconds so it is never shorter than asked), saturating.
fn expiry(now: u64, duration: Duration) -> u64 {
    let duration = clamp_duration(duration);
    let millis = u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .saturating_add(u64::from(duration.subsec_nanos() % 1_000_000 > 0));
    now.saturating_add(millis)
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("keys", &self.len())
            .field("max_keys", &self.max_keys)
            .finish_non_exhaustive()
    }
}

impl ReplayStore for MemoryStore {
    fn claim<'a>(&'a self, key: &'a ReplayKey, lease: Duration) -> StoreFuture<'a, Claim> {
        Box::pin(std::future::ready(self.claim_now(key, lease)))
    }

    fn renew<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a OwnerToken,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(std::future::ready(Ok(self.renew_now(key, token, lease))))
    }

    fn complete<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a OwnerToken,
        retention: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(std::future::ready(Ok(
            self.complete_now(key, token, retention)
        )))
    }

    fn release<'a>(&'a self, key: &'a ReplayKey, token: &'a OwnerToken) -> StoreFuture<'a, bool> {
        Box::pin(std::future::ready(Ok(self.release_now(key, token))))
    }

    fn release_detached(&self, key: ReplayKey, token: OwnerToken) {
        self.release_now(&key, &token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiries_saturate_instead_of_wrapping() {
        assert_eq!(expiry(u64::MAX - 10, Duration::MAX), u64::MAX);
        assert_eq!(expiry(5_000, Duration::ZERO), 6_000, "clamped up to 1 s");
        assert_eq!(expiry(0, Duration::from_nanos(1_500_000_001)), 1_501);
    }
}
