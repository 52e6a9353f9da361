//! A throw-away `redis-server` for tests (feature `test-server`): started
//! from `PATH` on a free 127.0.0.1 port with persistence off, in a folder
//! of its own, and stopped (folder removed) when dropped.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A `redis-server` this process started.
///
/// ```no_run
/// use hookguard::redis::test_server::RedisServer;
///
/// let server = RedisServer::start(&[]).expect("redis-server on PATH");
/// println!("{}", server.url()); // redis://127.0.0.1:<port>/
/// ```
#[derive(Debug)]
pub struct RedisServer {
    child: Child,
    dir: PathBuf,
    port: u16,
}

impl RedisServer {
    /// Starts `redis-server` with `extra` arguments (for example
    /// `["--cluster-enabled", "yes"]`) and waits, at most 10 s, until it
    /// answers PING.
    ///
    /// # Errors
    ///
    /// Why it could not: no `redis-server` on `PATH`, no folder, or no
    /// answer in time.
    pub fn start(extra: &[&str]) -> Result<Self, String> {
        let port = free_port()?;
        let dir = std::env::temp_dir().join(format!("hookguard-redis-{}-{port}", unique()));
        std::fs::create_dir_all(&dir).map_err(|error| format!("cannot create {dir:?}: {error}"))?;
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&dir)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| {
                let _ = std::fs::remove_dir_all(&dir);
                format!("cannot run redis-server from PATH ({error})")
            })?;
        let server = Self { child, dir, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !pong(port) {
            if Instant::now() > deadline {
                return Err(format!("redis-server on port {port} did not answer PING"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(server)
    }

    /// Its URL, `redis://127.0.0.1:<port>/`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Its port.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Whether a Redis on `port` answers PING.
fn pong(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut answer = [0; 7];
    stream.write_all(b"PING\r\n").is_ok()
        && stream.read_exact(&mut answer).is_ok()
        && &answer == b"+PONG\r\n"
}

/// A free port whose cluster bus port (+10000) is free too.
fn free_port() -> Result<u16, String> {
    for _ in 0..1000 {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|error| format!("cannot find a free port: {error}"))?
            .port();
        if port < 55_000 && TcpListener::bind(("127.0.0.1", port + 10_000)).is_ok() {
            return Ok(port);
        }
    }
    Err("no free port with a free cluster bus port".to_owned())
}

/// A name no other server of this machine uses.
fn unique() -> String {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    format!(
        "{}-{nanos}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::SeqCst)
    )
}
