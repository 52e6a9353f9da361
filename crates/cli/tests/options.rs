//! The command's options from issue 15: `--secret-file` everywhere, help
//! text that is true, `send --topic` known topics, `send --id` and
//! `--header`, `listen --path`, `send` over https (and `--insecure` for a
//! local self-signed receiver only), Redis errors that name host:port but
//! never a password, and `scripts/load.sh`'s options.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use common::{Listener, Stdout, hookguard, post, sign, temp_file, text};

const NOMOS: &str = r#"{"id":"evt_opt","timestamp":"2026-01-15T10:30:00Z","topic":"subscription.ended","context":{"subscription":"sub_9"}}"#;

fn exit_and_stderr(output: &std::process::Output) -> (Option<i32>, String) {
    (output.status.code(), text(&output.stderr))
}

#[test]
fn secret_file_gives_its_first_line_to_sign_verify_send_and_listen() {
    let secret_file = temp_file(
        "secret",
        b"from-a-file\nthe second line is not the secret\n",
    );
    let secret_path = secret_file.to_str().unwrap();
    let body = temp_file("secret-body", NOMOS.as_bytes());
    let body_path = body.to_str().unwrap();
    let signed_with = |source: &[&str]| {
        let output = hookguard(
            &[
                &[
                    "sign",
                    "--provider",
                    "nomos",
                    "--body-file",
                    body_path,
                    "--timestamp",
                    "1768473000",
                ][..],
                source,
            ]
            .concat(),
        );
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        text(&output.stdout)
    };
    let from_file = signed_with(&["--secret-file", secret_path]);
    assert_eq!(from_file, signed_with(&["--secret", "from-a-file"]));

    let header = from_file.trim_end().to_owned();
    let verified = hookguard(&[
        "verify",
        "--provider",
        "nomos",
        "--secret",
        "other",
        "--secret-file",
        secret_path,
        "--header",
        &header,
        "--body-file",
        body_path,
        "--now",
        "1768473000",
    ]);
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        text(&verified.stderr)
    );
    assert!(text(&verified.stdout).contains(r#""secret_index":1"#));

    // A CRLF file works too.
    let crlf = temp_file("secret-crlf", b"from-a-file\r\n");
    let listener = Listener::start(
        &[
            "--provider",
            "nomos",
            "--secret-file",
            crlf.to_str().unwrap(),
        ],
        Stdout::Collected,
    );
    let sent = hookguard(&[
        "send",
        "--provider",
        "nomos",
        "--secret-file",
        secret_path,
        "--url",
        &listener.url(),
        "--topic",
        "test.event",
    ]);
    assert_eq!(
        (sent.status.code(), text(&sent.stdout)),
        (Some(0), "204 No Content\n".to_owned()),
        "{}",
        text(&sent.stderr)
    );
    assert_eq!(listener.lines_after(1).len(), 1);
}

#[test]
fn secret_file_refuses_an_empty_first_line_and_never_prints_the_secret() {
    let body = temp_file("refuse-body", NOMOS.as_bytes());
    let body_path = body.to_str().unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty", b"", "the first line is empty"),
        (
            "blank-first",
            b"\nhidden-secret-42\n",
            "the first line is empty",
        ),
        ("padded", b" hidden-secret-42\n", "white space"),
        ("binary", b"hidden-secret-42\xff\n", "not UTF-8"),
    ];
    for (name, contents, reason) in cases {
        let path = temp_file(&format!("secret-{name}"), contents);
        for command in ["sign", "verify"] {
            let output = hookguard(&[
                command,
                "--provider",
                "nomos",
                "--secret-file",
                path.to_str().unwrap(),
                "--body-file",
                body_path,
            ]);
            let (code, stderr) = exit_and_stderr(&output);
            assert_eq!(code, Some(2), "{name} {command}: {stderr}");
            assert!(stderr.contains(reason), "{name} {command}: {stderr}");
            assert!(!stderr.contains("hidden-secret-42"), "{name}: {stderr}");
            assert!(output.stdout.is_empty());
        }
    }
    let missing = hookguard(&[
        "sign",
        "--provider",
        "nomos",
        "--secret-file",
        "/nonexistent/secret",
        "--body-file",
        body_path,
    ]);
    let (code, stderr) = exit_and_stderr(&missing);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("cannot read --secret-file /nonexistent/secret"),
        "{stderr}"
    );
}

