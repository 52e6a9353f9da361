//! Endpoint secrets, kept as precomputed HMAC-SHA256 key state.

use std::fmt;

use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

use crate::error::SecretError;
use crate::lenient_base64;

type HmacSha256 = Hmac<Sha256>;

/// The length of an HMAC-SHA256 tag in bytes.
pub(crate) const TAG_LEN: usize = 32;

/// One endpoint secret.
///
/// Only the keyed HMAC state is kept (the key is hashed into it once, when
/// the secret is built), so verifying a delivery never re-derives the key and
/// the secret's text is not held anywhere. `Debug` prints `Secret(<redacted>)`.
#[derive(Clone)]
pub struct Secret {
    keyed: HmacSha256,
}

impl Secret {
    /// A secret whose key is its UTF-8 bytes, used as given: Nomos, Noma,
    /// Stripe (the whole `whsec_…` string) and GitHub secrets.
    ///
    /// # Errors
    ///
    /// [`SecretError::Empty`] for `""`, [`SecretError::SurroundingWhitespace`]
    /// when the text starts or ends with white space.
    pub fn from_text(text: &str) -> Result<Self, SecretError> {
        check_text(text)?;
        Ok(Self::from_key(text.as_bytes()))
    }

    /// A Standard Webhooks (Svix) secret: `whsec_<base64>` (the prefix is
    /// optional) whose decoded bytes are the key. The base64 is read as the
    /// reference libraries read it: padding optional, stray bits in the last
    /// character ignored; anything else that is not base64 is refused.
    ///
    /// # Errors
    ///
    /// As [`Secret::from_text`], plus [`SecretError::NotBase64`] when the part
    /// after the prefix does not decode, and [`SecretError::Empty`] when it
    /// decodes to nothing.
    pub fn from_standard_webhooks(text: &str) -> Result<Self, SecretError> {
        check_text(text)?;
        let encoded = text.strip_prefix("whsec_").unwrap_or(text);
        let key = lenient_base64::decode(encoded).ok_or(SecretError::NotBase64)?;
        if key.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(Self::from_key(&key))
    }

    fn from_key(key: &[u8]) -> Self {
        // HMAC takes keys of any length, so this cannot fail. Were it ever
        // to, stopping is right: a fallback key would verify with a key
        // nobody configured.
        let keyed = HmacSha256::new_from_slice(key).expect("HMAC-SHA256 takes keys of any length");
        Self { keyed }
    }

    /// HMAC-SHA256 over the concatenation of `parts`.
    ///
    /// Inlined, over a fixed number of parts, so that each scheme's message
    /// (`<id>.<timestamp>.<body>` is five parts) is hashed by straight-line
    /// code in which the one-byte separators are constants: through a loop
    /// over a slice, each part was a call into the hash's buffering, which
    /// cost Standard Webhooks about 200 instructions a delivery.
    #[inline]
    pub(crate) fn tag<const N: usize>(&self, parts: &[&[u8]; N]) -> [u8; TAG_LEN] {
        let mut mac = self.keyed.clone();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The checks every secret and key text passes first (SPEC §3).
pub(crate) fn check_text(text: &str) -> Result<(), SecretError> {
    if text.is_empty() {
        Err(SecretError::Empty)
    } else if text.trim() != text {
        Err(SecretError::SurroundingWhitespace)
    } else {
        Ok(())
    }
}

/// Constant-time equality of a computed tag and a decoded candidate.
///
/// The tags are XORed eight bytes at a time and the differences ORed
/// together, with no branch and no early exit on their contents; `subtle`
/// then turns the one word left into the answer in constant time. A
/// byte-by-byte `subtle` compare does the same work with a barrier per
/// byte, which costs more than the rest of parsing a signature header.
pub(crate) fn tags_equal(computed: &[u8; TAG_LEN], candidate: &[u8; TAG_LEN]) -> bool {
    let word = |bytes: &[u8]| {
        let mut word = [0; 8];
        word.copy_from_slice(bytes);
        u64::from_ne_bytes(word)
    };
    let difference = computed
        .chunks_exact(8)
        .zip(candidate.chunks_exact(8))
        .fold(0, |difference, (computed, candidate)| {
            difference | (word(computed) ^ word(candidate))
        });
    difference.ct_eq(&0).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_equal_only_when_every_byte_is() {
        let tag: [u8; TAG_LEN] = std::array::from_fn(|index| index as u8 * 7);
        assert!(tags_equal(&tag, &tag));
        for position in 0..TAG_LEN {
            for bit in 0..8 {
                let mut other = tag;
                other[position] ^= 1 << bit;
                assert!(!tags_equal(&tag, &other), "byte {position}, bit {bit}");
            }
        }
        assert!(!tags_equal(&[0; TAG_LEN], &[0xFF; TAG_LEN]));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let secret = Secret::from_text("hunter2-very-secret").unwrap();
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{secret:#?}"), "Secret(<redacted>)");
    }

    #[test]
    fn empty_and_padded_secrets_are_refused() {
        assert_eq!(Secret::from_text("").unwrap_err(), SecretError::Empty);
        for padded in [" s3cret", "s3cret ", "s3cret\n", "\ts3cret"] {
            assert_eq!(
                Secret::from_text(padded).unwrap_err(),
                SecretError::SurroundingWhitespace,
                "{padded:?}"
            );
        }
        assert_eq!(
            Secret::from_standard_webhooks("whsec_").unwrap_err(),
            SecretError::Empty
        );
        assert_eq!(
            Secret::from_standard_webhooks("whsec_not base64!").unwrap_err(),
            SecretError::NotBase64
        );
        assert_eq!(
            Secret::from_standard_webhooks(" whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap_err(),
            SecretError::SurroundingWhitespace
        );
    }

    #[test]
    fn whsec_prefix_is_optional() {
        let with =
            Secret::from_standard_webhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let without = Secret::from_standard_webhooks("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            with.tag(&[b"x".as_slice()]),
            without.tag(&[b"x".as_slice()])
        );
    }

    #[test]
    fn secret_error_messages_say_why_without_the_secret() {
        let message = Secret::from_text("s3cret ").unwrap_err().to_string();
        assert!(message.contains("white space"), "{message}");
        assert!(!message.contains("s3cret"), "{message}");
    }
}
