//! The three Standard Webhooks headers, taken from the input's first three
//! lines (id, timestamp, signature list): any values, any answer, no panic.
#![no_main]

use hookguard_core::StandardWebhooksVerifier;
use hookguard_core::http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let mut headers = HeaderMap::new();
    let names = ["webhook-id", "webhook-timestamp", "webhook-signature"];
    for (name, value) in names.into_iter().zip(input.split(|&byte| byte == b'\n')) {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.insert(name, value);
        }
    }
    let verifier = StandardWebhooksVerifier::new(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]).unwrap();
    let _ = verifier.verify_at(&headers, b"{}", 1_700_000_000);
});
