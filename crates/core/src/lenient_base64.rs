//! The one decoding rule for Standard Webhooks secrets and keys (SPEC §7.0):
//! base64 as the reference libraries read it.
//!
//! The Python `standardwebhooks` library appends `==` and calls
//! `base64.b64decode`, and the JS one decodes without checking padding;
//! both therefore accept text written without padding and a last character
//! whose unused low bits are not zero (the Python library's own test secret
//! `MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr` has them). Svix hands out padded
//! text. So: the standard alphabet, padding optional (when present it must
//! be no more than the text needs), stray trailing bits ignored. Anything else, including the
//! URL-safe `-`/`_` and white space that Python would silently skip, is
//! refused: skipping characters would give a key nobody configured.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// The bytes of `text`; `None` when it is not base64 under the rule above.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    ENGINE.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn padding_is_optional_and_trailing_bits_are_ignored() {
        let padded = decode("7N4c0MGT1ALoOw3SQ/CYt1bsZot7xhlwW3L+50t0a1E=").unwrap();
        assert_eq!(padded.len(), 32);
        assert_eq!(
            decode("7N4c0MGT1ALoOw3SQ/CYt1bsZot7xhlwW3L+50t0a1E"),
            Some(padded)
        );
        // `r` is 0b101011: the low four bits are stray after one byte.
        let stray = decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr").unwrap();
        assert_eq!(stray.len(), 25);
        assert_eq!(decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBg"), Some(stray));
        // Short padding, as Python reads it after appending its `==`.
        assert_eq!(decode("YWJjZA="), Some(b"abcd".to_vec()));
    }

    #[test]
    fn what_is_not_base64_is_refused() {
        for bad in [
            "not base64!",
            "abc-def_",
            "YWJj ZA==",
            "YWJjZA===",
            "Y",
            "YWJjZ",
            "=YWJj",
            "YW=Jj",
        ] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
    }
}
