//! One request corpus for every framework adapter: each case is a request
//! and the exact answer SPEC §3 gives it, so the adapters cannot drift apart.

use hookguard::scheme::{Noma, Nomos, Slack};
use hookguard::{FixedClock, NomaVerifier, NomosVerifier, Signer, SlackVerifier};

/// 2026-01-15T10:30:00Z: the clock of every verifier here.
pub(crate) const NOW: u64 = 1_768_473_000;
pub(crate) const SECRET: &str = "corpus-secret";
/// The body limit of the verifiers (small, so oversized bodies stay cheap).
pub(crate) const LIMIT: usize = 4096;

pub(crate) const NOMOS: &[u8] = br#"{"id":"evt_1","timestamp":"2026-01-15T10:30:00Z","topic":"subscription.created","context":{"subscription":"sub_1"}}"#;
pub(crate) const NOMOS_UNKNOWN: &[u8] =
    br#"{"id":"evt_2","timestamp":"2026-01-15T10:30:00Z","topic":"tariff.changed","context":{}}"#;

pub(crate) fn nomos_verifier() -> NomosVerifier {
    NomosVerifier::new([SECRET])
        .unwrap()
        .with_clock(FixedClock(NOW))
        .with_body_limit(LIMIT)
}

pub(crate) fn noma_verifier() -> NomaVerifier {
    NomaVerifier::new([SECRET])
        .unwrap()
        .with_clock(FixedClock(NOW))
        .with_body_limit(LIMIT)
}

pub(crate) fn slack_verifier() -> SlackVerifier {
    SlackVerifier::new([SECRET])
        .unwrap()
        .with_clock(FixedClock(NOW))
        .with_body_limit(LIMIT)
}

/// Slack's `url_verification` handshake, as its docs show it.
pub(crate) const SLACK_HANDSHAKE: &[u8] = br#"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
pub(crate) const SLACK_EVENT: &[u8] =
    br#"{"type":"event_callback","event_id":"Ev1","event":{"type":"app_mention","text":"hi"}}"#;
pub(crate) const SLACK_COMMAND: &[u8] = b"token=t&command=%2Fdeploy&text=api+now";

/// A Noma body sent at `time`, with topic `event`.
fn noma_body(event: &str, time: &str) -> Vec<u8> {
    format!(r#"{{"event":"{event}","project_uuid":"p","collection_id":1,"content_id":2,"timestamp":"{time}","delivery_id":"d"}}"#).into_bytes()
}

/// One request and the answer it must get.
#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub(crate) name: String,
    pub(crate) path: &'static str,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) status: u16,
    /// The exact response body: `{"error":"<code>"}`, or empty for success.
    pub(crate) response: String,
    /// What the handler records when it runs; `None` when it must not run.
    pub(crate) handled: Option<String>,
}

