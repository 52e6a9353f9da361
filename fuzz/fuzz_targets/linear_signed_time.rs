//! Linear's signed-time reader on any authentic body: the body is signed
//! first, so the scan of its `webhookTimestamp` member always runs.
#![no_main]

use hookguard_core::scheme::Linear;
use hookguard_core::{LinearVerifier, Signer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let headers = Signer::<Linear>::new("fuzz-secret").unwrap().sign(0, "", body).unwrap();
    let verifier = LinearVerifier::new(["fuzz-secret"]).unwrap();
    if let Err(error) = verifier.verify_at(&headers, body, 1_700_000_000) {
        assert_ne!(error.code(), "signature_mismatch", "an authentic body was refused as forged");
    }
});
