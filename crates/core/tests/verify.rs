//! The verification rules of SPEC §3, scheme by scheme: first the rules every
//! scheme shares, run generically over all five, then each scheme's header
//! syntax.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use base64::Engine as _;
use hookguard_core::scheme::{
    GitHub, Linear, Noma, Nomos, Paddle, Shopify, Slack, StandardWebhooks, Stripe,
};
use hookguard_core::{
    Error, FixedClock, Scheme, SecretError, Signer, StandardWebhooksVerifier, Verifier,
};
use http::{HeaderMap, HeaderName, HeaderValue};

const NOW: u64 = 1_768_473_000; // 2026-01-15T10:30:00Z
const TOLERANCE: u64 = 300;

/// A body every scheme accepts: JSON with Noma's signed `timestamp`, and a
/// raw 0xFF byte so the body is not UTF-8.
fn body_at(timestamp: u64) -> Vec<u8> {
    let time = chrono::DateTime::from_timestamp(i64::try_from(timestamp).unwrap(), 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%S+00:00");
    // Linear signs its time in milliseconds: 999 of them still floor to `timestamp`.
    let mut body = format!(
        r#"{{"id":"evt_1","type":"test","timestamp":"{time}","webhookTimestamp":{timestamp}999,"raw":""#
    )
    .into_bytes();
    body.push(0xFF);
    body.extend_from_slice(br#""}"#);
    body
}

/// The `n`th secret in the form the scheme's provider hands it out.
fn secret<S: Scheme>(n: u8) -> String {
    let key = format!("endpoint-secret-number-{n}");
    if S::NAME == "standard" {
        format!(
            "whsec_{}",
            base64::engine::general_purpose::STANDARD.encode(key)
        )
    } else {
        key
    }
}

fn verifier<S: Scheme + Default>(secrets: &[u8]) -> Verifier<S> {
    Verifier::<S>::new(secrets.iter().map(|&n| secret::<S>(n)))
        .unwrap()
        .with_tolerance(Duration::from_secs(TOLERANCE))
        .with_clock(FixedClock(NOW))
}

fn signed<S: Scheme>(secret_number: u8, timestamp: u64, body: &[u8]) -> HeaderMap {
    Signer::<S>::new(&secret::<S>(secret_number))
        .unwrap()
        .sign(timestamp, "msg_1", body)
        .unwrap()
}

fn code<T>(result: Result<T, Error>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(error) => error.code(),
    }
}

/// The rules every scheme shares.
fn shared_rules<S: Scheme + Default>(has_time: bool) {
    let name = S::NAME;
    let body = body_at(NOW);
    let headers = signed::<S>(1, NOW, &body);

    let verified = verifier::<S>(&[1]).verify(&headers, &body).unwrap();
    assert_eq!(verified.secret_index, Some(0), "{name}: valid");
    assert_eq!(
        verified.timestamp,
        has_time.then_some(NOW),
        "{name}: timestamp"
    );
    assert!(std::str::from_utf8(&body).is_err(), "the body is not UTF-8");

    let mut tampered = body.clone();
    tampered[2] ^= 1;
    assert_eq!(
        code(verifier::<S>(&[1]).verify(&headers, &tampered)),
        "signature_mismatch",
        "{name}: tampered body"
    );
    assert_eq!(
        code(verifier::<S>(&[2]).verify(&headers, &body)),
        "signature_mismatch",
        "{name}: wrong secret"
    );

    let rotated = verifier::<S>(&[2, 1]).verify(&headers, &body).unwrap();
    assert_eq!(rotated.secret_index, Some(1), "{name}: rotation");

    assert_eq!(
        verifier::<S>(&[1]).verify(&HeaderMap::new(), &body),
        Err(Error::MissingHeader {
            name: missing_header_name::<S>()
        }),
        "{name}: no headers"
    );

    let limited = verifier::<S>(&[1]).with_body_limit(body.len() - 1);
    assert_eq!(
        limited.verify(&headers, &body),
        Err(Error::PayloadTooLarge {
            limit: body.len() - 1
        }),
        "{name}: over the body limit"
    );
    let exact = verifier::<S>(&[1]).with_body_limit(body.len());
    assert_eq!(
        code(exact.verify(&headers, &body)),
        "ok",
        "{name}: at the limit"
    );

    for (offset, expected) in [
        (-(TOLERANCE as i64) - 1, "timestamp_too_old"),
        (-(TOLERANCE as i64), "ok"),
        (TOLERANCE as i64, "ok"),
        (TOLERANCE as i64 + 1, "timestamp_in_future"),
    ] {
        let sent = NOW.checked_add_signed(offset).unwrap();
        let body = body_at(sent);
        let headers = signed::<S>(1, sent, &body);
        let expected = if has_time { expected } else { "ok" };
        assert_eq!(
            code(verifier::<S>(&[1]).verify(&headers, &body)),
            expected,
            "{name}: sent {offset} s from now"
        );
        assert_eq!(
            code(verifier::<S>(&[1]).verify_ignoring_time(&headers, &body)),
            "ok",
            "{name}: time not checked, sent {offset} s from now"
        );
        assert_eq!(
            code(verifier::<S>(&[1]).verify_at(&headers, &body, sent)),
            "ok",
            "{name}: checked at its own time"
        );
    }

    // Signature before time: a forged and stale delivery is reported forged.
    let stale = body_at(NOW - 10_000);
    let mut forged = stale.clone();
    forged[2] ^= 1;
    assert_eq!(
        code(verifier::<S>(&[1]).verify(&signed::<S>(1, NOW - 10_000, &stale), &forged)),
        "signature_mismatch",
        "{name}: forged and stale"
    );

    // A repeated signature field is malformed even when both copies are valid.
    let mut repeated = headers.clone();
    let header = signature_header::<S>();
    repeated.append(header, headers[header].clone());
    assert_eq!(
        verifier::<S>(&[1]).verify(&repeated, &body),
        Err(Error::MalformedHeader {
            name: header,
            reason: "header appears more than once"
        }),
        "{name}: repeated header"
    );
}

fn missing_header_name<S: Scheme>() -> &'static str {
    match S::NAME {
        "nomos" => "x-nomos-signature",
        "noma" => "x-webhook-signature",
        "standard" => "webhook-id",
        "stripe" => "stripe-signature",
        "github" => "x-hub-signature-256",
        "slack" => "x-slack-signature",
        "shopify" => "x-shopify-hmac-sha256",
        "paddle" => "paddle-signature",
        "linear" => "linear-signature",
        other => panic!("unknown scheme {other}"),
    }
}

