//! Properties over random secrets, bodies and timestamps: a signed delivery
//! verifies; changing any single byte of body, timestamp or signature makes
//! it fail with the right code; no input makes a parser panic.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

use hookguard_core::scheme::{
    GitHub, Linear, Noma, Nomos, Paddle, Shopify, Slack, StandardWebhooks, Stripe,
};
use hookguard_core::{Error, Scheme, Signer, Verifier};
use http::{HeaderMap, HeaderValue};
use proptest::prelude::*;
use std::ops::Range;

/// The last second chrono can print as an RFC 3339 year (9999-12-31).
const LAST_TIMESTAMP: u64 = 253_402_300_799;

const HEX: &[u8] = b"0123456789abcdef";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Secret text as providers hand it out: visible ASCII, no padding. Standard
/// Webhooks secrets are base64 of random key bytes.
fn secret_text<S: Scheme>(key: &[u8]) -> String {
    use base64::Engine as _;
    if S::NAME == "standard" {
        format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(key)
        )
    } else {
        key.iter()
            .map(|byte| char::from(b'!' + byte % 94))
            .collect()
    }
}

/// Noma and Linear sign their time inside the body, so wrap the random
/// bytes (kept as a raw string member) in a body that carries it.
fn body_for<S: Scheme>(raw: &[u8], timestamp: u64) -> Vec<u8> {
    let mut body = match S::NAME {
        "noma" => {
            let time = chrono::DateTime::from_timestamp(timestamp as i64, 0)
                .unwrap()
                .to_rfc3339();
            format!(r#"{{"timestamp":"{time}","raw":""#).into_bytes()
        }
        "linear" => format!(r#"{{"webhookTimestamp":{timestamp}000,"raw":""#).into_bytes(),
        _ => return raw.to_vec(),
    };
    body.extend(raw.iter().map(|&byte| {
        if matches!(byte, b'"' | b'\\') {
            b'_'
        } else {
            byte
        }
    }));
    body.extend_from_slice(b"\"}");
    body
}

fn setup<S: Scheme + Default>(
    key: &[u8],
    timestamp: u64,
    raw: &[u8],
) -> (Verifier<S>, HeaderMap, Vec<u8>) {
    let secret = secret_text::<S>(key);
    let body = body_for::<S>(raw, timestamp);
    let headers = Signer::<S>::new(&secret)
        .unwrap()
        .sign(timestamp, "msg_prop", &body)
        .unwrap();
    (Verifier::<S>::new([secret]).unwrap(), headers, body)
}

/// Where a scheme's signed headers keep what the property changes: the
/// signature header, the signature text within it and its alphabet, and the
/// timestamp (header and range) where the scheme has one.
type Layout = (
    &'static str,
    Option<(&'static str, Range<usize>)>,
    Range<usize>,
    &'static [u8],
);

fn layout<S: Scheme>(headers: &HeaderMap) -> Layout {
    match S::NAME {
        "nomos" | "stripe" => {
            let name = if S::NAME == "nomos" {
                "x-nomos-signature"
            } else {
                "stripe-signature"
            };
            let value = headers[name].to_str().unwrap();
            let comma = value.find(',').unwrap();
            (name, Some((name, 2..comma)), comma + 4..value.len(), HEX)
        }
        "standard" => {
            let value = headers["webhook-timestamp"].to_str().unwrap();
            (
                "webhook-signature",
                Some(("webhook-timestamp", 0..value.len())),
                3..47,
                BASE64,
            )
        }
        "noma" => ("x-webhook-signature", None, 0..64, HEX),
        "slack" => {
            let value = headers["x-slack-request-timestamp"].to_str().unwrap();
            (
                "x-slack-signature",
                Some(("x-slack-request-timestamp", 0..value.len())),
                3..67,
                HEX,
            )
        }
        // The 43rd character carries two padding bits; the last is `=`.
        "shopify" => ("x-shopify-hmac-sha256", None, 0..42, BASE64),
        "paddle" => {
            let value = headers["paddle-signature"].to_str().unwrap();
            let semicolon = value.find(';').unwrap();
            (
                "paddle-signature",
                Some(("paddle-signature", 3..semicolon)),
                semicolon + 4..value.len(),
                HEX,
            )
        }
        "linear" => ("linear-signature", None, 0..64, HEX),
        _ => ("x-hub-signature-256", None, 7..71, HEX),
    }
}

fn replace_byte(headers: &HeaderMap, name: &'static str, at: usize, byte: u8) -> Option<HeaderMap> {
    let mut value = headers[name].as_bytes().to_vec();
    value[at] = byte;
    let mut changed = headers.clone();
    // Bytes a header value cannot hold (controls) never reach a verifier.
    changed.insert(name, HeaderValue::from_bytes(&value).ok()?);
    Some(changed)
}

fn code(result: Result<impl Sized, Error>) -> &'static str {
    result.map_or_else(|error| error.code(), |_| "ok")
}

fn signed_round_trip<S: Scheme + Default>(
    key: &[u8],
    timestamp: u64,
    raw: &[u8],
    pick: usize,
    byte: u8,
) {
    let (verifier, headers, body) = setup::<S>(key, timestamp, raw);
    let name = S::NAME;
    assert_eq!(
        code(verifier.verify_at(&headers, &body, timestamp)),
        "ok",
        "{name}: signed delivery"
    );

    if !body.is_empty() {
        let mut changed = body.clone();
        let at = pick % changed.len();
        changed[at] ^= byte | 1;
        assert_eq!(
            code(verifier.verify_at(&headers, &changed, timestamp)),
            "signature_mismatch",
            "{name}: body byte {at}"
        );
    }

    let (signature_name, timestamp_at, signature_at, alphabet) = layout::<S>(&headers);

    // Another character of the same alphabet: still well-formed, never valid.
    let at = signature_at.start + pick % signature_at.len();
    let original = headers[signature_name].as_bytes()[at];
    let mut replacement = alphabet[usize::from(byte) % alphabet.len()];
    if replacement.eq_ignore_ascii_case(&original) {
        replacement = alphabet[(usize::from(byte) + 1) % alphabet.len()];
    }
    let changed = replace_byte(&headers, signature_name, at, replacement).unwrap();
    assert_eq!(
        code(verifier.verify_at(&changed, &body, timestamp)),
        "signature_mismatch",
        "{name}: signature char {at}"
    );
    // Any other byte: refused, as a mismatch or as a malformed header.
    if let Some(changed) = replace_byte(&headers, signature_name, at, byte)
        .filter(|_| !byte.eq_ignore_ascii_case(&original))
    {
        let outcome = code(verifier.verify_at(&changed, &body, timestamp));
        assert!(
            matches!(outcome, "signature_mismatch" | "malformed_header"),
            "{name}: signature byte {at} = {byte}: {outcome}"
        );
    }

    if let Some((timestamp_name, range)) = timestamp_at {
        let at = range.start + pick % range.len();
        let original = headers[timestamp_name].as_bytes()[at];
        if byte != original {
            if let Some(changed) = replace_byte(&headers, timestamp_name, at, byte) {
                let outcome = code(verifier.verify_at(&changed, &body, timestamp));
                let expected: &[&str] = match byte {
                    b'0'..=b'9' => &["signature_mismatch"],
                    // Items of a list are trimmed, so a blank at the end of
                    // `t` shortens it (a mismatch); anywhere else it is malformed.
                    b' ' | b'\t' => &["signature_mismatch", "malformed_header"],
                    _ => &["malformed_header"],
                };
                assert!(
                    expected.contains(&outcome),
                    "{name}: timestamp byte {at} = {byte}: {outcome}"
                );
            }
        }
    }
}

fn never_panics<S: Scheme + Default>(values: &[Vec<u8>], body: &[u8]) {
    let names = [
        "x-nomos-signature",
        "x-webhook-signature",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "svix-signature",
        "stripe-signature",
        "x-hub-signature-256",
        "x-github-delivery",
        "x-slack-signature",
        "x-slack-request-timestamp",
        "x-shopify-hmac-sha256",
        "x-shopify-topic",
        "paddle-signature",
        "linear-signature",
    ];
    let mut headers = HeaderMap::new();
    for (name, value) in names.iter().zip(values) {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(*name, value);
        }
    }
    let verifier = Verifier::<S>::new([secret_text::<S>(b"key")]).unwrap();
    let _ = verifier.verify(&headers, body);
    let _ = verifier.verify_ignoring_time(&headers, body);
}

/// A secret retiring at `retire_at` matches at `now` exactly when
/// `now <= retire_at`, whatever the signed time, in every scheme.
fn retirement_goes_by_the_clock<S: Scheme + Default>(
    key: &[u8],
    timestamp: u64,
    retire_at: u64,
    now: u64,
) {
    let (_, headers, body) = setup::<S>(key, timestamp, b"retiring");
    let verifier = Verifier::<S>::new([secret_text::<S>(b"the current secret")])
        .unwrap()
        .with_retiring_secret(&secret_text::<S>(key), retire_at)
        .unwrap()
        .with_clock(hookguard_core::FixedClock(now));
    let expected = if now <= retire_at {
        Ok(Some(1))
    } else {
        Err("signature_mismatch")
    };
    assert_eq!(
        verifier
            .verify_ignoring_time(&headers, &body)
            .map(|verified| verified.secret_index)
            .map_err(|error| error.code()),
        expected,
        "{}: retire_at {retire_at}, now {now}",
        S::NAME
    );
}

/// `whpk_` text of the public key of `seed`, raw or SPKI.
fn public_key_text(seed: &[u8; 32], spki: bool) -> String {
    use base64::Engine as _;
    let public = ed25519_dalek::SigningKey::from_bytes(seed)
        .verifying_key()
        .to_bytes();
    let bytes = if spki {
        [
            b"\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00".as_slice(),
            &public,
        ]
        .concat()
    } else {
        public.to_vec()
    };
    format!(
        "whpk_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

fn signing_key_text(seed: &[u8; 32]) -> String {
    use base64::Engine as _;
    format!(
        "whsk_{}",
        base64::engine::general_purpose::STANDARD.encode(seed)
    )
}

#[allow(clippy::too_many_arguments)]
fn v1a_round_trip(
    seed: &[u8; 32],
    other_seed: &[u8; 32],
    spki: bool,
    with_secret: bool,
    timestamp: u64,
    body: &[u8],
    pick: usize,
    byte: u8,
) {
    let mut signer = Signer::<StandardWebhooks>::from_signing_key(&signing_key_text(seed)).unwrap();
    if with_secret {
        // The secret is not the verifier's: only the `v1a` entry can match.
        signer = Signer::<StandardWebhooks>::new("whsec_bm90IHRoZSB2ZXJpZmllcidz")
            .unwrap()
            .with_signing_key(&signing_key_text(seed))
            .unwrap();
    }
    let headers = signer.sign(timestamp, "msg_prop", body).unwrap();
    let verifier = Verifier::<StandardWebhooks>::new([secret_text::<StandardWebhooks>(b"key")])
        .unwrap()
        .with_public_key(&public_key_text(other_seed, !spki))
        .unwrap()
        .with_public_key(&public_key_text(seed, spki))
        .unwrap();
    let expected_index = if seed == other_seed { 0 } else { 1 };
    assert_eq!(
        verifier
            .verify_at(&headers, body, timestamp)
            .map(|v| (v.secret_index, v.public_key_index)),
        Ok((None, Some(expected_index))),
        "v1a: signed delivery"
    );
    if !body.is_empty() {
        let mut changed = body.to_vec();
        let at = pick % changed.len();
        changed[at] ^= byte | 1;
        assert_eq!(
            code(verifier.verify_at(&headers, &changed, timestamp)),
            "signature_mismatch",
            "v1a: body byte {at}"
        );
    }
    // A change anywhere in the `v1a` signature, within its alphabet.
    let value = headers["webhook-signature"].to_str().unwrap();
    let start = value.find("v1a,").unwrap() + 4;
    // The last two characters are padding `==` and the one before carries
    // stray bits: change one of the 85 that carry the signature.
    let at = start + pick % 85;
    let original = value.as_bytes()[at];
    let mut replacement = BASE64[usize::from(byte) % BASE64.len()];
    if replacement == original {
        replacement = BASE64[(usize::from(byte) + 1) % BASE64.len()];
    }
    let changed = replace_byte(&headers, "webhook-signature", at, replacement).unwrap();
    assert_eq!(
        code(verifier.verify_at(&changed, body, timestamp)),
        "signature_mismatch",
        "v1a: signature char {at}"
    );
    let timestamp_text = headers["webhook-timestamp"].to_str().unwrap().to_owned();
    let at = pick % timestamp_text.len();
    let digit = b'0' + byte % 10;
    if digit != timestamp_text.as_bytes()[at] {
        let changed = replace_byte(&headers, "webhook-timestamp", at, digit).unwrap();
        assert_eq!(
            code(verifier.verify_at(&changed, body, timestamp)),
            "signature_mismatch",
            "v1a: timestamp digit {at}"
        );
    }
}

/// A Standard Webhooks verifier with a secret and a public key: the `v1a`
/// path must not panic on any header either.
fn never_panics_with_public_keys(values: &[Vec<u8>], body: &[u8]) {
    let verifier = Verifier::<StandardWebhooks>::new([secret_text::<StandardWebhooks>(b"key")])
        .unwrap()
        .with_public_key(&public_key_text(&[5; 32], false))
        .unwrap();
    let mut headers = HeaderMap::new();
    for (name, value) in ["webhook-id", "webhook-timestamp", "webhook-signature"]
        .iter()
        .zip(&values[2..])
    {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(*name, value);
        }
    }
    let _ = verifier.verify(&headers, body);
    let _ = verifier.verify_ignoring_time(&headers, body);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn signed_deliveries_verify_and_any_change_is_caught(
        key in proptest::collection::vec(any::<u8>(), 1..48),
        timestamp in 0..=LAST_TIMESTAMP,
        raw in proptest::collection::vec(any::<u8>(), 0..256),
        pick in any::<usize>(),
        byte in any::<u8>(),
    ) {
        signed_round_trip::<Nomos>(&key, timestamp, &raw, pick, byte);
        signed_round_trip::<Noma>(&key, timestamp, &raw, pick, byte);
        signed_round_trip::<StandardWebhooks>(&key, timestamp, &raw, pick, byte);
        signed_round_trip::<Stripe>(&key, timestamp, &raw, pick, byte);
        signed_round_trip::<GitHub>(&key, timestamp, &raw, pick, byte);
        signed_round_trip::<Slack>(&key, timestamp, &raw, pick, byte);
        signed_round_trip::<Shopify>(&key, timestamp, &raw, pick, byte);
        signed_round_trip::<Paddle>(&key, timestamp, &raw, pick, byte);
        signed_round_trip::<Linear>(&key, timestamp, &raw, pick, byte);
    }

    #[test]
    fn no_header_or_body_panics_a_parser(
        values in proptest::collection::vec(
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 0..96),
                "(t=[0-9]{0,12}|ts=[0-9]{0,12}|[vh][01]=[0-9a-fA-F]{0,66}|sha256=[0-9a-f]{0,66}|v1,[A-Za-z0-9+/=]{0,46}|v1a,[A-Za-z0-9+/=]{0,90}|[A-Za-z0-9+/=]{40,46}|[ ,;=]){0,20}".prop_map(String::into_bytes),
            ],
            15,
        ),
        body in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        never_panics::<Nomos>(&values, &body);
        never_panics::<Noma>(&values, &body);
        never_panics::<StandardWebhooks>(&values, &body);
        never_panics::<Stripe>(&values, &body);
        never_panics::<GitHub>(&values, &body);
        never_panics::<Slack>(&values, &body);
        never_panics::<Shopify>(&values, &body);
        never_panics::<Paddle>(&values, &body);
        never_panics::<Linear>(&values, &body);
        never_panics_with_public_keys(&values, &body);
    }

    #[test]
    fn a_retiring_secret_matches_until_its_date_and_never_after(
        key in proptest::collection::vec(any::<u8>(), 1..48),
        timestamp in 0..=LAST_TIMESTAMP,
        retire_at in 2..=LAST_TIMESTAMP,
        step in -2i64..=2,
    ) {
        let now = retire_at.saturating_add_signed(step);
        retirement_goes_by_the_clock::<Nomos>(&key, timestamp, retire_at, now);
        retirement_goes_by_the_clock::<Noma>(&key, timestamp, retire_at, now);
        retirement_goes_by_the_clock::<StandardWebhooks>(&key, timestamp, retire_at, now);
        retirement_goes_by_the_clock::<Stripe>(&key, timestamp, retire_at, now);
        retirement_goes_by_the_clock::<GitHub>(&key, timestamp, retire_at, now);
    }

    #[test]
    fn v1a_signed_deliveries_verify_and_any_change_is_caught(
        seed in any::<[u8; 32]>(),
        other_seed in any::<[u8; 32]>(),
        spki in any::<bool>(),
        with_secret in any::<bool>(),
        timestamp in 0..=LAST_TIMESTAMP,
        raw in proptest::collection::vec(any::<u8>(), 0..256),
        pick in any::<usize>(),
        byte in any::<u8>(),
    ) {
        v1a_round_trip(&seed, &other_seed, spki, with_secret, timestamp, &raw, pick, byte);
    }

    #[test]
    fn any_authentic_body_gets_a_noma_answer_without_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        // The signed-time scanner runs only on authentic bodies: sign them.
        let headers = Signer::<Noma>::new("key").unwrap().sign(0, "", &body).unwrap();
        let outcome = code(Verifier::<Noma>::new(["key"]).unwrap().verify(&headers, &body));
        prop_assert!(matches!(outcome, "invalid_payload" | "timestamp_too_old" | "timestamp_in_future" | "ok"), "{outcome}");
    }

    #[test]
    fn any_authentic_body_gets_a_linear_answer_without_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        // The signed-time scanner runs only on authentic bodies: sign them.
        let headers = Signer::<Linear>::new("key").unwrap().sign(0, "", &body).unwrap();
        let outcome = code(Verifier::<Linear>::new(["key"]).unwrap().verify(&headers, &body));
        prop_assert!(matches!(outcome, "invalid_payload" | "timestamp_too_old" | "timestamp_in_future" | "ok"), "{outcome}");
    }
}
