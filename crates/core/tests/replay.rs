//! The replay guard and its in-memory store: the shared store contract on a
//! manual clock, the bound and its eviction order with per-key expiries,
//! durations that must not wrap, lease renewal while a slow handler runs,
//! the guard's claim/finish/drop, and claims racing on threads.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use common::Captured;
use hookguard_core::replay::{
    Claim, MemoryStore, OwnerToken, ReplayGuard, ReplayKey, ReplayStore, StoreFuture, contract,
};
use hookguard_core::{Clock, Error, ManualClock};

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

fn key(name: &str) -> ReplayKey {
    contract::key("memory-test", name)
}

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);

#[test]
fn memory_store_keeps_the_contract() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let store = store_at(&clock, 1000);
    let keys = run(contract::check(&store, "memory", |by| {
        clock.advance(by);
        std::future::ready(())
    }));
    assert_eq!(keys.len(), 8);
}

fn claim(store: &MemoryStore, name: &str) -> Result<Claim, Error> {
    run(store.claim(&key(name), MINUTE))
}

fn complete_for(store: &MemoryStore, name: &str, retention: Duration) {
    let Claim::Claimed(token) = claim(store, name).unwrap() else {
        panic!("{name} not claimed")
    };
    assert!(run(store.complete(&key(name), &token, retention)).unwrap());
}

fn complete(store: &MemoryStore, name: &str) {
    complete_for(store, name, HOUR);
}

#[test]
fn the_bound_evicts_completed_keys_closest_to_expiry_first_and_never_live_claims() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let store = store_at(&clock, 3);
    complete(&store, "one");
    clock.advance(Duration::from_secs(1));
    complete(&store, "two");
    assert!(matches!(claim(&store, "live").unwrap(), Claim::Claimed(_)));
    assert_eq!(store.len(), 3);

    // Full: the completed key closest to its expiry goes, the live claim stays.
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
    assert_eq!(store.len(), 1, "the expired claims were dropped on the way");
}

#[test]
fn per_key_retention_evicts_expired_keys_before_live_completed_ones() {
    // A shield key (minutes) completed after a long-lived key (days): in
    // completion order the long-lived key went first, although the shield
    // key had expired.
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let store = store_at(&clock, 3);
    complete_for(&store, "long", Duration::from_secs(7 * 24 * 3600));
    complete_for(&store, "shield", Duration::from_secs(180));
    assert!(matches!(
        run(store.claim(&key("live"), HOUR)).unwrap(),
        Claim::Claimed(_)
    ));
    clock.advance(Duration::from_secs(181));
    assert!(matches!(claim(&store, "new").unwrap(), Claim::Claimed(_)));
    assert_eq!(store.len(), 3);
    assert_eq!(
        claim(&store, "long").unwrap(),
        Claim::Completed,
        "the live completed key was kept; the expired shield key went"
    );
    assert_eq!(claim(&store, "live").unwrap(), Claim::InFlight);
}

#[test]
fn the_completed_key_closest_to_expiry_is_evicted_first() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let store = store_at(&clock, 2);
    complete_for(&store, "days", Duration::from_secs(7 * 24 * 3600));
    complete_for(&store, "minutes", Duration::from_secs(180));
    assert!(matches!(claim(&store, "new").unwrap(), Claim::Claimed(_)));
    assert_eq!(claim(&store, "days").unwrap(), Claim::Completed);
    assert_eq!(store.len(), 2);
}

#[test]
fn a_renewed_claim_is_never_evicted() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let store = store_at(&clock, 2);
    let Claim::Claimed(token) = claim(&store, "slow").unwrap() else {
        panic!("slow not claimed")
    };
    complete(&store, "done");
    for _ in 0..5 {
        clock.advance(Duration::from_secs(40));
        assert!(run(store.renew(&key("slow"), &token, MINUTE)).unwrap());
    }
    // 200 s after the claim, well past its first lease: the completed key
    // is evicted, then the store is full of a live claim.
    assert!(matches!(claim(&store, "other").unwrap(), Claim::Claimed(_)));
    assert_eq!(claim(&store, "third"), Err(Error::StoreUnavailable));
    assert_eq!(claim(&store, "slow").unwrap(), Claim::InFlight);
}

