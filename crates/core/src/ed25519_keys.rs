//! Standard Webhooks `v1a` keys (SPEC §9): public keys that verify and
//! secret keys that sign, read from the encodings found in the wild.
//!
//! - Public: `whpk_` (optional) + base64 of the raw 32-byte key, or of its
//!   44-byte SPKI DER form (RFC 8410: a fixed 12-byte header, then the key).
//! - Secret: `whsk_` + base64 of the 32-byte seed (RFC 8032), or of 64 bytes
//!   seed‖public, the form Svix hands out; the public half must then be the
//!   one the seed derives, else the key is refused rather than guessed at.
//!
//! Base64 is read by the one lenient rule ([`crate::lenient_base64`]).
//! Keys are configuration: they are refused when a verifier or signer is
//! built, never per request, and never printed.

use std::fmt;

use ed25519_dalek::ed25519::signature::Signer as _;
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};

use crate::error::SecretError;
use crate::lenient_base64;
use crate::secret::check_text;

/// The length of an ed25519 signature in bytes.
pub(crate) const SIGNATURE_LEN: usize = 64;

/// The DER header of an ed25519 SubjectPublicKeyInfo (RFC 8410 §4):
/// SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (0 unused bits) }.
/// Every 44-byte ed25519 SPKI starts with it, which is why such keys
/// start `MCowBQYDK2VwAyEA` in base64.
const SPKI_HEADER: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// A public key that `v1a` signatures are checked against.
#[derive(Clone)]
pub(crate) struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Reads `whpk_<base64>` (prefix optional) of a raw or SPKI key.
    pub(crate) fn from_text(text: &str) -> Result<Self, SecretError> {
        check_text(text)?;
        let encoded = text.strip_prefix("whpk_").unwrap_or(text);
        let bytes = lenient_base64::decode(encoded).ok_or(SecretError::NotBase64)?;
        let raw: [u8; 32] = match bytes.len() {
            32 => bytes.try_into().map_err(|_| SecretError::PublicKeyLength)?,
            44 if bytes.starts_with(&SPKI_HEADER) => bytes[SPKI_HEADER.len()..]
                .try_into()
                .map_err(|_| SecretError::PublicKeyLength)?,
            44 => return Err(SecretError::PublicKeyNotEd25519Spki),
            _ => return Err(SecretError::PublicKeyLength),
        };
        let key = VerifyingKey::from_bytes(&raw).map_err(|_| SecretError::PublicKeyNotAPoint)?;
        // A small-order key would make every strict check fail: refuse it
        // now, where the mistake can be seen, instead of on each delivery.
        if key.is_weak() {
            return Err(SecretError::PublicKeyWeak);
        }
        Ok(Self(key))
    }

    /// Whether `signature` is a strict ed25519 signature of `message` under
    /// this key: a non-canonical `S` and small-order points are refused
    /// (`verify_strict`, docs.rs/ed25519-dalek).
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8; SIGNATURE_LEN]) -> bool {
        self.0
            .verify_strict(message, &Signature::from_bytes(signature))
            .is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not secret, but keys are configuration: print none of them.
        f.write_str("PublicKey(<redacted>)")
    }
}

/// A secret key that signs `v1a` entries.
#[derive(Clone)]
pub(crate) struct SecretKey(SigningKey);

impl SecretKey {
    /// Reads `whsk_<base64>` of a 32-byte seed or 64 bytes seed‖public.
    pub(crate) fn from_text(text: &str) -> Result<Self, SecretError> {
        check_text(text)?;
        let encoded = text
            .strip_prefix("whsk_")
            .ok_or(SecretError::SigningKeyPrefix)?;
        let bytes = lenient_base64::decode(encoded).ok_or(SecretError::NotBase64)?;
        let (seed, public) = match bytes.len() {
            32 => (&bytes[..], None),
            64 => (&bytes[..32], Some(&bytes[32..])),
            _ => return Err(SecretError::SigningKeyLength),
        };
        let seed: [u8; 32] = seed.try_into().map_err(|_| SecretError::SigningKeyLength)?;
        let key = SigningKey::from_bytes(&seed);
        if public.is_some_and(|public| public != key.verifying_key().as_bytes()) {
            return Err(SecretError::SigningKeyMismatch);
        }
        Ok(Self(key))
    }

