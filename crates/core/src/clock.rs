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
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock stopped at `unix_secs`.
    #[must_use]
    pub fn new(unix_secs: u64) -> Self {
        Self(AtomicU64::new(unix_secs))
    }

    /// Moves the clock forward by `by`, rounded up to whole seconds.
    pub fn advance(&self, by: std::time::Duration) {
        let seconds = by.as_secs() + u64::from(by.subsec_nanos() > 0);
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn unix_now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A shared clock is a clock, so a test can keep a handle on the one it
/// gave away.
impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn unix_now(&self) -> u64 {
        (**self).unix_now()
    }
}
