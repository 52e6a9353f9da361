//! Threat tests for the providers added in Part 2 (SPEC §7, §10): what a
//! sender of signed bytes, or an attacker holding unsigned ones, can make
//! the new parsers do.

#![allow(clippy::unwrap_used)]

use hookguard_core::generic::{LinearEvent, SlackEvent};
use hookguard_core::noma::{self, NomaEvent};
use hookguard_core::{Delivery, Error, Event, FixedClock, Signer, Verifier, receive};

const NOW: u64 = 1_768_473_000; // 2026-01-15T10:30:00Z

/// `body`, signed now, through the receive pipeline of `E`'s scheme.
fn accept<E: Event>(body: &[u8]) -> Result<Delivery<E>, Error>
where
    E::Scheme: Default,
{
    let headers = Signer::<E::Scheme>::new("s3cret")
        .unwrap()
        .sign(NOW, "d", body)
        .unwrap();
    let verifier = Verifier::<E::Scheme>::new(["s3cret"])
        .unwrap()
        .with_clock(FixedClock(NOW));
    receive::accept::<E>(&verifier, &headers, body.to_vec())
}

fn slack_answer(body: &[u8]) -> Error {
    accept::<SlackEvent>(body).unwrap_err()
}

#[test]
fn a_challenge_with_json_metacharacters_cannot_break_out_of_the_answer() {
    let body = br#"{"type":"url_verification","challenge":"a\"},\"x\":1,\"y\":\"\\\n\u0000</script>\u2028"}"#;
    let answer = slack_answer(body);
    assert_eq!(answer.http_status(), 200);
    let text = answer.response_body();
    assert_eq!(
        text,
        r#"{"challenge":"a\"},\"x\":1,\"y\":\"\\\n\u0000</script>"#.to_owned() + "\u{2028}\"}"
    );
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed.as_object().unwrap().len(), 1);
}

#[test]
fn a_form_url_verification_is_answered_as_json_too() {
    let answer = slack_answer(b"type=url_verification&challenge=%22%7D%0A+x");
    assert_eq!(answer.response_body(), r#"{"challenge":"\"}\n x"}"#);
}

#[test]
fn deeply_nested_slack_payloads_are_refused_without_a_panic() {
    let deep = "[".repeat(100_000);
    assert_eq!(slack_answer(deep.as_bytes()).code(), "invalid_payload");
    let form = format!("payload={}", "%5B".repeat(100_000));
    assert_eq!(slack_answer(form.as_bytes()).code(), "invalid_payload");
}

fn noma_key(body: &str) -> Option<hookguard_core::ReplayId> {
    noma::dedupe_key(&accept::<NomaEvent>(body.as_bytes()).unwrap())
}

#[test]
fn noma_retries_that_spell_delivery_id_with_an_escape_still_share_a_dedupe_key() {
    // `delivery\u005fid` is the member `delivery_id` to every JSON parser
    // (the typed event reads it as such): its value is cut like the plain
    // spelling's, so the three attempts of one event stay one.
    let attempt = |id: &str| {
        noma_key(&format!(
            r#"{{"event":"content.updated","project_uuid":"p","collection_id":1,"content_id":2,"timest\u0061mp":"2026-01-15T10:30:00+00:00","delivery\u005fid":"{id}"}}"#
        ))
        .unwrap()
    };
    assert_eq!(attempt("a").key(), attempt("b").key());
    let other = noma_key(
        r#"{"event":"content.updated","project_uuid":"p","collection_id":1,"content_id":3,"timest\u0061mp":"2026-01-15T10:30:00+00:00","delivery\u005fid":"a"}"#,
    )
    .unwrap();
    assert_ne!(attempt("a").key(), other.key());
}

#[test]
fn a_noma_timestamp_spelled_twice_is_refused_not_read_one_way_by_each_parser() {
    // The freshness reader and the typed parse must agree on which member
    // is `timestamp`: one plain and one escaped spelling are two of them.
    let body = r#"{"event":"x.y","timestamp":"2026-01-15T10:30:00+00:00","timest\u0061mp":"2020-01-01T00:00:00+00:00","delivery_id":"d"}"#;
    let error = accept::<NomaEvent>(body.as_bytes()).unwrap_err();
    assert_eq!(error.code(), "invalid_payload");
    assert_eq!(
        error.to_string(),
        "invalid payload: body has more than one `timestamp` member"
    );
}

fn linear(body: &str) -> Result<(), Error> {
    accept::<LinearEvent>(body.as_bytes()).map(|_| ())
}

fn linear_refusal(body: &str) -> (&'static str, String) {
    let error = linear(body).unwrap_err();
    (error.code(), error.to_string())
}

#[test]
fn linear_webhook_timestamp_spelled_with_an_escape_is_read_and_a_second_spelling_is_repeated() {
    assert!(linear(r#"{"webhook\u0054imestamp":1768473000999}"#).is_ok());
    assert_eq!(
        linear_refusal(r#"{"webhookTimestamp":1768473000000,"webhook\u0054imestamp":1}"#),
        (
            "invalid_payload",
            "invalid payload: body has more than one `webhookTimestamp` member".to_owned()
        )
    );
}

#[test]
fn linear_extreme_webhook_timestamps_are_refused_without_a_panic() {
    let not_integer = "invalid payload: `webhookTimestamp` is not an integer of Unix milliseconds";
    for (value, code, message) in [
        (
            "18446744073709551615",
            "timestamp_in_future",
            "timestamp is further ahead than the tolerance",
        ),
        ("18446744073709551616", "invalid_payload", not_integer),
        ("-99999999999999999999", "invalid_payload", not_integer),
        ("1768473000000.0", "invalid_payload", not_integer),
        ("1.768473e12", "invalid_payload", not_integer),
        (
            "-0",
            "timestamp_too_old",
            "timestamp is older than the tolerance",
        ),
    ] {
        let body = format!(r#"{{"webhookTimestamp":{value}}}"#);
        assert_eq!(linear_refusal(&body), (code, message.to_owned()), "{value}");
    }
    assert_eq!(
        linear_refusal(r#"{"a":{"webhookTimestamp":1768473000000}}"#),
        (
            "invalid_payload",
            "invalid payload: body has no `webhookTimestamp` member".to_owned()
        )
    );
}
