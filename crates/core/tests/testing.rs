//! `testing::SignedRequest`: every scheme's own verifier accepts what it
//! builds, and what it builds carries exactly what was asked for.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

use hookguard_core::http;
use hookguard_core::scheme::{GitHub, Nomos, Stripe};
use hookguard_core::testing::{DEFAULT_ID, SignedRequest};
use hookguard_core::{
    FixedClock, GitHubVerifier, NomaVerifier, NomosVerifier, StandardWebhooksVerifier,
    StripeVerifier, scheme::StandardWebhooks,
};

const AT: u64 = 1_768_473_000;
const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[test]
fn every_scheme_accepts_the_request_it_signs() {
    let nomos = SignedRequest::<Nomos>::new("s3cret", r#"{"id":"evt_1","topic":"test.event"}"#)
        .unwrap()
        .signed_at(AT)
        .into_request::<Vec<u8>>()
        .unwrap();
    let verified = NomosVerifier::new(["other", "s3cret"])
        .unwrap()
        .with_clock(FixedClock(AT))
        .verify(nomos.headers(), nomos.body())
        .unwrap();
    assert_eq!(
        (verified.secret_index, verified.timestamp),
        (Some(1), Some(AT))
    );

    let noma = SignedRequest::noma("s3cret", &serde_json::json!({"event": "content.published"}))
        .unwrap()
        .signed_at(AT)
        .into_request::<Vec<u8>>()
        .unwrap();
    let verified = NomaVerifier::new(["s3cret"])
        .unwrap()
        .with_clock(FixedClock(AT + 300))
        .verify(noma.headers(), noma.body())
        .unwrap();
    assert_eq!(verified.timestamp, Some(AT));

    let standard = SignedRequest::<StandardWebhooks>::new(STANDARD_SECRET, r#"{"type":"a.b"}"#)
        .unwrap()
        .signed_at(AT)
        .into_request::<Vec<u8>>()
        .unwrap();
    assert_eq!(standard.headers()["webhook-id"], DEFAULT_ID);
    assert_eq!(standard.headers()["webhook-timestamp"], "1768473000");
    let verified = StandardWebhooksVerifier::new([STANDARD_SECRET])
        .unwrap()
        .with_clock(FixedClock(AT))
        .verify(standard.headers(), standard.body())
        .unwrap();
    assert_eq!(verified.timestamp, Some(AT));

    let stripe = SignedRequest::<Stripe>::new("whsec_stripe", r#"{"id":"evt_1","type":"a.b"}"#)
        .unwrap()
        .signed_at(AT)
        .into_request::<Vec<u8>>()
        .unwrap();
    assert!(
        StripeVerifier::new(["whsec_stripe"])
            .unwrap()
            .with_clock(FixedClock(AT))
            .verify(stripe.headers(), stripe.body())
            .is_ok()
    );

    let github = SignedRequest::<GitHub>::new("s3cret", r#"{"zen":"hi"}"#)
        .unwrap()
        .id("delivery-1")
        .header("x-github-event", "ping")
        .into_request::<Vec<u8>>()
        .unwrap();
    assert_eq!(github.headers()["x-github-delivery"], "delivery-1");
    assert_eq!(github.headers()["x-github-event"], "ping");
    assert!(
        GitHubVerifier::new(["s3cret"])
            .unwrap()
            .verify(github.headers(), github.body())
            .is_ok()
    );
}

#[test]
fn the_request_is_a_post_to_the_uri_with_the_exact_body_and_its_length() {
    let body = r#"{"id":"evt_1","topic":"test.event"}"#;
    let request = SignedRequest::<Nomos>::new("s3cret", body)
        .unwrap()
        .uri("/webhooks/nomos?x=1")
        .into_request::<Vec<u8>>()
        .unwrap();
    assert_eq!(request.method(), "POST");
    assert_eq!(request.uri(), "/webhooks/nomos?x=1");
    assert_eq!(request.body(), body.as_bytes());
    assert_eq!(request.headers()["content-length"], "35");
    assert_eq!(request.headers()["content-type"], "application/json");
}

#[test]
fn unsigned_by_default_time_is_now_so_a_system_clock_verifier_accepts_it() {
    let request = SignedRequest::<Nomos>::new("s3cret", "{}")
        .unwrap()
        .into_request::<Vec<u8>>()
        .unwrap();
    assert!(
        NomosVerifier::new(["s3cret"])
            .unwrap()
            .verify(request.headers(), request.body())
            .is_ok()
    );
}

#[test]
fn a_forged_signature_header_replaces_the_generated_one_and_is_refused() {
    let forged = format!("t={AT},v1={}", "0".repeat(64));
    let request = SignedRequest::<Nomos>::new("s3cret", "{}")
        .unwrap()
        .signed_at(AT)
        .header("x-nomos-signature", forged.as_str())
        .into_request::<Vec<u8>>()
        .unwrap();
    assert_eq!(
        request
            .headers()
            .get_all("x-nomos-signature")
            .iter()
            .count(),
        1
    );
    assert_eq!(request.headers()["x-nomos-signature"], forged.as_str());
    assert_eq!(nomos_refusal(&request), "signature_mismatch");
}

#[test]
fn a_request_signed_with_another_secret_is_refused() {
    let request = SignedRequest::<Nomos>::new("attacker-guess", "{}")
        .unwrap()
        .signed_at(AT)
        .into_request::<Vec<u8>>()
        .unwrap();
    assert_eq!(nomos_refusal(&request), "signature_mismatch");
}

/// The code a Nomos verifier with secret `s3cret`, at `AT`, refuses
/// `request` with.
fn nomos_refusal(request: &http::Request<Vec<u8>>) -> &'static str {
    NomosVerifier::new(["s3cret"])
        .unwrap()
        .with_clock(FixedClock(AT))
        .verify(request.headers(), request.body())
        .unwrap_err()
        .code()
}

#[test]
fn invalid_input_is_an_error_never_a_panic() {
    let header = SignedRequest::<Nomos>::new("s3cret", "{}")
        .unwrap()
        .header("bad name", "value")
        .into_parts()
        .unwrap_err();
    assert_eq!(header.code(), "malformed_header");

    let value = SignedRequest::<Nomos>::new("s3cret", "{}")
        .unwrap()
        .header("x-test", "line\nbreak")
        .into_parts()
        .unwrap_err();
    assert_eq!(value.code(), "malformed_header");

    let uri = SignedRequest::<Nomos>::new("s3cret", "{}")
        .unwrap()
        .uri("not a uri")
        .into_request::<Vec<u8>>()
        .unwrap_err();
    assert_eq!(uri.code(), "malformed_header");

    let id = SignedRequest::<StandardWebhooks>::new(STANDARD_SECRET, "{}")
        .unwrap()
        .id("")
        .into_parts()
        .unwrap_err();
    assert_eq!(id.code(), "malformed_header");

    let secret = SignedRequest::<Nomos>::new(" padded ", "{}").unwrap_err();
    assert!(!secret.to_string().contains("padded"), "{secret}");
}

#[test]
fn the_noma_helper_stamps_the_signing_time_and_refuses_a_body_that_is_not_an_object() {
    let parts = SignedRequest::noma(
        "s3cret",
        &serde_json::json!({"event": "content.published", "timestamp": "2020-01-01T00:00:00Z"}),
    )
    .unwrap()
    .signed_at(AT)
    .into_parts()
    .unwrap();
    assert_eq!(
        parts.body,
        r#"{"event":"content.published","timestamp":"2026-01-15T10:30:00Z"}"#
    );

    let error = SignedRequest::noma("s3cret", &serde_json::json!(["not", "an", "object"]))
        .unwrap()
        .into_parts()
        .unwrap_err();
    assert_eq!(error.code(), "invalid_payload");
}

#[test]
fn debug_never_shows_the_secret() {
    let request = SignedRequest::<Nomos>::new("very-secret-value", "{}").unwrap();
    let shown = format!("{request:?}");
    assert!(!shown.contains("very-secret-value"), "{shown}");
    assert!(shown.contains("nomos"), "{shown}");
}
