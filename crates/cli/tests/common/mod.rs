//! Helpers shared by the command's integration tests: a `hookguard listen`
//! child on a free port of 127.0.0.1, signed raw requests, raw answers.

// Each test binary uses a part of these.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStderr, ChildStdout, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub(crate) fn hookguard(arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hookguard"))
        .args(arguments)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A new file in a temporary folder of this test process.
///
/// Each call gets its own path, numbered after `name`: tests run in
/// parallel, and two that rewrote one shared path would truncate it under
/// the other's `hookguard` child while it reads the body, which then fails
/// to verify for a reason that has nothing to do with the test.
pub(crate) fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let folder = std::env::temp_dir().join(format!("hookguard-cli-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join(format!("{name}-{}", NEXT.fetch_add(1, Ordering::Relaxed)));
    std::fs::write(&path, contents).unwrap();
    path
}

pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The headers `hookguard sign` gives `body`, signed now.
pub(crate) fn sign(provider: &str, secret: &str, body: &[u8]) -> Vec<(String, String)> {
    let path = temp_file(&format!("sign-{}", body.len()), body);
    let output = hookguard(&[
        "sign",
        "--provider",
        provider,
        "--secret",
        secret,
        "--body-file",
        path.to_str().unwrap(),
        "--timestamp",
        &unix_now().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    text(&output.stdout)
        .lines()
        .map(|line| {
            let (name, value) = line.split_once(": ").unwrap();
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

/// The head of a POST to `path` with `headers` and a body of `length` bytes.
pub(crate) fn head(path: &str, headers: &[(String, String)], length: usize) -> Vec<u8> {
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n"
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// A parsed answer: status, lower-case headers, body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Answer {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Reads the whole answer (the server closes: `Connection: close`).
pub(crate) fn read_answer(stream: &mut TcpStream) -> Answer {
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_answer(&raw)
}

pub(crate) fn parse_answer(raw: &[u8]) -> Answer {
    let raw = text(raw);
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no answer head in {raw:?}"));
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(": "))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// Sends a whole request over a fresh connection and reads the answer.
pub(crate) fn post(
    address: SocketAddr,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Answer {
    let mut stream = TcpStream::connect(address).unwrap();
    let mut request = head(path, headers, body.len());
    request.extend_from_slice(body);
    stream.write_all(&request).unwrap();
    read_answer(&mut stream)
}

/// What happens to the child's standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stdout {
    /// Read line by line into `lines`.
    Collected,
    /// A pipe nobody reads (nor its stderr): a stalled reader.
    Stalled,
    /// A pipe whose reading end is closed at once.
    Closed,
}

/// A `hookguard listen` child, killed when dropped.
pub(crate) struct Listener {
    pub(crate) child: Child,
    pub(crate) address: SocketAddr,
    pub(crate) lines: Arc<Mutex<Vec<String>>>,
    // Held open, never read, for `Stdout::Stalled`.
    _stdout: Option<ChildStdout>,
    _stderr: Option<ChildStderr>,
}

pub(crate) fn free_address() -> SocketAddr {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}").parse().unwrap()
}

/// The address in the child's first stderr line, `listening on
/// http://ADDR/PATH for …`, read a byte at a time so nothing after it is
/// taken from the pipe.
fn announced_address(stderr: &mut ChildStderr, child: &mut Child) -> SocketAddr {
    let mut line = Vec::new();
    let mut byte = [0];
    while line.last() != Some(&b'\n') {
        match stderr.read(&mut byte) {
            Ok(1) => line.push(byte[0]),
            _ => panic!(
                "hookguard listen exited before listening ({:?}): {}",
                child.wait().ok(),
                String::from_utf8_lossy(&line)
            ),
        }
    }
    let line = String::from_utf8_lossy(&line).into_owned();
    line.split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|address| address.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
}

impl Listener {
    pub(crate) fn start(arguments: &[&str], stdout: Stdout) -> Self {
        // Port 0: the child binds a port of its own and says which. A port
        // picked here and handed over could be taken by a parallel test
        // first, and the readiness probe would then find that test's server.
        let mut child = Command::new(env!("CARGO_BIN_EXE_hookguard"))
            .arg("listen")
            .args(arguments)
            .args(["--addr", "127.0.0.1:0"])
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let mut stderr = child.stderr.take().unwrap();
        let address = announced_address(&mut stderr, &mut child);
        // A collected listener's logs are drained; the others' stay unread
        // (a stalled reader) or are read at exit (`Listener::stderr`).
        let kept_stderr = if stdout == Stdout::Collected {
            std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
            None
        } else {
            Some(stderr)
        };
        let mut kept_stdout = None;
        match stdout {
            Stdout::Collected => {
                let reader = BufReader::new(child.stdout.take().unwrap());
                let collected = Arc::clone(&lines);
                std::thread::spawn(move || {
                    for line in reader.lines().map_while(Result::ok) {
                        collected.lock().unwrap().push(line);
                    }
                });
            }
            Stdout::Stalled => kept_stdout = child.stdout.take(),
            Stdout::Closed => drop(child.stdout.take()),
        }
        Self {
            child,
            address,
            lines,
            _stdout: kept_stdout,
            _stderr: kept_stderr,
        }
    }

    /// The root URL the child listens on.
    pub(crate) fn url(&self) -> String {
        format!("http://{}/", self.address)
    }

    /// The lines printed so far, once `count` have arrived (or 10 s passed)
    /// and 100 ms more, so that a line too many, a duplicate printed twice,
    /// is among them.
    pub(crate) fn lines_after(&self, count: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.lines.lock().unwrap().len() < count && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(100));
        self.lines.lock().unwrap().clone()
    }

    /// Waits up to `limit` for the child to exit; its exit code.
    pub(crate) fn exit_code_within(&mut self, limit: Duration) -> Option<i32> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(
                Instant::now() < deadline,
                "hookguard listen still runs after {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What the child wrote on stderr (for a piped stderr, once it exited).
    pub(crate) fn stderr(&mut self) -> String {
        let mut all = String::new();
        if let Some(mut stderr) = self._stderr.take() {
            let _ = stderr.read_to_string(&mut all);
        }
        all
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
