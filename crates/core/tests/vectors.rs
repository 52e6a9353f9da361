//! Published test vectors, one data file each under `tests/data/`, named by
//! their source. Each vector must be produced exactly by the signer and
//! accepted by the verifier at its own timestamp.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

use hookguard_core::scheme::{GitHub, Linear, Noma, Paddle, Shopify, Slack, StandardWebhooks};
use hookguard_core::{Scheme, Signer, Verifier};
use http::HeaderMap;
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    source: String,
    scheme: String,
    secret: String,
    id: String,
    timestamp: u64,
    body: String,
    header: String,
    signature: String,
}

fn load(file: &str) -> Vector {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn check<S: Scheme + Default>(file: &str) {
    let vector = load(file);
    let name = format!("vector {file} ({})", vector.source);
    assert_eq!(vector.scheme, S::NAME, "{name}: wrong scheme under test");

    let signed = Signer::<S>::new(&vector.secret)
        .unwrap()
        .sign(vector.timestamp, &vector.id, vector.body.as_bytes())
        .unwrap();
    assert_eq!(
        signed
            .get(&vector.header)
            .and_then(|value| value.to_str().ok()),
        Some(vector.signature.as_str()),
        "{name}: signer output differs"
    );

    let verifier = Verifier::<S>::new([&vector.secret]).unwrap();
    let headers = received(&vector, &signed);
    let verified = verifier
        .verify_ignoring_time(&headers, vector.body.as_bytes())
        .unwrap_or_else(|error| panic!("{name}: refused with {error}"));
    assert_eq!(verified.secret_index, Some(0), "{name}");
}

/// The published signature in its header, next to the signer's other headers
/// (the id and timestamp of Standard Webhooks).
fn received(vector: &Vector, signed: &HeaderMap) -> HeaderMap {
    let mut headers = signed.clone();
    headers.insert(
        http::HeaderName::from_bytes(vector.header.as_bytes()).unwrap(),
        vector.signature.parse().unwrap(),
    );
    headers
}

#[test]
fn standard_webhooks_spec() {
    check::<StandardWebhooks>("standard-webhooks-spec.json");
}

#[test]
fn github_docs() {
    check::<GitHub>("github-docs.json");
}

#[test]
fn rfc4231_case2() {
    check::<Noma>("rfc4231-case2.json");
}

#[test]
fn slack_docs() {
    check::<Slack>("slack-docs.json");
}

#[test]
fn paddle_go_sdk() {
    check::<Paddle>("paddle-go-sdk.json");
}

#[test]
fn shopify_python_hmac() {
    check::<Shopify>("shopify-python-hmac.json");
}

#[test]
fn linear_python_hmac() {
    check::<Linear>("linear-python-hmac.json");
}
