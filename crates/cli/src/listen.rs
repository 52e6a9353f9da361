//! `hookguard listen`: a real receiver that prints each verified event.

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::response::{IntoResponse as _, Response};
use axum::routing::{MethodRouter, post};
use hookguard_axum::{Dedupe, WebhookDelivery, WebhookRejection};
use hookguard_core::noma::{self, NomaEvent};
use hookguard_core::receive::{KeyFn, log_refusal};
use hookguard_core::replay::ReplayGuard;
use hookguard_core::{Delivery, Error, Event, Scheme, Verifier};
use hookguard_redis::RedisStore;

use crate::Failure;
use crate::args::{ListenArgs, VerifyingKeys};
use crate::output::accepted;
use crate::printer::Printer;
use crate::provider::{Provider, with_event};
use crate::verify::verifier;
use hookguard_axum::serve::{Limits, serve};

/// What a busy receiver tells the provider: retry in this many seconds.
const BUSY_RETRY_AFTER_SECS: u64 = 5;

/// The longest `--path`.
const PATH_LIMIT: usize = 1024;

pub(crate) fn run(arguments: &ListenArgs) -> Result<ExitCode, Failure> {
    // Logs never wait on a stalled stderr: a writer thread takes them, and
    // drops lines when it falls behind.
    let (logs, _flush_logs_on_exit) = tracing_appender::non_blocking(std::io::stderr());
    tracing_subscriber::fmt()
        .with_writer(logs)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,hookguard=trace".into()),
        )
        .init();
    let keys = arguments.secret.collect()?;
    check_path(&arguments.path)?;
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|error| Failure::Failed(format!("cannot start the runtime: {error}")))?;
    if arguments.noma_dedupe {
        // The opt-in key is Noma's alone (clap has checked `--dedupe`).
        if arguments.provider != Provider::Noma {
            return Err(Failure::Usage(format!(
                "--noma-dedupe is for --provider noma, not {}",
                arguments.provider.name()
            )));
        }
        let key: KeyFn<NomaEvent> = Arc::new(noma::dedupe_key);
        return runtime.block_on(receive::<NomaEvent>(&keys, arguments, Some(key)));
    }
    runtime
        .block_on(async { with_event!(arguments.provider, receive(&keys, arguments, None).await) })
}

/// Serves deliveries of `E` until standard output fails; `key`, when
/// given, replaces each event's own replay key.
async fn receive<E: Event>(
    keys: &VerifyingKeys,
    arguments: &ListenArgs,
    key: Option<KeyFn<E>>,
) -> Result<ExitCode, Failure>
where
    E::Scheme: Default,
{
    let verifier = verifier::<E>(keys, None, None)?;
    let capacity = usize::try_from(arguments.output_queue).unwrap_or(usize::MAX);
    let (printer, output_failed) = Printer::start(
        std::io::stdout(),
        capacity,
        arguments.queue_wait,
        arguments.flush_wait,
    )
    .map_err(|error| Failure::Failed(format!("cannot start the output thread: {error}")))?;
    // The line reports the key the guard uses: the event's own, or the
    // one `--noma-dedupe` chose.
    let key_of: KeyFn<E> = key.clone().unwrap_or_else(|| Arc::new(Delivery::replay_id));
    let handler = move |WebhookDelivery(delivery): WebhookDelivery<E>| {
        let printer = printer.clone();
        let line = accepted(&delivery, key_of(&delivery));
        async move { print_event(E::Scheme::NAME, &printer, &line).await }
    };
    let route = guarded::<E>(post(handler), arguments.dedupe.as_deref(), key).await?;
    let app = Router::new()
        .route(&arguments.path, route)
        .with_state(verifier);

    let address = arguments.addr;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| Failure::Failed(format!("cannot listen on {address}: {error}")))?;
    let bound = listener
        .local_addr()
        .map_err(|error| Failure::Failed(error.to_string()))?;
    note(&format!(
        "listening on http://{bound}{} for {} deliveries",
        arguments.path,
        E::Scheme::NAME
    ));
    let limits = Limits::default()
        .with_header_timeout(arguments.header_timeout)
        .with_body_timeout(arguments.body_timeout)
        .with_max_connections(usize::try_from(arguments.max_connections).unwrap_or(usize::MAX))
        .with_grace(Duration::from_secs(5));
    // The server runs until standard output fails; then what is in flight
    // is answered (503 `busy`) and the command exits 1.
    let stopped = async {
        match output_failed.await {
            Ok(error) => error,
            Err(_) => std::future::pending().await,
        }
    };
    let error = serve(listener, app, limits, stopped).await;
    Err(Failure::Failed(format!(
        "cannot write to standard output ({error}); stopped"
    )))
}

