//! The check allocates nothing on the heap: every scheme's `verify`, run on
//! a valid delivery and on refused ones, under a counting global allocator,
//! with plain secrets and with secrets that retire on a date. The one
//! exception is measured too: a Standard Webhooks `v1a` (ed25519) check
//! makes exactly one allocation, the signed message put in one piece
//! (ed25519 hashes it whole), and only when the verifier has a public key
//! and the header a `v1a` entry.
//!
//! This binary holds a single test so no other test thread allocates while
//! the counter is read.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

use std::alloc::System;

use hookguard_core::scheme::{
    GitHub, Linear, Noma, Nomos, Paddle, Shopify, Slack, StandardWebhooks, Stripe,
};
use hookguard_core::{FixedClock, Scheme, Signer, StandardWebhooksVerifier, Verifier};
use http::HeaderMap;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const NOW: u64 = 1_768_473_000;
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A Noma-style body (nested values, escapes) that every scheme accepts.
const BODY: &[u8] = br#"{"event":"content.updated","type":"x","content_entry":{"uuid":"u","fields":{"url":"https:\/\/example.com","tags":[["a"],{"b":[1,2]}]}},"timestamp":"2026-01-15T10:30:00+00:00","webhookTimestamp":1768473000000,"delivery_id":"d"}"#;

/// The fewest allocations of `verify` over three runs. The counter is
/// process-wide, and the test harness's own threads allocate now and then:
/// an allocation of verify's shows in every run, a stray one does not.
fn fewest_allocations<S: Scheme>(
    verifier: &Verifier<S>,
    headers: &HeaderMap,
    body: &[u8],
    expect_ok: Option<bool>,
) -> usize {
    (0..3)
        .map(|_| {
            let region = Region::new(GLOBAL);
            let outcome = verifier.verify(headers, body);
            let stats = region.change();
            // Keep the outcome alive past the measurement and check it ran.
            if let Some(expect_ok) = expect_ok {
                assert_eq!(outcome.is_ok(), expect_ok, "{}: {outcome:?}", S::NAME);
            }
            stats.allocations + stats.reallocations
        })
        .min()
        .unwrap_or(0)
}

/// A verifier whose secret 0 retired, secret 1 retires later and secret 2
/// is `SECRET` retiring later still: a valid delivery walks past all.
fn with_retiring_secrets<S: Scheme + Default>() -> Verifier<S> {
    Verifier::<S>::new_retiring([
        (SECRET, NOW - 1),
        ("whsec_b3RoZXI=", NOW + 10),
        (SECRET, NOW + 20),
    ])
    .unwrap()
    .with_clock(FixedClock(NOW))
}

fn allocations_during<S: Scheme + Default>() -> Vec<(String, usize)> {
    let mut counts = allocations_with::<S>(
        "",
        &Verifier::<S>::new([SECRET])
            .unwrap()
            .with_clock(FixedClock(NOW)),
    );
    counts.extend(allocations_with::<S>(
        "retiring ",
        &with_retiring_secrets::<S>(),
    ));
    counts
}

fn allocations_with<S: Scheme + Default>(
    label: &str,
    verifier: &Verifier<S>,
) -> Vec<(String, usize)> {
    let valid = Signer::<S>::new(SECRET)
        .unwrap()
        .sign(NOW, "msg_1", BODY)
        .unwrap();
    let stale = Signer::<S>::new(SECRET)
        .unwrap()
        .sign(NOW - 1000, "msg_1", BODY)
        .unwrap();
    let empty = HeaderMap::new();
    let cases: [(&str, &HeaderMap, &[u8]); 4] = [
        ("valid", &valid, BODY),
        ("tampered", &valid, &BODY[1..]),
        ("stale", &stale, BODY),
        ("missing header", &empty, BODY),
    ];
    cases
        .into_iter()
        .map(|(case, headers, body)| {
            let fewest = fewest_allocations(
                verifier,
                headers,
                body,
                // Noma and GitHub sign no header time: "stale" may pass.
                (case != "stale").then_some(case == "valid"),
            );
            (format!("{} {label}{case}", S::NAME), fewest)
        })
        .collect()
}

/// What a `v1a` check costs, case by case.
fn v1a_allocations() -> Vec<(&'static str, usize)> {
    const SIGNING_KEY: &str = "whsk_QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=";
    const PUBLIC_KEY: &str = "whpk_IVL40Zt5HSRFMkLhXy6rbLfP+ntqXtMAl5YOBpiB2xI=";
    let keys_only = StandardWebhooksVerifier::from_public_keys([PUBLIC_KEY])
        .unwrap()
        .with_clock(FixedClock(NOW));
    let both = StandardWebhooksVerifier::new([SECRET])
        .unwrap()
        .with_public_key(PUBLIC_KEY)
        .unwrap()
        .with_clock(FixedClock(NOW));
    let v1a = Signer::<StandardWebhooks>::from_signing_key(SIGNING_KEY)
        .unwrap()
        .sign(NOW, "msg_1", BODY)
        .unwrap();
    let v1_and_v1a = Signer::<StandardWebhooks>::new(SECRET)
        .unwrap()
        .with_signing_key(SIGNING_KEY)
        .unwrap()
        .sign(NOW, "msg_1", BODY)
        .unwrap();
    vec![
        (
            "v1a valid",
            fewest_allocations(&keys_only, &v1a, BODY, Some(true)),
        ),
        (
            "v1a tampered",
            fewest_allocations(&keys_only, &v1a, &BODY[1..], Some(false)),
        ),
        (
            "v1 matched before v1a",
            fewest_allocations(&both, &v1_and_v1a, BODY, Some(true)),
        ),
        (
            "v1a, no key held",
            fewest_allocations(
                &Verifier::<StandardWebhooks>::new([SECRET])
                    .unwrap()
                    .with_clock(FixedClock(NOW)),
                &v1a,
                BODY,
                Some(false),
            ),
        ),
    ]
}

#[test]
fn verify_allocates_nothing() {
    let mut counts = Vec::new();
    counts.extend(allocations_during::<Nomos>());
    counts.extend(allocations_during::<Noma>());
    counts.extend(allocations_during::<StandardWebhooks>());
    counts.extend(allocations_during::<Stripe>());
    counts.extend(allocations_during::<GitHub>());
    counts.extend(allocations_during::<Slack>());
    counts.extend(allocations_during::<Shopify>());
    counts.extend(allocations_during::<Paddle>());
    counts.extend(allocations_during::<Linear>());
    let allocating: Vec<_> = counts.iter().filter(|(_, count)| *count > 0).collect();
    assert!(
        allocating.is_empty(),
        "heap allocations in verify: {allocating:?}"
    );
    // Nine schemes, four cases each, with plain and with retiring secrets.
    assert_eq!(counts.len(), 72);

    // `v1a`: one allocation (the message in one piece) when an ed25519
    // check runs, none when it does not.
    assert_eq!(
        v1a_allocations(),
        [
            ("v1a valid", 1),
            ("v1a tampered", 1),
            ("v1 matched before v1a", 0),
            ("v1a, no key held", 0),
        ]
    );
}
