//! Where "now" comes from, so freshness checks can be tested and replayed.

use std::fmt;
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
