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
                "(t=[0-9]{0,12}|ts=[0-9]{0,12}|[vh][01]=[0-9a-fA-F]{0,66}|sha256=[0-9a-f]{0,66}|v1,[A-Za-z0-9+/=]{0,46}|[A-Za-z0-9+/=]{40,46}|[ ,;=]){0,6}".prop_map(String::into_bytes),
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
