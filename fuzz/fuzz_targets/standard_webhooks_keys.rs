//! The Standard Webhooks key and secret parsers (`whpk_`, `whsk_`,
//! `whsec_`: raw, SPKI, seed, seed‖public, lenient base64): any text is
//! refused with a reason or read, never a panic; a key that is read signs
//! or verifies a delivery without a panic.
#![no_main]

use hookguard_core::scheme::StandardWebhooks;
use hookguard_core::{Signer, StandardWebhooksVerifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let body = b"{}";
    if let Ok(signer) = Signer::<StandardWebhooks>::from_signing_key(text) {
        let headers = signer.sign(1_700_000_000, "msg_1", body).unwrap();
        let _ = StandardWebhooksVerifier::from_public_keys(["whpk_IVL40Zt5HSRFMkLhXy6rbLfP+ntqXtMAl5YOBpiB2xI="])
            .unwrap()
            .verify_at(&headers, body, 1_700_000_000);
    }
    if let Ok(verifier) = StandardWebhooksVerifier::from_public_keys([text]) {
        let headers = Signer::<StandardWebhooks>::from_signing_key("whsk_QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=")
            .unwrap()
            .sign(1_700_000_000, "msg_1", body)
            .unwrap();
        let _ = verifier.verify_at(&headers, body, 1_700_000_000);
    }
    let _ = StandardWebhooksVerifier::new([text]);
});
