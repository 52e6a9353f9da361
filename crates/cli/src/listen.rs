//! `hookguard listen`: a real receiver that prints each verified event.

use std::net::SocketAddr;
use std::process::ExitCode;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::{MethodRouter, post};
use hookguard_axum::{Dedupe, WebhookDelivery};
use hookguard_core::replay::ReplayGuard;
use hookguard_core::{Event, Scheme, Verifier};
use hookguard_redis::RedisStore;

use crate::Failure;
use crate::args::ListenArgs;
use crate::output::{accepted, print_line};
use crate::provider::with_event;
use crate::verify::verifier;

pub(crate) fn run(arguments: &ListenArgs) -> Result<ExitCode, Failure> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,hookguard=trace".into()),
        )
        .init();
    let secrets = arguments.secret.collect()?;
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|error| Failure::Failed(format!("cannot start the runtime: {error}")))?;
    runtime.block_on(async {
        with_event!(
            arguments.provider,
            serve(&secrets, arguments.addr, arguments.dedupe.as_deref()).await
        )
    })
}

async fn serve<E: Event>(
    secrets: &[String],
    address: SocketAddr,
    dedupe: Option<&str>,
) -> Result<ExitCode, Failure>
where
    E::Scheme: Default,
{
    let verifier = verifier::<E>(secrets, None, None)?;
    let route = guarded::<E>(post(print_event::<E>), dedupe).await?;
    let app = Router::new().route("/", route).with_state(verifier);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| Failure::Failed(format!("cannot listen on {address}: {error}")))?;
    let bound = listener
        .local_addr()
        .map_err(|error| Failure::Failed(error.to_string()))?;
    eprintln!(
        "listening on http://{bound}/ for {} deliveries",
        E::Scheme::NAME
    );
    axum::serve(listener, app)
        .await
        .map_err(|error| Failure::Failed(format!("the server stopped: {error}")))?;
    Ok(ExitCode::SUCCESS)
}

/// The route with the replay guard `--dedupe` asks for.
async fn guarded<E: Event>(
    route: MethodRouter<Verifier<E::Scheme>>,
    dedupe: Option<&str>,
) -> Result<MethodRouter<Verifier<E::Scheme>>, Failure> {
    let guard = match dedupe {
        None => return Ok(route),
        Some("memory") => ReplayGuard::in_memory(),
        Some(url) if url.starts_with("redis://") || url.starts_with("rediss://") => {
            let store = RedisStore::connect(url)
                .await
                .map_err(|error| Failure::Failed(error.to_string()))?;
            ReplayGuard::new(store)
        }
        Some(other) => {
            return Err(Failure::Usage(format!(
                "--dedupe {other:?} is neither `memory` nor a redis:// URL"
            )));
        }
    };
    Ok(route.route_layer(Dedupe::<E>::new(guard)))
}

async fn print_event<E: Event>(WebhookDelivery(delivery): WebhookDelivery<E>) -> StatusCode {
    print_line(&accepted(&delivery));
    StatusCode::NO_CONTENT
}
