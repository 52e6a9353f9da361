//! Secrets that retire on a date (SPEC §11), for every scheme: a retired
//! secret authenticates nothing, by the verifier's clock, under every
//! entry point; matches on a retiring secret are logged without it, at most
//! once a minute; a verifier with nothing left warns on each refusal.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use base64::Engine as _;
use common::Captured;
use hookguard_core::scheme::{GitHub, Noma, Nomos, StandardWebhooks, Stripe};
use hookguard_core::{FixedClock, ManualClock, Scheme, Signer, Verifier};
use http::HeaderMap;

/// 2026-01-15T10:30:00Z.
const NOW: u64 = 1_768_473_000;

fn secret<S: Scheme>(name: &str) -> String {
    if S::NAME == "standard" {
        format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(name)
        )
    } else {
        name.to_owned()
    }
}

/// A body every scheme accepts at `NOW` (Noma signs its time inside it).
const BODY: &[u8] = br#"{"id":"evt_1","type":"t","timestamp":"2026-01-15T10:30:00+00:00"}"#;

fn signed<S: Scheme>(name: &str) -> HeaderMap {
    Signer::<S>::new(&secret::<S>(name))
        .unwrap()
        .sign(NOW, "msg_1", BODY)
        .unwrap()
}

fn code<T>(result: Result<T, hookguard_core::Error>) -> &'static str {
    result.map_or_else(|error| error.code(), |_| "ok")
}

fn a_retired_secret_authenticates_nothing<S: Scheme + Default>() {
    let name = S::NAME;
    let verifier = |clock: u64| {
        Verifier::<S>::new([secret::<S>("current")])
            .unwrap()
            .with_retiring_secret(&secret::<S>("old"), NOW)
            .unwrap()
            .with_clock(FixedClock(clock))
    };
    let old = signed::<S>("old");
    // Up to and including the retirement second it matches, as index 1.
    assert_eq!(
        verifier(NOW).verify(&old, BODY).map(|v| v.secret_index),
        Ok(Some(1)),
        "{name}"
    );
    assert_eq!(
        verifier(NOW)
            .verify_at(&old, BODY, NOW)
            .map(|v| v.secret_index),
        Ok(Some(1)),
        "{name}"
    );
    // One second later it is as if it were not there, on every entry point:
    // the clock decides under `verify` and `verify_ignoring_time`, the
    // given time under `verify_at`.
    let later = verifier(NOW + 1);
    assert_eq!(
        code(later.verify(&old, BODY)),
        "signature_mismatch",
        "{name}"
    );
    assert_eq!(
        code(later.verify_ignoring_time(&old, BODY)),
        "signature_mismatch",
        "{name}: verify_ignoring_time still retires by the clock"
    );
    assert_eq!(
        code(verifier(NOW).verify_at(&old, BODY, NOW + 1)),
        "signature_mismatch",
        "{name}"
    );
    // The current secret is untouched.
    assert_eq!(
        later
            .verify(&signed::<S>("current"), BODY)
            .map(|v| v.secret_index),
        Ok(Some(0)),
        "{name}"
    );
}

#[test]
fn a_retired_secret_authenticates_nothing_in_any_scheme() {
    let _serial = serial();
    a_retired_secret_authenticates_nothing::<Nomos>();
    a_retired_secret_authenticates_nothing::<Noma>();
    a_retired_secret_authenticates_nothing::<StandardWebhooks>();
    a_retired_secret_authenticates_nothing::<Stripe>();
    a_retired_secret_authenticates_nothing::<GitHub>();
}

#[test]
fn a_retired_secret_is_passed_over_for_a_later_one_that_matches() {
    let _serial = serial();
    // Stripe headers may carry several `v1` entries: one per secret the
    // sender signs with during its own rotation.
    let old = Signer::<Stripe>::new("old")
        .unwrap()
        .sign(NOW, "", BODY)
        .unwrap();
    let newer = Signer::<Stripe>::new("newer")
        .unwrap()
        .sign(NOW, "", BODY)
        .unwrap();
    let (old, newer) = (
        old["stripe-signature"].to_str().unwrap(),
        newer["stripe-signature"].to_str().unwrap(),
    );
    let both = format!("{old},{}", newer.split_once(',').unwrap().1);
    let headers =
        HeaderMap::from_iter([("stripe-signature".parse().unwrap(), both.parse().unwrap())]);
    let verifier = Verifier::<Stripe>::new(["current"])
        .unwrap()
        .with_retiring_secret("old", NOW - 1)
        .unwrap()
        .with_retiring_secret("newer", NOW + 3600)
        .unwrap();
    assert_eq!(
        verifier
            .verify_at(&headers, BODY, NOW)
            .map(|v| v.secret_index),
        Ok(Some(2))
    );
}

#[test]
fn a_retiring_secret_cannot_be_revived_by_the_sender_choosing_the_time() {
    let _serial = serial();
    // The signed timestamp is the sender's (an attacker holding the old
    // secret picks it); retirement goes by the verifier's clock only.
    let verifier = Verifier::<Nomos>::new(["current"])
        .unwrap()
        .with_retiring_secret("leaked-old", NOW - 1000)
        .unwrap()
        .with_tolerance(std::time::Duration::from_secs(u64::MAX / 2));
    let backdated = Signer::<Nomos>::new("leaked-old")
        .unwrap()
        .sign(NOW - 2000, "", BODY)
        .unwrap();
    assert_eq!(
        code(verifier.verify_at(&backdated, BODY, NOW)),
        "signature_mismatch"
    );
}

