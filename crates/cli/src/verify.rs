//! `hookguard verify`: check a captured delivery.

use std::process::ExitCode;
use std::time::Duration;

use std::any::Any;

use hookguard_core::http::{HeaderMap, HeaderName, HeaderValue};
use hookguard_core::{Event, FixedClock, Scheme, SecretError, StandardWebhooksVerifier, Verifier};

use crate::Failure;
use crate::args::{VerifyArgs, VerifyingKeys, read_body};
use crate::output::{accepted, print_line, refused};
use crate::provider::with_event;

pub(crate) fn run(arguments: &VerifyArgs) -> Result<ExitCode, Failure> {
    let keys = arguments.secret.collect()?;
    let headers = parse_headers(&arguments.headers)?;
    let body = read_body(&arguments.body_file)?;
    with_event!(
        arguments.provider,
        check(&keys, &headers, body, arguments.now, arguments.tolerance)
    )
}

fn check<E: Event>(
    keys: &VerifyingKeys,
    headers: &HeaderMap,
    body: Vec<u8>,
    now: Option<u64>,
    tolerance: Option<u64>,
) -> Result<ExitCode, Failure>
where
    E::Scheme: Default,
{
    let verifier = verifier::<E>(keys, now, tolerance)?;
    match verifier.receive::<E>(headers, body) {
        Ok(delivery) => {
            print_line(&accepted(&delivery, delivery.replay_id()));
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            print_line(&refused(&error));
            Ok(ExitCode::from(1))
        }
    }
}

/// A verifier for `E`'s scheme; a refused secret or key is a usage error.
pub(crate) fn verifier<E: Event>(
    keys: &VerifyingKeys,
    now: Option<u64>,
    tolerance: Option<u64>,
) -> Result<Verifier<E::Scheme>, Failure>
where
    E::Scheme: Default,
{
    let refused =
        |error: SecretError| Failure::Usage(format!("a secret or key is refused: {error}"));
    let mut verifier = if keys.public_keys.is_empty() {
        with_secrets::<E::Scheme>(keys).map_err(refused)?
    } else {
        // Public keys are Standard Webhooks' alone: build that verifier,
        // and hand it back as `E`'s when `E` is Standard Webhooks.
        let standard = with_public_keys(keys).map_err(refused)?;
        let standard: Box<dyn Any> = Box::new(standard);
        *standard.downcast::<Verifier<E::Scheme>>().map_err(|_| {
            Failure::Usage(format!(
                "--public-key is for --provider standard (Standard Webhooks `v1a`), not {}",
                E::Scheme::NAME
            ))
        })?
    };
    if let Some(seconds) = tolerance {
        verifier = verifier.with_tolerance(Duration::from_secs(seconds));
    }
    if let Some(now) = now {
        verifier = verifier.with_clock(FixedClock(now));
    }
    Ok(verifier)
}

/// The secrets, then the retiring secrets with their dates, in the order
/// given (which is how `secret_index` counts).
fn with_secrets<S: Scheme + Default>(keys: &VerifyingKeys) -> Result<Verifier<S>, SecretError> {
    let (verifier, retiring) = if keys.secrets.is_empty() {
        (
            Verifier::<S>::new_retiring(keys.retiring.iter().cloned())?,
            &[][..],
        )
    } else {
        (Verifier::<S>::new(&keys.secrets)?, &keys.retiring[..])
    };
    retiring
        .iter()
        .try_fold(verifier, |verifier, (secret, retire_at)| {
            verifier.with_retiring_secret(secret, *retire_at)
        })
}

/// A Standard Webhooks verifier with the public keys, and the secrets if any.
fn with_public_keys(keys: &VerifyingKeys) -> Result<StandardWebhooksVerifier, SecretError> {
    if keys.secrets.is_empty() && keys.retiring.is_empty() {
        return StandardWebhooksVerifier::from_public_keys(&keys.public_keys);
    }
    keys.public_keys
        .iter()
        .try_fold(with_secrets(keys)?, |verifier, key| {
            verifier.with_public_key(key)
        })
}

/// `Name: value` lines into a header map; a name given twice stays twice.
pub(crate) fn parse_headers(lines: &[String]) -> Result<HeaderMap, Failure> {
    let mut headers = HeaderMap::new();
    for line in lines {
        let usage = || Failure::Usage(format!("--header {line:?} is not `Name: value`"));
        let (name, value) = line.split_once(':').ok_or_else(usage)?;
        let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| usage())?;
        let value = HeaderValue::from_str(value.trim()).map_err(|_| usage())?;
        headers.append(name, value);
    }
    Ok(headers)
}
