//! Slack: `X-Slack-Signature: v0=<hex>` over `v0:<timestamp>:<body>`, with
//! the time in `X-Slack-Request-Timestamp`, keyed with the signing secret's
//! UTF-8 bytes (api.slack.com, "Verifying requests from Slack"); a generic
//! event from a JSON or a form body, whose topic is `event.type`, else
//! `type`, else `command`.

mod form;

use http::{HeaderMap, HeaderName};
use serde_json::Value;

use crate::error::Error;
use crate::event::ReplayId;
use crate::event::generic::{GenericEvent, GenericSource, string_member};
use crate::header::{self, Headers};
use crate::secret::Secret;
use crate::signature::{Scheme, decode_hex_tag, generated_value, matching_secret, sealed::Sealed};
use crate::verification::Verification;
use crate::verifier::Verifier;

const SIGNATURE: &str = "x-slack-signature";
const TIMESTAMP: &str = "x-slack-request-timestamp";

/// The signature version Slack signs with, and the message's prefix.
const VERSION: &str = "v0";

/// The top-level `type` of the handshake Slack sends when an Events API
/// URL is configured; answered with its `challenge`.
const URL_VERIFICATION: &str = "url_verification";

/// A [`Verifier`] for Slack requests.
pub type SlackVerifier = Verifier<Slack>;

/// A Slack event: the JSON body, or the fields of a form body (a form's
/// `payload` field, as interactivity sends it, is that field's JSON);
/// topic from `event.type`, else `type`, else `command`; id from the
/// body's `event_id`.
pub type SlackEvent = GenericEvent<Slack>;

/// The Slack scheme.
///
/// Slack signs the timestamp header and the body. The replay key is the
/// body's `event_id` (Events API, the same on every retry), else the
/// SHA-256 of the body (slash commands and interactivity, which Slack does
/// not retry): both from signed bytes.
///
/// A verified `url_verification` is answered by the receive pipeline with
/// its challenge and never reaches the handler (see
/// [`receive::accept`](crate::receive::accept)).
#[derive(Debug, Clone, Copy, Default)]
pub struct Slack;

impl Scheme for Slack {
    const NAME: &'static str = "slack";
}

impl Sealed for Slack {
    fn authenticate(
        &self,
        secrets: &[Secret],
        headers: &dyn Headers,
        body: &[u8],
    ) -> Result<Verification, Error> {
        let [signature, timestamp] = header::find(headers, [SIGNATURE, TIMESTAMP]);
        let value = signature.required()?;
        let timestamp_text = timestamp.required()?;
        let candidate =
            value
                .strip_prefix(b"v0=")
                .and_then(decode_hex_tag)
                .ok_or(Error::malformed(
                    SIGNATURE,
                    "expected `v0=` and 64 hex digits",
                ))?;
        let timestamp = header::parse_timestamp(TIMESTAMP, timestamp_text)?;
        let message: [&[u8]; 5] = [VERSION.as_bytes(), b":", timestamp_text, b":", body];
        let index = matching_secret(secrets, &message, || std::iter::once(Some(candidate)))
            .ok_or(Error::SignatureMismatch)?;
        Ok(Verification::matched(index, Some(timestamp)))
    }

    fn signature_headers(
        secret: &Secret,
        timestamp: u64,
        _id: &str,
        body: &[u8],
    ) -> Result<HeaderMap, Error> {
        let timestamp = timestamp.to_string();
        let tag = secret.tag(&[VERSION.as_bytes(), b":", timestamp.as_bytes(), b":", body]);
        let signature = format!("{VERSION}={}", hex::encode(tag));
        Ok(HeaderMap::from_iter([
            (
                HeaderName::from_static(TIMESTAMP),
                generated_value(timestamp),
            ),
            (
                HeaderName::from_static(SIGNATURE),
                generated_value(signature),
            ),
        ]))
    }
}

impl GenericSource for Slack {
    fn payload(body: &[u8]) -> Result<Value, Error> {
        // `Content-Type` is not signed: an attacker could relabel a captured
        // JSON delivery as a form and change its topic and key. The signed
        // bytes decide instead: Slack's JSON bodies are objects, and its
        // form bodies start with a field name (`token=`, `payload=`).
        if matches!(body.trim_ascii_start().first(), Some(b'{' | b'[')) {
            return serde_json::from_slice(body)
                .map_err(|error| crate::event::invalid_payload(&error));
        }
        form::payload(body)
    }

    fn topic(_headers: &dyn Headers, payload: &Value) -> Result<Option<String>, Error> {
        if is_url_verification(payload) && challenge_of(payload).is_none() {
            return Err(Error::InvalidPayload {
                reason: "a `url_verification` has no string `challenge`",
            });
        }
        let event_type = payload
            .get("event")
            .and_then(|event| string_member(event, "type"));
        Ok(event_type
            .or_else(|| string_member(payload, "type"))
            .or_else(|| string_member(payload, "command")))
    }

    fn id(_headers: &dyn Headers, payload: &Value) -> Option<String> {
        string_member(payload, "event_id")
    }

    fn replay_id(event: &GenericEvent<Self>, body: &[u8]) -> Option<ReplayId> {
        // Both from the signed body: the Events API's `event_id` stays the
        // same on retries; other requests are keyed by their exact bytes.
        Some(match &event.id {
            Some(id) => ReplayId::durable(id),
            None => ReplayId::body_digest(body),
        })
    }

    fn challenge(event: &GenericEvent<Self>) -> Option<&str> {
        if is_url_verification(&event.payload) {
            challenge_of(&event.payload)
        } else {
            None
        }
    }
}

fn is_url_verification(payload: &Value) -> bool {
    payload.get("type").and_then(Value::as_str) == Some(URL_VERIFICATION)
}

fn challenge_of(payload: &Value) -> Option<&str> {
    payload.get("challenge").and_then(Value::as_str)
}
