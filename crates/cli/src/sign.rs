//! `hookguard sign`: the headers a provider would send.

use std::process::ExitCode;

use std::any::Any;

use hookguard_core::http::HeaderMap;
use hookguard_core::scheme::StandardWebhooks;
use hookguard_core::{Event, Scheme, SecretError, Signer};

use crate::Failure;
use crate::args::{SignArgs, SigningKeys, read_body};
use crate::provider::{fresh_id, unix_now, with_event};

pub(crate) fn run(arguments: &SignArgs) -> Result<ExitCode, Failure> {
    let keys = arguments.secret.collect()?;
    let body = read_body(&arguments.body_file)?;
    let timestamp = arguments.timestamp.unwrap_or_else(unix_now);
    let id = arguments.id.clone().unwrap_or_else(|| fresh_id("msg_"));
    let headers = with_event!(
        arguments.provider,
        signature_headers(&keys, timestamp, &id, &body)
    )?;
    for (name, value) in &headers {
        println!("{name}: {}", value.to_str().unwrap_or_default());
    }
    Ok(ExitCode::SUCCESS)
}

/// The signature headers of `E`'s provider for `body`.
pub(crate) fn signature_headers<E: Event>(
    keys: &SigningKeys,
    timestamp: u64,
    id: &str,
    body: &[u8],
) -> Result<HeaderMap, Failure> {
    let refused = |error: SecretError| {
        Failure::Usage(format!("the secret or signing key is refused: {error}"))
    };
    let signer = match (&keys.secret, &keys.signing_key) {
        (Some(secret), None) => Signer::<E::Scheme>::new(secret).map_err(refused)?,
        (secret, Some(signing_key)) => {
            // Signing keys are Standard Webhooks' alone: build that signer,
            // and hand it back as `E`'s when `E` is Standard Webhooks.
            let standard = match secret {
                Some(secret) => Signer::<StandardWebhooks>::new(secret)
                    .and_then(|signer| signer.with_signing_key(signing_key)),
                None => Signer::<StandardWebhooks>::from_signing_key(signing_key),
            }
            .map_err(refused)?;
            let standard: Box<dyn Any> = Box::new(standard);
            *standard.downcast::<Signer<E::Scheme>>().map_err(|_| {
                Failure::Usage(format!(
                    "--signing-key-env is for --provider standard (Standard Webhooks `v1a`), not {}",
                    E::Scheme::NAME
                ))
            })?
        }
        (None, None) => return Err(Failure::Usage("nothing to sign with".into())),
    };
    signer
        .sign(timestamp, id, body)
        .map_err(|error| Failure::Usage(format!("cannot sign: {error}")))
}
