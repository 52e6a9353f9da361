//! `hookguard listen` against slow and hostile clients and a stalled or
//! closed standard output (issue 12, items 3 and 4; SPEC §8), over real
//! sockets on 127.0.0.1. Timeouts are set small by flag; every bound is
//! generous (the limit + 5 s) so a busy machine does not fail them.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{ErrorKind, Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Listener, Stdout, head, post, read_answer, sign};

const SECRET: &str = "s3cret";
const SLACK: Duration = Duration::from_secs(5);

fn nomos_body(id: &str, padding: usize) -> Vec<u8> {
    format!(
        r#"{{"id":"{id}","timestamp":"2026-01-15T10:30:00Z","topic":"subscription.ended","context":{{"subscription":"sub_1","padding":"{}"}}}}"#,
        "x".repeat(padding)
    )
    .into_bytes()
}

/// Reads until the server closes the connection; how long that took and
/// what came before. Fails if it is still open after `limit`.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> (Duration, Vec<u8>) {
    let started = Instant::now();
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut received = Vec::new();
    let mut buffer = [0_u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return (started.elapsed(), received),
            Ok(count) => received.extend_from_slice(&buffer[..count]),
            Err(error) if error.kind() == ErrorKind::ConnectionReset => {
                return (started.elapsed(), received);
            }
            Err(error) => panic!(
                "still open after {:?} ({error}); received {:?}",
                started.elapsed(),
                String::from_utf8_lossy(&received)
            ),
        }
    }
}

#[test]
fn slowloris_an_idle_connection_is_closed_within_the_header_timeout() {
    let listener = Listener::start(
        &[
            "--provider",
            "nomos",
            "--secret",
            SECRET,
            "--header-timeout",
            "1s",
        ],
        Stdout::Collected,
    );
    let mut idle = TcpStream::connect(listener.address).unwrap();
    let (took, _) = closed_within(&mut idle, Duration::from_secs(1) + SLACK);
    assert!(
        took >= Duration::from_millis(900),
        "closed too early: {took:?}"
    );
}

