//! The two error types: why a delivery was refused, and why a secret was.

use std::fmt;

/// Why a delivery was refused.
///
/// Each variant is one stable code of the wire contract ([`Error::code`]),
/// answered with one HTTP status ([`Error::http_status`]). No message ever
/// carries a secret, a computed MAC, a received signature or the body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A required header is absent.
    MissingHeader {
        /// The header's name, in lower case.
        name: &'static str,
    },
    /// A header is present but cannot be parsed, or appears more than once.
    MalformedHeader {
        /// The header's name, in lower case.
        name: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// No secret produces any of the candidate signatures.
    SignatureMismatch,
    /// The delivery is authentic but older than the tolerance allows.
    TimestampTooOld,
    /// The delivery is authentic but further ahead than the tolerance allows.
    TimestampInFuture,
    /// The delivery is authentic but its body is not a valid event.
    InvalidPayload {
        /// What is wrong with the body (never the body itself).
        reason: &'static str,
    },
    /// The body is over the configured limit; refused before hashing.
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// This event id was already processed; the handler is not run again.
    Duplicate,
    /// The same event id is being processed right now elsewhere.
    InFlight {
        /// When to try again, in seconds: the claim's lease, the longest
        /// the other handler can hold the id (the `Retry-After` header).
        retry_after_secs: u64,
    },
    /// The replay store cannot be reached.
    StoreUnavailable,
    /// No verifier is configured for the route.
    Misconfigured,
    /// The delivery is authentic, but the receiver cannot take it now (its
    /// output is blocked); the sender should retry later.
    Busy {
        /// When to try again, in seconds (the `Retry-After` header).
        retry_after_secs: u64,
    },
    /// Not a failure: an authentic handshake (Slack's `url_verification`)
    /// that the receive pipeline answers itself, with 200 and
    /// `{"challenge":…}`, instead of running the handler. Like `duplicate`,
    /// it travels as an error so that every adapter answers it without
    /// reaching the handler.
    Handshake {
        /// The challenge to echo, from the signed body.
        challenge: String,
    },
}

impl Error {
    /// The stable, machine-readable code, as used in `{"error":"<code>"}`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingHeader { .. } => "missing_header",
            Self::MalformedHeader { .. } => "malformed_header",
            Self::SignatureMismatch => "signature_mismatch",
            Self::TimestampTooOld => "timestamp_too_old",
            Self::TimestampInFuture => "timestamp_in_future",
            Self::InvalidPayload { .. } => "invalid_payload",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::Duplicate => "duplicate",
            Self::InFlight { .. } => "in_flight",
            Self::StoreUnavailable => "store_unavailable",
            Self::Misconfigured => "misconfigured",
            Self::Busy { .. } => "busy",
            Self::Handshake { .. } => "handshake",
        }
    }

    /// The HTTP status a receiver answers with.
    ///
    /// `duplicate` is a success (200): the provider must stop retrying an
    /// event that was already handled; so is `handshake`.
    #[must_use]
    pub fn http_status(&self) -> u16 {
        match self {
            Self::Handshake { .. } => 200,
            Self::MissingHeader { .. } | Self::MalformedHeader { .. } => 400,
            Self::InvalidPayload { .. } => 400,
            Self::SignatureMismatch | Self::TimestampTooOld | Self::TimestampInFuture => 401,
            Self::PayloadTooLarge { .. } => 413,
            Self::Duplicate => 200,
            Self::InFlight { .. } | Self::StoreUnavailable | Self::Busy { .. } => 503,
            Self::Misconfigured => 500,
        }
    }

    /// How long the sender should wait before retrying, where the answer
    /// says so (`in_flight`, `busy`).
    #[must_use]
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::InFlight { retry_after_secs } | Self::Busy { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

    /// The body of the HTTP answer: `{"error":"<code>"}`, or for a
    /// handshake `{"challenge":"<challenge>"}` (JSON-escaped).
    #[must_use]
    pub fn response_body(&self) -> String {
        match self {
            Self::Handshake { challenge } => {
                serde_json::json!({ "challenge": challenge }).to_string()
            }
            _ => format!(r#"{{"error":"{}"}}"#, self.code()),
        }
    }

    pub(crate) fn malformed(name: &'static str, reason: &'static str) -> Self {
        Self::MalformedHeader { name, reason }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader { name } => write!(f, "missing header `{name}`"),
            Self::MalformedHeader { name, reason } => {
                write!(f, "malformed header `{name}`: {reason}")
            }
            Self::SignatureMismatch => f.write_str("no secret matches any signature"),
            Self::TimestampTooOld => f.write_str("timestamp is older than the tolerance"),
            Self::TimestampInFuture => f.write_str("timestamp is further ahead than the tolerance"),
            Self::InvalidPayload { reason } => write!(f, "invalid payload: {reason}"),
            Self::PayloadTooLarge { limit } => write!(f, "payload is over the {limit}-byte limit"),
            Self::Duplicate => f.write_str("event was already processed"),
            Self::InFlight { .. } => f.write_str("event is being processed elsewhere"),
            Self::StoreUnavailable => f.write_str("replay store is unavailable"),
            Self::Misconfigured => f.write_str("no webhook verifier is configured"),
            Self::Busy { .. } => f.write_str("receiver is busy; retry later"),
            Self::Handshake { .. } => f.write_str("answered the provider's handshake"),
        }
    }
}

