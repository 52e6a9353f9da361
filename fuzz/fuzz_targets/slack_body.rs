//! Slack's body reader (JSON, or a form with percent-decoding and a
//! `payload` field) and its handshake answer, on any authentic body.
#![no_main]

use hookguard_core::generic::SlackEvent;
use hookguard_core::scheme::Slack;
use hookguard_core::{FixedClock, Signer, SlackVerifier, receive};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let headers = Signer::<Slack>::new("fuzz-secret").unwrap().sign(1_700_000_000, "", body).unwrap();
    let verifier = SlackVerifier::new(["fuzz-secret"]).unwrap().with_clock(FixedClock(1_700_000_000));
    match receive::accept::<SlackEvent>(&verifier, &headers, body.to_vec()) {
        Ok(delivery) => {
            let _ = serde_json::to_string(&delivery.event);
            assert!(delivery.replay_id().is_some(), "every Slack delivery has a replay key");
        }
        Err(error) => assert!(
            matches!(error.code(), "invalid_payload" | "handshake"),
            "an authentic body was refused with {}",
            error.code()
        ),
    }
});
