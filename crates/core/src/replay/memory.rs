//! The in-memory replay store: the embedded default for one receiver.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::{Claim, OwnerToken, ReplayStore, StoreFuture};
use crate::clock::{Clock, SystemClock};
use crate::error::Error;

/// The default bound on the number of keys kept.
pub const DEFAULT_MAX_KEYS: usize = 100_000;

/// A bounded in-memory [`ReplayStore`].
///
/// Every operation is O(1) (amortized) under one mutex. At the bound, the
/// oldest completed keys are evicted first, then expired claims; live
/// claims never are: a claim that finds only live claims at the bound is
/// refused with `store_unavailable` (503, so the provider retries later).
/// Times are whole seconds from the store's [`Clock`]; leases and
/// retentions are rounded up.
pub struct MemoryStore {
    state: Mutex<State>,
    clock: Arc<dyn Clock>,
    max_keys: usize,
}

#[derive(Default)]
struct State {
    entries: HashMap<String, Entry>,
    /// Completed keys in completion order, so also in expiry order (one
    /// retention for all). Items whose `seq` no longer matches are stale.
    completed: VecDeque<(String, u64)>,
    /// Claimed keys in claim order, so also in lease-expiry order.
    claimed: VecDeque<(String, u64)>,
    next_seq: u64,
}

struct Entry {
    seq: u64,
    expires: u64,
    owner: Option<OwnerToken>,
}

impl Entry {
    fn is_completed(&self) -> bool {
        self.owner.is_none()
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

    /// The number of keys held, claims and completed ones.
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
        // A panic while holding the lock cannot leave the maps half-changed
        // in a way that matters here; keep serving.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn claim_now(&self, key: &str, lease: Duration) -> Result<Claim, Error> {
        let now = self.clock.unix_now();
        let mut state = self.lock();
        if let Some(entry) = state.entries.get(key) {
            if entry.expires > now {
                return Ok(if entry.is_completed() {
                    Claim::Completed
                } else {
                    Claim::InFlight
                });
            }
            state.entries.remove(key);
        }
        if state.entries.len() >= self.max_keys && !state.evict_one(now) {
            return Err(Error::StoreUnavailable);
        }
        let token = OwnerToken::generate();
        let seq = state.push(key, now + seconds(lease), Some(token.clone()));
        state.claimed.push_back((key.to_owned(), seq));
        state.compact();
        Ok(Claim::Claimed(token))
    }

    fn complete_now(&self, key: &str, token: &OwnerToken, retention: Duration) -> bool {
        let now = self.clock.unix_now();
        let mut state = self.lock();
        if !state.owns(key, token, now) {
            return false;
        }
        let seq = state.push(key, now + seconds(retention), None);
        state.completed.push_back((key.to_owned(), seq));
        state.compact();
        true
    }

    fn release_now(&self, key: &str, token: &OwnerToken) -> bool {
        let now = self.clock.unix_now();
        let mut state = self.lock();
        let owned = state.owns(key, token, now);
        if owned {
            state.entries.remove(key);
        }
        owned
    }
}

impl State {
    fn push(&mut self, key: &str, expires: u64, owner: Option<OwnerToken>) -> u64 {
        self.next_seq += 1;
        let seq = self.next_seq;
        self.entries.insert(
            key.to_owned(),
            Entry {
                seq,
                expires,
                owner,
            },
        );
        seq
    }

    /// Whether `token` holds a live claim on `key`.
    fn owns(&self, key: &str, token: &OwnerToken, now: u64) -> bool {
        self.entries
            .get(key)
            .is_some_and(|entry| entry.expires > now && entry.owner.as_ref() == Some(token))
    }

    /// Evicts the oldest completed key, else an expired claim. Returns
    /// whether a key was evicted.
    fn evict_one(&mut self, now: u64) -> bool {
        while let Some((key, seq)) = self.completed.pop_front() {
            if self.entries.get(&key).is_some_and(|entry| entry.seq == seq) {
                self.entries.remove(&key);
                return true;
            }
        }
        while let Some((key, seq)) = self.claimed.front() {
            match self.entries.get(key) {
                Some(entry) if entry.seq == *seq && entry.expires > now => return false,
                Some(entry) if entry.seq == *seq => {
                    let key = key.clone();
                    self.claimed.pop_front();
                    self.entries.remove(&key);
                    return true;
                }
                _ => {
                    self.claimed.pop_front();
                }
            }
        }
        false
    }

    /// Drops stale order items once they outnumber the live keys, so the
    /// queues stay within a constant factor of the bound.
    fn compact(&mut self) {
        let live = self.entries.len();
        if self.completed.len() + self.claimed.len() > 2 * live + 64 {
            let entries = &self.entries;
            let current = |(key, seq): &(String, u64)| {
                entries.get(key).is_some_and(|entry| entry.seq == *seq)
            };
            self.completed.retain(current);
            self.claimed.retain(current);
        }
    }
}

/// Whole seconds, rounded up, so a lease is never shorter than asked.
fn seconds(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
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
    fn claim<'a>(&'a self, key: &'a str, lease: Duration) -> StoreFuture<'a, Claim> {
        Box::pin(std::future::ready(self.claim_now(key, lease)))
    }

    fn complete<'a>(
        &'a self,
        key: &'a str,
        token: &'a OwnerToken,
        retention: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(std::future::ready(Ok(
            self.complete_now(key, token, retention)
        )))
    }

    fn release<'a>(&'a self, key: &'a str, token: &'a OwnerToken) -> StoreFuture<'a, bool> {
        Box::pin(std::future::ready(Ok(self.release_now(key, token))))
    }

    fn release_detached(&self, key: String, token: OwnerToken) {
        self.release_now(&key, &token);
    }
}