/// Runs the tests of this file one at a time. `tracing` caches per log
/// line whether anyone listens; a test thread that meets a line first,
/// with no subscriber, can race the capturing test's subscriber and leave
/// the line cached as unheard (seen as an empty capture, about one run in
/// three, only under parallel tests).
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Everything logged while `run` runs, as text.
fn logged(run: impl FnOnce()) -> String {
    let logs = Captured::default();
    let subscriber = logs.install();
    run();
    drop(subscriber);
    logs.text()
}

#[test]
fn a_match_on_a_retiring_secret_is_logged_once_a_minute_without_the_secret() {
    let _serial = serial();
    let clock = Arc::new(ManualClock::new(NOW));
    let verifier = Verifier::<Nomos>::new(["current-secret-text"])
        .unwrap()
        .with_retiring_secret("old-secret-text", NOW + 86_400)
        .unwrap()
        .with_retiring_secret("other-old-secret-text", NOW + 86_400)
        .unwrap()
        .with_clock(clock.clone())
        .with_tolerance(std::time::Duration::from_secs(3600));
    let old = Signer::<Nomos>::new("old-secret-text")
        .unwrap()
        .sign(NOW, "", BODY)
        .unwrap();
    let other = Signer::<Nomos>::new("other-old-secret-text")
        .unwrap()
        .sign(NOW, "", BODY)
        .unwrap();
    let current = Signer::<Nomos>::new("current-secret-text")
        .unwrap()
        .sign(NOW, "", BODY)
        .unwrap();
    let lines = |text: &str| {
        text.lines()
            .filter(|line| line.contains("retiring secret"))
            .count()
    };

    let first_minute = logged(|| {
        for _ in 0..5 {
            verifier.verify(&old, BODY).unwrap();
        }
        verifier.verify(&other, BODY).unwrap();
        verifier.verify(&current, BODY).unwrap();
    });
    assert_eq!(
        lines(&first_minute),
        2,
        "one line per retiring secret: {first_minute}"
    );
    assert!(first_minute.contains("INFO"), "{first_minute}");
    assert!(first_minute.contains("secret_index=1"), "{first_minute}");
    assert!(first_minute.contains("secret_index=2"), "{first_minute}");
    assert!(
        first_minute.contains(&format!("retire_at={}", NOW + 86_400)),
        "{first_minute}"
    );
    assert!(!first_minute.contains("secret-text"), "{first_minute}");

    clock.advance(std::time::Duration::from_secs(59));
    assert_eq!(
        lines(&logged(|| assert!(verifier.verify(&old, BODY).is_ok()))),
        0
    );
    // A check "as of" another time neither logs out of turn nor silences
    // the next minute's line: the throttle runs on the clock.
    let as_of_later = logged(|| {
        assert_eq!(
            code(verifier.verify_at(&old, BODY, NOW + 50_000)),
            "timestamp_too_old"
        );
    });
    assert_eq!(lines(&as_of_later), 0, "{as_of_later}");
    clock.advance(std::time::Duration::from_secs(1));
    assert_eq!(
        lines(&logged(|| assert!(verifier.verify(&old, BODY).is_ok()))),
        1
    );
}

#[test]
fn a_verifier_whose_every_secret_retired_warns_on_each_refusal() {
    let _serial = serial();
    let verifier = Verifier::<GitHub>::new(["gone-secret-text"])
        .unwrap()
        .with_retiring_secret("gone-too-secret-text", NOW)
        .unwrap()
        .with_clock(FixedClock(NOW + 1));
    let headers = Signer::<GitHub>::new("gone-too-secret-text")
        .unwrap()
        .sign(NOW, "", BODY)
        .unwrap();
    // The first secret never retires: nothing to warn about.
    let quiet = logged(|| assert_eq!(code(verifier.verify(&headers, BODY)), "signature_mismatch"));
    assert!(!quiet.contains("WARN"), "{quiet}");

    let only_retiring = only_retiring_secrets();
    let warned = logged(|| {
        for _ in 0..3 {
            assert_eq!(
                code(only_retiring.verify(&headers, BODY)),
                "signature_mismatch"
            );
        }
        assert_eq!(
            code(only_retiring.verify(&HeaderMap::new(), BODY)),
            "missing_header"
        );
    });
    assert_eq!(
        warned
            .lines()
            .filter(|line| line.contains("WARN") && line.contains("every secret"))
            .count(),
        4,
        "{warned}"
    );
    assert!(!warned.contains("secret-text"), "{warned}");
}

/// A GitHub verifier whose two secrets both retired at `NOW`, at `NOW + 1`.
fn only_retiring_secrets() -> Verifier<GitHub> {
    Verifier::<GitHub>::new_retiring([("gone-secret-text", NOW), ("gone-too-secret-text", NOW)])
        .unwrap()
        .with_clock(FixedClock(NOW + 1))
}