#[test]
fn huge_retention_does_not_wrap() {
    // `now + retention` overflowed: the key expired at once (release
    // builds) or the store panicked (debug builds).
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let store = store_at(&clock, 10);
    complete_for(&store, "forever", Duration::MAX);
    clock.advance(Duration::from_secs(365 * 24 * 3600));
    assert_eq!(claim(&store, "forever").unwrap(), Claim::Completed);
}

#[test]
fn huge_lease_does_not_wrap() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let store = store_at(&clock, 10);
    let Claim::Claimed(token) = run(store.claim(&key("long"), Duration::MAX)).unwrap() else {
        panic!("not claimed")
    };
    clock.advance(Duration::from_secs(24 * 3600));
    assert_eq!(claim(&store, "long").unwrap(), Claim::InFlight);
    assert!(run(store.renew(&key("long"), &token, Duration::MAX)).unwrap());
    assert!(run(store.complete(&key("long"), &token, Duration::MAX)).unwrap());
}

#[test]
fn a_clock_at_the_end_of_time_does_not_wrap() {
    let clock = Arc::new(ManualClock::new(u64::MAX / 1000));
    let store = store_at(&clock, 10);
    complete_for(&store, "late", Duration::MAX);
    assert_eq!(claim(&store, "late").unwrap(), Claim::Completed);
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
fn a_flood_of_replays_leaves_one_key_per_event() {
    // 1,000 replays of one event, with a 60 KB id: one handler run, one
    // stored key of constant size.
    let store = Arc::new(MemoryStore::new());
    let guard = ReplayGuard::new(Arc::clone(&store));
    let id = "x".repeat(60 * 1024);
    let mut runs = 0;
    for _ in 0..1_000 {
        match run(guard.claim(guard.key("nomos", id.as_bytes()), None)) {
            Ok(claimed) => {
                runs += 1;
                run(claimed.finish(true)).unwrap();
            }
            Err(error) => assert_eq!(error, Error::Duplicate),
        }
    }
    assert_eq!(runs, 1);
    assert_eq!(store.len(), 1);
}

#[test]
fn keys_are_namespaced_by_provider_and_route() {
    let guard = ReplayGuard::in_memory();
    let routed = ReplayGuard::in_memory().with_route("billing").unwrap();
    assert_ne!(guard.key("nomos", b"evt_1"), guard.key("stripe", b"evt_1"));
    assert_ne!(guard.key("nomos", b"evt_1"), routed.key("nomos", b"evt_1"));
    assert_eq!(
        guard.key("nomos", b"evt_1").to_string(),
        // printf 'nomos\0\0evt_1' | sha256sum
        "9611df1583d4d9a79625e3676f53a13b3550dd6996cfe1aca8f1f40bf5764776",
    );
    assert_eq!(routed.route(), "billing", "the route is kept as given");
    assert!(ReplayGuard::in_memory().with_route("a\0b").is_err());
}

#[test]
fn the_guard_completes_on_success_and_releases_on_failure_or_drop() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let guard = ReplayGuard::new(store_at(&clock, 100));
    let ok = guard.key("nomos", b"evt_ok");

    let held = run(guard.claim(ok, None)).unwrap();
    assert_eq!(
        run(guard.claim(ok, None)).unwrap_err(),
        Error::InFlight {
            retry_after_secs: 60
        }
    );
    run(held.finish(true)).unwrap();
    assert_eq!(run(guard.claim(ok, None)).unwrap_err(), Error::Duplicate);

    let failed_key = guard.key("nomos", b"evt_failed");
    let failed = run(guard.claim(failed_key, None)).unwrap();
    run(failed.finish(false)).unwrap();
    let retried = run(guard.claim(failed_key, None)).unwrap();
    drop(retried); // a panic or a dropped request
    assert!(
        run(guard.claim(failed_key, None)).is_ok(),
        "dropping the claim released it"
    );
}

#[test]
fn a_claim_with_its_own_retention_expires_on_it() {
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let guard = ReplayGuard::new(store_at(&clock, 100));
    let shield = guard.key("linear", b"body digest");
    let held = run(guard.claim(shield, Some(Duration::from_secs(600)))).unwrap();
    assert_eq!(held.retention(), Duration::from_secs(600));
    run(held.finish(true)).unwrap();
    clock.advance(Duration::from_secs(599));
    assert_eq!(
        run(guard.claim(shield, None)).unwrap_err(),
        Error::Duplicate
    );
    clock.advance(Duration::from_secs(2));
    assert!(run(guard.claim(shield, None)).is_ok(), "the shield expired");
}

