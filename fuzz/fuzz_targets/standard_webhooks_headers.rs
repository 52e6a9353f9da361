//! The three Standard Webhooks headers, taken from the input's first three
//! lines (id, timestamp, signature list): any values, any answer, no panic,
//! for a verifier that holds a secret (`v1`) and a public key (`v1a`), so
//! both the HMAC and the ed25519 paths run on whatever the header holds.
#![no_main]

use std::sync::LazyLock;

use hookguard_core::StandardWebhooksVerifier;
use hookguard_core::http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

static VERIFIER: LazyLock<StandardWebhooksVerifier> = LazyLock::new(|| {
    StandardWebhooksVerifier::new(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"])
        .unwrap()
        .with_public_key("whpk_IVL40Zt5HSRFMkLhXy6rbLfP+ntqXtMAl5YOBpiB2xI=")
        .unwrap()
});

fuzz_target!(|input: &[u8]| {
    let mut headers = HeaderMap::new();
    let names = ["webhook-id", "webhook-timestamp", "webhook-signature"];
    for (name, value) in names.into_iter().zip(input.split(|&byte| byte == b'\n')) {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.insert(name, value);
        }
    }
    let _ = VERIFIER.verify_at(&headers, b"{}", 1_700_000_000);
});
