//! Run with `cargo run --example quickstart`.
//!
//! Signs a Nomos test event the way Nomos does, verifies it, then shows a
//! forged copy and a stale copy refused with their stable codes. Exits 0
//! only when every answer is the expected one.

use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hookguard::scheme::Nomos;
use hookguard::{NomosVerifier, Signer};

fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    // In a real receiver the secret comes from the environment, never from code.
    let secret =
        std::env::var("NOMOS_WEBHOOK_SECRET").unwrap_or_else(|_| "quickstart-demo-secret".into());
    let verifier = NomosVerifier::new([&secret])?.with_tolerance(Duration::from_secs(300));
    let signer = Signer::<Nomos>::new(&secret)?;

    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let body = br#"{"id":"evt_quickstart","timestamp":"2026-01-15T10:30:00Z","topic":"test.event","context":{}}"#;
    let fresh = signer.sign(now, "", body)?;
    let stale = signer.sign(now - 3600, "", body)?;
    let forged_body = br#"{"id":"evt_quickstart","timestamp":"2026-01-15T10:30:00Z","topic":"subscription.terminated","context":{}}"#;

    let cases: [(&str, &hookguard::http::HeaderMap, &[u8], &str); 3] = [
        ("signed test event", &fresh, body, "ok"),
        ("forged body", &fresh, forged_body, "signature_mismatch"),
        ("sent an hour ago", &stale, body, "timestamp_too_old"),
    ];

    println!(
        "{:<20} {:<20} {:<6} as expected",
        "delivery", "outcome", "status"
    );
    let mut all_right = true;
    for (name, headers, body, expected) in cases {
        let (outcome, status) = match verifier.verify(headers, body) {
            Ok(_) => ("ok", 200),
            Err(error) => (error.code(), error.http_status()),
        };
        let right = outcome == expected;
        all_right &= right;
        println!(
            "{name:<20} {outcome:<20} {status:<6} {}",
            if right { "yes" } else { "NO" }
        );
    }
    Ok(if all_right {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
