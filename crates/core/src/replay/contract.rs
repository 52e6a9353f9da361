//! The behaviour every [`ReplayStore`] must show, as one async function the
//! stores' own tests call: the in-memory store with a manual clock, the
//! Redis store with real time. Not part of the public API.

use std::future::Future;
use std::time::Duration;

use super::{Claim, OwnerToken, ReplayStore};

/// The lease the contract uses: short, so a real-time store expires it fast.
pub const LEASE: Duration = Duration::from_secs(1);

/// Runs the contract on `store`. `advance` moves time forward past `by`
/// (a manual clock, or a real sleep); `unique` prefixes every key so runs
/// against a shared server do not meet.
///
/// # Panics
///
/// When the store breaks the contract, naming the rule.
pub async fn check<S, A, F>(store: &S, unique: &str, advance: A)
where
    S: ReplayStore + ?Sized,
    A: Fn(Duration) -> F,
    F: Future<Output = ()>,
{
    let key = |name: &str| format!("{unique}:{name}");
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

    // claim, then release: the retry claims again.
    let b = key("b");
    let first = claimed(store.claim(&b, LEASE).await.expect("claim b"));
    assert!(
        store.release(&b, &first).await.expect("release b"),
        "the owner releases"
    );
    let second = claimed(store.claim(&b, LEASE).await.expect("claim b after release"));
    assert_ne!(first, second, "each claim has its own token");

    // Only the owner completes or releases.
    let stranger = OwnerToken::generate();
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
    store.release_detached(c.clone(), token);
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
    // neither complete nor release the new claim.
    let d = key("d");
    let late = claimed(store.claim(&d, LEASE).await.expect("claim d"));
    advance(LEASE + Duration::from_millis(200)).await;
    let current = claimed(store.claim(&d, LEASE).await.expect("claim d after expiry"));
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
}
