//! What every signature scheme shares: the sealed [`Scheme`] trait each
//! provider implements, and the HMAC checks and decoders they are built
//! from. The schemes themselves live with their providers.

pub(crate) mod timestamped_list;

use std::fmt;

use base64::Engine as _;
use http::{HeaderMap, HeaderValue};

use crate::error::{Error, SecretError};
use crate::secret::{Secret, TAG_LEN, tags_equal};
use crate::verification::Verification;

/// A provider's signature scheme; the type parameter of
/// [`Verifier`](crate::Verifier).
///
/// Sealed: the schemes are the providers' own, listed in
/// [`scheme`](crate::scheme).
pub trait Scheme: sealed::Sealed + Clone + fmt::Debug + Send + Sync + 'static {
    /// The scheme's short name, as the `hookguard` command spells it
    /// (`nomos`, `noma`, `standard`, `stripe`, `github`, `slack`, `shopify`,
    /// `paddle`, `linear`).
    const NAME: &'static str;
}

pub(crate) mod sealed {
    use super::{Error, HeaderMap, Secret, SecretError, Verification};

    /// What a scheme does; hidden so that the set of schemes stays closed
    /// and their internals can change without breaking anyone.
    pub trait Sealed {
        /// Turns one configured secret into key state.
        fn secret(text: &str) -> Result<Secret, SecretError> {
            Secret::from_text(text)
        }

        /// Parses the headers and checks the signature. The result carries
        /// the timestamp from the headers, when the scheme signs one.
        fn authenticate(
            &self,
            secrets: &[Secret],
            headers: &HeaderMap,
            body: &[u8],
        ) -> Result<Verification, Error>;

        /// The signed time of a delivery whose headers carry none, read from
        /// the authenticated body (Noma).
        fn body_timestamp(&self, _body: &[u8]) -> Result<Option<u64>, Error> {
            Ok(None)
        }

        /// The headers a sender puts on `body`; schemes without a timestamp
        /// or an id header ignore those arguments.
        fn signature_headers(
            secret: &Secret,
            timestamp: u64,
            id: &str,
            body: &[u8],
        ) -> Result<HeaderMap, Error>;
    }
}

/// The index of the first secret whose tag over `message` equals one of the
/// candidates; `None` when none does. A candidate that failed to decode is
/// `None` and matches nothing.
pub(crate) fn matching_secret<I>(
    secrets: &[Secret],
    message: &[&[u8]],
    candidates: impl Fn() -> I,
) -> Option<usize>
where
    I: Iterator<Item = Option<[u8; TAG_LEN]>>,
{
    secrets.iter().position(|secret| {
        let tag = secret.tag(message);
        candidates()
            .flatten()
            .any(|candidate| tags_equal(&tag, &candidate))
    })
}

/// The index of the secret whose tag over the bare body is `candidate`:
/// the check of the schemes that sign only the body, once (Noma, GitHub).
pub(crate) fn body_signed_with(
    secrets: &[Secret],
    body: &[u8],
    candidate: [u8; TAG_LEN],
) -> Result<usize, Error> {
    matching_secret(secrets, &[body], || std::iter::once(Some(candidate)))
        .ok_or(Error::SignatureMismatch)
}

/// A hex-encoded tag (either case); `None` unless exactly 64 hex digits.
///
/// Hand-written because it runs on every delivery: decoding a pair of
/// digits at a time with no early exit is several times faster than a
/// general decoder. The candidate is the sender's, not a secret, so its
/// timing does not matter; speed does.
pub(crate) fn decode_hex_tag(text: &str) -> Option<[u8; TAG_LEN]> {
    let digits = text.as_bytes();
    if digits.len() != 2 * TAG_LEN {
        return None;
    }
    let mut tag = [0; TAG_LEN];
    let mut invalid = 0;
    for (byte, pair) in tag.iter_mut().zip(digits.chunks_exact(2)) {
        let (high, low) = (
            HEX_VALUES[usize::from(pair[0])],
            HEX_VALUES[usize::from(pair[1])],
        );
        invalid |= (high | low) & 0xF0;
        *byte = (high << 4) | (low & 0x0F);
    }
    (invalid == 0).then_some(tag)
}

/// A base64 tag; `None` unless it decodes to exactly 32 bytes.
pub(crate) fn decode_base64_tag(text: &str) -> Option<[u8; TAG_LEN]> {
    // Room for the decoder's worst-case estimate of a 44-character input.
    let mut buffer = [0; TAG_LEN + 16];
    if text.len() != 44 {
        return None;
    }
    let length = base64::engine::general_purpose::STANDARD
        .decode_slice(text, &mut buffer)
        .ok()?;
    let tag: [u8; TAG_LEN] = buffer.get(..length)?.try_into().ok()?;
    Some(tag)
}

/// The value of each byte as a hex digit, `0xFF` where it is none.
static HEX_VALUES: [u8; 256] = {
    let mut values = [0xFF; 256];
    let mut byte = 0;
    while byte < 256 {
        values[byte] = hex_value(byte as u8);
        byte += 1;
    }
    values
};

/// The value of one hex digit, or `0xFF` for anything else.
const fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        b'A'..=b'F' => digit - b'A' + 10,
        _ => 0xFF,
    }
}

/// A header value the signing helpers generated from digits, hex, base64
/// and punctuation, all of which are valid header text.
pub(crate) fn generated_value(text: String) -> HeaderValue {
    HeaderValue::try_from(text).expect("generated signature headers are visible ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_tags_decode_in_either_case_and_nothing_else() {
        let lower = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        let expected: [u8; TAG_LEN] = hex::decode(lower).unwrap().try_into().unwrap();
        assert_eq!(decode_hex_tag(lower), Some(expected));
        assert_eq!(decode_hex_tag(&lower.to_uppercase()), Some(expected));
        for bad in [
            &lower[1..],
            "",
            &format!("{lower}0"),
            &lower.replace('5', "g"),
            &lower.replace('b', " "),
        ] {
            assert_eq!(decode_hex_tag(bad), None, "{bad:?}");
        }
        let all: String = (0..=255u8).map(|byte| format!("{byte:02x}")).collect();
        for chunk in all.as_bytes().chunks(64) {
            let text = std::str::from_utf8(chunk).unwrap();
            assert_eq!(
                decode_hex_tag(text).map(|tag| tag.to_vec()),
                hex::decode(text).ok(),
                "{text}"
            );
        }
    }
}
