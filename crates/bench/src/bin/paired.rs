//! verify ÷ floor at 1 KiB, timed in alternation so that a shared machine's
//! drift falls on both sides.
//!
//! Criterion measures one benchmark for seconds, then the next: when a
//! neighbour's load changes in between, the ratio of two means moves by as
//! much as the overhead being measured (up to 0.25 here between runs). This
//! harness times a short batch of floors, then a short batch of
//! verifications, over and over (swapping which goes first), and reports
//! the median of the per-round ratios with its quartiles:
//!
//! ```text
//! PAIRED <scheme>_verify_vs_floor/1KiB <verify ns> <floor ns> <median ratio> p25=<ratio> p75=<ratio>
//! ```

use std::hint::black_box;
use std::time::Instant;

use hookguard_bench::{nomos_checks, standard_checks};

/// The signing time of every delivery; verification is checked at it.
const NOW: u64 = 1_700_000_000;
const SIZE: usize = 1024;
/// Iterations per timed batch: about half a millisecond, shorter than the
/// machine's load changes, longer than the clock's resolution.
const BATCH: u32 = 500;
const ROUNDS: usize = 1500;

fn main() {
    let (floor, verify) = nomos_checks(SIZE, NOW);
    report("nomos", floor, verify);
    let (floor, verify) = standard_checks(SIZE, NOW);
    report("standard", floor, verify);
}

/// Times `floor` and `verify` in alternating batches and prints the line.
fn report(scheme: &str, floor: impl Fn() -> bool, verify: impl Fn() -> bool) {
    assert!(
        floor() && verify(),
        "{scheme}: both must pass, or a refusal is timed"
    );
    let batch = |check: &dyn Fn() -> bool| {
        let started = Instant::now();
        for _ in 0..BATCH {
            black_box(check());
        }
        started.elapsed().as_nanos() as f64 / f64::from(BATCH)
    };
    // Warm up both, then measure.
    for _ in 0..50 {
        batch(&floor);
        batch(&verify);
    }
    let mut floors = Vec::with_capacity(ROUNDS);
    let mut verifies = Vec::with_capacity(ROUNDS);
    let mut ratios = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let (floor_ns, verify_ns) = if round % 2 == 0 {
            let floor_ns = batch(&floor);
            (floor_ns, batch(&verify))
        } else {
            let verify_ns = batch(&verify);
            (batch(&floor), verify_ns)
        };
        floors.push(floor_ns);
        verifies.push(verify_ns);
        ratios.push(verify_ns / floor_ns);
    }
    let quantile = |values: &mut Vec<f64>, q: f64| {
        values.sort_by(f64::total_cmp);
        values[((values.len() - 1) as f64 * q).round() as usize]
    };
    println!(
        "PAIRED {scheme}_verify_vs_floor/1KiB {:.0} {:.0} {:.3} p25={:.3} p75={:.3}",
        quantile(&mut verifies, 0.5),
        quantile(&mut floors, 0.5),
        quantile(&mut ratios, 0.5),
        quantile(&mut ratios, 0.25),
        quantile(&mut ratios, 0.75),
    );
}
