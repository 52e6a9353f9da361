//! Does the signature comparison leak where a forged signature first
//! differs? A dudect-style check: many timed verifications of two classes
//! of forgeries, one wrong in the first byte and one wrong in the last,
//! interleaved at random; then Welch's t-test on the two timing samples,
//! after cropping the slowest measurements (interrupts, preemption).
//!
//! A detector that never fires proves nothing, so the same harness also
//! times a deliberately leaky verifier: the same HMAC, compared with the
//! textbook early-exit loop. Its |t| is printed next to hookguard's; the
//! check is only worth its verdict when it flags the leaky one.
//!
//! Run with `cargo run --release -p hookguard-bench --bin timing`. Prints
//! the t statistic per crop and a verdict per subject: |t| < 4.5 everywhere
//! means no leak was detected (dudect's threshold). It is a measurement, so
//! it is a binary whose verdict is printed, never a unit test that fails on
//! noise.

use std::hint::black_box;
use std::time::Instant;

use hmac::{Hmac, KeyInit as _, Mac as _};
use hookguard_core::http::{HeaderMap, HeaderValue};
use hookguard_core::scheme::Noma;
use hookguard_core::{NomaVerifier, Signer};
use sha2::Sha256;

/// Measurements per class.
const SAMPLES: usize = 400_000;
/// dudect's threshold for "a leak is likely".
const THRESHOLD: f64 = 4.5;

fn main() {
    // A small body keeps the HMAC short, so a byte-by-byte comparison would
    // stand out. Noma signs the bare body, which keeps the rest minimal.
    let body = br#"{"event":"content.created","timestamp":"2026-01-15T10:30:00+00:00"}"#;
    let signer = Signer::<Noma>::new(SECRET).expect("a valid secret");
    let headers = signer.sign(0, "", body).expect("Noma signs any body");
    let good = headers[HEADER].to_str().expect("hex").to_owned();

    println!(
        "dudect-style timing check: {SAMPLES} forgeries each, wrong in the first byte, wrong in the last byte, and a control"
    );
    let verifier = NomaVerifier::new([SECRET]).expect("a valid secret");
    let hookguard = measure("hookguard", &good, |headers| {
        verifier
            .verify_ignoring_time(black_box(headers), black_box(body))
            .is_ok()
    });
    let leaky = LeakyVerifier::new(SECRET.as_bytes());
    let textbook = measure("leaky", &good, |headers| {
        leaky.verify(black_box(headers), black_box(body))
    });
    println!("VERDICT hookguard {}", hookguard.verdict());
    println!("VERDICT leaky {}", textbook.verdict());
    if textbook.worst < THRESHOLD {
        println!(
            "VERDICT harness blind: it did not flag the early-exit comparison (max |t| = {:.2}), so its verdict on hookguard proves nothing on this machine",
            textbook.worst
        );
    } else {
        println!(
            "VERDICT harness sees: it flags the early-exit comparison (max |t| = {:.2}, {:.0}x hookguard's {:.2})",
            textbook.worst,
            textbook.worst / hookguard.worst.max(f64::MIN_POSITIVE),
            hookguard.worst
        );
    }
}

const SECRET: &str = "timing-secret";
const HEADER: &str = "x-webhook-signature";

/// The largest |t| over the crops, for the forgeries and for the control.
struct Extremes {
    worst: f64,
    worst_control: f64,
}

impl Extremes {
    fn verdict(&self) -> String {
        let Self {
            worst,
            worst_control,
        } = *self;
        if worst < THRESHOLD {
            format!("no leak detected (max |t| = {worst:.2} < {THRESHOLD})")
        } else if worst_control >= THRESHOLD {
            format!(
                "inconclusive: max |t| = {worst:.2}, but two identical forgeries differ as much (control max |t| = {worst_control:.2}); the machine's noise dominates"
            )
        } else {
            format!(
                "possible leak (max |t| = {worst:.2} >= {THRESHOLD}, control max |t| = {worst_control:.2})"
            )
        }
    }
}

/// Times `verify` on the three classes of forgeries of `good`, interleaved
/// at random, and prints one line per crop.
fn measure(subject: &str, good: &str, verify: impl Fn(&HeaderMap) -> bool) -> Extremes {
    let forged = |position: usize| {
        let mut hex = good.to_owned().into_bytes();
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
        headers.remove(HEADER);
        headers.insert(
            HEADER,
            HeaderValue::from_bytes(&classes[class]).expect("hex"),
        );
        let start = Instant::now();
        let accepted = verify(&headers);
        let elapsed = start.elapsed().as_nanos() as f64;
        assert!(!accepted, "{subject}: a forgery was accepted");
        times[class].push(elapsed);
    }

    let mut extremes = Extremes {
        worst: 0.0,
        worst_control: 0.0,
    };
    for crop in [1.0, 0.99, 0.95, 0.90, 0.75, 0.50] {
        let [first, last, control] = times.clone().map(|mut sample| {
            sample.sort_by(f64::total_cmp);
            sample.truncate(((sample.len() as f64) * crop) as usize);
            sample
        });
        let t = welch_t(&first, &last);
        let t_control = welch_t(&control, &last);
        extremes.worst = extremes.worst.max(t.abs());
        extremes.worst_control = extremes.worst_control.max(t_control.abs());
        println!(
            "TIMING subject={subject} crop={crop:.2} mean_first={:.1}ns mean_last={:.1}ns t={t:+.2} control_t={t_control:+.2}",
            mean(&first),
            mean(&last)
        );
    }
    extremes
}

/// The leak the check must be able to see: Noma's check done the textbook
/// wrong way, with the same pre-keyed HMAC as hookguard but a comparison
/// that stops at the first differing byte.
struct LeakyVerifier {
    keyed: Hmac<Sha256>,
}

impl LeakyVerifier {
    fn new(key: &[u8]) -> Self {
        Self {
            keyed: Hmac::new_from_slice(key).expect("HMAC takes keys of any length"),
        }
    }

    fn verify(&self, headers: &HeaderMap, body: &[u8]) -> bool {
        let Some(candidate) = headers
            .get(HEADER)
            .and_then(|value| hex::decode(value.as_bytes()).ok())
        else {
            return false;
        };
        let mut mac = self.keyed.clone();
        mac.update(body);
        let tag = mac.finalize().into_bytes();
        early_exit_equal(&tag, &candidate)
    }
}

/// Byte by byte, returning at the first difference: the time taken says
/// how many leading bytes matched. Each byte goes through `black_box` so
/// the compiler cannot turn the loop into one wide comparison.
fn early_exit_equal(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    for (x, y) in a.iter().zip(b) {
        if black_box(*x) != black_box(*y) {
            return false;
        }
    }
    true
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
