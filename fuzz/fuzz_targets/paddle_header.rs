//! Paddle's `ts=…;h1=…` header: any value, any answer, no panic, and
//! never more than 16 signature entries considered.
#![no_main]

use hookguard_core::PaddleVerifier;
use hookguard_core::http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|value: &[u8]| {
    let Ok(value) = HeaderValue::from_bytes(value) else { return };
    let headers = HeaderMap::from_iter([("paddle-signature".parse().unwrap(), value)]);
    let verifier = PaddleVerifier::new(["fuzz-secret"]).unwrap();
    let _ = verifier.verify_at(&headers, b"{}", 1_700_000_000);
});
