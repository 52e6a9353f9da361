//! The `t=…,v1=…` parser through Stripe's header: any value, any answer, no panic.
#![no_main]

use hookguard_core::StripeVerifier;
use hookguard_core::http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|value: &[u8]| {
    let Ok(value) = HeaderValue::from_bytes(value) else { return };
    let headers = HeaderMap::from_iter([("stripe-signature".parse().unwrap(), value)]);
    let verifier = StripeVerifier::new(["fuzz-secret"]).unwrap();
    let _ = verifier.verify_at(&headers, b"{}", 1_700_000_000);
});
