//! Standard Webhooks `v1a` keys and secrets that retire on a date, through
//! the command (SPEC §9, §11): `--public-key`, `--signing-key-env`,
//! `--retiring-secret-env`/`--retire-at`, and the `public_key_index` of
//! the JSON line.

#![allow(clippy::unwrap_used)]

mod common;

use std::process::{Command, Output, Stdio};

use common::{Listener, Stdout, post, temp_file, text, unix_now};

/// The Python `cryptography` vector (tests/data of the core): seed 0x42…
const SIGNING_KEY: &str = "whsk_QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=";
const PUBLIC_KEY: &str = "whpk_IVL40Zt5HSRFMkLhXy6rbLfP+ntqXtMAl5YOBpiB2xI=";
const PUBLIC_KEY_SPKI: &str = "MCowBQYDK2VwAyEAIVL40Zt5HSRFMkLhXy6rbLfP+ntqXtMAl5YOBpiB2xI=";
const OTHER_PUBLIC_KEY: &str = "Md6+VdN8cidosTcTHKpghwgLLgtguUvXhdFFdc+kmLw=";
/// … and the signature Python made for the spec's message with it.
const V1A: &str =
    "v1a,qYnyDbeAqyu4jBMheLPUyku8JAdUW0A4BcXGA2GFVqq1UtSKpgnVlRi0tbWyZFXoKu7P01bV2zGRktuITL4bBw==";
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const V1: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP: &str = "1614265330";
const BODY: &[u8] = br#"{"test": 2432232314}"#;

