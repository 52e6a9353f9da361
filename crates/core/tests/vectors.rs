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

#[test]
fn standard_webhooks_python_unpadded_secret() {
    check::<StandardWebhooks>("standard-webhooks-python-unpadded-secret.json");
}

#[test]
fn standard_webhooks_python_trailing_bits_secret() {
    check::<StandardWebhooks>("standard-webhooks-python-trailing-bits-secret.json");
}

/// `v1a` (ed25519) vectors signed by Python `cryptography`: keys in every
/// encoding, mixed headers, and the signatures a strict verifier refuses.
mod v1a {
    use std::collections::BTreeMap;

    use hookguard_core::scheme::StandardWebhooks;
    use hookguard_core::{SecretError, Signer, StandardWebhooksVerifier};
    use http::HeaderMap;
    use serde::Deserialize;

    const FILE: &str = "standard-webhooks-v1a-python-cryptography.json";

    #[derive(Deserialize)]
    struct Vectors {
        source: String,
        id: String,
        timestamp: u64,
        body: String,
        signature: String,
        signing_keys: BTreeMap<String, String>,
        keys: BTreeMap<String, String>,
        refused_keys: Vec<RefusedKey>,
        cases: Vec<Case>,
    }

    #[derive(Deserialize)]
    struct RefusedKey {
        name: String,
        key: Option<String>,
        signing_key: Option<String>,
        error: String,
        forged_signature: Option<String>,
    }

    #[derive(Deserialize)]
    struct Case {
        name: String,
        #[serde(default)]
        secrets: Vec<String>,
        #[serde(default)]
        public_keys: Vec<String>,
        signature: String,
        expect: String,
        secret_index: Option<usize>,
        public_key_index: Option<usize>,
    }

    fn load() -> Vectors {
        let path = format!("{}/tests/data/{FILE}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{path}: {error}"))
    }

    fn headers(vectors: &Vectors, signature: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("webhook-id", vectors.id.parse().unwrap());
        headers.insert(
            "webhook-timestamp",
            vectors.timestamp.to_string().parse().unwrap(),
        );
        headers.insert("webhook-signature", signature.parse().unwrap());
        headers
    }

    fn verifier(secrets: &[String], public_keys: &[String]) -> StandardWebhooksVerifier {
        if secrets.is_empty() {
            StandardWebhooksVerifier::from_public_keys(public_keys).unwrap()
        } else {
            let verifier = StandardWebhooksVerifier::new(secrets).unwrap();
            public_keys.iter().fold(verifier, |verifier, key| {
                verifier.with_public_key(key).unwrap()
            })
        }
    }

    #[test]
    fn cases() {
        let vectors = load();
        assert!(vectors.cases.len() >= 17, "{FILE}: cases went missing");
        for case in &vectors.cases {
            let name = format!("{FILE} ({}): {}", vectors.source, case.name);
            let outcome = verifier(&case.secrets, &case.public_keys).verify_at(
                &headers(&vectors, &case.signature),
                vectors.body.as_bytes(),
                vectors.timestamp,
            );
            match outcome {
                Ok(verified) => {
                    assert_eq!(case.expect, "ok", "{name}: accepted");
                    assert_eq!(
                        (verified.secret_index, verified.public_key_index),
                        (case.secret_index, case.public_key_index),
                        "{name}"
                    );
                    assert_eq!(verified.timestamp, Some(vectors.timestamp), "{name}");
                }
                Err(error) => assert_eq!(error.code(), case.expect, "{name}: {error}"),
            }
        }
    }

    #[test]
    fn every_public_key_encoding_is_read() {
        let vectors = load();
        for (encoding, key) in &vectors.keys {
            let verified = StandardWebhooksVerifier::from_public_keys([key])
                .unwrap()
                .verify_at(
                    &headers(&vectors, &vectors.signature),
                    vectors.body.as_bytes(),
                    vectors.timestamp,
                );
            let expected = if encoding.starts_with("other") {
                Err("signature_mismatch")
            } else {
                Ok(Some(0))
            };
            assert_eq!(
                verified
                    .map(|verified| verified.public_key_index)
                    .map_err(|error| error.code()),
                expected,
                "{FILE}: key {encoding}"
            );
        }
    }

    #[test]
    fn both_signing_key_forms_sign_exactly_as_python_does() {
        let vectors = load();
        assert_eq!(vectors.signing_keys.len(), 2);
        for (form, key) in &vectors.signing_keys {
            let signed = Signer::<StandardWebhooks>::from_signing_key(key)
                .unwrap()
                .sign(vectors.timestamp, &vectors.id, vectors.body.as_bytes())
                .unwrap();
            assert_eq!(
                signed["webhook-signature"].to_str().unwrap(),
                vectors.signature,
                "{FILE}: signing key {form}"
            );
        }
    }

    #[test]
    fn refused_keys_name_the_problem_without_the_key() {
        let vectors = load();
        for refused in &vectors.refused_keys {
            let name = format!("{FILE}: {}", refused.name);
            let (error, text): (SecretError, &str) = match (&refused.key, &refused.signing_key) {
                (Some(key), None) => (
                    StandardWebhooksVerifier::from_public_keys([key]).unwrap_err(),
                    key,
                ),
                (None, Some(key)) => (
                    Signer::<StandardWebhooks>::from_signing_key(key).unwrap_err(),
                    key,
                ),
                _ => panic!("{name}: give key or signing_key"),
            };
            assert_eq!(format!("{error:?}"), refused.error, "{name}");
            let message = error.to_string();
            let encoded = text.trim_start_matches("whpk_").trim_start_matches("whsk_");
            assert!(!message.contains(encoded), "{name}: {message}");
            if let Some(forged) = &refused.forged_signature {
                // The forgery a lax verifier would accept under that key
                // matches nothing under a real one.
                let outcome = StandardWebhooksVerifier::from_public_keys([&vectors.keys["raw"]])
                    .unwrap()
                    .verify_at(
                        &headers(&vectors, forged),
                        b"any body at all",
                        vectors.timestamp,
                    );
                assert_eq!(outcome.unwrap_err().code(), "signature_mismatch", "{name}");
            }
        }
    }
}