#[test]
fn signing_takes_exactly_one_secret() {
    let body = temp_file("two-secrets", NOMOS.as_bytes());
    let output = hookguard(&[
        "sign",
        "--provider",
        "nomos",
        "--secret",
        "one",
        "--secret",
        "two",
        "--body-file",
        body.to_str().unwrap(),
    ]);
    let (code, stderr) = exit_and_stderr(&output);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("signing uses one secret"), "{stderr}");
}

#[test]
fn help_text_is_true_per_command() {
    let help = |command: &str| text(&hookguard(&[command, "--help"]).stdout);
    for command in ["verify", "listen"] {
        let help = help(command);
        assert!(!help.contains("used to sign"), "{command}:\n{help}");
        assert!(
            help.contains("a delivery passes if any matches"),
            "{command}:\n{help}"
        );
        assert!(help.contains("--secret-file"), "{command}:\n{help}");
    }
    for command in ["sign", "send"] {
        let help = help(command);
        assert!(
            help.contains("The endpoint secret to sign with"),
            "{command}:\n{help}"
        );
        assert!(help.contains("--secret-file"), "{command}:\n{help}");
    }
    let send = help("send");
    for topic in [
        "subscription.created",
        "subscription.confirmed",
        "subscription.activated",
        "subscription.terminated",
        "subscription.ended",
        "test.event",
        "content.created",
        "content.updated",
        "content.published",
        "content.unpublished",
        "content.deleted",
        "content.trashed",
        "content.restored",
        "auth.signup.success",
        "auth.login.success",
        "auth.logout.success",
        "auth.logout_all.success",
        "auth.email_verification.verified",
    ] {
        assert!(
            send.contains(topic),
            "{topic} missing from send --help:\n{send}"
        );
    }
    for flag in ["--id", "--header", "--insecure", "https://"] {
        assert!(
            send.contains(flag),
            "{flag} missing from send --help:\n{send}"
        );
    }
}

/// A one-request-per-connection HTTP server on 127.0.0.1 that answers 204
/// and hands each raw request to the test; over TLS when given a config.
fn capture_server(tls: Option<Arc<rustls::ServerConfig>>) -> (SocketAddr, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let (requests, received) = mpsc::channel();
    std::thread::spawn(move || {
        // Bounded: at most 8 connections, then the thread ends.
        for stream in listener.incoming().take(8) {
            let Ok(stream) = stream else { continue };
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let request = match &tls {
                None => exchange(stream),
                Some(config) => {
                    let connection = rustls::ServerConnection::new(Arc::clone(config)).unwrap();
                    exchange(rustls::StreamOwned::new(connection, stream))
                }
            };
            if let Some(request) = request {
                let _ = requests.send(request);
            }
        }
    });
    (address, received)
}

