//! The `hookguard` binary driven as a process: exit codes, JSON lines,
//! sign→verify for every provider, and `send` against `listen` over real
//! sockets, with the replay guard in memory and, across two listeners, on
//! Redis.

// Helpers outside #[test] functions unwrap too: a panic is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hookguard_redis::test_server::RedisServer;

mod common;
use common::{Listener, Stdout, temp_file};

const NOW: &str = "1768473000";
const NOMOS: &str = r#"{"id":"evt_cli","timestamp":"2026-01-15T10:30:00Z","topic":"subscription.ended","context":{"subscription":"sub_9"}}"#;

fn hookguard(arguments: &[&str]) -> Output {
    hookguard_with_input(arguments, b"")
}

fn hookguard_with_input(arguments: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookguard"))
        .args(arguments)
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The header lines `sign` prints, as `--header` arguments.
fn signed(provider: &str, secret: &str, body: &std::path::Path, id: &str) -> Vec<String> {
    let output = hookguard(&[
        "sign",
        "--provider",
        provider,
        "--secret",
        secret,
        "--body-file",
        body.to_str().unwrap(),
        "--timestamp",
        NOW,
        "--id",
        id,
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    stdout(&output).lines().map(str::to_owned).collect()
}

fn verify(provider: &str, secret: &str, headers: &[String], body: &std::path::Path) -> Output {
    let mut arguments = vec![
        "verify",
        "--provider",
        provider,
        "--secret",
        secret,
        "--body-file",
        body.to_str().unwrap(),
        "--now",
        NOW,
    ];
    for header in headers {
        arguments.extend(["--header", header.as_str()]);
    }
    hookguard(&arguments)
}

#[test]
fn sign_prints_the_headers_a_provider_sends() {
    let body = temp_file("sign", NOMOS.as_bytes());
    let lines = signed("nomos", "s3cret", &body, "ignored");
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].starts_with("x-nomos-signature: t=1768473000,v1="),
        "{lines:?}"
    );
    assert_eq!(
        lines[0].len(),
        "x-nomos-signature: t=1768473000,v1=".len() + 64
    );

    let standard = signed(
        "standard",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        &temp_file("spec", br#"{"test": 2432232314}"#),
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
    );
    assert_eq!(standard[0], "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek");
    let from_stdin = hookguard_with_input(
        &[
            "sign",
            "--provider",
            "standard",
            "--secret",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "--body-file",
            "-",
            "--timestamp",
            "1614265330",
            "--id",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
        ],
        br#"{"test": 2432232314}"#,
    );
    assert_eq!(
        stdout(&from_stdin),
        "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek\nwebhook-timestamp: 1614265330\nwebhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=\n",
        "the published Standard Webhooks vector, body from stdin"
    );
}

#[test]
fn every_provider_round_trips_and_a_tampered_body_is_refused() {
    let bodies = [
        ("nomos", "s3cret", NOMOS.to_owned(), r#""topic":"subscription.ended""#, r#""id":"evt_cli""#),
        ("noma", "s3cret", r#"{"event":"content.deleted","project_uuid":"p","collection_id":1,"content_id":2,"timestamp":"2026-01-15T10:30:00+00:00","delivery_id":"d"}"#.to_owned(), r#""topic":"content.deleted""#, r#""id":null"#),
        ("standard", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", r#"{"type":"invoice.paid"}"#.to_owned(), r#""topic":"invoice.paid""#, r#""id":"msg_1""#),
        ("stripe", "whsec_stripe", r#"{"id":"evt_s","type":"charge.succeeded"}"#.to_owned(), r#""topic":"charge.succeeded""#, r#""id":"evt_s""#),
        ("github", "gh-secret", r#"{"zen":"x"}"#.to_owned(), r#""topic":null"#, r#""id":"msg_1""#),
        ("slack", "slack-secret", r#"{"type":"event_callback","event_id":"Ev9","event":{"type":"app_mention"}}"#.to_owned(), r#""topic":"app_mention""#, r#""id":"Ev9""#),
        ("shopify", "shpss_secret", r#"{"id":1,"note":"e"}"#.to_owned(), r#""topic":null"#, r#""id":"msg_1""#),
        ("paddle", "pdl_ntfset_secret", r#"{"event_id":"evt_p","event_type":"transaction.paid"}"#.to_owned(), r#""topic":"transaction.paid""#, r#""id":"evt_p""#),
        ("linear", "lin_wh_secret", r#"{"action":"create","type":"Issue","webhookTimestamp":1768473000000}"#.to_owned(), r#""topic":"Issue.create""#, r#""id":"msg_1""#),
    ];
    for (provider, secret, body, topic, id) in bodies {
        let path = temp_file(provider, body.as_bytes());
        let headers = signed(provider, secret, &path, "msg_1");
        let output = verify(provider, secret, &headers, &path);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{provider}: {}",
            stderr(&output)
        );
        let line = stdout(&output);
        let head = format!(
            r#"{{"ok":true,"provider":"{provider}","secret_index":0,"public_key_index":null,{topic},{id},"key":""#
        );
        assert!(line.starts_with(&head), "{provider}: {line}");
        // The replay key: 64 lowercase hex digits, then the event.
        let key = &line[head.len()..];
        assert!(
            key.len() > 64
                && key[..64]
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                && key[64..].starts_with(r#"","event":{"#),
            "{provider}: {line}"
        );
        if provider == "nomos" {
            // SHA-256("nomos" 0x00 "" 0x00 "evt_cli"), computed apart (Python hashlib).
            assert!(
                key.starts_with("9ca8f2411836acebc6493727c2bccabb9d5e26e34a3d6167fd9b7babd5e50115"),
                "{line}"
            );
        }
        assert_eq!(line.lines().count(), 1);

        let tampered = temp_file(
            &format!("{provider}-tampered"),
            body.replace('e', "E").as_bytes(),
        );
        let output = verify(provider, secret, &headers, &tampered);
        assert_eq!(output.status.code(), Some(1), "{provider}");
        assert_eq!(
            stdout(&output),
            "{\"ok\":false,\"error\":\"signature_mismatch\"}\n",
            "{provider}"
        );
    }
}

#[test]
fn verify_checks_the_published_slack_vector() {
    let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    let path = temp_file("slack-vector", body);
    let output = hookguard(&[
        "verify",
        "--provider",
        "slack",
        "--secret",
        "8f742231b10e8888abcd99yyyzzz85a5",
        "--header",
        "X-Slack-Signature: v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
        "--header",
        "X-Slack-Request-Timestamp: 1531420618",
        "--body-file",
        path.to_str().unwrap(),
        "--now",
        "1531420618",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        concat!(
            r#"{"ok":true,"provider":"slack","secret_index":0,"public_key_index":null,"topic":"/webhook-collect","id":null,"#,
            // No `event_id`: the key is the body's digest, namespaced
            // (Python hashlib: SHA-256("slack" 0x00 "" 0x00 SHA-256(body))).
            r#""key":"8fd1982096136f99c7da6516a27bee405dc7c93054d892c63075a37e00bcbbac","#,
            r#""event":{"topic":"/webhook-collect","id":null,"payload":{"#,
            r#""channel_id":"G8PSS9T3V","channel_name":"foobar","command":"/webhook-collect","#,
            r#""response_url":"https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN","#,
            r#""team_domain":"testteamnow","team_id":"T1DC2JH3J","text":"","#,
            r#""token":"xyzz0WbapA4vBCDEFasx0q6G","trigger_id":"398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c","#,
            r#""user_id":"U2CERLKJA","user_name":"roadrunner"}}}"#,
            "\n"
        )
    );
}

#[test]
fn verify_reports_each_refusal_with_exit_1() {
    let body = temp_file("refusals", NOMOS.as_bytes());
    let headers = signed("nomos", "s3cret", &body, "");
    let refused = |output: Output| (output.status.code(), stdout(&output));
    let line = |code: &str| (Some(1), format!("{{\"ok\":false,\"error\":\"{code}\"}}\n"));

    // Checked ten minutes later: too old by default, fine with a wider window.
    let later = |extra: &[&str]| {
        let path = body.to_str().unwrap();
        let base = [
            "verify",
            "--provider",
            "nomos",
            "--secret",
            "s3cret",
            "--header",
            &headers[0],
            "--body-file",
            path,
            "--now",
            "1768473400",
        ];
        hookguard(&[&base[..], extra].concat())
    };
    assert_eq!(refused(later(&[])), line("timestamp_too_old"));
    let tolerant = later(&["--tolerance", "400"]);
    assert_eq!(tolerant.status.code(), Some(0));
    assert_eq!(
        refused(verify("nomos", "s3cret", &[], &body)),
        line("missing_header")
    );
    assert_eq!(
        refused(verify(
            "nomos",
            "s3cret",
            &[headers[0].clone(), headers[0].clone()],
            &body
        )),
        line("malformed_header"),
        "a name given twice is a repeated field"
    );
    assert_eq!(
        refused(verify("nomos", "other", &headers, &body)),
        line("signature_mismatch")
    );
    let rotated = hookguard(&[
        "verify",
        "--provider",
        "nomos",
        "--secret",
        "other",
        "--secret",
        "s3cret",
        "--header",
        &headers[0],
        "--body-file",
        body.to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert!(
        stdout(&rotated).contains(r#""secret_index":1"#),
        "{}",
        stdout(&rotated)
    );
}

#[test]
fn usage_errors_exit_2_with_the_reason() {
    let body = temp_file("usage", NOMOS.as_bytes());
    let path = body.to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (
            &["verify", "--provider", "nomos", "--body-file", path],
            "give at least one --secret, --secret-env, --secret-file, --retiring-secret-env or --public-key",
        ),
        (
            &[
                "verify",
                "--provider",
                "nomos",
                "--secret",
                "padded ",
                "--body-file",
                path,
            ],
            "starts or ends with white space",
        ),
        (
            &[
                "verify",
                "--provider",
                "nomos",
                "--secret",
                "s",
                "--header",
                "no colon",
                "--body-file",
                path,
            ],
            "is not `Name: value`",
        ),
        (
            &[
                "verify",
                "--provider",
                "carrier-pigeon",
                "--secret",
                "s",
                "--body-file",
                path,
            ],
            "invalid value 'carrier-pigeon'",
        ),
        (
            &[
                "verify",
                "--provider",
                "nomos",
                "--secret",
                "s",
                "--body-file",
                "/nonexistent/body",
            ],
            "cannot read /nonexistent/body",
        ),
        (
            &[
                "sign",
                "--provider",
                "nomos",
                "--secret-env",
                "HOOKGUARD_TEST_UNSET_VARIABLE",
                "--body-file",
                path,
            ],
            "HOOKGUARD_TEST_UNSET_VARIABLE is not set",
        ),
    ];
    for (arguments, reason) in cases {
        let output = hookguard(arguments);
        assert_eq!(output.status.code(), Some(2), "{arguments:?}");
        assert!(
            stderr(&output).contains(reason),
            "{arguments:?}: {}",
            stderr(&output)
        );
        assert!(stdout(&output).is_empty(), "{arguments:?}");
        assert!(
            !stderr(&output).contains("padded"),
            "the secret is never printed"
        );
    }
}

#[test]
fn secret_env_keeps_the_secret_out_of_the_arguments() {
    let body = temp_file("env", NOMOS.as_bytes());
    let headers = signed("nomos", "from-the-environment", &body, "");
    let output = Command::new(env!("CARGO_BIN_EXE_hookguard"))
        .args([
            "verify",
            "--provider",
            "nomos",
            "--secret-env",
            "HOOKGUARD_TEST_SECRET",
            "--header",
            &headers[0],
            "--body-file",
            body.to_str().unwrap(),
            "--now",
            NOW,
        ])
        .env("HOOKGUARD_TEST_SECRET", "from-the-environment")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// A `hookguard listen` child for `provider`, its stdout lines collected.
fn listen(provider: &str, secret: &str, dedupe: Option<&str>) -> Listener {
    let mut arguments = vec!["--provider", provider, "--secret", secret];
    if let Some(dedupe) = dedupe {
        arguments.extend(["--dedupe", dedupe]);
    }
    Listener::start(&arguments, Stdout::Collected)
}

fn send(arguments: &[&str]) -> Output {
    hookguard(&[&["send"], arguments].concat())
}

#[test]
fn send_to_listen_for_nomos_with_duplicates_printed_once() {
    let listener = listen("nomos", "s3cret", Some("memory"));
    let url = listener.url();
    let generated = send(&[
        "--provider",
        "nomos",
        "--secret",
        "s3cret",
        "--url",
        &url,
        "--topic",
        "subscription.created",
    ]);
    assert_eq!(
        (generated.status.code(), stdout(&generated)),
        (Some(0), "204 No Content\n".to_owned()),
        "{}",
        stderr(&generated)
    );

    let body = temp_file("send-nomos", NOMOS.as_bytes());
    let path = body.to_str().unwrap();
    let first = send(&[
        "--provider",
        "nomos",
        "--secret",
        "s3cret",
        "--url",
        &url,
        "--body-file",
        path,
    ]);
    assert_eq!(stdout(&first), "204 No Content\n");
    let again = send(&[
        "--provider",
        "nomos",
        "--secret",
        "s3cret",
        "--url",
        &url,
        "--body-file",
        path,
    ]);
    assert_eq!(
        (again.status.code(), stdout(&again)),
        (Some(0), "200 OK\n{\"error\":\"duplicate\"}\n".to_owned())
    );
    let forged = send(&[
        "--provider",
        "nomos",
        "--secret",
        "wrong",
        "--url",
        &url,
        "--body-file",
        path,
    ]);
    assert_eq!(
        (forged.status.code(), stdout(&forged)),
        (
            Some(1),
            "401 Unauthorized\n{\"error\":\"signature_mismatch\"}\n".to_owned()
        )
    );

    let lines = listener.lines_after(2);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with(r#"{"ok":true,"provider":"nomos","secret_index":0,"public_key_index":null,"topic":"subscription.created","id":"evt_"#), "{}", lines[0]);
    assert!(
        lines[0].contains(r#""lead":"lead_"#),
        "a generated created event has a lead: {}",
        lines[0]
    );
    assert!(lines[1].contains(r#""id":"evt_cli""#), "{}", lines[1]);
}

#[test]
fn send_to_listen_for_noma() {
    let listener = listen("noma", "noma-secret", None);
    for topic in ["content.published", "content.deleted", "auth.login.success"] {
        let output = send(&[
            "--provider",
            "noma",
            "--secret",
            "noma-secret",
            "--url",
            &listener.url(),
            "--topic",
            topic,
        ]);
        assert_eq!(
            stdout(&output),
            "204 No Content\n",
            "{topic}: {}",
            stderr(&output)
        );
    }
    let lines = listener.lines_after(3);
    let topics: Vec<_> = lines
        .iter()
        .map(|line| {
            line.split(r#""topic":""#)
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        topics,
        ["content.published", "content.deleted", "auth.login.success"]
    );
    assert!(
        lines.iter().all(|line| line.contains(r#""id":null"#)),
        "{lines:?}"
    );
}

#[test]
fn send_to_listen_for_the_four_newer_providers() {
    for (provider, secret, topic) in [
        ("slack", "slack-secret", "app_mention"),
        ("shopify", "shpss_secret", "orders/paid"),
        ("paddle", "pdl_ntfset_secret", "transaction.completed"),
        ("linear", "lin_wh_secret", "Issue.create"),
    ] {
        let listener = listen(provider, secret, Some("memory"));
        let output = send(&[
            "--provider",
            provider,
            "--secret",
            secret,
            "--url",
            &listener.url(),
            "--topic",
            topic,
            "--id",
            "id_cli_1",
        ]);
        assert_eq!(
            stdout(&output),
            "204 No Content\n",
            "{provider}: {}",
            stderr(&output)
        );
        let lines = listener.lines_after(1);
        assert_eq!(lines.len(), 1, "{provider}: {lines:?}");
        let expected = format!(
            r#"{{"ok":true,"provider":"{provider}","secret_index":0,"public_key_index":null,"topic":"{topic}","id":"id_cli_1","#
        );
        assert!(lines[0].starts_with(&expected), "{provider}: {}", lines[0]);
    }
}

#[test]
fn send_to_nowhere_is_a_clear_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = send(&[
        "--provider",
        "nomos",
        "--secret",
        "s",
        "--url",
        &format!("http://127.0.0.1:{port}/"),
        "--topic",
        "test.event",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("cannot reach"),
        "{}",
        stderr(&output)
    );
}

/// Posts a body with its headers over a fresh connection; returns the status.
fn post(address: SocketAddr, headers: &[(String, String)], body: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.split(' ').nth(1).unwrap().parse().unwrap()
}

#[test]
fn two_listeners_sharing_redis_print_every_event_exactly_once() {
    // `REDIS_URL` when set, else a `redis-server` from PATH started here.
    let started;
    let url = match std::env::var("REDIS_URL") {
        Ok(url) => url,
        Err(_) => match RedisServer::start(&[]) {
            Ok(server) => {
                started = server;
                started.url()
            }
            Err(reason) if std::env::var("CI").as_deref() == Ok("true") => {
                panic!("REDIS_URL is not set and {reason}, and CI=true requires this test")
            }
            Err(reason) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "!!!!! REDIS TEST NOT RUN (it passes without checking anything): REDIS_URL is not set and {reason}"
                );
                return;
            }
        },
    };
    let first = listen("nomos", "shared", Some(&url));
    let second = listen("nomos", "shared", Some(&url));
    let run = format!(
        "{}{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    );
    let now: u64 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();

    const EVENTS: usize = 200;
    const ROUNDS: usize = 3;
    let deliveries: Vec<_> = (0..EVENTS)
        .map(|n| {
            let body = format!(r#"{{"id":"evt_{run}_{n}","timestamp":"2026-01-15T10:30:00Z","topic":"subscription.ended","context":{{"subscription":"sub_{n}"}}}}"#);
            let path = temp_file(&format!("redis-{n}"), body.as_bytes());
            let output = hookguard(&["sign", "--provider", "nomos", "--secret", "shared", "--body-file", path.to_str().unwrap(), "--timestamp", &now.to_string()]);
            let headers = stdout(&output)
                .lines()
                .map(|line| {
                    let (name, value) = line.split_once(": ").unwrap();
                    (name.to_owned(), value.to_owned())
                })
                .collect::<Vec<_>>();
            (headers, body.into_bytes())
        })
        .collect();

    // Every event goes to both listeners, ROUNDS times, from 16 threads at once.
    let jobs: Vec<_> = (0..ROUNDS)
        .flat_map(|_| (0..EVENTS).flat_map(|n| [(n, first.address), (n, second.address)]))
        .collect();
    let jobs = Arc::new(Mutex::new(jobs));
    let deliveries = Arc::new(deliveries);
    let statuses = Arc::new(Mutex::new(HashMap::<u16, usize>::new()));
    let workers: Vec<_> = (0..16)
        .map(|_| {
            let (jobs, deliveries, statuses) = (
                Arc::clone(&jobs),
                Arc::clone(&deliveries),
                Arc::clone(&statuses),
            );
            std::thread::spawn(move || {
                loop {
                    let Some((n, address)) = jobs.lock().unwrap().pop() else {
                        break;
                    };
                    let (headers, body) = &deliveries[n];
                    let status = post(address, headers, body);
                    *statuses.lock().unwrap().entry(status).or_default() += 1;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let statuses = statuses.lock().unwrap().clone();

    // Whatever was refused as in flight is retried, as a provider would.
    for (n, (headers, body)) in deliveries.iter().enumerate() {
        let address = if n % 2 == 0 {
            first.address
        } else {
            second.address
        };
        let status = post(address, headers, body);
        assert!(status == 200 || status == 204, "event {n}: {status}");
    }

    let mut printed: HashMap<String, usize> = HashMap::new();
    let lines = [first.lines_after(0), second.lines_after(0)].concat();
    for line in &lines {
        let id = line
            .split(r#""id":""#)
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        *printed.entry(id).or_default() += 1;
    }
    assert_eq!(
        printed.len(),
        EVENTS,
        "every event printed; statuses {statuses:?}"
    );
    assert!(
        printed.values().all(|&count| count == 1),
        "no event printed twice: {printed:?}"
    );
    let _ = writeln!(
        std::io::stderr(),
        "two listeners, {EVENTS} events x {ROUNDS} rounds x 2: statuses {statuses:?}, printed {} lines",
        lines.len()
    );
}