impl std::error::Error for Error {}

/// Why a secret was refused when a verifier was built.
///
/// These are configuration mistakes: they surface at start-up, never per
/// request. The message says what is wrong without repeating the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    /// The secret is the empty string.
    Empty,
    /// The secret starts or ends with white space, most likely a copy-paste slip.
    SurroundingWhitespace,
    /// A Standard Webhooks secret or key is not valid base64 after its
    /// optional `whsec_`, `whpk_` or `whsk_` prefix.
    NotBase64,
    /// The verifier was given no secret at all.
    NoSecrets,
    /// A `v1a` public key decodes to neither 32 bytes (raw) nor 44 (SPKI DER).
    PublicKeyLength,
    /// A 44-byte `v1a` public key is not an ed25519 SubjectPublicKeyInfo.
    PublicKeyNotEd25519Spki,
    /// A `v1a` public key is not the encoding of a point on the curve.
    PublicKeyNotAPoint,
    /// A `v1a` public key is of small order: no strict signature can match it.
    PublicKeyWeak,
    /// A `v1a` signing key does not start with `whsk_`.
    SigningKeyPrefix,
    /// A `v1a` signing key decodes to neither 32 bytes (seed) nor 64 (seed and public key).
    SigningKeyLength,
    /// The public half of a 64-byte `v1a` signing key is not the one its seed derives.
    SigningKeyMismatch,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "secret is empty",
            Self::SurroundingWhitespace => {
                "secret starts or ends with white space (a copy-paste slip?); remove it"
            }
            Self::NotBase64 => {
                "standard webhooks secret or key is not base64 after its `whsec_`, `whpk_` or `whsk_` prefix"
            }
            Self::NoSecrets => "at least one secret is required",
            Self::PublicKeyLength => {
                "public key is neither 32 bytes (raw ed25519) nor 44 bytes (SPKI DER) after base64 decoding"
            }
            Self::PublicKeyNotEd25519Spki => {
                "44-byte public key is not an ed25519 SPKI key (it should start `MCowBQYDK2VwAyEA`)"
            }
            Self::PublicKeyNotAPoint => "public key is not a valid ed25519 point",
            Self::PublicKeyWeak => "public key is of small order and cannot verify anything",
            Self::SigningKeyPrefix => "signing key does not start with `whsk_`",
            Self::SigningKeyLength => {
                "signing key is neither a 32-byte seed nor 64 bytes of seed and public key after base64 decoding"
            }
            Self::SigningKeyMismatch => {
                "signing key's public half does not match its seed (64-byte `whsk_` form)"
            }

        })
    }
}

impl std::error::Error for SecretError {}
