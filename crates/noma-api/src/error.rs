//! The one error type of the crate.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// One refused field: the field's name as the API spells it (`url`,
/// `events`, `collection_ids.0`) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as the API names it in its `errors` object.
    pub field: String,
    /// Why it was refused, one sentence.
    pub message: String,
}

impl FieldError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// What can go wrong when registering or managing a Noma webhook.
///
/// No variant ever holds the webhook secret or the API token: both are kept
/// out of every message, so an error can be logged or printed as it is.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Local validation refused the request; nothing was sent.
    Invalid(Vec<FieldError>),
    /// The client's own configuration is wrong (base URL, project id, token).
    Config(String),
    /// The API answered with a status other than success.
    Api {
        /// The HTTP status code.
        status: u16,
        /// The API's `message`, when it sent one.
        message: Option<String>,
        /// The API's field errors (Laravel's `errors` object), in field order.
        field_errors: Vec<FieldError>,
    },
    /// The API could not be reached (connection refused, DNS, TLS).
    Unreachable {
        /// The URL that was requested.
        url: String,
        /// The innermost cause, e.g. `Connection refused (os error 111)`.
        cause: String,
    },
    /// An attempt got no complete answer within the per-attempt timeout.
    Timeout {
        /// The URL that was requested.
        url: String,
        /// The per-attempt timeout that ran out.
        after: Duration,
    },
    /// The answer was larger than the client reads.
    ResponseTooLarge {
        /// The URL that was requested.
        url: String,
        /// The most bytes the client reads from one answer.
        limit: usize,
    },
    /// The answer was not the JSON the API documents.
    InvalidResponse {
        /// The URL that was requested.
        url: String,
        /// What did not fit.
        reason: String,
    },
    /// A secret file could not be written or read.
    SecretFile {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The operating system's random source failed.
    Random,
}

impl Error {
    /// The HTTP status of an API refusal, `None` for every other error.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The field errors: local ones for [`Error::Invalid`], the API's for
    /// [`Error::Api`], empty otherwise.
    #[must_use]
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::Invalid(errors) => errors,
            Self::Api { field_errors, .. } => field_errors,
            _ => &[],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(errors) => {
                f.write_str("refused before sending")?;
                for (index, error) in errors.iter().enumerate() {
                    f.write_str(if index == 0 { ": " } else { "; " })?;
                    write!(f, "{error}")?;
                }
                Ok(())
            }
            Self::Config(reason) => write!(f, "configuration: {reason}"),
            Self::Api {
                status,
                message,
                field_errors,
            } => {
                write!(f, "the Noma API answered {status} ({})", meaning(*status))?;
                if let Some(message) = message {
                    write!(f, ": {message}")?;
                }
                for error in field_errors {
                    write!(f, "; {error}")?;
                }
                Ok(())
            }
            Self::Unreachable { url, cause } => write!(f, "cannot reach {url}: {cause}"),
            Self::Timeout { url, after } => {
                write!(
                    f,
                    "no complete answer from {url} within {} s",
                    after.as_secs_f64()
                )
            }
            Self::ResponseTooLarge { url, limit } => {
                write!(f, "the answer from {url} is larger than {limit} bytes")
            }
            Self::InvalidResponse { url, reason } => {
                write!(f, "unexpected answer from {url}: {reason}")
            }
            Self::SecretFile { path, source } => {
                write!(f, "secret file {}: {source}", path.display())
            }
            Self::Random => f.write_str("the operating system's random source failed"),
        }
    }
}

/// What a status means on this API (Noma's documented answers).
fn meaning(status: u16) -> &'static str {
    match status {
        400 => "missing or unknown project",
        401 => "missing or invalid API token",
        403 => "the token lacks the admin ability",
        404 => "not found",
        422 => "validation failed",
        429 => "rate limited",
        500..=599 => "server error",
        _ => "unexpected status",
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::SecretFile { source, .. } => Some(source),
            _ => None,
        }
    }
}