/// A clock that follows Tokio's (paused) time, so lease tests run in
/// virtual time: deterministic and instant.
#[derive(Debug)]
struct TokioClock(tokio::time::Instant);

impl Clock for TokioClock {
    fn unix_now(&self) -> u64 {
        self.unix_now_millis() / 1000
    }

    fn unix_now_millis(&self) -> u64 {
        1_700_000_000_000 + u64::try_from(self.0.elapsed().as_millis()).unwrap()
    }
}

fn tokio_guard(lease: Duration) -> ReplayGuard {
    let store = MemoryStore::new().with_clock(TokioClock(tokio::time::Instant::now()));
    ReplayGuard::new(store).with_lease(lease)
}

/// Claims `key`, runs a handler of `work` long inside `hold_while`,
/// completes; counts runs.
async fn handle(guard: ReplayGuard, key: ReplayKey, work: Duration, runs: Arc<AtomicUsize>) {
    let Ok(mut claimed) = guard.claim(key, None).await else {
        return;
    };
    claimed
        .hold_while(async {
            runs.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(work).await;
        })
        .await;
    claimed.finish(true).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_handler_slower_than_its_lease_runs_once() {
    // Nothing renewed the lease: a retry after 1 s claimed the event again
    // while the first handler was still running, and it ran twice.
    let guard = tokio_guard(Duration::from_secs(1));
    let key = guard.key("nomos", b"evt_slow");
    let runs = Arc::new(AtomicUsize::new(0));
    let start = tokio::time::Instant::now();
    let first = tokio::spawn(handle(
        guard.clone(),
        key,
        Duration::from_millis(3500),
        Arc::clone(&runs),
    ));
    for at_ms in [1500, 2500, 3400] {
        tokio::time::sleep_until(start + Duration::from_millis(at_ms)).await;
        assert!(
            matches!(
                guard.claim(key, None).await,
                Err(Error::InFlight {
                    retry_after_secs: 1
                })
            ),
            "a retry {at_ms} ms in finds the claim held"
        );
    }
    first.await.unwrap();
    assert_eq!(guard.claim(key, None).await.unwrap_err(), Error::Duplicate);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn a_hung_handler_stops_renewing_after_max_hold() {
    let guard = tokio_guard(Duration::from_secs(1)).with_max_hold(Duration::from_secs(2));
    let key = guard.key("nomos", b"evt_hung");
    let runs = Arc::new(AtomicUsize::new(0));
    let start = tokio::time::Instant::now();
    let hung = tokio::spawn(handle(
        guard.clone(),
        key,
        Duration::from_secs(3600),
        Arc::clone(&runs),
    ));
    tokio::time::sleep_until(start + Duration::from_millis(1900)).await;
    assert!(
        matches!(guard.claim(key, None).await, Err(Error::InFlight { .. })),
        "held while within max_hold"
    );
    // Last renewal at about 2 s, so the claim ends by about 3 s.
    tokio::time::sleep_until(start + Duration::from_millis(3100)).await;
    let retry = guard.claim(key, None).await;
    assert!(
        retry.is_ok(),
        "a retry after max_hold + lease runs: {retry:?}"
    );
    hung.abort();
}

#[test]
fn a_complete_that_finds_another_owner_is_logged_at_warn_with_the_digest() {
    // The lost claim's complete was dropped silently.
    let logs = Captured::default();
    let _subscriber = logs.install();
    let clock = Arc::new(ManualClock::new(1_700_000_000));
    let guard = ReplayGuard::new(store_at(&clock, 100)).with_lease(Duration::from_secs(1));
    let key = guard.key("nomos", b"evt_secret_id");
    let late = run(guard.claim(key, None)).unwrap();
    clock.advance(Duration::from_secs(2));
    let current = run(guard.claim(key, None)).unwrap();
    assert_eq!(run(late.finish(true)), Ok(()));
    let text = logs.text();
    assert!(text.contains("WARN"), "{text}");
    assert!(text.contains(&key.to_string()), "{text}");
    assert!(text.contains("action=\"complete\""), "{text}");
    assert!(!text.contains("evt_secret_id"), "never the raw key: {text}");
    run(current.finish(true)).unwrap();
    assert_eq!(run(guard.claim(key, None)).unwrap_err(), Error::Duplicate);
}

/// A store whose complete always fails, as a Redis that went away would.
#[derive(Debug)]
struct FailingComplete(MemoryStore);

impl ReplayStore for FailingComplete {
    fn claim<'a>(&'a self, key: &'a ReplayKey, lease: Duration) -> StoreFuture<'a, Claim> {
        self.0.claim(key, lease)
    }

    fn renew<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a OwnerToken,
        lease: Duration,
    ) -> StoreFuture<'a, bool> {
        self.0.renew(key, token, lease)
    }

    fn complete<'a>(
        &'a self,
        _key: &'a ReplayKey,
        _token: &'a OwnerToken,
        _retention: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(std::future::ready(Err(Error::StoreUnavailable)))
    }

    fn release<'a>(&'a self, key: &'a ReplayKey, token: &'a OwnerToken) -> StoreFuture<'a, bool> {
        self.0.release(key, token)
    }

    fn release_detached(&self, key: ReplayKey, token: OwnerToken) {
        self.0.release_detached(key, token);
    }
}

