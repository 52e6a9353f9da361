//! `hookguard send`: POST a signed delivery and print the answer.

use std::process::ExitCode;
use std::time::Duration;

use bytes::Bytes;
use hookguard_core::http::{HeaderName, HeaderValue, Request};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::Failure;
use crate::args::{SendArgs, read_body};
use crate::provider::{fresh_id, unix_now, with_event};
use crate::sample;
use crate::sign::signature_headers;

pub(crate) fn run(arguments: &SendArgs) -> Result<ExitCode, Failure> {
    let secrets = arguments.secret.collect()?;
    let timestamp = arguments.timestamp.unwrap_or_else(unix_now);
    let (body, extra) = match (&arguments.body_file, &arguments.topic) {
        (Some(path), _) => (read_body(path)?, Vec::new()),
        (None, Some(topic)) => sample::event(arguments.provider, topic, timestamp),
        (None, None) => return Err(Failure::Usage("give --body-file or --topic".into())),
    };
    let mut headers = with_event!(
        arguments.provider,
        signature_headers(&secrets[0], timestamp, &fresh_id("msg_"), &body)
    )?;
    for (name, value) in extra {
        let value = HeaderValue::from_str(&value)
            .map_err(|_| Failure::Usage(format!("{value:?} cannot be a header value")))?;
        headers.insert(HeaderName::from_static(name), value);
    }
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert("user-agent", HeaderValue::from_static("hookguard-cli"));

    let mut request = Request::post(&arguments.url)
        .body(Full::new(Bytes::from(body)))
        .map_err(|_| Failure::Usage(format!("{:?} is not a URL", arguments.url)))?;
    *request.headers_mut() = headers;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Failed(format!("cannot start the runtime: {error}")))?;
    let timeout = Duration::from_secs(arguments.timeout);
    let url = &arguments.url;
    let (status, answer) = runtime.block_on(async {
        let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        let response = tokio::time::timeout(timeout, client.request(request))
            .await
            .map_err(|_| {
                Failure::Failed(format!(
                    "no answer from {url} within {} s",
                    timeout.as_secs()
                ))
            })?
            .map_err(|error| {
                Failure::Failed(format!("cannot reach {url}: {}", root_cause(&error)))
            })?;
        let status = response.status();
        let answer = tokio::time::timeout(timeout, response.into_body().collect())
            .await
            .map_err(|_| {
                Failure::Failed(format!(
                    "the answer from {url} did not finish within {} s",
                    timeout.as_secs()
                ))
            })?
            .map_err(|error| Failure::Failed(format!("the answer from {url} broke off: {error}")))?
            .to_bytes();
        Ok::<_, Failure>((status, answer))
    })?;

    println!("{status}");
    if !answer.is_empty() {
        println!("{}", String::from_utf8_lossy(&answer));
    }
    Ok(if status.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The innermost error: "connection refused" rather than "client error".
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}
