//! Does the signature comparison leak where a forged signature first
//! differs? A dudect-style check: many timed verifications of two classes
//! of forgeries, one wrong in the first byte and one wrong in the last,
//! interleaved at random; then Welch's t-test on the two timing samples,
//! after cropping the slowest measurements (interrupts, preemption).
//!
//! Run with `cargo run --release -p hookguard-bench --bin timing`. Prints
//! the t statistic per crop and a verdict: |t| < 4.5 everywhere means no
//! leak was detected (dudect's threshold). It is a measurement, so it is a
//! binary whose verdict is printed, never a unit test that fails on noise.

use std::hint::black_box;
use std::time::Instant;

use hookguard_core::http::{HeaderMap, HeaderValue};
use hookguard_core::scheme::Noma;
use hookguard_core::{NomaVerifier, Signer};

/// Measurements per class.
const SAMPLES: usize = 400_000;
/// dudect's threshold for "a leak is likely".
const THRESHOLD: f64 = 4.5;

fn main() {
    // A small body keeps the HMAC short, so a byte-by-byte comparison would
    // stand out. Noma signs the bare body, which keeps the rest minimal.
    let body = br#"{"event":"content.created","timestamp":"2026-01-15T10:30:00+00:00"}"#;
    let signer = Signer::<Noma>::new("timing-secret").expect("a valid secret");
    let headers = signer.sign(0, "", body).expect("Noma signs any body");
    let verifier = NomaVerifier::new(["timing-secret"]).expect("a valid secret");
    let good = headers["x-webhook-signature"]
        .to_str()
        .expect("hex")
        .to_owned();
    let forged = |position: usize| {
        let mut hex = good.clone().into_bytes();
        hex[position] = if hex[position] == b'0' { b'1' } else { b'0' };
        hex
    };
    // The third class is a control: the same forgery as the second. If it
    // differs from the second as much as the first does, the machine's
    // noise, not the comparison, makes the difference.
    let classes = [forged(0), forged(good.len() - 1), forged(good.len() - 1)];
    // One header map, and each measurement's header value built afresh just
    // before it (the allocator hands back the same block every time), so the
    // classes differ only in the signature's content, not in where it lies
    // in memory: an earlier version kept one value per class and measured
    // their cache-line placement instead.
    let mut headers = HeaderMap::new();

    // A xorshift stream picks the class of each measurement.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut times: [Vec<f64>; 3] = std::array::from_fn(|_| Vec::with_capacity(SAMPLES));
    while times.iter().any(|sample| sample.len() < SAMPLES) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let class = (state % 3) as usize;
        if times[class].len() == SAMPLES {
            continue;
        }
        headers.remove("x-webhook-signature");
        headers.insert(
            "x-webhook-signature",
            HeaderValue::from_bytes(&classes[class]).expect("hex"),
        );
        let start = Instant::now();
        let outcome = verifier.verify_ignoring_time(black_box(&headers), black_box(body));
        let elapsed = start.elapsed().as_nanos() as f64;
        assert!(outcome.is_err(), "a forgery was accepted");
        times[class].push(elapsed);
    }

    println!(
        "dudect-style timing check: {SAMPLES} forgeries each, wrong in the first byte, wrong in the last byte, and a control"
    );
    let (mut worst, mut worst_control): (f64, f64) = (0.0, 0.0);
    for crop in [1.0, 0.99, 0.95, 0.90, 0.75, 0.50] {
        let [first, last, control] = times.clone().map(|mut sample| {
            sample.sort_by(f64::total_cmp);
            sample.truncate(((sample.len() as f64) * crop) as usize);
            sample
        });
        let t = welch_t(&first, &last);
        let t_control = welch_t(&control, &last);
        worst = worst.max(t.abs());
        worst_control = worst_control.max(t_control.abs());
        println!(
            "TIMING crop={crop:.2} mean_first={:.1}ns mean_last={:.1}ns t={t:+.2} control_t={t_control:+.2}",
            mean(&first),
            mean(&last)
        );
    }
    if worst < THRESHOLD {
        println!("VERDICT no leak detected (max |t| = {worst:.2} < {THRESHOLD})");
    } else if worst_control >= THRESHOLD {
        println!(
            "VERDICT inconclusive: max |t| = {worst:.2}, but two identical forgeries differ as much (control max |t| = {worst_control:.2}); the machine's noise dominates"
        );
    } else {
        println!(
            "VERDICT possible leak (max |t| = {worst:.2} >= {THRESHOLD}, control max |t| = {worst_control:.2})"
        );
    }
}

fn mean(sample: &[f64]) -> f64 {
    sample.iter().sum::<f64>() / sample.len() as f64
}

fn variance(sample: &[f64], mean: f64) -> f64 {
    sample.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (sample.len() as f64 - 1.0)
}

/// Welch's t statistic of two samples with unequal variances.
fn welch_t(a: &[f64], b: &[f64]) -> f64 {
    let (mean_a, mean_b) = (mean(a), mean(b));
    let spread = variance(a, mean_a) / a.len() as f64 + variance(b, mean_b) / b.len() as f64;
    (mean_a - mean_b) / spread.sqrt()
}
