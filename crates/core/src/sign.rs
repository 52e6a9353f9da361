//! The sending side, for tests and tools: the exact headers a provider puts
//! on a delivery.

use std::fmt;

use http::HeaderMap;

use crate::ed25519_keys::SecretKey;
use crate::error::{Error, SecretError};
use crate::provider::standard;
use crate::scheme::{Scheme, StandardWebhooks};
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
    keys: Keys,
    scheme: std::marker::PhantomData<S>,
}

/// What a signer signs with: a secret, or (Standard Webhooks only) an
/// ed25519 signing key with or without a secret beside it.
#[derive(Clone)]
enum Keys {
    Secret(Secret),
    Ed25519 {
        secret: Option<Secret>,
        // Boxed: the expanded key is far larger than a secret's HMAC state.
        key: Box<SecretKey>,
    },
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
            keys: Keys::Secret(S::secret(secret)?),
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
        match &self.keys {
            Keys::Secret(secret) => S::signature_headers(secret, timestamp, id, body),
            // Only `Signer<StandardWebhooks>` can hold an ed25519 key.
            Keys::Ed25519 { secret, key } => {
                standard::signature_headers(secret.as_ref(), Some(key), timestamp, id, body)
            }
        }
    }
}

impl Signer<StandardWebhooks> {
    /// A signer of `v1a` (ed25519) entries only, from a `whsk_` key: base64
    /// of the 32-byte seed, or of 64 bytes seed‖public (Svix's form, whose
    /// public half must match the seed). Padding is optional.
    ///
    /// # Errors
    ///
    /// The key lacks `whsk_`, is not base64, has the wrong length, or its
    /// public half does not match its seed (never printed).
    pub fn from_signing_key(signing_key: &str) -> Result<Self, SecretError> {
        Ok(Self {
            keys: Keys::Ed25519 {
                secret: None,
                key: Box::new(SecretKey::from_text(signing_key)?),
            },
            scheme: std::marker::PhantomData,
        })
    }

    /// Adds a `v1a` signing key to a secret's signer: one
    /// `webhook-signature` header then carries a `v1,` and a `v1a,` entry.
    ///
    /// ```
    /// use hookguard_core::{Signer, scheme::StandardWebhooks};
    ///
    /// let signer = Signer::<StandardWebhooks>::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?
    ///     .with_signing_key("whsk_QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=")?;
    /// let headers = signer.sign(1_614_265_330, "msg_1", b"{}")?;
    /// let value = headers["webhook-signature"].to_str()?;
    /// assert!(value.starts_with("v1,") && value.contains(" v1a,"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Signer::from_signing_key`].
    pub fn with_signing_key(self, signing_key: &str) -> Result<Self, SecretError> {
        let key = Box::new(SecretKey::from_text(signing_key)?);
        let secret = match self.keys {
            Keys::Secret(secret) => Some(secret),
            Keys::Ed25519 { secret, .. } => secret,
        };
        Ok(Self {
            keys: Keys::Ed25519 { secret, key },
            scheme: std::marker::PhantomData,
        })
    }
}

impl<S: Scheme> fmt::Debug for Signer<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (secret, key) = match &self.keys {
            Keys::Secret(secret) => (Some(secret), None),
            Keys::Ed25519 { secret, key } => (secret.as_ref(), Some(key)),
        };
        f.debug_struct("Signer")
            .field("scheme", &S::NAME)
            .field("secret", &secret)
            .field("signing_key", &key)
            .finish()
    }
}