#[test]
fn a_failed_complete_is_returned_and_logged() {
    let logs = Captured::default();
    let _subscriber = logs.install();
    let guard = ReplayGuard::new(FailingComplete(MemoryStore::new()));
    let key = guard.key("nomos", b"evt_1");
    let claimed = run(guard.claim(key, None)).unwrap();
    assert_eq!(run(claimed.finish(true)), Err(Error::StoreUnavailable));
    let text = logs.text();
    assert!(text.contains("WARN"), "{text}");
    assert!(text.contains(&key.to_string()), "{text}");
    assert!(text.contains("error=replay store is unavailable"), "{text}");
}

/// A store on which every claim is lost by its first renewal, as when
/// another receiver took the key after the lease ran out.
#[derive(Debug)]
struct LosesOnRenew(MemoryStore);

impl ReplayStore for LosesOnRenew {
    fn claim<'a>(&'a self, key: &'a ReplayKey, lease: Duration) -> StoreFuture<'a, Claim> {
        self.0.claim(key, lease)
    }

    fn renew<'a>(
        &'a self,
        _key: &'a ReplayKey,
        _token: &'a OwnerToken,
        _lease: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(std::future::ready(Ok(false)))
    }

    fn complete<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a OwnerToken,
        retention: Duration,
    ) -> StoreFuture<'a, bool> {
        self.0.complete(key, token, retention)
    }

    fn release<'a>(&'a self, key: &'a ReplayKey, token: &'a OwnerToken) -> StoreFuture<'a, bool> {
        self.0.release(key, token)
    }

    fn release_detached(&self, key: ReplayKey, token: OwnerToken) {
        self.0.release_detached(key, token);
    }
}

#[tokio::test(start_paused = true)]
async fn a_renewal_that_finds_the_claim_lost_is_logged_at_warn_and_the_handler_finishes() {
    let logs = Captured::default();
    let _subscriber = logs.install();
    let store =
        LosesOnRenew(MemoryStore::new().with_clock(TokioClock(tokio::time::Instant::now())));
    let guard = ReplayGuard::new(store).with_lease(Duration::from_secs(3));
    let key = guard.key("nomos", b"evt_lost_secret");
    let mut claimed = guard.claim(key, None).await.unwrap();
    let output = claimed
        .hold_while(async {
            tokio::time::sleep(Duration::from_secs(2)).await;
            42
        })
        .await;
    assert_eq!(output, 42, "the handler ran to its end");
    let text = logs.text();
    assert_eq!(
        text.matches("the claim was lost while the handler runs")
            .count(),
        1,
        "one WARN, then renewal stopped: {text}"
    );
    assert!(text.contains("WARN"), "{text}");
    assert!(text.contains(&key.to_string()), "{text}");
    assert!(
        !text.contains("evt_lost_secret"),
        "never the raw key: {text}"
    );
    claimed.finish(true).await.unwrap();
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
                    run(store.claim(&key("evt_race"), MINUTE)),
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
