//! Noma's `[sha256=]<hex>` header: any value, any answer, no panic.
#![no_main]

use hookguard_core::NomaVerifier;
use hookguard_core::http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|value: &[u8]| {
    let Ok(value) = HeaderValue::from_bytes(value) else { return };
    let headers = HeaderMap::from_iter([("x-webhook-signature".parse().unwrap(), value)]);
    let verifier = NomaVerifier::new(["fuzz-secret"]).unwrap();
    let _ = verifier.verify_at(&headers, b"{}", 1_700_000_000);
});
