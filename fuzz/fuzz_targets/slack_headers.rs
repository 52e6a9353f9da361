//! Slack's two headers, from the input's first two lines (signature,
//! timestamp): any values, any answer, no panic.
#![no_main]

use hookguard_core::SlackVerifier;
use hookguard_core::http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let mut headers = HeaderMap::new();
    let names = ["x-slack-signature", "x-slack-request-timestamp"];
    for (name, value) in names.into_iter().zip(input.split(|&byte| byte == b'\n')) {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.insert(name, value);
        }
    }
    let verifier = SlackVerifier::new(["fuzz-secret"]).unwrap();
    let _ = verifier.verify_at(&headers, b"{}", 1_700_000_000);
});
