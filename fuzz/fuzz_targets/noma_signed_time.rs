//! Noma's signed-time reader on any authentic body: the body is signed
//! first, so the scan of its `timestamp` member always runs.
#![no_main]

use hookguard_core::scheme::Noma;
use hookguard_core::{NomaVerifier, Signer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let headers = Signer::<Noma>::new("fuzz-secret").unwrap().sign(0, "", body).unwrap();
    let verifier = NomaVerifier::new(["fuzz-secret"]).unwrap();
    if let Err(error) = verifier.verify_at(&headers, body, 1_700_000_000) {
        assert_ne!(error.code(), "signature_mismatch", "an authentic body was refused as forged");
    }
});