/// `hookguard` with `env` set in its environment.
fn hookguard_with_env(arguments: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookguard"))
        .args(arguments)
        .envs(env.iter().copied())
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn sign(extra: &[&str], env: &[(&str, &str)]) -> Output {
    let body = temp_file("keys-body", BODY);
    let arguments = [
        &[
            "sign",
            "--provider",
            "standard",
            "--body-file",
            body.to_str().unwrap(),
            "--timestamp",
            TIMESTAMP,
            "--id",
            ID,
        ][..],
        extra,
    ]
    .concat();
    hookguard_with_env(&arguments, env)
}

fn verify(provider: &str, signature: &str, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let body = temp_file("keys-body", BODY);
    let id = format!("webhook-id: {ID}");
    let timestamp = format!("webhook-timestamp: {TIMESTAMP}");
    let signature = format!("webhook-signature: {signature}");
    let arguments = [
        &[
            "verify",
            "--provider",
            provider,
            "--header",
            &id,
            "--header",
            &timestamp,
            "--header",
            &signature,
            "--body-file",
            body.to_str().unwrap(),
            "--now",
            TIMESTAMP,
        ][..],
        extra,
    ]
    .concat();
    hookguard_with_env(&arguments, env)
}

/// The `secret_index` and `public_key_index` of an accepted line.
fn indexes(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let line = text(&output.stdout);
    let start = line.find(r#""secret_index""#).unwrap();
    let end = line.find(r#","topic""#).unwrap();
    line[start..end].to_owned()
}

#[test]
fn sign_with_a_signing_key_gives_pythons_v1a_signature_and_with_a_secret_both_entries() {
    for key in [
        SIGNING_KEY,
        // Svix's 64-byte form: seed and public key.
        "whsk_QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkIhUvjRm3kdJEUyQuFfLqtst8/6e2pe0wCXlg4GmIHbEg==",
    ] {
        let output = sign(
            &["--signing-key-env", "SIGNING_KEY"],
            &[("SIGNING_KEY", key)],
        );
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        assert_eq!(
            text(&output.stdout),
            format!("webhook-id: {ID}\nwebhook-timestamp: {TIMESTAMP}\nwebhook-signature: {V1A}\n")
        );
    }
    let both = sign(
        &["--secret", SECRET, "--signing-key-env", "SIGNING_KEY"],
        &[("SIGNING_KEY", SIGNING_KEY)],
    );
    assert!(
        text(&both.stdout).ends_with(&format!("webhook-signature: {V1} {V1A}\n")),
        "{}",
        text(&both.stdout)
    );
}

#[test]
fn verify_with_public_keys_reports_the_public_key_index() {
    for key in [PUBLIC_KEY, PUBLIC_KEY_SPKI] {
        let output = verify("standard", V1A, &["--public-key", key], &[]);
        assert_eq!(
            indexes(&output),
            r#""secret_index":null,"public_key_index":0"#
        );
    }
    let second = verify(
        "standard",
        &format!("{V1} {V1A}"),
        &["--public-key", OTHER_PUBLIC_KEY, "--public-key", PUBLIC_KEY],
        &[],
    );
    assert_eq!(
        indexes(&second),
        r#""secret_index":null,"public_key_index":1"#
    );
    // With a secret too, a matching `v1` is reported as the secret.
    let mixed = verify(
        "standard",
        &format!("{V1A} {V1}"),
        &["--secret", SECRET, "--public-key", PUBLIC_KEY],
        &[],
    );
    assert_eq!(
        indexes(&mixed),
        r#""secret_index":0,"public_key_index":null"#
    );

    let wrong = verify("standard", V1A, &["--public-key", OTHER_PUBLIC_KEY], &[]);
    assert_eq!(wrong.status.code(), Some(1));
    assert_eq!(
        text(&wrong.stdout),
        "{\"ok\":false,\"error\":\"signature_mismatch\"}\n"
    );
    let seventeen = vec![V1A; 17].join(" ");
    let crowded = verify("standard", &seventeen, &["--public-key", PUBLIC_KEY], &[]);
    assert_eq!(
        text(&crowded.stdout),
        "{\"ok\":false,\"error\":\"malformed_header\"}\n"
    );
}

#[test]
fn keys_are_for_standard_webhooks_only_and_a_bad_key_is_a_usage_error_that_hides_it() {
    let nomos = verify("nomos", V1A, &["--public-key", PUBLIC_KEY], &[]);
    assert_eq!(nomos.status.code(), Some(2));
    assert!(text(&nomos.stderr).contains("--public-key is for --provider standard"));

    let body = temp_file("keys-nomos", b"{}");
    let signed = hookguard_with_env(
        &[
            "sign",
            "--provider",
            "nomos",
            "--signing-key-env",
            "SIGNING_KEY",
            "--body-file",
            body.to_str().unwrap(),
        ],
        &[("SIGNING_KEY", SIGNING_KEY)],
    );
    assert_eq!(signed.status.code(), Some(2));
    assert!(text(&signed.stderr).contains("--signing-key-env is for --provider standard"));
    assert!(!text(&signed.stderr).contains(&SIGNING_KEY[5..]));

    let truncated = &PUBLIC_KEY[..40];
    let bad = verify("standard", V1A, &["--public-key", truncated], &[]);
    assert_eq!(bad.status.code(), Some(2));
    let message = text(&bad.stderr);
    assert!(
        message.contains("public key is neither 32 bytes"),
        "{message}"
    );
    assert!(!message.contains(&truncated[5..]), "{message}");

    // Svix's 64-byte form whose public half is another key's.
    let mismatched = "whsk_QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkIx3r5V03xyJ2ixNxMcqmCHCAsuC2C5S9eF0UV1z6SYvA==";
    let refused = sign(
        &["--signing-key-env", "SIGNING_KEY"],
        &[("SIGNING_KEY", mismatched)],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("public half does not match its seed"));
    assert!(!text(&refused.stderr).contains(&mismatched[5..30]));

    let nothing = verify("standard", V1A, &[], &[]);
    assert_eq!(nothing.status.code(), Some(2));
}

#[test]
fn a_retiring_secret_matches_until_its_date_and_never_after() {
    let env = [("OLD_SECRET", SECRET)];
    let retiring = |retire_at: &str| {
        verify(
            "standard",
            V1,
            &[
                "--secret",
                "whsec_bmV3IHNlY3JldA==",
                "--retiring-secret-env",
                "OLD_SECRET",
                "--retire-at",
                retire_at,
            ],
            &env,
        )
    };
    // `--now` is the signed time: retiring at that very second still matches.
    assert_eq!(
        indexes(&retiring(TIMESTAMP)),
        r#""secret_index":1,"public_key_index":null"#
    );
    let retired = retiring("1614265329");
    assert_eq!(retired.status.code(), Some(1));
    assert_eq!(
        text(&retired.stdout),
        "{\"ok\":false,\"error\":\"signature_mismatch\"}\n"
    );
    // Only retiring secrets: allowed, counted from 0.
    let only = verify(
        "standard",
        V1,
        &[
            "--retiring-secret-env",
            "OLD_SECRET",
            "--retire-at",
            TIMESTAMP,
        ],
        &env,
    );
    assert_eq!(
        indexes(&only),
        r#""secret_index":0,"public_key_index":null"#
    );

    let unpaired = verify(
        "standard",
        V1,
        &[
            "--retiring-secret-env",
            "OLD_SECRET",
            "--retiring-secret-env",
            "OLD_SECRET",
            "--retire-at",
            TIMESTAMP,
        ],
        &env,
    );
    assert_eq!(unpaired.status.code(), Some(2));
    assert!(text(&unpaired.stderr).contains("one --retire-at for each --retiring-secret-env"));
    let alone = verify(
        "standard",
        V1,
        &["--retire-at", TIMESTAMP, "--secret", SECRET],
        &env,
    );
    assert_eq!(alone.status.code(), Some(2));
}

#[test]
fn listen_accepts_a_v1a_delivery_sent_with_a_signing_key() {
    let listener = Listener::start(
        &["--provider", "standard", "--public-key", PUBLIC_KEY],
        Stdout::Collected,
    );
    let body = br#"{"type":"invoice.paid"}"#;
    let path = temp_file("keys-listen", body);
    let now = unix_now().to_string();
    let output = hookguard_with_env(
        &[
            "sign",
            "--provider",
            "standard",
            "--signing-key-env",
            "SIGNING_KEY",
            "--body-file",
            path.to_str().unwrap(),
            "--timestamp",
            &now,
            "--id",
            "msg_listen",
        ],
        &[("SIGNING_KEY", SIGNING_KEY)],
    );
    let headers: Vec<(String, String)> = text(&output.stdout)
        .lines()
        .map(|line| {
            let (name, value) = line.split_once(": ").unwrap();
            (name.to_owned(), value.to_owned())
        })
        .collect();
    let answer = post(listener.address, "/", &headers, body);
    assert_eq!(answer.status, 204, "{}", answer.body);
    let lines = listener.lines_after(1);
    assert!(
        lines[0].starts_with(
            r#"{"ok":true,"provider":"standard","secret_index":null,"public_key_index":0,"topic":"invoice.paid","id":"msg_listen""#
        ),
        "{lines:?}"
    );
}

#[test]
fn send_signs_with_the_signing_key_from_the_environment() {
    let listener = Listener::start(
        &["--provider", "standard", "--public-key", PUBLIC_KEY_SPKI],
        Stdout::Collected,
    );
    let url = listener.url();
    let sent = hookguard_with_env(
        &[
            "send",
            "--provider",
            "standard",
            "--signing-key-env",
            "SIGNING_KEY",
            "--url",
            &url,
            "--topic",
            "invoice.paid",
        ],
        &[("SIGNING_KEY", SIGNING_KEY)],
    );
    assert_eq!(sent.status.code(), Some(0), "{}", text(&sent.stderr));
    let lines = listener.lines_after(1);
    assert!(lines[0].contains(r#""public_key_index":0"#), "{lines:?}");
}
