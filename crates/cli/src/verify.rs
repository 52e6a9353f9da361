//! `hookguard verify`: check a captured delivery.

use std::process::ExitCode;
use std::time::Duration;

use hookguard_core::http::{HeaderMap, HeaderName, HeaderValue};
use hookguard_core::{Event, FixedClock, Verifier};

use crate::Failure;
use crate::args::{VerifyArgs, read_body};
use crate::output::{accepted, print_line, refused};
use crate::provider::with_event;

pub(crate) fn run(arguments: &VerifyArgs) -> Result<ExitCode, Failure> {
    let secrets = arguments.secret.collect()?;
    let headers = parse_headers(&arguments.headers)?;
    let body = read_body(&arguments.body_file)?;
    with_event!(
        arguments.provider,
        check(&secrets, &headers, body, arguments.now, arguments.tolerance)
    )
}

fn check<E: Event>(
    secrets: &[String],
    headers: &HeaderMap,
    body: Vec<u8>,
    now: Option<u64>,
    tolerance: Option<u64>,
) -> Result<ExitCode, Failure>
where
    E::Scheme: Default,
{
    let verifier = verifier::<E>(secrets, now, tolerance)?;
    match verifier.receive::<E>(headers, body) {
        Ok(delivery) => {
            print_line(&accepted(&delivery));
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            print_line(&refused(&error));
            Ok(ExitCode::from(1))
        }
    }
}

/// A verifier for `E`'s scheme; a refused secret is a usage error.
pub(crate) fn verifier<E: Event>(
    secrets: &[String],
    now: Option<u64>,
    tolerance: Option<u64>,
) -> Result<Verifier<E::Scheme>, Failure>
where
    E::Scheme: Default,
{
    let mut verifier = Verifier::<E::Scheme>::new(secrets)
        .map_err(|error| Failure::Usage(format!("a secret is refused: {error}")))?;
    if let Some(seconds) = tolerance {
        verifier = verifier.with_tolerance(Duration::from_secs(seconds));
    }
    if let Some(now) = now {
        verifier = verifier.with_clock(FixedClock(now));
    }
    Ok(verifier)
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
