//! `hookguard sign`: the headers a provider would send.

use std::process::ExitCode;

use hookguard_core::http::HeaderMap;
use hookguard_core::{Event, Signer};

use crate::Failure;
use crate::args::{SignArgs, read_body};
use crate::provider::{fresh_id, unix_now, with_event};

pub(crate) fn run(arguments: &SignArgs) -> Result<ExitCode, Failure> {
    let secret = arguments.secret.collect()?;
    let body = read_body(&arguments.body_file)?;
    let timestamp = arguments.timestamp.unwrap_or_else(unix_now);
    let id = arguments.id.clone().unwrap_or_else(|| fresh_id("msg_"));
    let headers = with_event!(
        arguments.provider,
        signature_headers(&secret, timestamp, &id, &body)
    )?;
    for (name, value) in &headers {
        println!("{name}: {}", value.to_str().unwrap_or_default());
    }
    Ok(ExitCode::SUCCESS)
}

/// The signature headers of `E`'s provider for `body`.
pub(crate) fn signature_headers<E: Event>(
    secret: &str,
    timestamp: u64,
    id: &str,
    body: &[u8],
) -> Result<HeaderMap, Failure> {
    let signer = Signer::<E::Scheme>::new(secret)
        .map_err(|error| Failure::Usage(format!("the secret is refused: {error}")))?;
    signer
        .sign(timestamp, id, body)
        .map_err(|error| Failure::Usage(format!("cannot sign: {error}")))
}
