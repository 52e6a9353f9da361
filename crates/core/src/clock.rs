//! Where "now" comes from, so freshness checks can be tested and replayed.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time as whole seconds since the Unix epoch.
///
/// Verifiers use [`SystemClock`] unless given another one; tests and tools
/// that check a captured delivery use [`FixedClock`].
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time, in seconds since 1970-01-01T00:00:00Z.
    fn unix_now(&self) -> u64;

    /// The current time, in milliseconds since 1970-01-01T00:00:00Z. The
    /// replay guard's in-memory store times leases with it, so a 1 s lease
    /// lasts 1 s and not "until the next whole second". Defaults to
    /// [`unix_now`](Clock::unix_now) in milliseconds.
    fn unix_now_millis(&self) -> u64 {
        self.unix_now().saturating_mul(1000)
    }
}

/// The operating system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn unix_now(&self) -> u64 {
        // A clock set before 1970 reads as the epoch: every delivery then
        // looks far in the future and is refused, which is the safe side.
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs())
    }

    fn unix_now_millis(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| {
                u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
            })
    }
}

/// A clock stopped at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub u64);

impl Clock for FixedClock {
    fn unix_now(&self) -> u64 {
        self.0
    }
}

/// A clock that moves only when told to: for tests of leases and retention.
/// It keeps milliseconds, so a test can step through a lease of one second.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock stopped at `unix_secs`.
    #[must_use]
    pub fn new(unix_secs: u64) -> Self {
        Self(AtomicU64::new(unix_secs.saturating_mul(1000)))
    }

    /// Moves the clock forward by `by`, rounded up to whole milliseconds.
    pub fn advance(&self, by: std::time::Duration) {
        let millis = u64::try_from(by.as_millis())
            .unwrap_or(u64::MAX)
            .saturating_add(u64::from(by.subsec_nanos() % 1_000_000 > 0));
        // Saturating: a huge step stops the clock at the end of time.
        let _ = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                Some(now.saturating_add(millis))
            });
    }
}

impl Clock for ManualClock {
    fn unix_now(&self) -> u64 {
        self.0.load(Ordering::SeqCst) / 1000
    }

    fn unix_now_millis(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A shared clock is a clock, so a test can keep a handle on the one it
/// gave away.
impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn unix_now(&self) -> u64 {
        (**self).unix_now()
    }

    fn unix_now_millis(&self) -> u64 {
        (**self).unix_now_millis()
    }
}
