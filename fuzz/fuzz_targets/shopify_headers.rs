//! Shopify's base64 signature header and its unsigned topic and webhook id,
//! from the input's first three lines: any values, any answer, no panic.
#![no_main]

use hookguard_core::ShopifyVerifier;
use hookguard_core::http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let mut headers = HeaderMap::new();
    let names = ["x-shopify-hmac-sha256", "x-shopify-topic", "x-shopify-webhook-id"];
    for (name, value) in names.into_iter().zip(input.split(|&byte| byte == b'\n')) {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(name, value);
        }
    }
    let verifier = ShopifyVerifier::new(["fuzz-secret"]).unwrap();
    let _ = verifier.verify_at(&headers, b"{}", 1_700_000_000);
});
