//! The JSON lines the command prints.

use std::io::Write as _;

use hookguard_core::{Delivery, Error, Event, Scheme};
use serde::Serialize;

/// `{"ok":true,"provider":…,"secret_index":N,"public_key_index":null,"topic":…,"id":…,"event":{…}}`;
/// `public_key_index` is set instead of `secret_index` when a Standard
/// Webhooks `v1a` key matched.
#[derive(Serialize)]
struct Accepted<'a, E> {
    ok: bool,
    provider: &'static str,
    secret_index: Option<usize>,
    public_key_index: Option<usize>,
    topic: Option<&'a str>,
    id: Option<&'a str>,
    event: &'a E,
}

/// The success line for a delivery.
pub(crate) fn accepted<E: Event + Serialize>(delivery: &Delivery<E>) -> String {
    let line = Accepted {
        ok: true,
        provider: E::Scheme::NAME,
        secret_index: delivery.verification.secret_index,
        public_key_index: delivery.verification.public_key_index,
        topic: delivery.event.topic_name(),
        id: delivery.id(),
        event: &delivery.event,
    };
    serde_json::to_string(&line).unwrap_or_else(|_| r#"{"ok":true}"#.to_owned())
}

/// The failure line for a refusal: `{"ok":false,"error":"<code>"}`.
pub(crate) fn refused(error: &Error) -> String {
    format!(r#"{{"ok":false,"error":"{}"}}"#, error.code())
}

/// Prints one whole line with one write under the stdout lock, so lines
/// from concurrent deliveries never interleave.
pub(crate) fn print_line(line: &str) {
    let mut stdout = std::io::stdout().lock();
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    // A closed stdout (a pipe whose reader left) is not worth a panic.
    let _ = stdout.write_all(&bytes).and_then(|()| stdout.flush());
}
