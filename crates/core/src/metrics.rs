//! Counters of the receive pipeline, through the [`metrics`](https://docs.rs/metrics)
//! facade crate (feature `metrics`): install any recorder or exporter
//! (Prometheus, StatsD, …) in the application and these appear in it.
//!
//! | name | kind | labels | counts |
//! |---|---|---|---|
//! | `hookguard_deliveries_verified_total` | counter | `provider` | deliveries accepted: authentic, fresh, parsed, and claimed when a replay guard is in force |
//! | `hookguard_deliveries_refused_total` | counter | `provider`, `code` | deliveries refused, by error code (`signature_mismatch`, `in_flight`, …) |
//! | `hookguard_deliveries_duplicate_total` | counter | `provider` | deliveries the replay guard answered `duplicate` (200, handler not run) |
//! | `hookguard_deliveries_busy_total` | counter | `provider` | verified deliveries answered `busy` (503) because the receiver could not take them |
//! | `hookguard_deliveries_in_flight` | gauge | `provider` | deliveries holding a replay claim right now: claimed, outcome not yet recorded (routes behind `Dedupe`) |
//!
//! Labels come only from fixed sets, so an attacker cannot grow the number
//! of series: `provider` is the scheme's name ([`Scheme::NAME`]) and `code`
//! an [`Error::code`]. `duplicate` and `busy` are counted apart from the
//! refusals: neither says anything is wrong with the sender.
//!
//! The counting happens in the core's receive pipeline, so the axum and
//! actix-web adapters and `hookguard listen` all report the same way.
//! Without the feature these functions do nothing and the crate does not
//! depend on `metrics`.
//!
//! [`Scheme::NAME`]: crate::Scheme::NAME

use crate::error::Error;

/// Deliveries accepted (label `provider`).
pub const VERIFIED: &str = "hookguard_deliveries_verified_total";
/// Deliveries refused (labels `provider`, `code`).
pub const REFUSED: &str = "hookguard_deliveries_refused_total";
/// Deliveries answered `duplicate` (label `provider`).
pub const DUPLICATE: &str = "hookguard_deliveries_duplicate_total";
/// Verified deliveries answered `busy` (label `provider`).
pub const BUSY: &str = "hookguard_deliveries_busy_total";
/// Deliveries holding a replay claim (gauge, label `provider`).
pub const IN_FLIGHT: &str = "hookguard_deliveries_in_flight";

/// Counts an accepted delivery.
pub(crate) fn accepted(provider: &'static str) {
    #[cfg(feature = "metrics")]
    ::metrics::counter!(VERIFIED, "provider" => provider).increment(1);
    #[cfg(not(feature = "metrics"))]
    let _ = provider;
}

/// Counts a delivery answered with `error`, in the counter its code
/// belongs to.
pub(crate) fn refused(provider: &'static str, error: &Error) {
    #[cfg(feature = "metrics")]
    match error {
        Error::Duplicate => ::metrics::counter!(DUPLICATE, "provider" => provider).increment(1),
        Error::Busy { .. } => ::metrics::counter!(BUSY, "provider" => provider).increment(1),
        other => {
            ::metrics::counter!(REFUSED, "provider" => provider, "code" => other.code())
                .increment(1);
        }
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (provider, error);
}

/// One delivery holding a replay claim: the gauge goes up when the key is
/// claimed and down when this is dropped with the claim, so a panic or a
/// cancelled request cannot leave it counted.
#[derive(Debug)]
#[must_use = "the gauge goes down when this is dropped"]
pub(crate) struct InFlight {
    #[cfg(feature = "metrics")]
    gauge: ::metrics::Gauge,
}

impl InFlight {
    pub(crate) fn start(provider: &'static str) -> Self {
        #[cfg(feature = "metrics")]
        {
            let gauge = ::metrics::gauge!(IN_FLIGHT, "provider" => provider);
            gauge.increment(1.0);
            Self { gauge }
        }
        #[cfg(not(feature = "metrics"))]
        {
            let _ = provider;
            Self {}
        }
    }
}

#[cfg(feature = "metrics")]
impl Drop for InFlight {
    fn drop(&mut self) {
        self.gauge.decrement(1.0);
    }
}
