//! The check allocates nothing on the heap: every scheme's `verify`, run on
//! a valid delivery and on refused ones, under a counting global allocator.
//!
//! This binary holds a single test so no other test thread allocates while
//! the counter is read.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

use std::alloc::System;

use hookguard_core::scheme::{
    GitHub, Linear, Noma, Nomos, Paddle, Shopify, Slack, StandardWebhooks, Stripe,
};
use hookguard_core::{FixedClock, Scheme, Signer, Verifier};
use http::HeaderMap;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const NOW: u64 = 1_768_473_000;
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A Noma-style body (nested values, escapes) that every scheme accepts.
const BODY: &[u8] = br#"{"event":"content.updated","type":"x","content_entry":{"uuid":"u","fields":{"url":"https:\/\/example.com","tags":[["a"],{"b":[1,2]}]}},"timestamp":"2026-01-15T10:30:00+00:00","webhookTimestamp":1768473000000,"delivery_id":"d"}"#;

fn allocations_during<S: Scheme + Default>() -> Vec<(String, usize)> {
    let verifier = Verifier::<S>::new([SECRET])
        .unwrap()
        .with_clock(FixedClock(NOW));
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
            // The counter is process-wide, and the test harness's own
            // threads allocate now and then: an allocation of verify's shows
            // in every run, a stray one does not, so keep the fewest.
            let fewest = (0..3)
                .map(|_| {
                    let region = Region::new(GLOBAL);
                    let outcome = verifier
                        .verify(headers, body)
                        .map(|verified| verified.secret_index);
                    let stats = region.change();
                    // Keep the outcome alive past the measurement and check it ran.
                    assert!(
                        case != "valid" || outcome == Ok(Some(0)),
                        "{}: {outcome:?}",
                        S::NAME
                    );
                    stats.allocations + stats.reallocations
                })
                .min()
                .unwrap_or(0);
            (format!("{} {case}", S::NAME), fewest)
        })
        .collect()
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
    assert_eq!(counts.len(), 36);
}