fn case(
    name: &str,
    path: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    status: u16,
    code: Option<&str>,
    handled: Option<&str>,
) -> Case {
    Case {
        name: format!("{path} {name}"),
        path,
        headers,
        body,
        status,
        response: code.map_or_else(String::new, |code| format!(r#"{{"error":"{code}"}}"#)),
        handled: handled.map(str::to_owned),
    }
}

fn lines(headers: &hookguard::http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect()
}

fn nomos_signed(timestamp: u64, body: &[u8]) -> Vec<(String, String)> {
    lines(
        &Signer::<Nomos>::new(SECRET)
            .unwrap()
            .sign(timestamp, "", body)
            .unwrap(),
    )
}

fn noma_signed(body: &[u8]) -> Vec<(String, String)> {
    lines(
        &Signer::<Noma>::new(SECRET)
            .unwrap()
            .sign(0, "", body)
            .unwrap(),
    )
}

fn slack_signed(timestamp: u64, body: &[u8]) -> Vec<(String, String)> {
    lines(
        &Signer::<Slack>::new(SECRET)
            .unwrap()
            .sign(timestamp, "", body)
            .unwrap(),
    )
}

fn with_length(mut headers: Vec<(String, String)>, body: &[u8]) -> Vec<(String, String)> {
    headers.push(("content-length".into(), body.len().to_string()));
    headers
}

fn repeated(mut headers: Vec<(String, String)>) -> Vec<(String, String)> {
    headers.push(headers[0].clone());
    headers
}

/// Every row of SPEC §3 that applies without a replay store, for Nomos and
/// Noma, and Slack's handshake (SPEC §10).
pub(crate) fn cases() -> Vec<Case> {
    let mut cases = spec_table_cases();
    cases.extend(slack_cases());
    cases
}

/// Slack: a verified `url_verification` is answered with its challenge by
/// the pipeline, and the handler never runs; an unverified one is refused.
fn slack_cases() -> Vec<Case> {
    let mut handshake = case(
        "url_verification",
        "/slack",
        slack_signed(NOW, SLACK_HANDSHAKE),
        SLACK_HANDSHAKE.to_vec(),
        200,
        None,
        None,
    );
    handshake.response =
        r#"{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}"#.to_owned();
    let mut forged = SLACK_HANDSHAKE.to_vec();
    forged[30] ^= 1;
    vec![
        handshake,
        case(
            "forged url_verification",
            "/slack",
            slack_signed(NOW, SLACK_HANDSHAKE),
            forged,
            401,
            Some("signature_mismatch"),
            None,
        ),
        case(
            "stale url_verification",
            "/slack",
            slack_signed(NOW - 301, SLACK_HANDSHAKE),
            SLACK_HANDSHAKE.to_vec(),
            401,
            Some("timestamp_too_old"),
            None,
        ),
        case(
            "event_callback",
            "/slack",
            slack_signed(NOW, SLACK_EVENT),
            SLACK_EVENT.to_vec(),
            204,
            None,
            Some("slack app_mention"),
        ),
        case(
            "slash command form",
            "/slack",
            slack_signed(NOW, SLACK_COMMAND),
            SLACK_COMMAND.to_vec(),
            204,
            None,
            Some("slack /deploy"),
        ),
    ]
}

fn spec_table_cases() -> Vec<Case> {
    let mut forged = NOMOS.to_vec();
    forged[10] ^= 1;
    let garbage = b"<xml>not json</xml>".to_vec();
    let oversized = vec![b' '; LIMIT + 1];
    let noma_valid = noma_body("content.deleted", "2026-01-15T10:30:00+00:00");
    let noma_stale = noma_body("content.deleted", "2026-01-15T10:24:59+00:00");
    let noma_future = noma_body("content.deleted", "2026-01-15T10:35:01+00:00");
    let noma_unknown = noma_body("media.uploaded", "2026-01-15T10:30:00+00:00");
    let mut noma_forged = noma_valid.clone();
    noma_forged[12] ^= 1;
    let bad_signature = |name: &str| vec![(name.to_owned(), "not-a-signature".to_owned())];

    // A client that declares more than it sends and half-closes, or sends
    // more than it declares: nothing whole arrived (SPEC §7.0, §8).
    let declaring = |length: usize| {
        let mut headers = nomos_signed(NOW, NOMOS);
        headers.push(("content-length".to_owned(), length.to_string()));
        headers
    };

    vec![
        case(
            "valid",
            "/nomos",
            nomos_signed(NOW, NOMOS),
            NOMOS.to_vec(),
            204,
            None,
            Some("nomos subscription.created"),
        ),
        case(
            "forged",
            "/nomos",
            nomos_signed(NOW, NOMOS),
            forged,
            401,
            Some("signature_mismatch"),
            None,
        ),
        case(
            "stale",
            "/nomos",
            nomos_signed(NOW - 301, NOMOS),
            NOMOS.to_vec(),
            401,
            Some("timestamp_too_old"),
            None,
        ),
        case(
            "future",
            "/nomos",
            nomos_signed(NOW + 301, NOMOS),
            NOMOS.to_vec(),
            401,
            Some("timestamp_in_future"),
            None,
        ),
        case(
            "edge of tolerance",
            "/nomos",
            nomos_signed(NOW - 300, NOMOS),
            NOMOS.to_vec(),
            204,
            None,
            Some("nomos subscription.created"),
        ),
        case(
            "missing header",
            "/nomos",
            vec![],
            NOMOS.to_vec(),
            400,
            Some("missing_header"),
            None,
        ),
        case(
            "malformed header",
            "/nomos",
            bad_signature("x-nomos-signature"),
            NOMOS.to_vec(),
            400,
            Some("malformed_header"),
            None,
        ),
        case(
            "repeated header",
            "/nomos",
            repeated(nomos_signed(NOW, NOMOS)),
            NOMOS.to_vec(),
            400,
            Some("malformed_header"),
            None,
        ),
        case(
            "authentic garbage",
            "/nomos",
            nomos_signed(NOW, &garbage),
            garbage.clone(),
            400,
            Some("invalid_payload"),
            None,
        ),
        case(
            "oversized, Content-Length",
            "/nomos",
            with_length(nomos_signed(NOW, &oversized), &oversized),
            oversized.clone(),
            413,
            Some("payload_too_large"),
            None,
        ),
        case(
            "oversized, no Content-Length",
            "/nomos",
            nomos_signed(NOW, &oversized),
            oversized.clone(),
            413,
            Some("payload_too_large"),
            None,
        ),
        case(
            "unknown topic",
            "/nomos",
            nomos_signed(NOW, NOMOS_UNKNOWN),
            NOMOS_UNKNOWN.to_vec(),
            204,
            None,
            Some("nomos unknown tariff.changed"),
        ),
        case(
            "valid",
            "/noma",
            noma_signed(&noma_valid),
            noma_valid.clone(),
            204,
            None,
            Some("noma content.deleted"),
        ),
        case(
            "forged",
            "/noma",
            noma_signed(&noma_valid),
            noma_forged,
            401,
            Some("signature_mismatch"),
            None,
        ),
        case(
            "stale",
            "/noma",
            noma_signed(&noma_stale),
            noma_stale,
            401,
            Some("timestamp_too_old"),
            None,
        ),
        case(
            "future",
            "/noma",
            noma_signed(&noma_future),
            noma_future,
            401,
            Some("timestamp_in_future"),
            None,
        ),
        case(
            "missing header",
            "/noma",
            vec![],
            noma_valid.clone(),
            400,
            Some("missing_header"),
            None,
        ),
        case(
            "malformed header",
            "/noma",
            bad_signature("x-webhook-signature"),
            noma_valid.clone(),
            400,
            Some("malformed_header"),
            None,
        ),
        case(
            "repeated header",
            "/noma",
            repeated(noma_signed(&noma_valid)),
            noma_valid.clone(),
            400,
            Some("malformed_header"),
            None,
        ),
        case(
            "authentic garbage",
            "/noma",
            noma_signed(&garbage),
            garbage,
            400,
            Some("invalid_payload"),
            None,
        ),
        case(
            "oversized, Content-Length",
            "/noma",
            with_length(noma_signed(&oversized), &oversized),
            oversized.clone(),
            413,
            Some("payload_too_large"),
            None,
        ),
        case(
            "oversized, no Content-Length",
            "/noma",
            noma_signed(&oversized),
            oversized,
            413,
            Some("payload_too_large"),
            None,
        ),
        case(
            "unknown topic",
            "/noma",
            noma_signed(&noma_unknown),
            noma_unknown,
            204,
            None,
            Some("noma unknown media.uploaded"),
        ),
        case(
            "body shorter than its content-length",
            "/nomos",
            declaring(NOMOS.len() + 7),
            NOMOS.to_vec(),
            400,
            Some("invalid_payload"),
            None,
        ),
        case(
            "body longer than its content-length",
            "/nomos",
            declaring(NOMOS.len() - 7),
            NOMOS.to_vec(),
            400,
            Some("invalid_payload"),
            None,
        ),
    ]
}