/// Reads one request (head and `Content-Length` body), answers 204.
fn exchange(mut stream: impl Read + Write) -> Option<String> {
    let mut raw = Vec::new();
    let mut buffer = [0_u8; 4096];
    let head_end = loop {
        if let Some(end) = raw.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
        let count = stream.read(&mut buffer).ok()?;
        if count == 0 {
            return None;
        }
        raw.extend_from_slice(&buffer[..count]);
    };
    let head = text(&raw[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .map_or(0, |value| value.trim().parse().unwrap());
    while raw.len() < head_end + length {
        let count = stream.read(&mut buffer).ok()?;
        if count == 0 {
            return None;
        }
        raw.extend_from_slice(&buffer[..count]);
    }
    stream
        .write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        .ok()?;
    stream.flush().ok()?;
    Some(text(&raw))
}

fn send(arguments: &[&str]) -> std::process::Output {
    hookguard(&[&["send"], arguments].concat())
}

#[test]
fn send_topic_warns_on_an_unknown_topic_and_sends_it_anyway() {
    let (address, requests) = capture_server(None);
    let url = format!("http://{address}/");
    let output = send(&[
        "--provider",
        "nomos",
        "--secret",
        "s",
        "--url",
        &url,
        "--topic",
        "invoice.paid",
    ]);
    let (code, stderr) = exit_and_stderr(&output);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains(
            r#"warning: "invoice.paid" is not a known nomos topic (known: subscription.created"#
        ),
        "{stderr}"
    );
    let request = requests.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(request.contains(r#""topic":"invoice.paid""#), "{request}");

    let known = send(&[
        "--provider",
        "nomos",
        "--secret",
        "s",
        "--url",
        &url,
        "--topic",
        "test.event",
    ]);
    assert_eq!(exit_and_stderr(&known), (Some(0), String::new()));
    // Standard Webhooks, Stripe and GitHub topics are the sender's own: no warning.
    let open = send(&[
        "--provider",
        "stripe",
        "--secret",
        "s",
        "--url",
        &url,
        "--topic",
        "invoice.paid",
    ]);
    assert_eq!(exit_and_stderr(&open), (Some(0), String::new()));
}

#[test]
fn send_id_and_repeated_headers_reach_the_receiver() {
    let (address, requests) = capture_server(None);
    let output = send(&[
        "--provider",
        "standard",
        "--secret",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "--url",
        &format!("http://{address}/"),
        "--topic",
        "invoice.paid",
        "--id",
        "msg_fixed",
        "--header",
        "X-Trace: first",
        "--header",
        "X-Trace: second",
        "--header",
        "X-Tenant: acme",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let request = requests
        .recv_timeout(Duration::from_secs(10))
        .unwrap()
        .to_ascii_lowercase();
    for expected in [
        "webhook-id: msg_fixed\r\n",
        "x-trace: first\r\n",
        "x-trace: second\r\n",
        "x-tenant: acme\r\n",
        r#""id":"msg_fixed""#,
    ] {
        assert!(
            request.contains(expected),
            "{expected} missing from\n{request}"
        );
    }
}

#[test]
fn send_id_makes_a_duplicate_and_send_header_replaces_a_signature() {
    let listener = Listener::start(
        &[
            "--provider",
            "nomos",
            "--secret",
            "s3cret",
            "--dedupe",
            "memory",
        ],
        Stdout::Collected,
    );
    let url = listener.url();
    let twice = |extra: &[&str]| {
        let output = send(
            &[
                &[
                    "--provider",
                    "nomos",
                    "--secret",
                    "s3cret",
                    "--url",
                    &url,
                    "--topic",
                    "test.event",
                ][..],
                extra,
            ]
            .concat(),
        );
        (output.status.code(), text(&output.stdout))
    };
    assert_eq!(
        twice(&["--id", "evt_same"]),
        (Some(0), "204 No Content\n".to_owned())
    );
    assert_eq!(
        twice(&["--id", "evt_same"]),
        (Some(0), "200 OK\n{\"error\":\"duplicate\"}\n".to_owned())
    );
    let forged = format!(
        "X-Nomos-Signature: t={},v1={}",
        common::unix_now(),
        "0".repeat(64)
    );
    assert_eq!(
        twice(&["--header", &forged]),
        (
            Some(1),
            "401 Unauthorized\n{\"error\":\"signature_mismatch\"}\n".to_owned()
        )
    );
    let lines = listener.lines_after(1);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains(r#""id":"evt_same""#));
}

#[test]
fn listen_path_serves_post_there_405_for_other_methods_404_elsewhere() {
    let listener = Listener::start(
        &[
            "--provider",
            "nomos",
            "--secret",
            "s3cret",
            "--path",
            "/webhooks/nomos",
        ],
        Stdout::Collected,
    );
    let headers = sign("nomos", "s3cret", NOMOS.as_bytes());
    assert_eq!(
        post(
            listener.address,
            "/webhooks/nomos",
            &headers,
            NOMOS.as_bytes()
        )
        .status,
        204
    );
    assert_eq!(
        post(listener.address, "/", &headers, NOMOS.as_bytes()).status,
        404
    );
    assert_eq!(
        post(
            listener.address,
            "/webhooks/nomos/",
            &headers,
            NOMOS.as_bytes()
        )
        .status,
        404
    );
    for method in ["GET", "PUT", "DELETE"] {
        let mut stream = std::net::TcpStream::connect(listener.address).unwrap();
        write!(stream, "{method} /webhooks/nomos HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").unwrap();
        let answer = common::read_answer(&mut stream);
        assert_eq!(
            (answer.status, answer.header("allow")),
            (405, Some("POST")),
            "{method}"
        );
    }
    assert_eq!(listener.lines_after(1).len(), 1);

    for bad in ["webhooks", "/{id}", "/a b"] {
        let output = hookguard(&[
            "listen",
            "--provider",
            "nomos",
            "--secret",
            "s",
            "--path",
            bad,
            "--addr",
            "127.0.0.1:0",
        ]);
        let (code, stderr) = exit_and_stderr(&output);
        assert_eq!(code, Some(2), "{bad}: {stderr}");
        assert!(stderr.contains("--path"), "{bad}: {stderr}");
    }
}

/// A rustls server config with a fresh self-signed certificate for
/// localhost and 127.0.0.1.
fn self_signed() -> Arc<rustls::ServerConfig> {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![certified.cert.der().clone()], key)
    .unwrap();
    Arc::new(config)
}

#[test]
fn send_over_https_checks_the_certificate_unless_insecure_on_loopback() {
    let (address, requests) = capture_server(Some(self_signed()));
    let arguments = |url: &str, extra: &[&str]| {
        [
            &[
                "--provider",
                "nomos",
                "--secret",
                "s",
                "--url",
                url,
                "--topic",
                "test.event",
            ][..],
            extra,
        ]
        .concat()
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>()
    };
    let run = |arguments: Vec<String>| {
        let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
        send(&arguments)
    };

    for url in [
        format!("https://127.0.0.1:{}/", address.port()),
        format!("https://localhost:{}/", address.port()),
    ] {
        let insecure = run(arguments(&url, &["--insecure"]));
        let (code, stderr) = exit_and_stderr(&insecure);
        assert_eq!(
            (code, text(&insecure.stdout)),
            (Some(0), "204 No Content\n".to_owned()),
            "{url}: {stderr}"
        );
        assert!(
            stderr.contains("WARNING: --insecure: the certificate of"),
            "{stderr}"
        );
        let request = requests
            .recv_timeout(Duration::from_secs(10))
            .unwrap()
            .to_ascii_lowercase();
        assert!(request.starts_with("post / http/1.1\r\n"), "{request}");
        assert!(request.contains("x-nomos-signature: t="), "{request}");
    }

    // Without --insecure the self-signed certificate is refused.
    let checked = run(arguments(
        &format!("https://localhost:{}/", address.port()),
        &[],
    ));
    let (code, stderr) = exit_and_stderr(&checked);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot reach https://localhost:"),
        "{stderr}"
    );
    assert!(
        stderr.to_ascii_lowercase().contains("certificate"),
        "{stderr}"
    );

    // --insecure is refused for any other host, and for plain http; nothing is sent.
    for (url, reason) in [
        (
            "https://example.com/hooks",
            "only for a receiver on this machine",
        ),
        ("https://10.0.0.1/", "only for a receiver on this machine"),
        ("http://127.0.0.1:9/", "https:// URLs only"),
    ] {
        let output = run(arguments(url, &["--insecure"]));
        let (code, stderr) = exit_and_stderr(&output);
        assert_eq!(code, Some(2), "{url}: {stderr}");
        assert!(stderr.contains(reason), "{url}: {stderr}");
        assert!(output.stdout.is_empty());
    }
    let scheme = run(arguments("ftp://127.0.0.1/", &[]));
    assert_eq!(exit_and_stderr(&scheme).0, Some(2));
}

#[test]
fn redis_errors_name_host_port_and_the_cause_never_the_password() {
    let closed = common::free_address();
    let url = format!("redis://hookguard:hunter2-password@{closed}/0");
    let output = hookguard(&[
        "listen",
        "--provider",
        "nomos",
        "--secret",
        "s",
        "--dedupe",
        &url,
        "--addr",
        "127.0.0.1:0",
    ]);
    let (code, stderr) = exit_and_stderr(&output);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot connect to the Redis replay store at {closed}: "
        )),
        "{stderr}"
    );
    assert!(
        stderr.to_ascii_lowercase().contains("refused"),
        "the cause: {stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(!stderr.contains("(Io)"), "{stderr}");
}

fn load_script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/load.sh")
}

#[test]
fn load_script_writes_benchmarks_only_when_asked() {
    let help = std::process::Command::new("bash")
        .arg(load_script())
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(help.status.code(), Some(0), "{}", text(&help.stderr));
    let usage = text(&help.stdout);
    assert!(usage.contains("--write"), "{usage}");
    assert!(usage.contains("BENCHMARKS.md"), "{usage}");

    let unknown = std::process::Command::new("bash")
        .arg(load_script())
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains("unknown option --bogus"),
        "{}",
        text(&unknown.stderr)
    );
}