fn signature_header<S: Scheme>() -> &'static str {
    match S::NAME {
        "standard" => "webhook-signature",
        _ => missing_header_name::<S>(),
    }
}

#[test]
fn nomos_shared_rules() {
    shared_rules::<Nomos>(true);
}

#[test]
fn noma_shared_rules() {
    shared_rules::<Noma>(true);
}

#[test]
fn standard_webhooks_shared_rules() {
    shared_rules::<StandardWebhooks>(true);
}

#[test]
fn stripe_shared_rules() {
    shared_rules::<Stripe>(true);
}

#[test]
fn github_shared_rules() {
    shared_rules::<GitHub>(false);
}

#[test]
fn slack_shared_rules() {
    shared_rules::<Slack>(true);
}

#[test]
fn shopify_shared_rules() {
    shared_rules::<Shopify>(false);
}

#[test]
fn paddle_shared_rules() {
    shared_rules::<Paddle>(true);
}

#[test]
fn linear_shared_rules() {
    shared_rules::<Linear>(true);
}

/// Replaces (or adds) one header of a signed delivery.
fn with(mut headers: HeaderMap, name: &'static str, value: &str) -> HeaderMap {
    headers.insert(
        HeaderName::from_static(name),
        HeaderValue::from_str(value).unwrap(),
    );
    headers
}

/// The hex HMAC of `message` under secret 1 (the Noma signer signs the
/// bare message, which is exactly that).
fn hex_tag(message: &[u8]) -> String {
    Signer::<Noma>::new(&secret::<Noma>(1))
        .unwrap()
        .sign(0, "", message)
        .unwrap()["x-webhook-signature"]
        .to_str()
        .unwrap()
        .to_owned()
}

