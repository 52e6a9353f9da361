//! How `listen` prints: event lines go through a bounded queue to one
//! writer thread, so a stalled reader of standard output can hold up only
//! verified deliveries, never refusals, and never for longer than the waits
//! below.
//!
//! A delivery is answered 2xx only once its line is flushed. When its line
//! cannot enter the queue in time, or is not flushed in time, the delivery is
//! answered 503 `busy` (the replay claim is released, the provider retries).
//! A line that was queued but not flushed in time may still print later:
//! under a stalled reader printing is at least once, not exactly once.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

/// One line to print, and who waits for it.
struct Job {
    line: Vec<u8>,
    written: oneshot::Sender<()>,
}

/// The printing end held by the handlers. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Printer {
    queue: mpsc::Sender<Job>,
    queue_wait: Duration,
    flush_wait: Duration,
    broken: Arc<AtomicBool>,
}

impl std::fmt::Debug for Printer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Printer")
            .field("queue_wait", &self.queue_wait)
            .field("flush_wait", &self.flush_wait)
            .field("broken", &self.broken.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// The line was not printed in time: answer 503 `busy`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Busy;

impl Printer {
    /// Starts the writer thread over `out`. The receiver gets the write error
    /// that stopped it (a closed pipe, a full disk); from then on every line
    /// is refused as `Busy`.
    pub(crate) fn start<W: Write + Send + 'static>(
        out: W,
        capacity: usize,
        queue_wait: Duration,
        flush_wait: Duration,
    ) -> std::io::Result<(Self, oneshot::Receiver<std::io::Error>)> {
        let (queue, jobs) = mpsc::channel(capacity.max(1));
        let (failed, stopped) = oneshot::channel();
        let broken = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&broken);
        std::thread::Builder::new()
            .name("hookguard-stdout".into())
            .spawn(move || write_lines(out, jobs, &flag, failed))?;
        let printer = Self {
            queue,
            queue_wait,
            flush_wait,
            broken,
        };
        Ok((printer, stopped))
    }

    /// Prints `line` and a newline; `Ok` once it is flushed.
    ///
    /// # Errors
    ///
    /// `Busy` when the line cannot enter the queue within the queue wait, is
    /// not flushed within the flush wait, or output has failed.
    pub(crate) async fn print(&self, line: &str) -> Result<(), Busy> {
        if self.broken.load(Ordering::Acquire) {
            return Err(Busy);
        }
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        let (written, flushed) = oneshot::channel();
        let job = Job {
            line: bytes,
            written,
        };
        match tokio::time::timeout(self.queue_wait, self.queue.send(job)).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) | Err(_) => return Err(Busy),
        }
        match tokio::time::timeout(self.flush_wait, flushed).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) | Err(_) => Err(Busy),
        }
    }
}

/// The writer thread: one whole line per write, flushed before its delivery
/// is answered. On the first write error it refuses everything queued and
/// still to come, and reports the error.
fn write_lines<W: Write>(
    mut out: W,
    mut jobs: mpsc::Receiver<Job>,
    broken: &AtomicBool,
    failed: oneshot::Sender<std::io::Error>,
) {
    while let Some(job) = jobs.blocking_recv() {
        match out.write_all(&job.line).and_then(|()| out.flush()) {
            Ok(()) => {
                let _ = job.written.send(());
            }
            Err(error) => {
                broken.store(true, Ordering::Release);
                // Closing wakes the handlers waiting to enter the queue;
                // dropping the jobs answers those waiting for their line.
                jobs.close();
                drop(job);
                while jobs.blocking_recv().is_some() {}
                let _ = failed.send(error);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc as std_mpsc;

    use super::*;

    /// A writer that blocks on each write until the test lets it go on, or
    /// fails when told to.
    struct Gate {
        go: std_mpsc::Receiver<bool>,
        written: Arc<std::sync::Mutex<Vec<u8>>>,
    }

    impl Write for Gate {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            match self.go.recv() {
                Ok(true) => {
                    self.written.lock().unwrap().extend_from_slice(bytes);
                    Ok(bytes.len())
                }
                _ => Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe)),
            }
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A printer over a [`Gate`]: the printer, its stop signal, the gate's
    /// switch and what got through.
    type Gated = (
        Printer,
        oneshot::Receiver<std::io::Error>,
        std_mpsc::Sender<bool>,
        Arc<std::sync::Mutex<Vec<u8>>>,
    );

    fn gate(capacity: usize) -> Gated {
        let (go, wait) = std_mpsc::channel();
        let written = Arc::default();
        let out = Gate {
            go: wait,
            written: Arc::clone(&written),
        };
        let wait = Duration::from_millis(200);
        let (printer, stopped) = Printer::start(out, capacity, wait, wait).unwrap();
        (printer, stopped, go, written)
    }

    #[tokio::test]
    async fn a_line_is_answered_once_written() {
        let (printer, _stopped, go, written) = gate(4);
        go.send(true).unwrap();
        assert_eq!(printer.print("one").await, Ok(()));
        assert_eq!(written.lock().unwrap().as_slice(), b"one\n");
    }

    #[tokio::test]
    async fn a_stalled_writer_makes_deliveries_busy_and_the_queue_full() {
        let (printer, _stopped, go, _written) = gate(1);
        // The first line is taken by the writer, which blocks on it: not
        // flushed in time. The second waits in the queue: not flushed in
        // time. The third finds the queue full: not queued in time.
        assert_eq!(printer.print("first").await, Err(Busy));
        assert_eq!(printer.print("second").await, Err(Busy));
        assert_eq!(printer.print("third").await, Err(Busy));
        drop(go);
    }

    #[tokio::test]
    async fn a_write_error_refuses_everything_and_reports_it() {
        let (printer, stopped, go, _written) = gate(4);
        go.send(false).unwrap();
        assert_eq!(printer.print("lost").await, Err(Busy));
        let error = stopped.await.unwrap();
        assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe);
        assert_eq!(printer.print("after").await, Err(Busy));
    }
}
