//! Verification against its floor and its peers, on the same inputs in the
//! same run. `scripts/bench.sh` runs this and turns the estimates into the
//! `BENCH` lines and BENCHMARKS.md.

// criterion's macros generate undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, criterion_group, criterion_main};
use hookguard_bench::{
    Floor, PROVIDER_SECRET, STANDARD_SECRET, delivery, nomos_checks, nomos_delivery,
    standard_checks, standard_delivery, standard_message, standard_v1a_delivery,
};
use hookguard_core::nomos::NomosEvent;
use hookguard_core::scheme::{Linear, Paddle, Scheme, Shopify, Slack};

const SIZES: [(usize, &str); 3] = [(1024, "1KiB"), (16 * 1024, "16KiB"), (1024 * 1024, "1MiB")];

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// Times the floor and verify at one size. At 1 KiB, where the target is
/// tight, in the order floor, verify, verify, floor (ABBA): a drift of the
/// machine's speed during the four falls on both sides alike.
fn floor_and_verify(
    group: &mut BenchmarkGroup<'_, WallTime>,
    size: usize,
    name: &str,
    floor: impl Fn() -> bool,
    verify: impl Fn() -> bool,
) {
    let order: &[&str] = if size == 1024 {
        &["floor", "verify", "verify_again", "floor_again"]
    } else {
        &["floor", "verify"]
    };
    for &bench in order {
        group.bench_function(BenchmarkId::new(bench, name), |b| {
            if bench.starts_with("floor") {
                b.iter(&floor);
            } else {
                b.iter(&verify);
            }
        });
    }
}

fn nomos(c: &mut Criterion) {
    let mut group = c.benchmark_group("nomos");
    for (size, name) in SIZES {
        let (floor_check, verify) = nomos_checks(size, now());
        floor_and_verify(&mut group, size, name, floor_check, verify);
    }
    group.finish();
}

fn standard(c: &mut Criterion) {
    let mut group = c.benchmark_group("standard");
    for (size, name) in SIZES {
        let now = now();
        let (floor_check, verify) = standard_checks(size, now);
        floor_and_verify(&mut group, size, name, floor_check, verify);
        // The peers check the same delivery (signing is deterministic).
        let (_, headers, body) = standard_delivery(size, now);
        let svix = svix::webhooks::Webhook::new(STANDARD_SECRET).expect("svix takes the secret");
        assert!(
            svix.verify(&body, &headers).is_ok(),
            "svix accepts the delivery"
        );
        group.bench_function(BenchmarkId::new("svix", name), |b| {
            b.iter(|| svix.verify(black_box(&body), black_box(&headers)).is_ok())
        });
        let standardwebhooks = standardwebhooks::Webhook::new(STANDARD_SECRET)
            .expect("standardwebhooks takes the secret");
        assert!(
            standardwebhooks.verify(&body, &headers).is_ok(),
            "standardwebhooks accepts the delivery"
        );
        group.bench_function(BenchmarkId::new("standardwebhooks", name), |b| {
            b.iter(|| {
                standardwebhooks
                    .verify(black_box(&body), black_box(&headers))
                    .is_ok()
            })
        });
    }
    group.finish();
}

/// `v1a` (ed25519) at 1 KiB, next to `v1` in the `standard` group. svix
/// 1.64 has no `v1a` verification (its `Webhook::verify` reads `v1` only),
/// so the baseline is the floor: ed25519-dalek's `verify_strict` over the
/// message already in one piece, with the key already decoded.
fn standard_v1a(c: &mut Criterion) {
    use ed25519_dalek::{Signature, Signer as _, SigningKey};

    let mut group = c.benchmark_group("standard_v1a");
    let now = now();
    let (verifier, headers, body) = standard_v1a_delivery(1024, now);
    assert!(verifier.verify_at(&headers, &body, now).is_ok());
    let key = SigningKey::from_bytes(&[0x42; 32]);
    let message = standard_message(now.to_string().as_bytes(), &body).concat();
    let signature: Signature = key.sign(&message);
    let public = key.verifying_key();
    assert!(public.verify_strict(&message, &signature).is_ok());
    group.bench_function(BenchmarkId::new("floor", "1KiB"), |b| {
        b.iter(|| {
            public
                .verify_strict(black_box(&message), black_box(&signature))
                .is_ok()
        })
    });
    group.bench_function(BenchmarkId::new("verify", "1KiB"), |b| {
        b.iter(|| {
            verifier
                .verify_at(black_box(&headers), black_box(&body), now)
                .is_ok()
        })
    });
    group.finish();
}

/// Slack, Shopify, Paddle and Linear at 1 KiB, each next to the floor of
/// its own signed message.
fn providers(c: &mut Criterion) {
    let mut group = c.benchmark_group("providers");
    let now = now();
    let timestamp = now.to_string();
    let floor = Floor::new(PROVIDER_SECRET.as_bytes());
    bench_provider::<Slack>(&mut group, &floor, now, |body| {
        vec![
            b"v0:".to_vec(),
            timestamp.as_bytes().to_vec(),
            b":".to_vec(),
            body.to_vec(),
        ]
    });
    bench_provider::<Shopify>(&mut group, &floor, now, |body| vec![body.to_vec()]);
    bench_provider::<Paddle>(&mut group, &floor, now, |body| {
        vec![timestamp.as_bytes().to_vec(), b":".to_vec(), body.to_vec()]
    });
    bench_provider::<Linear>(&mut group, &floor, now, |body| vec![body.to_vec()]);
    group.finish();
}

/// `<scheme>_floor/1KiB` and `<scheme>_verify/1KiB`; `message` gives the
/// parts the scheme signs.
fn bench_provider<S: Scheme + Default>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    floor: &Floor,
    now: u64,
    message: impl Fn(&[u8]) -> Vec<Vec<u8>>,
) {
    let (verifier, headers, body) = delivery::<S>(1024, now);
    assert!(
        verifier.verify_at(&headers, &body, now).is_ok(),
        "{} accepts the delivery",
        S::NAME
    );
    let parts = message(&body);
    let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    let expected = floor.tag(&parts);
    group.bench_function(
        BenchmarkId::new(format!("{}_floor", S::NAME), "1KiB"),
        |b| b.iter(|| floor.check(black_box(&parts), &expected)),
    );
    group.bench_function(
        BenchmarkId::new(format!("{}_verify", S::NAME), "1KiB"),
        |b| {
            b.iter(|| {
                verifier
                    .verify_at(black_box(&headers), black_box(&body), now)
                    .is_ok()
            })
        },
    );
}

fn typed(c: &mut Criterion) {
    let mut group = c.benchmark_group("typed");
    let now = now();
    let (verifier, headers, body) = nomos_delivery(1024, now);
    // `receive` keeps the body as `Bytes`; cloning a `Bytes` is a reference count.
    let body = bytes::Bytes::from(body);
    group.bench_function(BenchmarkId::new("receive", "1KiB"), |b| {
        b.iter(|| {
            verifier
                .receive::<NomosEvent>(black_box(&headers), black_box(body.clone()))
                .is_ok()
        })
    });
    group.bench_function(BenchmarkId::new("serde_json_value", "1KiB"), |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).is_ok())
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(700))
        .measurement_time(Duration::from_secs(2))
        .sample_size(40)
}

criterion_group! {
    name = benches;
    config = config();
    targets = nomos, standard, standard_v1a, providers, typed
}
criterion_main!(benches);