/// The `t=…,v1=…` header rules, for Nomos and Stripe alike.
fn timestamped_list_rules<S: Scheme + Default>(header: &'static str) {
    let body = body_at(NOW);
    let good = hex_tag(&[format!("{NOW}.").as_bytes(), &body].concat());
    let other = "ab".repeat(32);
    let check = |value: &str| {
        code(verifier::<S>(&[1]).verify(&with(HeaderMap::new(), header, value), &body))
    };

    assert_eq!(check(&format!("t={NOW},v1={good}")), "ok");
    assert_eq!(
        check(&format!("v1={good},t={NOW}")),
        "ok",
        "order of items is free"
    );
    assert_eq!(
        check(&format!(" t={NOW} , v1={good} ")),
        "ok",
        "white space around items"
    );
    assert_eq!(
        check(&format!("t={NOW},v1={other},v1={good}")),
        "ok",
        "valid candidate last"
    );
    let many = format!("t={NOW},{}v1={good}", format!("v1={other},").repeat(7));
    assert_eq!(
        check(&many),
        "ok",
        "valid candidate after more than the first walk keeps"
    );
    assert_eq!(
        check(&format!("t={NOW},v1=zz,v1={good}")),
        "ok",
        "malformed candidate skipped"
    );
    assert_eq!(
        check(&format!("t={NOW},v0={other},v1={good},v2=x")),
        "ok",
        "other versions ignored"
    );
    assert_eq!(
        check(&format!("t={NOW},v1={}", good.to_uppercase())),
        "ok",
        "upper-case hex"
    );
    assert_eq!(check(&format!("t={NOW},v1={other}")), "signature_mismatch");
    assert_eq!(
        check(&format!("t={NOW},v1=zz")),
        "signature_mismatch",
        "only a malformed candidate"
    );
    assert_eq!(
        check(&format!("t={NOW},v1={}", &good[..62])),
        "signature_mismatch",
        "short candidate"
    );
    assert_eq!(
        check(&format!("t=0{NOW},v1={good}")),
        "signature_mismatch",
        "MAC covers t as received"
    );

    for (value, reason) in [
        (format!("v1={good}"), "no `t` timestamp item"),
        (
            format!("t={NOW},t={NOW},v1={good}"),
            "`t` appears more than once",
        ),
        (format!("t={NOW},v0={good}"), "no `v1` signature item"),
        (format!("t={NOW}"), "no `v1` signature item"),
        (format!("t={NOW},v1={good},junk"), "an item has no `=`"),
        (format!("t={NOW},v1={good},"), "an item has no `=`"),
        (String::new(), "an item has no `=`"),
        (
            format!("t=+{NOW},v1={good}"),
            "timestamp is not plain decimal digits",
        ),
        (
            format!("t=-{NOW},v1={good}"),
            "timestamp is not plain decimal digits",
        ),
        (
            format!("t={NOW}.0,v1={good}"),
            "timestamp is not plain decimal digits",
        ),
        (
            format!("t= {NOW},v1={good}"),
            "timestamp is not plain decimal digits",
        ),
        (
            format!("t=,v1={good}"),
            "timestamp is not plain decimal digits",
        ),
        (
            format!("t=99999999999999999999,v1={good}"),
            "timestamp overflows 64 bits",
        ),
    ] {
        assert_eq!(
            verifier::<S>(&[1]).verify(&with(HeaderMap::new(), header, &value), &body),
            Err(Error::MalformedHeader {
                name: header,
                reason
            }),
            "{header}: {value:?}"
        );
    }

    let mut non_ascii = HeaderMap::new();
    non_ascii.insert(header, HeaderValue::from_bytes(b"t=1,v1=\xff").unwrap());
    assert_eq!(
        code(verifier::<S>(&[1]).verify(&non_ascii, &body)),
        "malformed_header"
    );
}

/// SPEC §7.0: at most 16 signature entries; a header with more is
/// malformed, wherever the valid one stands.
fn at_most_16_entries<S: Scheme + Default>(
    header: &'static str,
    list: impl Fn(&[String]) -> String,
) {
    let body = body_at(NOW);
    let good = Signer::<S>::new(&secret::<S>(1))
        .unwrap()
        .sign(NOW, "", &body)
        .unwrap()[header]
        .to_str()
        .unwrap()
        .rsplit('=')
        .next()
        .unwrap()
        .to_owned();
    let other = "ab".repeat(32);
    let check = |entries: &[String]| {
        verifier::<S>(&[1]).verify(&with(HeaderMap::new(), header, &list(entries)), &body)
    };
    let mut entries = vec![other.clone(); 15];
    entries.push(good.clone());
    assert_eq!(
        code(check(&entries)),
        "ok",
        "{header}: 16 entries, the valid one last"
    );
    entries.push(other);
    assert_eq!(
        check(&entries),
        Err(Error::MalformedHeader {
            name: header,
            reason: "more than 16 signature entries"
        }),
        "{header}: 17 entries"
    );
    let mut first = vec![good];
    first.extend(entries.into_iter().skip(1));
    assert_eq!(
        code(check(&first)),
        "malformed_header",
        "{header}: 17 entries, the valid one first"
    );
}

#[test]
fn timestamped_lists_consider_at_most_16_entries() {
    let stripe_like = |entries: &[String]| {
        let items: Vec<String> = entries.iter().map(|tag| format!("v1={tag}")).collect();
        format!("t={NOW},{}", items.join(","))
    };
    at_most_16_entries::<Nomos>("x-nomos-signature", stripe_like);
    at_most_16_entries::<Stripe>("stripe-signature", stripe_like);
    at_most_16_entries::<Paddle>("paddle-signature", |entries| {
        let items: Vec<String> = entries.iter().map(|tag| format!("h1={tag}")).collect();
        format!("ts={NOW};{}", items.join(";"))
    });
}

