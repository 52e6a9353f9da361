//! The behaviour every [`ReplayStore`] must show, as one async function the
//! stores' own tests call: the in-memory store with a manual clock, the
//! Redis store with real time. Available with the `test-support` feature,
//! for the tests of stores (yours too); not part of the stable API.

use std::future::Future;
use std::time::Duration;

use super::key::Route;
use super::{Claim, OwnerToken, ReplayKey, ReplayStore};

/// The lease the contract uses: short, so a real-time store expires it fast.
pub const LEASE: Duration = Duration::from_secs(1);

/// The key the contract uses for `name` in a run called `unique`.
#[must_use]
pub fn key(unique: &str, name: &str) -> ReplayKey {
    ReplayKey::derive(
        "contract",
        &Route::default(),
        format!("{unique}:{name}").as_bytes(),
    )
}

/// Runs the contract on `store`. `advance` moves time forward past `by`
/// (a manual clock, or a real sleep); `unique` goes into every key so runs
/// against a shared server do not meet. Returns the keys it used, so a
/// test against a shared server can delete them.
///
/// # Panics
///
/// When the store breaks the contract, naming the rule.
pub async fn check<S, A, F>(store: &S, unique: &str, advance: A) -> Vec<ReplayKey>
where
    S: ReplayStore + ?Sized,
    A: Fn(Duration) -> F,
    F: Future<Output = ()>,
{
    let key = |name: &str| key(unique, name);
    let claimed = |claim: Claim| match claim {
        Claim::Claimed(token) => token,
        other => panic!("expected a claim, got {other:?}"),
    };
    let retention = Duration::from_secs(3600);

    // claim, then complete: later claims see a duplicate.
    let a = key("a");
    let token = claimed(store.claim(&a, LEASE).await.expect("claim a"));
    assert_eq!(
        store.claim(&a, LEASE).await.expect("claim a again"),
        Claim::InFlight,
        "a live claim is in flight for others"
    );
    assert!(
        store
            .complete(&a, &token, retention)
            .await
            .expect("complete a"),
        "the owner completes"
    );
    assert_eq!(
        store
            .claim(&a, LEASE)
            .await
            .expect("claim a after complete"),
        Claim::Completed,
        "a completed key is a duplicate"
    );
    assert!(
        !store
            .release(&a, &token)
            .await
            .expect("release a completed"),
        "a completed key cannot be released"
    );
    assert!(
        !store
            .renew(&a, &token, LEASE)
            .await
            .expect("renew a completed"),
        "a completed key cannot be renewed"
    );

    // claim, then release: the retry claims again.
    let b = key("b");
    let first = claimed(store.claim(&b, LEASE).await.expect("claim b"));
    assert!(
        store.release(&b, &first).await.expect("release b"),
        "the owner releases"
    );
    let second = claimed(store.claim(&b, LEASE).await.expect("claim b after release"));
    assert_ne!(first, second, "each claim has its own token");

    // Only the owner renews, completes or releases.
    let stranger = OwnerToken::generate();
    assert!(
        !store
            .renew(&b, &stranger, LEASE)
            .await
            .expect("renew b by stranger"),
        "a stranger cannot renew"
    );
    assert!(
        !store
            .complete(&b, &stranger, retention)
            .await
            .expect("complete b by stranger"),
        "a stranger cannot complete"
    );
    assert!(
        !store
            .release(&b, &stranger)
            .await
            .expect("release b by stranger"),
        "a stranger cannot release"
    );
    assert_eq!(
        store.claim(&b, LEASE).await.expect("claim b by other"),
        Claim::InFlight,
        "the claim survived the stranger"
    );

    // release_detached, the path of a panic or a dropped request.
    let c = key("c");
    let token = claimed(store.claim(&c, LEASE).await.expect("claim c"));
    store.release_detached(c, token);
    let mut released = false;
    for _ in 0..50 {
        if matches!(
            store.claim(&c, LEASE).await.expect("claim c again"),
            Claim::Claimed(_)
        ) {
            released = true;
            break;
        }
        advance(Duration::from_millis(20)).await;
    }
    assert!(released, "a detached release frees the key");

    // Lease expiry: the key can be claimed again, and the late owner can
    // neither renew, complete nor release the new claim.
    let d = key("d");
    let late = claimed(store.claim(&d, LEASE).await.expect("claim d"));
    advance(LEASE + Duration::from_millis(200)).await;
    let current = claimed(store.claim(&d, LEASE).await.expect("claim d after expiry"));
    assert!(
        !store.renew(&d, &late, LEASE).await.expect("late renew"),
        "an expired owner cannot renew"
    );
    assert!(
        !store
            .complete(&d, &late, retention)
            .await
            .expect("late complete"),
        "an expired owner cannot complete"
    );
    assert!(
        !store.release(&d, &late).await.expect("late release"),
        "an expired owner cannot release"
    );
    assert!(
        store
            .complete(&d, &current, retention)
            .await
            .expect("complete d"),
        "the current owner completes"
    );
    assert_eq!(
        store.claim(&d, LEASE).await.expect("claim d done"),
        Claim::Completed
    );

    // Renewal: a claim renewed before its lease ends outlives that lease.
    let r = key("renewed");
    let token = claimed(store.claim(&r, LEASE).await.expect("claim r"));
    advance(Duration::from_millis(600)).await;
    assert!(
        store.renew(&r, &token, LEASE).await.expect("renew r"),
        "the owner renews a live claim"
    );
    advance(Duration::from_millis(600)).await;
    assert_eq!(
        store
            .claim(&r, LEASE)
            .await
            .expect("claim r past its first lease"),
        Claim::InFlight,
        "the renewed claim is still held past the first lease"
    );
    assert!(
        store
            .complete(&r, &token, retention)
            .await
            .expect("complete r"),
        "the owner of a renewed claim completes"
    );

    // Retention expiry: a completed key is forgotten after its retention.
    let e = key("e");
    let token = claimed(store.claim(&e, LEASE).await.expect("claim e"));
    assert!(store.complete(&e, &token, LEASE).await.expect("complete e"));
    advance(LEASE + Duration::from_millis(200)).await;
    assert!(
        matches!(
            store
                .claim(&e, LEASE)
                .await
                .expect("claim e after retention"),
            Claim::Claimed(_)
        ),
        "retention ended"
    );

    // Huge and zero durations: clamped, never wrapping or refused.
    let h = key("huge");
    let token = claimed(
        store
            .claim(&h, Duration::MAX)
            .await
            .expect("claim with a huge lease"),
    );
    assert!(
        store
            .renew(&h, &token, Duration::MAX)
            .await
            .expect("renew with a huge lease"),
        "a huge lease renews"
    );
    assert!(
        store
            .complete(&h, &token, Duration::MAX)
            .await
            .expect("complete with a huge retention"),
        "a huge retention completes"
    );
    advance(LEASE + Duration::from_millis(200)).await;
    assert_eq!(
        store.claim(&h, LEASE).await.expect("claim h after a while"),
        Claim::Completed,
        "a huge retention keeps the key (it did not wrap into the past)"
    );
    let z = key("zero");
    let token = claimed(
        store
            .claim(&z, Duration::ZERO)
            .await
            .expect("claim with a zero lease"),
    );
    assert_eq!(
        store.claim(&z, LEASE).await.expect("claim z again"),
        Claim::InFlight,
        "a zero lease is raised to the minimum, not expired at once"
    );
    assert!(store.release(&z, &token).await.expect("release z"));

    vec![a, b, c, d, r, e, h, z]
}
