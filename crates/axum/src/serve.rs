//! A production-shaped HTTP/1.1 server for a webhook receiver: hyper's
//! connection builder with the limits a receiver on the open internet
//! needs, around an axum `Router` (`axum::serve` has none of them). The
//! `hookguard listen` command and the example receivers run on it.
//!
//! - A request head, the first one on a new or idle connection included,
//!   must arrive within the header timeout (hyper's `header_read_timeout`).
//! - A request body may go no longer than the body timeout without a byte
//!   (an idle timer, reset by each frame, so a large slow upload passes);
//!   the read then fails, the request is refused and the connection closed.
//! - At most `max_connections` are served at once: a permit is taken before
//!   `accept`, so past the cap new connections wait in the kernel's listen
//!   backlog instead of costing a task and a file descriptor each.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt as _;

/// The limits of [`serve`]; the defaults suit webhook deliveries.
///
/// ```
/// use std::time::Duration;
/// use hookguard::axum::serve::Limits;
///
/// let limits = Limits::default()
///     .with_header_timeout(Duration::from_secs(5))
///     .with_max_connections(256);
/// assert_eq!(limits.body_timeout, Duration::from_secs(10));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// How long a request head may take to arrive, the first one on a new
    /// or idle connection included (default 10 s).
    pub header_timeout: Duration,
    /// How long a request body may go without a byte (default 10 s): an
    /// idle timer, so a large delivery that keeps arriving passes.
    pub body_timeout: Duration,
    /// How many connections are served at once (default 1024; at least 1).
    pub max_connections: usize,
    /// How long requests in flight may take to finish once `stop` fires
    /// (default 10 s).
    pub grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_connections: 1024,
            grace: Duration::from_secs(10),
        }
    }
}

impl Limits {
    /// Sets [`header_timeout`](Self::header_timeout).
    #[must_use]
    pub fn with_header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = timeout;
        self
    }

    /// Sets [`body_timeout`](Self::body_timeout).
    #[must_use]
    pub fn with_body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// Sets [`max_connections`](Self::max_connections); 0 counts as 1.
    #[must_use]
    pub fn with_max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// Sets [`grace`](Self::grace).
    #[must_use]
    pub fn with_grace(mut self, grace: Duration) -> Self {
        self.grace = grace;
        self
    }
}

/// Serves `app` on `listener` until `stop` completes; then stops accepting,
/// lets the requests in flight finish (within `limits.grace`) and returns
/// what `stop` gave.
///
/// ```no_run
/// use axum::{Router, routing::post};
/// use hookguard::axum::serve::{Limits, serve};
///
/// # async fn run(app: Router) -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// // Until Ctrl-C; then requests in flight get `grace` to finish.
/// serve(listener, app, Limits::default(), tokio::signal::ctrl_c()).await?;
/// # Ok(())
/// # }
/// ```
pub async fn serve<T>(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stop: impl Future<Output = T>,
) -> T {
    let limits = Limits {
        max_connections: limits.max_connections.max(1),
        ..limits
    };
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let (shutdown, shutting_down) = watch::channel(false);
    tokio::pin!(stop);
    let reason = loop {
        let permit = tokio::select! {
            reason = &mut stop => break reason,
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => continue,
            },
        };
        let stream = tokio::select! {
            reason = &mut stop => break reason,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(error) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(target: "hookguard::serve", %error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        tokio::spawn(connection(
            stream,
            app.clone(),
            limits,
            permit,
            shutting_down.clone(),
        ));
    };
    drop(listener);
    let _ = shutdown.send(true);
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(limits.grace, permits.acquire_many(all)).await;
    reason
}

/// One connection, holding its permit until it closes.
async fn connection(
    stream: TcpStream,
    app: Router,
    limits: Limits,
    permit: OwnedSemaphorePermit,
    mut shutting_down: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let body_timeout = limits.body_timeout;
    let service = service_fn(move |request: hyper::Request<Incoming>| {
        let request = request.map(|body| Body::new(IdleTimeout::new(body, body_timeout)));
        app.clone().oneshot(request)
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let connection = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        _ = async { shutting_down.wait_for(|&stopping| stopping).await.map(|_| ()) } => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = result {
        tracing::debug!(target: "hookguard::serve", %error, "connection closed");
    }
    drop(permit);
}

/// The body went longer than the body timeout without a byte.
#[derive(Debug)]
struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no body byte within the body timeout")
    }
}

impl std::error::Error for BodyTimedOut {}

/// A request body that fails when no frame arrives within `timeout` of the
/// previous one (or of the request head).
struct IdleTimeout<B> {
    inner: B,
    timeout: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl<B> IdleTimeout<B> {
    fn new(inner: B, timeout: Duration) -> Self {
        Self {
            inner,
            timeout,
            deadline: Box::pin(tokio::time::sleep(timeout)),
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<B> HttpBody for IdleTimeout<B>
where
    B: HttpBody + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = B::Data;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(context) {
            Poll::Ready(frame) => {
                let next = Instant::now() + this.timeout;
                this.deadline.as_mut().reset(next);
                Poll::Ready(frame.map(|frame| frame.map_err(Into::into)))
            }
            Poll::Pending => match this.deadline.as_mut().poll(context) {
                Poll::Ready(()) => Poll::Ready(Some(Err(BodyTimedOut.into()))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
