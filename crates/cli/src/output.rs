//! The JSON lines the command prints.

use std::io::Write as _;

use hookguard_core::replay::ReplayKey;
use hookguard_core::{Delivery, Error, Event, ReplayId, Scheme};
use serde::Serialize;

/// `{"ok":true,"provider":…,"secret_index":N,"public_key_index":null,"topic":…,"id":…,"key":"<64 hex>","event":{…}}`;
/// `public_key_index` is set instead of `secret_index` when a Standard
/// Webhooks `v1a` key matched. `id` is the id the provider reports (signed
/// or not); `key` is the replay key a guard stores for the delivery (the
/// digest of signed bytes only, as Redis holds it after the prefix), or
/// null when the event has none.
#[derive(Serialize)]
struct Accepted<'a, E> {
    ok: bool,
    provider: &'static str,
    secret_index: Option<usize>,
    public_key_index: Option<usize>,
    topic: Option<&'a str>,
    id: Option<&'a str>,
    key: Option<String>,
    event: &'a E,
}

/// The success line for a delivery whose replay key comes from `replay_id`
/// (the event's own, or `listen --noma-dedupe`'s).
pub(crate) fn accepted<E: Event + Serialize>(
    delivery: &Delivery<E>,
    replay_id: Option<ReplayId>,
) -> String {
    let line = Accepted {
        ok: true,
        provider: E::Scheme::NAME,
        secret_index: delivery.verification.secret_index,
        public_key_index: delivery.verification.public_key_index,
        topic: delivery.event.topic_name(),
        id: delivery.id(),
        key: replay_id.map(|id| ReplayKey::unrouted(E::Scheme::NAME, id.key()).to_string()),
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