    /// The ed25519 signature of `message`.
    pub(crate) fn sign(&self, message: &[u8]) -> [u8; SIGNATURE_LEN] {
        self.0.sign(message).to_bytes()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use ed25519_dalek::Verifier as _;

    use super::*;

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn spki_keys_start_as_the_spec_says() {
        assert!(b64(&[SPKI_HEADER.as_slice(), &[0; 32]].concat()).starts_with("MCowBQYDK2VwAyEA"));
    }

    #[test]
    fn keys_in_every_encoding_read_the_same() {
        let secret = SecretKey::from_text(&format!("whsk_{}", b64(&[7; 32]))).unwrap();
        let public = secret.0.verifying_key().to_bytes();
        let pair = [[7; 32].as_slice(), &public].concat();
        let from_pair = SecretKey::from_text(&format!("whsk_{}", b64(&pair))).unwrap();
        let signature = secret.sign(b"message");
        assert_eq!(from_pair.sign(b"message"), signature);
        let spki = [SPKI_HEADER.as_slice(), &public].concat();
        for text in [
            b64(&public),
            format!("whpk_{}", b64(&public)),
            b64(&spki),
            format!("whpk_{}", b64(&spki)),
            format!("whpk_{}", b64(&public).trim_end_matches('=')),
        ] {
            let key = PublicKey::from_text(&text).unwrap();
            assert!(key.verifies(b"message", &signature), "{text}");
            assert!(!key.verifies(b"messagE", &signature), "{text}");
        }
    }

    #[test]
    fn malformed_keys_are_refused_with_the_reason() {
        let public = SigningKey::from_bytes(&[7; 32]).verifying_key().to_bytes();
        let cases = [
            (String::new(), SecretError::Empty),
            (
                format!(" {}", b64(&public)),
                SecretError::SurroundingWhitespace,
            ),
            ("whpk_***".to_owned(), SecretError::NotBase64),
            (b64(&public[..31]), SecretError::PublicKeyLength),
            (b64(&[0; 44]), SecretError::PublicKeyNotEd25519Spki),
            // y = 2 is not the y of any curve point.
            (
                b64(&[[2].as_slice(), &[0; 31]].concat()),
                SecretError::PublicKeyNotAPoint,
            ),
            // The identity, a point of order 1.
            (
                b64(&[[1].as_slice(), &[0; 31]].concat()),
                SecretError::PublicKeyWeak,
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(
                PublicKey::from_text(&text).unwrap_err(),
                expected,
                "{text:?}"
            );
        }
        let mismatched = [[7; 32].as_slice(), &[9; 32]].concat();
        let cases = [
            (b64(&[7; 32]), SecretError::SigningKeyPrefix),
            (
                format!("whsk_{}", b64(&[7; 31])),
                SecretError::SigningKeyLength,
            ),
            (
                format!("whsk_{}", b64(&mismatched)),
                SecretError::SigningKeyMismatch,
            ),
            ("whsk_!!".to_owned(), SecretError::NotBase64),
        ];
        for (text, expected) in cases {
            assert_eq!(
                SecretKey::from_text(&text).unwrap_err(),
                expected,
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_small_order_key_verifies_nothing_even_if_it_got_past_the_builder() {
        // Under the identity key, R = identity and S = 0 satisfy the lax
        // equation [S]B = R + [k]A for every message: a universal forgery.
        let identity = [[1].as_slice(), &[0; 31]].concat();
        let key =
            PublicKey(VerifyingKey::from_bytes(&identity.clone().try_into().unwrap()).unwrap());
        let forged: [u8; SIGNATURE_LEN] =
            [identity.as_slice(), &[0; 32]].concat().try_into().unwrap();
        assert!(
            key.0
                .verify(b"any message", &Signature::from_bytes(&forged))
                .is_ok(),
            "lax accepts"
        );
        assert!(!key.verifies(b"any message", &forged), "strict refuses");
    }

    #[test]
    fn debug_never_shows_a_key() {
        let secret = SecretKey::from_text(&format!("whsk_{}", b64(&[7; 32]))).unwrap();
        let public = PublicKey(secret.0.verifying_key());
        assert_eq!(format!("{secret:?}"), "SecretKey(<redacted>)");
        assert_eq!(format!("{public:?}"), "PublicKey(<redacted>)");
    }
}
