//! `hookguard send`: POST a signed delivery over http or https and print
//! the answer.

use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use hookguard_core::http::HeaderValue;
use reqwest::Url;

use crate::Failure;
use crate::args::{SendArgs, read_body};
use crate::provider::{fresh_id, unix_now, with_event};
use crate::sample;
use crate::sign::signature_headers;
use crate::verify::parse_headers;

pub(crate) fn run(arguments: &SendArgs) -> Result<ExitCode, Failure> {
    let keys = arguments.secret.collect()?;
    let url = target(&arguments.url, arguments.insecure)?;
    let timestamp = arguments.timestamp.unwrap_or_else(unix_now);
    let id = arguments.id.clone().unwrap_or_else(|| fresh_id("msg_"));
    let (body, extra) = match (&arguments.body_file, &arguments.topic) {
        (Some(path), _) => (read_body(path)?, Vec::new()),
        (None, Some(topic)) => {
            warn_if_unknown(arguments.provider, topic);
            sample::event(
                arguments.provider,
                topic,
                timestamp,
                arguments.id.as_deref(),
            )
        }
        (None, None) => return Err(Failure::Usage("give --body-file or --topic".into())),
    };
    let mut headers = with_event!(
        arguments.provider,
        signature_headers(&keys, timestamp, &id, &body)
    )?;
    headers.insert("content-type", content_type(arguments.provider, &body));
    headers.insert("user-agent", HeaderValue::from_static("hookguard-cli"));
    for (name, value) in extra {
        let value = HeaderValue::from_str(&value)
            .map_err(|_| Failure::Usage(format!("{value:?} cannot be a header value")))?;
        headers.insert(name, value);
    }
    // `--header`: the first of a name replaces the generated one, the rest add to it.
    let given = parse_headers(&arguments.headers)?;
    for name in given.keys() {
        headers.remove(name);
        for value in given.get_all(name) {
            headers.append(name, value.clone());
        }
    }
    if arguments.insecure {
        let _ = writeln_stderr(&format!(
            "WARNING: --insecure: the certificate of {} is NOT checked. Anyone between here and \
             there can read and change this delivery. Use it only for a local receiver with a \
             self-signed certificate.",
            url.host_str().unwrap_or_default()
        ));
    }

    // reqwest is built without a crypto provider of its own: rustls on ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let timeout = Duration::from_secs(arguments.timeout);
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .tls_danger_accept_invalid_certs(arguments.insecure)
        .build()
        .map_err(|error| {
            Failure::Failed(format!("cannot set up the client: {}", root_cause(&error)))
        })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::Failed(format!("cannot start the runtime: {error}")))?;
    let shown = url.to_string();
    let failed = |error: reqwest::Error| {
        if error.is_timeout() {
            Failure::Failed(format!(
                "no whole answer from {shown} within {} s",
                timeout.as_secs()
            ))
        } else {
            Failure::Failed(format!("cannot reach {shown}: {}", root_cause(&error)))
        }
    };
    let (status, answer) = runtime.block_on(async {
        let response = client
            .post(url.clone())
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(failed)?;
        let status = response.status();
        let answer = response.bytes().await.map_err(failed)?;
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

/// The URL to POST to: http or https; `--insecure` only for https on this machine.
fn target(text: &str, insecure: bool) -> Result<Url, Failure> {
    let url =
        Url::parse(text).map_err(|error| Failure::Usage(format!("--url {text:?}: {error}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Failure::Usage(format!(
            "--url {text:?}: only http:// and https:// are supported"
        )));
    }
    if insecure {
        if url.scheme() != "https" {
            return Err(Failure::Usage(
                "--insecure applies to https:// URLs only".into(),
            ));
        }
        if !is_local(&url) {
            return Err(Failure::Usage(format!(
                "--insecure is only for a receiver on this machine (localhost or a loopback \
                 address), not {}",
                url.host_str().unwrap_or_default()
            )));
        }
    }
    Ok(url)
}

fn is_local(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(address) => address.is_loopback(),
        Err(_) => {
            let name = host.to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    }
}

/// Warns on stderr when `topic` is not one the provider defines.
/// JSON, except a Slack form body (slash commands, interactivity), which
/// Slack sends as a form.
fn content_type(provider: crate::provider::Provider, body: &[u8]) -> HeaderValue {
    let json = matches!(body.trim_ascii_start().first(), Some(b'{' | b'['));
    if provider == crate::provider::Provider::Slack && !json {
        HeaderValue::from_static("application/x-www-form-urlencoded")
    } else {
        HeaderValue::from_static("application/json")
    }
}

fn warn_if_unknown(provider: crate::provider::Provider, topic: &str) {
    let Some(known) = provider.known_topics() else {
        return;
    };
    if !known.contains(&topic) {
        let _ = writeln_stderr(&format!(
            "warning: {topic:?} is not a known {} topic (known: {}); sending it anyway",
            provider.name(),
            known.join(", ")
        ));
    }
}

fn writeln_stderr(line: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    writeln!(std::io::stderr(), "{line}")
}

/// The innermost error: "connection refused" rather than "client error".
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}
