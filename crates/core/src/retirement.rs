//! Secrets that retire on a date (SPEC §11): rotation with a deadline, so
//! an old secret cannot linger for ever.
//!
//! A retiring secret matches up to and including its retirement second and
//! never after, by the verifier's clock. While it still matches, each match
//! is logged at INFO (its index and date, never the secret) at most once a
//! minute per secret, so the operator sees who still signs with it without
//! a line per delivery. The throttle is one atomic per retiring secret: a
//! fixed size, and no lock on the verification path.

use std::sync::atomic::{AtomicU64, Ordering};

/// The retiring secrets of one verifier, by their index in its secrets.
#[derive(Debug, Default)]
pub(crate) struct Retirements {
    entries: Box<[Retiring]>,
}

#[derive(Debug)]
struct Retiring {
    index: usize,
    retire_at: u64,
    /// The first second at which the next INFO line may be written.
    next_log_at: AtomicU64,
}

/// How often, at most, a match on one retiring secret is logged.
const LOG_EVERY_SECS: u64 = 60;

impl Retirements {
    /// These retirements and secret `index` retiring at `retire_at`.
    pub(crate) fn and(&self, index: usize, retire_at: u64) -> Self {
        let entries = self
            .entries
            .iter()
            .map(|entry| Retiring {
                index: entry.index,
                retire_at: entry.retire_at,
                next_log_at: AtomicU64::new(entry.next_log_at.load(Ordering::Relaxed)),
            })
            .chain(std::iter::once(Retiring {
                index,
                retire_at,
                next_log_at: AtomicU64::new(0),
            }))
            .collect();
        Self { entries }
    }

    /// How many secrets retire on a date.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether secret `index` no longer matches at `now`.
    #[inline]
    pub(crate) fn is_retired(&self, index: usize, now: u64) -> bool {
        self.entry(index).is_some_and(|entry| now > entry.retire_at)
    }

    /// Whether each of `secret_count` secrets (at least one) has retired.
    pub(crate) fn all_retired(&self, secret_count: usize, now: u64) -> bool {
        secret_count > 0 && (0..secret_count).all(|index| self.is_retired(index, now))
    }

    /// Logs, at most once a minute of `clock` time per secret, that a
    /// retiring secret matched at `now`.
    ///
    /// Inlined, so that a match on a secret that does not retire (every
    /// match, for a verifier without retirements) costs a check of an
    /// empty list and no call.
    #[inline]
    pub(crate) fn note_match(
        &self,
        scheme: &'static str,
        index: usize,
        now: u64,
        clock: impl FnOnce() -> u64,
    ) {
        // `clock` is read only for a retiring secret: it is a system call
        // that every other match would pay for nothing.
        if let Some(entry) = self.entry(index) {
            Self::log_match(entry, scheme, index, now, clock());
        }
    }

    fn log_match(entry: &Retiring, scheme: &'static str, index: usize, now: u64, clock: u64) {
        let next = entry.next_log_at.load(Ordering::Relaxed);
        // One compare-and-swap: of racing matches, one logs, the rest skip.
        if clock >= next
            && entry
                .next_log_at
                .compare_exchange(
                    next,
                    clock.saturating_add(LOG_EVERY_SECS),
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                )
                .is_ok()
        {
            tracing::info!(
                target: "hookguard::rotation",
                provider = scheme,
                secret_index = index,
                retire_at = entry.retire_at,
                seconds_left = entry.retire_at.saturating_sub(now),
                "a delivery matched a retiring secret; move the sender to the new secret before it retires"
            );
        }
    }

    #[inline]
    fn entry(&self, index: usize) -> Option<&Retiring> {
        self.entries.iter().find(|entry| entry.index == index)
    }
}

#[cfg(test)]
mod tests {
    use super::Retirements;

    #[test]
    fn a_secret_matches_through_its_retirement_second_and_not_after() {
        let retirements = Retirements::default().and(1, 1_000);
        assert!(!retirements.is_retired(1, 1_000));
        assert!(retirements.is_retired(1, 1_001));
        assert!(
            !retirements.is_retired(0, u64::MAX),
            "secret 0 never retires"
        );
        assert!(!retirements.all_retired(2, 1_001));
        assert!(retirements.and(0, 5).all_retired(2, 1_001));
        assert!(!Retirements::default().all_retired(0, 1_001));
    }
}