#[test]
fn slowloris_a_half_sent_or_trickled_head_is_closed_within_the_header_timeout() {
    let listener = Listener::start(
        &[
            "--provider",
            "nomos",
            "--secret",
            SECRET,
            "--header-timeout",
            "1s",
        ],
        Stdout::Collected,
    );
    let mut half = TcpStream::connect(listener.address).unwrap();
    half.write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Nomos-Sig")
        .unwrap();
    let (took, _) = closed_within(&mut half, Duration::from_secs(1) + SLACK);
    assert!(
        took >= Duration::from_millis(900),
        "closed too early: {took:?}"
    );

    // A head trickled a byte at a time: the timeout is a total, not idle.
    let mut trickled = TcpStream::connect(listener.address).unwrap();
    let mut writer = trickled.try_clone().unwrap();
    let trickler = std::thread::spawn(move || {
        let bytes = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        for byte in bytes {
            if writer.write_all(&[*byte]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let (took, _) = closed_within(&mut trickled, Duration::from_secs(1) + SLACK);
    assert!(took < Duration::from_secs(1) + SLACK, "{took:?}");
    trickler.join().unwrap();
}

#[test]
fn a_stalled_body_is_closed_after_the_body_timeout_while_a_slow_steady_body_passes() {
    let listener = Listener::start(
        &[
            "--provider",
            "nomos",
            "--secret",
            SECRET,
            "--body-timeout",
            "2s",
        ],
        Stdout::Collected,
    );

    // Stalled: the head and 10 of its bytes, then nothing.
    let body = nomos_body("evt_stalled", 100);
    let headers = sign("nomos", SECRET, &body);
    let mut stalled = TcpStream::connect(listener.address).unwrap();
    stalled.write_all(&head("/", &headers, body.len())).unwrap();
    stalled.write_all(&body[..10]).unwrap();
    let (took, answer) = closed_within(&mut stalled, Duration::from_secs(2) + SLACK);
    assert!(
        took >= Duration::from_millis(1900),
        "closed too early: {took:?}"
    );
    let answer = common::parse_answer(&answer);
    assert_eq!(
        (answer.status, answer.body.as_str()),
        (400, r#"{"error":"invalid_payload"}"#)
    );

    // Steady: 8 KiB in 16 pieces 250 ms apart, 4 s in all, twice the body
    // timeout, never 2 s without a byte.
    let body = nomos_body("evt_steady", 8 * 1024);
    let headers = sign("nomos", SECRET, &body);
    let mut steady = TcpStream::connect(listener.address).unwrap();
    steady.write_all(&head("/", &headers, body.len())).unwrap();
    let started = Instant::now();
    for piece in body.chunks(body.len().div_ceil(16)) {
        std::thread::sleep(Duration::from_millis(250));
        steady.write_all(piece).unwrap();
    }
    assert!(started.elapsed() >= Duration::from_secs(4));
    let answer = read_answer(&mut steady);
    assert_eq!(answer.status, 204, "{answer:?}");
    let lines = listener.lines_after(1);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains(r#""id":"evt_steady""#), "{}", lines[0]);
}

#[test]
fn connection_cap_a_genuine_delivery_waits_in_the_backlog_then_gets_through() {
    // Two idle connections take both places; a third connection's delivery
    // is not read until one of them times out (at 2 s), then it passes.
    let listener = Listener::start(
        &[
            "--provider",
            "nomos",
            "--secret",
            SECRET,
            "--max-connections",
            "2",
            "--header-timeout",
            "2s",
        ],
        Stdout::Collected,
    );
    let body = nomos_body("evt_capped", 10);
    let headers = sign("nomos", SECRET, &body);
    let started = Instant::now();
    let _idle: Vec<_> = (0..2)
        .map(|_| TcpStream::connect(listener.address).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let answer = post(listener.address, "/", &headers, &body);
    let took = started.elapsed();
    assert_eq!(answer.status, 204, "{answer:?}");
    assert!(
        took >= Duration::from_millis(1900),
        "answered after {took:?}: the cap did not hold it back"
    );
    assert!(took < Duration::from_secs(2) + SLACK, "{took:?}");
    assert_eq!(listener.lines_after(1).len(), 1);
}

#[test]
fn slow_clients_do_not_keep_a_genuine_delivery_out() {
    let listener = Listener::start(
        &["--provider", "nomos", "--secret", SECRET],
        Stdout::Collected,
    );
    let body = nomos_body("evt_through", 10);
    let headers = sign("nomos", SECRET, &body);
    let mut slow = Vec::new();
    for n in 0..60 {
        let mut stream = TcpStream::connect(listener.address).unwrap();
        match n % 3 {
            0 => {}
            1 => stream.write_all(b"POST / HTTP/1.1\r\nHost: x\r\n").unwrap(),
            _ => {
                stream.write_all(&head("/", &headers, body.len())).unwrap();
                stream.write_all(&body[..5]).unwrap();
            }
        }
        slow.push(stream);
    }
    let started = Instant::now();
    let answer = post(listener.address, "/", &headers, &body);
    assert_eq!(answer.status, 204, "{answer:?}");
    // Well inside the default 10 s timeouts: nobody waited for the slow ones.
    assert!(started.elapsed() < SLACK, "{:?}", started.elapsed());
    assert_eq!(listener.lines_after(1).len(), 1);
}

/// A Standard Webhooks delivery whose event line is about 300 KB: bigger
/// than any pipe buffer, so its write blocks on a reader that does not read.
fn big_standard_delivery(id: usize) -> (Vec<(String, String)>, Vec<u8>) {
    let body = format!(
        r#"{{"type":"invoice.paid","n":{id},"padding":"{}"}}"#,
        "x".repeat(300 * 1024)
    )
    .into_bytes();
    (sign("standard", STANDARD_SECRET, &body), body)
}

const STANDARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[test]
fn a_stalled_stdout_reader_never_holds_refusals_and_verified_deliveries_get_busy() {
    // Neither stdout nor stderr is read. One line may wait in the queue;
    // each wait is 500 ms instead of 5 s.
    let listener = Listener::start(
        &[
            "--provider",
            "standard",
            "--secret",
            STANDARD_SECRET,
            "--output-queue",
            "1",
            "--queue-wait",
            "500ms",
            "--flush-wait",
            "500ms",
            "--dedupe",
            "memory",
        ],
        Stdout::Stalled,
    );
    let address = listener.address;

    // 1st: taken by the writer, whose write blocks: not flushed in time.
    // 2nd: waits in the queue: not flushed in time. 3rd: the queue is full.
    let first = big_standard_delivery(0);
    for n in 0..3 {
        let (headers, body) = if n == 0 {
            first.clone()
        } else {
            big_standard_delivery(n)
        };
        let started = Instant::now();
        let answer = post(address, "/", &headers, &body);
        assert_eq!(
            (
                answer.status,
                answer.body.as_str(),
                answer.header("retry-after")
            ),
            (503, r#"{"error":"busy"}"#, Some("5")),
            "delivery {n}"
        );
        assert!(
            started.elapsed() < SLACK,
            "delivery {n}: {:?}",
            started.elapsed()
        );
    }

    // Refusals never wait on stdout, nor on stderr: 600 of them log far more
    // than a pipe holds, and each is answered at once.
    let body = br#"{"type":"invoice.paid"}"#;
    let mut forged = sign("standard", STANDARD_SECRET, body);
    for (name, value) in &mut forged {
        if name == "webhook-signature" {
            *value = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into();
        }
    }
    let started = Instant::now();
    for n in 0..600 {
        let (headers, status, code) = if n % 2 == 0 {
            (forged.clone(), 401, "signature_mismatch")
        } else {
            (Vec::new(), 400, "missing_header")
        };
        let sent = Instant::now();
        let answer = post(address, "/", &headers, body);
        assert_eq!(
            (answer.status, answer.body),
            (status, format!(r#"{{"error":"{code}"}}"#)),
            "refusal {n}"
        );
        assert!(sent.elapsed() < SLACK, "refusal {n}: {:?}", sent.elapsed());
    }
    assert!(started.elapsed() < Duration::from_secs(60));

    // Still busy, still answered, still with Retry-After; and a busy
    // answer released its replay claim: the first delivery's retry is
    // neither a duplicate nor in flight, it is busy again.
    let (headers, body) = first;
    let answer = post(address, "/", &headers, &body);
    assert_eq!(
        (
            answer.status,
            answer.body.as_str(),
            answer.header("retry-after")
        ),
        (503, r#"{"error":"busy"}"#, Some("5"))
    );
}

#[test]
fn a_closed_stdout_answers_busy_and_listen_exits_1() {
    let mut listener =
        Listener::start(&["--provider", "nomos", "--secret", SECRET], Stdout::Closed);
    let body = nomos_body("evt_closed", 10);
    let headers = sign("nomos", SECRET, &body);
    let answer = post(listener.address, "/", &headers, &body);
    assert_eq!(
        (
            answer.status,
            answer.body.as_str(),
            answer.header("retry-after")
        ),
        (503, r#"{"error":"busy"}"#, Some("5"))
    );
    assert_eq!(listener.exit_code_within(Duration::from_secs(15)), Some(1));
    let stderr = listener.stderr();
    assert!(
        stderr.contains("cannot write to standard output"),
        "{stderr}"
    );
}

#[test]
fn listen_help_shows_the_limits_and_hides_the_test_knobs() {
    let output = common::hookguard(&["listen", "--help"]);
    let help = common::text(&output.stdout);
    for shown in [
        "--header-timeout",
        "[default: 10s]",
        "--body-timeout",
        "--max-connections",
        "[default: 1024]",
        "--path",
    ] {
        assert!(help.contains(shown), "{shown} missing from\n{help}");
    }
    for hidden in ["--output-queue", "--queue-wait", "--flush-wait"] {
        assert!(!help.contains(hidden), "{hidden} shown in\n{help}");
    }
}

/// SPEC §10: a verified Slack `url_verification` is answered 200 with its
/// challenge by `listen` itself; nothing is printed and the handler's line
/// comes only for real events.
#[test]
fn listen_answers_slack_url_verification_with_its_challenge_and_prints_nothing() {
    let listener = Listener::start(
        &["--provider", "slack", "--secret", SECRET],
        Stdout::Collected,
    );
    let handshake = br#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let answer = post(
        listener.address,
        "/",
        &sign("slack", SECRET, handshake),
        handshake,
    );
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(
        answer.body,
        r#"{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}"#
    );
    // Unsigned, the same handshake is refused like any forgery.
    let forged = post(
        listener.address,
        "/",
        &sign("slack", "wrong", handshake),
        handshake,
    );
    assert_eq!(
        (forged.status, forged.body.as_str()),
        (401, r#"{"error":"signature_mismatch"}"#)
    );

    let event = br#"{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention"}}"#;
    let answer = post(listener.address, "/", &sign("slack", SECRET, event), event);
    assert_eq!(answer.status, 204);
    let lines = listener.lines_after(1);
    std::thread::sleep(Duration::from_millis(200));
    let lines = if lines.len() == 1 {
        listener.lines_after(1)
    } else {
        lines
    };
    assert_eq!(lines.len(), 1, "only the event is printed: {lines:?}");
    assert!(
        lines[0].starts_with(
            r#"{"ok":true,"provider":"slack","secret_index":0,"public_key_index":null,"topic":"app_mention","id":"Ev1","#
        ),
        "{}",
        lines[0]
    );
}

/// A Noma `content.updated` attempt sent `ago` seconds before now, with
/// its own `delivery_id`, as Noma retries it.
fn noma_attempt(ago: u64, delivery_id: &str) -> Vec<u8> {
    let sent =
        chrono::DateTime::from_timestamp(i64::try_from(common::unix_now() - ago).unwrap(), 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%S+00:00");
    format!(r#"{{"event":"content.updated","project_uuid":"p","collection_id":1,"content_id":2,"content_entry":{{"uuid":"u","locale":"en","published_at":null,"fields":{{"title":"Hello"}}}},"timestamp":"{sent}","delivery_id":"{delivery_id}"}}"#).into_bytes()
}

#[test]
fn listen_noma_dedupe_prints_the_three_attempts_of_one_event_once() {
    let listener = Listener::start(
        &[
            "--provider",
            "noma",
            "--secret",
            SECRET,
            "--dedupe",
            "memory",
            "--noma-dedupe",
        ],
        Stdout::Collected,
    );
    let mut answers = Vec::new();
    for (ago, delivery_id) in [(60, "attempt-1"), (30, "attempt-2"), (0, "attempt-3")] {
        let body = noma_attempt(ago, delivery_id);
        let answer = post(listener.address, "/", &sign("noma", SECRET, &body), &body);
        answers.push((answer.status, answer.body));
    }
    let duplicate = (200, r#"{"error":"duplicate"}"#.to_owned());
    assert_eq!(
        answers,
        [(204, String::new()), duplicate.clone(), duplicate]
    );
    let lines = listener.lines_after(1);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains(r#""delivery_id":"attempt-1""#),
        "{}",
        lines[0]
    );
}

#[test]
fn noma_dedupe_is_for_noma_behind_a_replay_guard_only() {
    let output = common::hookguard(&[
        "listen",
        "--provider",
        "nomos",
        "--secret",
        SECRET,
        "--dedupe",
        "memory",
        "--noma-dedupe",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        common::text(&output.stderr),
        "error: --noma-dedupe is for --provider noma, not nomos\n"
    );
    let output = common::hookguard(&[
        "listen",
        "--provider",
        "noma",
        "--secret",
        SECRET,
        "--noma-dedupe",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        common::text(&output.stderr).contains("--dedupe"),
        "{}",
        common::text(&output.stderr)
    );
}
