//! Linear's hex signature header and its unsigned delivery id, from the
//! input's first two lines: any values, any answer, no panic.
#![no_main]

use hookguard_core::LinearVerifier;
use hookguard_core::http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let mut headers = HeaderMap::new();
    let names = ["linear-signature", "linear-delivery"];
    for (name, value) in names.into_iter().zip(input.split(|&byte| byte == b'\n')) {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(name, value);
        }
    }
    let verifier = LinearVerifier::new(["fuzz-secret"]).unwrap();
    let _ = verifier.verify_at(&headers, br#"{"webhookTimestamp":1700000000000}"#, 1_700_000_000);
});
