//! The sending side, for tests and tools: the exact headers a provider puts
//! on a delivery.

use std::fmt;

use http::HeaderMap;

use crate::error::{Error, SecretError};
use crate::scheme::Scheme;
use crate::secret::Secret;

/// Signs deliveries the way the provider of scheme `S` does.
///
/// ```
/// use hookguard::{NomosVerifier, Signer, scheme::Nomos};
///
/// let body = br#"{"topic":"test.event"}"#;
/// let headers = Signer::<Nomos>::new("s3cret")?.sign(1_700_000_000, "", body)?;
/// let verifier = NomosVerifier::new(["s3cret"])?;
/// assert!(verifier.verify_at(&headers, body, 1_700_000_000).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Signer<S: Scheme> {
    secret: Secret,
    scheme: std::marker::PhantomData<S>,
}

impl<S: Scheme> Signer<S> {
    /// A signer with one secret, read as [`Verifier::new`](crate::Verifier::new) reads it.
    ///
    /// # Errors
    ///
    /// The secret is empty, padded with white space, or (Standard Webhooks)
    /// not base64.
    pub fn new(secret: &str) -> Result<Self, SecretError> {
        Ok(Self {
            secret: S::secret(secret)?,
            scheme: std::marker::PhantomData,
        })
    }

    /// The signature headers for `body` sent at `timestamp` (Unix seconds)
    /// with event id `id`.
    ///
    /// Schemes use what they sign: Nomos and Stripe ignore `id`, Noma ignores
    /// both, GitHub puts a non-empty `id` in `X-GitHub-Delivery` and ignores
    /// the timestamp, Standard Webhooks uses both.
    ///
    /// # Errors
    ///
    /// `malformed_header` when `id` cannot be a header value (Standard
    /// Webhooks also refuses an empty one).
    pub fn sign(&self, timestamp: u64, id: &str, body: &[u8]) -> Result<HeaderMap, Error> {
        S::signature_headers(&self.secret, timestamp, id, body)
    }
}

impl<S: Scheme> fmt::Debug for Signer<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("scheme", &S::NAME)
            .field("secret", &self.secret)
            .finish()
    }
}