#[test]
fn paddle_header_syntax() {
    let header = "paddle-signature";
    let body = body_at(NOW);
    let good = hex_tag(&[format!("{NOW}:").as_bytes(), &body].concat());
    let other = "ab".repeat(32);
    let check = |value: &str| {
        verifier::<Paddle>(&[1]).verify(&with(HeaderMap::new(), header, value), &body)
    };
    assert_eq!(code(check(&format!("ts={NOW};h1={good}"))), "ok");
    assert_eq!(
        code(check(&format!(" h1={other} ; ts={NOW} ; h1={good} "))),
        "ok",
        "rotation, order, blanks"
    );
    assert_eq!(
        code(check(&format!("ts={NOW};h1={other}"))),
        "signature_mismatch"
    );
    assert_eq!(
        code(check(&format!(
            "ts={NOW};h1={}",
            hex_tag(&[format!("{NOW}.").as_bytes(), &body].concat())
        ))),
        "signature_mismatch",
        "Stripe's `.` joiner is not Paddle's `:`"
    );
    for (value, reason) in [
        (format!("h1={good}"), "no `ts` timestamp item"),
        (format!("t={NOW};h1={good}"), "no `ts` timestamp item"),
        (
            format!("ts={NOW};ts={NOW};h1={good}"),
            "`ts` appears more than once",
        ),
        (format!("ts={NOW};v1={good}"), "no `h1` signature item"),
        (format!("ts={NOW},h1={good}"), "no `h1` signature item"),
        (format!("ts={NOW};h1={good};junk"), "an item has no `=`"),
    ] {
        assert_eq!(
            check(&value),
            Err(Error::MalformedHeader {
                name: header,
                reason
            }),
            "{value:?}"
        );
    }
}

#[test]
fn slack_header_syntax() {
    let body = body_at(NOW);
    let good = hex_tag(&[format!("v0:{NOW}:").as_bytes(), &body].concat());
    let check = |signature: &str, timestamp: &str| {
        let headers = with(
            with(HeaderMap::new(), "x-slack-signature", signature),
            "x-slack-request-timestamp",
            timestamp,
        );
        verifier::<Slack>(&[1]).verify(&headers, &body)
    };
    assert_eq!(code(check(&format!("v0={good}"), &NOW.to_string())), "ok");
    assert_eq!(
        code(check(
            &format!("v0={}", good.to_uppercase()),
            &NOW.to_string()
        )),
        "ok"
    );
    assert_eq!(
        code(check(&format!("v0={good}"), &format!("0{NOW}"))),
        "signature_mismatch",
        "the MAC covers the timestamp as received"
    );
    for signature in [
        good.clone(),
        format!("v1={good}"),
        format!("v0={}", &good[..62]),
        format!("v0= {good}"),
    ] {
        assert_eq!(
            check(&signature, &NOW.to_string()),
            Err(Error::MalformedHeader {
                name: "x-slack-signature",
                reason: "expected `v0=` and 64 hex digits"
            }),
            "{signature:?}"
        );
    }
    assert_eq!(
        code(check(&format!("v0={good}"), &format!("{NOW}.0"))),
        "malformed_header"
    );
    let no_time = with(HeaderMap::new(), "x-slack-signature", &format!("v0={good}"));
    assert_eq!(
        verifier::<Slack>(&[1]).verify(&no_time, &body),
        Err(Error::MissingHeader {
            name: "x-slack-request-timestamp"
        })
    );
}

#[test]
fn shopify_header_syntax_and_unsigned_headers() {
    use base64::Engine as _;
    let body = body_at(NOW);
    let raw = hex::decode(hex_tag(&body)).unwrap();
    let good = base64::engine::general_purpose::STANDARD.encode(&raw);
    let check = |headers: HeaderMap| code(verifier::<Shopify>(&[1]).verify(&headers, &body));
    let signed = with(HeaderMap::new(), "x-shopify-hmac-sha256", &good);
    assert_eq!(check(signed.clone()), "ok");
    assert_eq!(
        check(with(signed.clone(), "x-shopify-topic", "orders/paid")),
        "ok"
    );
    for bad in [
        good.trim_end_matches('=').to_owned(),
        hex_tag(&body),
        base64::engine::general_purpose::URL_SAFE.encode([0xfb; 32]),
        format!("{good}="),
    ] {
        assert_eq!(
            verifier::<Shopify>(&[1]).verify(
                &with(HeaderMap::new(), "x-shopify-hmac-sha256", &bad),
                &body
            ),
            Err(Error::MalformedHeader {
                name: "x-shopify-hmac-sha256",
                reason: "expected the base64 of 32 bytes"
            }),
            "{bad:?}"
        );
    }
    let other = base64::engine::general_purpose::STANDARD.encode([7; 32]);
    assert_eq!(
        check(with(HeaderMap::new(), "x-shopify-hmac-sha256", &other)),
        "signature_mismatch"
    );
    for name in ["x-shopify-topic", "x-shopify-webhook-id"] {
        let mut repeated = with(signed.clone(), name, "a");
        repeated.append(name, HeaderValue::from_static("b"));
        assert_eq!(check(repeated), "malformed_header", "{name} twice");
        assert_eq!(
            check(with(signed.clone(), name, "")),
            "malformed_header",
            "{name} empty"
        );
    }
}

