//! The in-memory replay store: the shared store contract on a manual clock,
//! the bound, the guard's claim/finish/drop, and claims racing on threads.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Barrier};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use hookguard_core::replay::{Claim, MemoryStore, ReplayGuard, ReplayStore, contract};
use hookguard_core::{Error, ManualClock};

/// Drives a future that never waits (the memory store answers at once).
fn run<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the memory store never waits"),
    }
}

fn store_at(clock: &Arc<ManualClock>, max_keys: usize) -> MemoryStore {
    MemoryStore::with_max_keys(max_keys).with_clock(Arc::clone(clock))
}

#[test]
fn memory_store_keeps_the_contract() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let store = store_at(&clock, 1000);
    run(contract::check(&store, "memory", |by| {
        clock.advance(by);
        std::future::ready(())
    }));
}

fn claim(store: &MemoryStore, key: &str) -> Result<Claim, Error> {
    run(store.claim(key, Duration::from_secs(60)))
}

fn complete(store: &MemoryStore, key: &str) {
    let Claim::Claimed(token) = claim(store, key).unwrap() else {
        panic!("{key} not claimed")
    };
    assert!(run(store.complete(key, &token, Duration::from_secs(3600))).unwrap());
}

#[test]
fn the_bound_evicts_oldest_completed_keys_first_and_never_live_claims() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let store = store_at(&clock, 3);
    complete(&store, "one");
    complete(&store, "two");
    assert!(matches!(claim(&store, "live").unwrap(), Claim::Claimed(_)));
    assert_eq!(store.len(), 3);

    // Full: the oldest completed key goes, the live claim stays.
    assert!(matches!(claim(&store, "three").unwrap(), Claim::Claimed(_)));
    assert_eq!(store.len(), 3);
    assert!(
        matches!(claim(&store, "one").unwrap(), Claim::Claimed(_)),
        "`one` was evicted, so it is new again"
    );
    assert_eq!(
        claim(&store, "live").unwrap(),
        Claim::InFlight,
        "the live claim was kept"
    );

    // Only live claims left: a new key is refused, never evicting one.
    assert_eq!(store.len(), 3);
    assert_eq!(claim(&store, "four"), Err(Error::StoreUnavailable));
    assert_eq!(
        claim(&store, "two"),
        Err(Error::StoreUnavailable),
        "`two` was evicted to make room for `one`"
    );

    // Once leases run out, expired claims make room.
    clock.advance(Duration::from_secs(61));
    assert!(matches!(claim(&store, "four").unwrap(), Claim::Claimed(_)));
    assert!(store.len() <= 3);
}

#[test]
fn the_bound_holds_under_a_flood_of_distinct_ids() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let store = store_at(&clock, 500);
    for n in 0..20_000 {
        complete(&store, &format!("evt_{n}"));
        assert!(store.len() <= 500);
    }
    assert_eq!(
        claim(&store, "evt_19999").unwrap(),
        Claim::Completed,
        "recent keys are kept"
    );
}

#[test]
fn the_guard_completes_on_success_and_releases_on_failure_or_drop() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let guard = ReplayGuard::new(store_at(&clock, 100));

    let held = run(guard.claim("evt_ok", None)).unwrap();
    assert_eq!(
        run(guard.claim("evt_ok", None)).unwrap_err(),
        Error::InFlight {
            retry_after_secs: 60
        }
    );
    run(held.finish(true)).unwrap();
    assert_eq!(
        run(guard.claim("evt_ok", None)).unwrap_err(),
        Error::Duplicate
    );

    let failed = run(guard.claim("evt_failed", None)).unwrap();
    run(failed.finish(false)).unwrap();
    let retried = run(guard.claim("evt_failed", None)).unwrap();
    drop(retried); // a panic or a dropped request
    assert!(
        run(guard.claim("evt_failed", None)).is_ok(),
        "dropping the claim released it"
    );
}

#[test]
fn concurrent_claims_of_one_key_give_one_owner() {
    let store = Arc::new(MemoryStore::new());
    let barrier = Arc::new(Barrier::new(8));
    let winners: usize = (0..8)
        .map(|_| {
            let store = Arc::clone(&store);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                usize::from(matches!(
                    run(store.claim("evt_race", Duration::from_secs(60))),
                    Ok(Claim::Claimed(_))
                ))
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|thread| thread.join().unwrap())
        .sum();
    assert_eq!(winners, 1);
}