/// Prints the event line; 204 once it is flushed, 503 `busy` (Retry-After
/// 5) when output is stalled or broken: the replay claim is then released,
/// and the answer is logged (and counted) as the core logs every refusal.
async fn print_event(provider: &'static str, printer: &Printer, line: &str) -> Response {
    match printer.print(line).await {
        Ok(()) => axum::http::StatusCode::NO_CONTENT.into_response(),
        Err(_) => {
            let busy = Error::Busy {
                retry_after_secs: BUSY_RETRY_AFTER_SECS,
            };
            log_refusal(provider, &busy);
            WebhookRejection::from(busy).into_response()
        }
    }
}

/// The route with the replay guard `--dedupe` asks for, keyed by `key`
/// when given.
async fn guarded<E: Event>(
    route: MethodRouter<Verifier<E::Scheme>>,
    dedupe: Option<&str>,
    key: Option<KeyFn<E>>,
) -> Result<MethodRouter<Verifier<E::Scheme>>, Failure> {
    let guard = match dedupe {
        None => return Ok(route),
        Some("memory") => ReplayGuard::in_memory(),
        Some(url) if url.starts_with("redis://") || url.starts_with("rediss://") => {
            let store = RedisStore::connect(url).await.map_err(|error| {
                Failure::Failed(format!(
                    "cannot connect to the Redis replay store at {}: {}",
                    redis_address(url),
                    redacted(&root_cause(&error), url)
                ))
            })?;
            ReplayGuard::new(store)
        }
        Some(other) => {
            return Err(Failure::Usage(format!(
                "--dedupe {:?} is neither `memory` nor a redis:// URL",
                redacted(other, other)
            )));
        }
    };
    let mut dedupe = Dedupe::<E>::new(guard);
    if let Some(key) = key {
        dedupe = dedupe.with_key(move |delivery| key(delivery));
    }
    Ok(route.route_layer(dedupe))
}

/// `--path`: an absolute path of plain characters (no captures or wildcards).
fn check_path(path: &str) -> Result<(), Failure> {
    let plain = path
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte));
    if !path.starts_with('/') || !plain || path.contains("//") || path.len() > PATH_LIMIT {
        return Err(Failure::Usage(format!(
            "--path {path:?} must start with / and hold only letters, digits, -, ., _, ~ and single /"
        )));
    }
    Ok(())
}

/// `host:port` of a Redis URL, without user name or password.
fn redis_address(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let has_port = match host_port.rsplit_once(':') {
        Some((_, port)) => !port.is_empty() && port.bytes().all(|byte| byte.is_ascii_digit()),
        None => false,
    };
    if host_port.ends_with(']') || !has_port {
        format!("{host_port}:6379")
    } else {
        host_port.to_owned()
    }
}

/// `text` with the user information of `url` (where a password lives)
/// replaced, in case a cause ever quotes it.
fn redacted(text: &str, url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let mut text = text.to_owned();
    if let Some((user_info, _)) = authority.rsplit_once('@') {
        for secret in [user_info, user_info.split_once(':').map_or("", |(_, p)| p)] {
            if !secret.is_empty() {
                text = text.replace(secret, "***");
            }
        }
    }
    text
}

/// The innermost error: "connection refused" rather than "cannot connect".
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

/// A line for the person at the terminal; a closed stderr is no reason to stop.
fn note(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_addresses_leave_out_the_password() {
        assert_eq!(redis_address("redis://127.0.0.1:6390/"), "127.0.0.1:6390");
        assert_eq!(redis_address("redis://:hunter2@cache:7000/0"), "cache:7000");
        assert_eq!(redis_address("rediss://user:p%40ss@cache"), "cache:6379");
        assert_eq!(redis_address("redis://[::1]:6380"), "[::1]:6380");
        assert_eq!(redis_address("redis://[::1]"), "[::1]:6379");
        assert_eq!(
            redacted("auth failed for user:hunter2", "redis://user:hunter2@h/"),
            "auth failed for ***"
        );
    }

    #[test]
    fn paths_are_plain() {
        assert!(check_path("/").is_ok());
        assert!(check_path("/webhooks/nomos").is_ok());
        for bad in ["", "webhooks", "/{id}", "/*rest", "//x", "/a b", "/:x"] {
            assert!(check_path(bad).is_err(), "{bad:?}");
        }
    }
}