#[test]
fn linear_header_syntax_and_signed_time() {
    let check_body = |body: &[u8]| {
        let headers = with(HeaderMap::new(), "linear-signature", &hex_tag(body));
        verifier::<Linear>(&[1]).verify(&headers, body)
    };
    let millis = NOW * 1000;
    assert_eq!(
        check_body(format!(r#"{{"webhookTimestamp":{millis}}}"#).as_bytes())
            .unwrap()
            .timestamp,
        Some(NOW)
    );
    assert_eq!(
        check_body(format!(r#"{{"webhookTimestamp":{}}}"#, millis + 999).as_bytes())
            .unwrap()
            .timestamp,
        Some(NOW),
        "milliseconds floor to the second"
    );
    assert_eq!(
        code(check_body(
            format!(
                r#"{{"webhookTimestamp":{}}}"#,
                (NOW - TOLERANCE - 1) * 1000 + 999
            )
            .as_bytes()
        )),
        "timestamp_too_old"
    );
    assert_eq!(
        code(check_body(
            br#"{"data":{"webhookTimestamp":1768473000000}}"#
        )),
        "invalid_payload",
        "a nested member is not the signed time"
    );
    for body in [
        r#"{"action":"create"}"#.to_owned(),
        format!(r#"{{"webhookTimestamp":"{millis}"}}"#),
        format!(r#"{{"webhookTimestamp":{millis}.0}}"#),
        format!(r#"{{"webhookTimestamp":{millis}e0}}"#),
        r#"{"webhookTimestamp":null}"#.to_owned(),
        r#"{"webhookTimestamp":99999999999999999999999}"#.to_owned(),
        format!(r#"{{"webhookTimestamp":{millis},"webhookTimestamp":{millis}}}"#),
        "[]".to_owned(),
        "not json".to_owned(),
    ] {
        assert_eq!(
            code(check_body(body.as_bytes())),
            "invalid_payload",
            "{body}"
        );
        assert_eq!(
            code({
                let headers = with(
                    HeaderMap::new(),
                    "linear-signature",
                    &hex_tag(body.as_bytes()),
                );
                verifier::<Linear>(&[1]).verify_ignoring_time(&headers, body.as_bytes())
            }),
            "ok",
            "time not checked: {body}"
        );
    }
    let body = format!(r#"{{"webhookTimestamp":{millis}}}"#);
    let signed = with(
        HeaderMap::new(),
        "linear-signature",
        &hex_tag(body.as_bytes()),
    );
    for bad in [
        format!("sha256={}", hex_tag(body.as_bytes())),
        "zz".repeat(32),
    ] {
        assert_eq!(
            verifier::<Linear>(&[1]).verify(
                &with(HeaderMap::new(), "linear-signature", &bad),
                body.as_bytes()
            ),
            Err(Error::MalformedHeader {
                name: "linear-signature",
                reason: "expected 64 hex digits"
            })
        );
    }
    assert_eq!(
        code(verifier::<Linear>(&[1]).verify(
            &with(signed.clone(), "linear-delivery", ""),
            body.as_bytes()
        )),
        "malformed_header"
    );
    let mut twice = with(signed, "linear-delivery", "a");
    twice.append("linear-delivery", HeaderValue::from_static("b"));
    assert_eq!(
        code(verifier::<Linear>(&[1]).verify(&twice, body.as_bytes())),
        "malformed_header"
    );
}

#[test]
fn nomos_header_syntax() {
    timestamped_list_rules::<Nomos>("x-nomos-signature");
}

#[test]
fn stripe_header_syntax() {
    timestamped_list_rules::<Stripe>("stripe-signature");
}

#[test]
fn standard_webhooks_header_syntax() {
    let body = body_at(NOW);
    let headers = signed::<StandardWebhooks>(1, NOW, &body);
    let good = headers["webhook-signature"].to_str().unwrap().to_owned();
    let other = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode([7; 32])
    );
    let check =
        |headers: &HeaderMap| code(verifier::<StandardWebhooks>(&[1]).verify(headers, &body));

    // The id is reported by the event (tests/events.rs), not by the check.
    assert_eq!(check(&headers), "ok");
    assert_eq!(
        check(&with(
            headers.clone(),
            "webhook-signature",
            &format!("{other} {good}")
        )),
        "ok"
    );
    assert_eq!(
        check(&with(
            headers.clone(),
            "webhook-signature",
            &format!("v1a,xyz  v1,!!! {good}")
        )),
        "ok"
    );
    assert_eq!(
        check(&with(
            headers.clone(),
            "webhook-signature",
            &format!("v2,{}", &good[3..])
        )),
        "malformed_header"
    );
    assert_eq!(
        check(&with(headers.clone(), "webhook-signature", &other)),
        "signature_mismatch"
    );
    assert_eq!(
        check(&with(headers.clone(), "webhook-signature", "v1,!!!")),
        "signature_mismatch"
    );
    assert_eq!(
        check(&with(headers.clone(), "webhook-id", "msg_2")),
        "signature_mismatch"
    );
    assert_eq!(
        check(&with(
            headers.clone(),
            "webhook-timestamp",
            &format!("0{NOW}")
        )),
        "signature_mismatch"
    );
    assert_eq!(
        verifier::<StandardWebhooks>(&[1]).verify(&with(headers.clone(), "webhook-id", ""), &body),
        Err(Error::MalformedHeader {
            name: "webhook-id",
            reason: "value is empty"
        })
    );
    for bad in ["", "-1", "1.0", " 1", "99999999999999999999"] {
        assert_eq!(
            check(&with(headers.clone(), "webhook-timestamp", bad)),
            "malformed_header",
            "timestamp {bad:?}"
        );
    }
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let mut missing = headers.clone();
        missing.remove(name);
        assert_eq!(
            verifier::<StandardWebhooks>(&[1]).verify(&missing, &body),
            Err(Error::MissingHeader { name }),
        );
    }

    // The same delivery under Svix's header names.
    let svix: HeaderMap = headers
        .iter()
        .map(|(name, value)| {
            let renamed = name.as_str().replace("webhook-", "svix-");
            (
                HeaderName::from_bytes(renamed.as_bytes()).unwrap(),
                value.clone(),
            )
        })
        .collect();
    assert_eq!(check(&svix), "ok");
    let mut repeated = svix.clone();
    repeated.append("svix-id", HeaderValue::from_static("msg_1"));
    assert_eq!(check(&repeated), "malformed_header");

    // Mixed names: each header is read under its standard name when it is
    // there, else under its Svix name.
    let mut mixed = headers.clone();
    let timestamp = mixed.remove("webhook-timestamp").unwrap();
    mixed.insert("svix-timestamp", timestamp);
    assert_eq!(check(&mixed), "ok");
    // A Svix field next to its standard one is never read, even repeated.
    let mut shadowed = headers.clone();
    shadowed.append("svix-id", HeaderValue::from_static("msg_other"));
    shadowed.append("svix-id", HeaderValue::from_static("msg_again"));
    assert_eq!(check(&shadowed), "ok");
    // A repeated standard field is malformed, whatever the Svix one holds.
    let mut both = svix.clone();
    both.append("webhook-id", HeaderValue::from_static("msg_1"));
    both.append("webhook-id", HeaderValue::from_static("msg_2"));
    assert_eq!(check(&both), "malformed_header");
}

#[test]
fn noma_header_syntax_and_signed_time() {
    let body = body_at(NOW);
    let good = hex_tag(&body);
    let check = |value: &str, body: &[u8]| {
        code(
            verifier::<Noma>(&[1])
                .verify(&with(HeaderMap::new(), "x-webhook-signature", value), body),
        )
    };
    assert_eq!(check(&good, &body), "ok");
    assert_eq!(check(&good.to_uppercase(), &body), "ok");
    assert_eq!(check(&format!("sha256={good}"), &body), "ok");
    for bad in [
        format!("sha1={good}"),
        format!("sha256 = {good}"),
        good[..63].to_owned(),
        format!("{good}00"),
        format!("v1={good}"),
        String::new(),
    ] {
        assert_eq!(
            verifier::<Noma>(&[1])
                .verify(&with(HeaderMap::new(), "x-webhook-signature", &bad), &body),
            Err(Error::MalformedHeader {
                name: "x-webhook-signature",
                reason: "expected 64 hex digits, optionally after `sha256=`"
            }),
            "{bad:?}"
        );
    }

    // The signed body must carry a readable `timestamp`; the escape that PHP
    // puts in `\/` elsewhere in the body does not matter.
    for (body, reason) in [
        (
            &br#"{"event":"content.created"}"#[..],
            "body has no `timestamp` member",
        ),
        (br#"not json"#, "body is not a JSON object"),
        (
            br#"{"timestamp":"yesterday"}"#,
            "`timestamp` is not an ISO 8601 date-time with offset",
        ),
        (
            br#"{"timestamp":"2026-01-15T10:30:00"}"#,
            "`timestamp` is not an ISO 8601 date-time with offset",
        ),
        (
            br#"{"timestamp":1768473000}"#,
            "`timestamp` is not a plain string",
        ),
        (
            br#"{"timestamp":"2026-01-15T10:30:00+00:00","timestamp":"2026-01-15T10:30:00+00:00"}"#,
            "body has more than one `timestamp` member",
        ),
    ] {
        assert_eq!(
            verifier::<Noma>(&[1]).verify(
                &with(HeaderMap::new(), "x-webhook-signature", &hex_tag(body)),
                body
            ),
            Err(Error::InvalidPayload { reason }),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let php = br#"{"event":"content.updated","content_entry":{"fields":{"url":"https:\/\/example.com","name":"M\u00fcller"}},"timestamp":"2026-01-15T11:30:00.123456+01:00","delivery_id":"d1"}"#;
    assert_eq!(
        check(&hex_tag(php), php),
        "ok",
        "offset +01:00 and fractions"
    );

    // Verifying a Noma body rejects it when it is wrong, never when it is old
    // and the caller asked not to check the time.
    let stale = body_at(NOW - 301);
    let headers = with(HeaderMap::new(), "x-webhook-signature", &hex_tag(&stale));
    assert_eq!(
        code(verifier::<Noma>(&[1]).verify(&headers, &stale)),
        "timestamp_too_old"
    );
    assert_eq!(
        code(verifier::<Noma>(&[1]).verify_ignoring_time(&headers, &stale)),
        "ok"
    );
}

#[test]
fn noma_unsigned_needs_the_insecure_constructor() {
    let body = body_at(NOW);
    assert_eq!(
        verifier::<Noma>(&[1]).verify(&HeaderMap::new(), &body),
        Err(Error::MissingHeader {
            name: "x-webhook-signature"
        })
    );
    let insecure = Verifier::<Noma>::insecure_accept_unsigned().with_clock(FixedClock(NOW));
    let unsigned = HeaderMap::new();
    let verified = insecure.verify(&unsigned, &body).unwrap();
    assert_eq!(verified.secret_index, None);
    assert_eq!(verified.timestamp, Some(NOW));
    let stale = body_at(NOW - 301);
    assert_eq!(
        insecure.verify(&HeaderMap::new(), &stale),
        Err(Error::TimestampTooOld)
    );
    assert_eq!(
        code(insecure.verify(&HeaderMap::new(), b"{}")),
        "invalid_payload",
        "freshness is still required"
    );
}

#[test]
fn github_header_syntax_and_delivery_id() {
    let body = body_at(NOW);
    let headers = signed::<GitHub>(1, NOW, &body);
    let check = |headers: &HeaderMap| code(verifier::<GitHub>(&[1]).verify(headers, &body));
    assert_eq!(check(&headers), "ok");

    let value = headers["x-hub-signature-256"].to_str().unwrap().to_owned();
    let bare = value.trim_start_matches("sha256=").to_owned();
    assert_eq!(
        check(&with(
            headers.clone(),
            "x-hub-signature-256",
            &format!("sha256={}", bare.to_uppercase())
        )),
        "ok"
    );
    for bad in [
        bare.clone(),
        format!("sha1={bare}"),
        format!("sha256={}", &bare[1..]),
        "sha256=".to_owned(),
    ] {
        assert_eq!(
            verifier::<GitHub>(&[1])
                .verify(&with(headers.clone(), "x-hub-signature-256", &bad), &body),
            Err(Error::MalformedHeader {
                name: "x-hub-signature-256",
                reason: "expected `sha256=` and 64 hex digits"
            }),
            "{bad:?}"
        );
    }

    let mut anonymous = headers.clone();
    anonymous.remove("x-github-delivery");
    assert_eq!(check(&anonymous), "ok", "the delivery id is optional");
    assert_eq!(
        check(&with(headers.clone(), "x-github-delivery", "")),
        "malformed_header"
    );
    let mut repeated = headers.clone();
    repeated.append("x-github-delivery", HeaderValue::from_static("other"));
    assert_eq!(check(&repeated), "malformed_header");
}

#[test]
fn secrets_are_checked_when_the_verifier_is_built() {
    assert_eq!(
        Verifier::<Nomos>::new(Vec::<String>::new()).unwrap_err(),
        SecretError::NoSecrets
    );
    assert_eq!(
        Verifier::<Nomos>::new(["good", ""]).unwrap_err(),
        SecretError::Empty
    );
    assert_eq!(
        Verifier::<Stripe>::new(["whsec_abc\n"]).unwrap_err(),
        SecretError::SurroundingWhitespace
    );
    assert_eq!(
        Verifier::<StandardWebhooks>::new(["whsec_***"]).unwrap_err(),
        SecretError::NotBase64
    );
    // Stripe keys with the whole `whsec_` string; Standard Webhooks decodes it.
    assert!(Verifier::<Stripe>::new(["whsec_***"]).is_ok());
}

#[test]
fn debug_output_never_contains_a_secret() {
    let verifier = Verifier::<Nomos>::new(["super-secret-value", "older-secret-value"]).unwrap();
    let signer = Signer::<Nomos>::new("super-secret-value").unwrap();
    for printed in [
        format!("{verifier:?}"),
        format!("{verifier:#?}"),
        format!("{signer:?}"),
    ] {
        assert!(!printed.contains("secret-value"), "{printed}");
        assert!(printed.contains("redacted"), "{printed}");
    }
}

#[test]
fn errors_map_to_stable_codes_and_statuses() {
    let table = [
        (Error::MissingHeader { name: "x" }, "missing_header", 400),
        (
            Error::MalformedHeader {
                name: "x",
                reason: "y",
            },
            "malformed_header",
            400,
        ),
        (Error::SignatureMismatch, "signature_mismatch", 401),
        (Error::TimestampTooOld, "timestamp_too_old", 401),
        (Error::TimestampInFuture, "timestamp_in_future", 401),
        (
            Error::InvalidPayload { reason: "y" },
            "invalid_payload",
            400,
        ),
        (
            Error::PayloadTooLarge { limit: 1 },
            "payload_too_large",
            413,
        ),
        (Error::Duplicate, "duplicate", 200),
        (
            Error::InFlight {
                retry_after_secs: 60,
            },
            "in_flight",
            503,
        ),
        (Error::StoreUnavailable, "store_unavailable", 503),
        (Error::Misconfigured, "misconfigured", 500),
        (
            Error::Busy {
                retry_after_secs: 5,
            },
            "busy",
            503,
        ),
    ];
    for (error, code, status) in table {
        assert_eq!(
            (error.code(), error.http_status()),
            (code, status),
            "{error}"
        );
        let message = error.to_string();
        assert_eq!(message, message.to_lowercase(), "display is lower case");
    }
}

#[test]
fn debug_output_never_contains_a_key() {
    const SIGNING_KEY: &str = "whsk_QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=";
    const PUBLIC_KEY: &str = "whpk_IVL40Zt5HSRFMkLhXy6rbLfP+ntqXtMAl5YOBpiB2xI=";
    let verifier = StandardWebhooksVerifier::new([secret::<StandardWebhooks>(1)])
        .unwrap()
        .with_public_key(PUBLIC_KEY)
        .unwrap()
        .with_retiring_secret(&secret::<StandardWebhooks>(2), NOW)
        .unwrap();
    let signer = Signer::<StandardWebhooks>::new(&secret::<StandardWebhooks>(1))
        .unwrap()
        .with_signing_key(SIGNING_KEY)
        .unwrap();
    for printed in [
        format!("{verifier:?}"),
        format!("{verifier:#?}"),
        format!("{signer:?}"),
        format!("{signer:#?}"),
    ] {
        for key in [SIGNING_KEY, PUBLIC_KEY] {
            assert!(!printed.contains(&key[5..20]), "{printed}");
        }
        assert!(
            !printed.contains(&secret::<StandardWebhooks>(1)[6..]),
            "{printed}"
        );
        assert!(printed.contains("redacted"), "{printed}");
    }
    assert!(format!("{verifier:?}").contains("<2 redacted>"));
    assert!(format!("{verifier:?}").contains("public_keys: <1 redacted>"));
}

#[test]
fn public_key_verifiers_need_a_key() {
    assert_eq!(
        StandardWebhooksVerifier::from_public_keys(Vec::<String>::new()).unwrap_err(),
        SecretError::NoSecrets
    );
    assert_eq!(
        Verifier::<Nomos>::new_retiring(Vec::<(String, u64)>::new()).unwrap_err(),
        SecretError::NoSecrets
    );
    assert_eq!(
        StandardWebhooksVerifier::new([secret::<StandardWebhooks>(1)])
            .unwrap()
            .with_public_key("whpk_***")
            .unwrap_err(),
        SecretError::NotBase64
    );
}

#[test]
fn a_delivery_cannot_bring_its_own_key() {
    // Whatever a request carries, only configured keys are tried: a `v1a`
    // entry made with the attacker's own key, next to that key's text in
    // any header, matches nothing.
    let attacker = "whsk_YXR0YWNrZXIgb3duIHNlZWQsIHRoaXJ0eS10d28gYiE=";
    let mut headers = Signer::<StandardWebhooks>::from_signing_key(attacker)
        .unwrap()
        .sign(NOW, "msg_1", b"{}")
        .unwrap();
    headers.insert(
        "webhook-public-key",
        HeaderValue::from_static("whpk_IVL40Zt5HSRFMkLhXy6rbLfP+ntqXtMAl5YOBpiB2xI="),
    );
    let verifier = StandardWebhooksVerifier::from_public_keys([
        "whpk_IVL40Zt5HSRFMkLhXy6rbLfP+ntqXtMAl5YOBpiB2xI=",
    ])
    .unwrap();
    assert_eq!(
        code(verifier.verify_at(&headers, b"{}", NOW)),
        "signature_mismatch"
    );
}
