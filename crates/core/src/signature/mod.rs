//! What every signature scheme shares: the sealed [`Scheme`] trait each
//! provider implements, and the HMAC checks and decoders they are built
//! from. The schemes themselves live with their providers.

pub(crate) mod timestamped_list;

use std::fmt;

use http::{HeaderMap, HeaderValue};

use crate::error::{Error, SecretError};
use crate::header::Headers;
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
    use super::{Error, HeaderMap, Headers, Secret, SecretError, Verification};

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
            headers: &dyn Headers,
            body: &[u8],
        ) -> Result<Verification, Error>;

        /// Whether the scheme holds keys of its own besides the secrets
        /// (Standard Webhooks public keys), so that a verifier whose every
        /// secret has retired can still accept deliveries.
        fn has_public_keys(&self) -> bool {
            false
        }

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
pub(crate) fn matching_secret<I, const N: usize>(
    secrets: &[Secret],
    message: &[&[u8]; N],
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

/// The check of the schemes that sign only the body, with one tag in one
/// header (Noma, GitHub, Shopify, Linear): a `candidate` that did not
/// decode makes `header` malformed, saying what was `expected`; otherwise
/// the first secret whose tag over the body equals it matched.
pub(crate) fn body_signed_with(
    secrets: &[Secret],
    body: &[u8],
    header: &'static str,
    candidate: Option<[u8; TAG_LEN]>,
    expected: &'static str,
) -> Result<Verification, Error> {
    let candidate = candidate.ok_or(Error::malformed(header, expected))?;
    matching_secret(secrets, &[body], || std::iter::once(Some(candidate)))
        .map(|index| Verification::matched(index, None))
        .ok_or(Error::SignatureMismatch)
}

/// A hex-encoded tag (either case); `None` unless exactly 64 hex digits.
///
/// Hand-written because it runs on every delivery: every digit is checked
/// and converted with arithmetic alone, no table and no early exit, over
/// fixed-size arrays, which the compiler turns into a few vector
/// instructions. The candidate is the sender's, not a secret, so its timing
/// does not matter; speed does.
pub(crate) fn decode_hex_tag(text: &[u8]) -> Option<[u8; TAG_LEN]> {
    let digits: &[u8; 2 * TAG_LEN] = text.try_into().ok()?;
    let mut valid = true;
    let mut values = [0u8; 2 * TAG_LEN];
    for (value, &digit) in values.iter_mut().zip(digits) {
        valid &= is_hex_digit(digit);
        // '0'..='9' are 0x30..=0x39; 'A'..='F' and 'a'..='f' are 0x41..=0x46
        // and 0x61..=0x66, whose low nibble is 1..=6 and which have bit 6 set.
        *value = (digit & 0x0F) + 9 * (digit >> 6);
    }
    let mut tag = [0; TAG_LEN];
    for (byte, pair) in tag.iter_mut().zip(values.chunks_exact(2)) {
        *byte = (pair[0] << 4) | pair[1];
    }
    valid.then_some(tag)
}

/// Whether `byte` is an ASCII hex digit, without branches.
const fn is_hex_digit(byte: u8) -> bool {
    let lower = byte | 0x20;
    (byte.wrapping_sub(b'0') < 10) | (lower.wrapping_sub(b'a') < 6)
}

/// A base64 tag (standard alphabet, padded: 43 digits and `=`); `None`
/// unless it is exactly that, in canonical form (the unused low bits of
/// the last digit zero, as the `base64` crate's strict decoder demands).
///
/// Hand-written for the same reason as [`decode_hex_tag`]: no early exit,
/// and a general decoder's setup costs more than the decoding of one tag.
/// Four digits make three bytes with four table loads and three ORs: each
/// place of a group has its own table, whose values are already shifted to
/// that place. The candidate is the sender's, so timing by its content
/// does not matter.
pub(crate) fn decode_base64_tag(text: &[u8]) -> Option<[u8; TAG_LEN]> {
    let text: &[u8; BASE64_TAG_LEN] = text.try_into().ok()?;
    let group = |digits: &[u8]| {
        digits
            .iter()
            .zip(&BASE64_PLACES)
            .fold(0, |bits, (&digit, place)| bits | place[usize::from(digit)])
    };
    // The top byte of a group is NOT_BASE64 for any byte that is no digit;
    // groups are ORed into `seen`, so one such byte refuses the tag.
    let mut seen = 0;
    let mut tag = [0; TAG_LEN];
    // Five pairs of groups of four digits make 30 bytes, six at a time,
    // each pair stored as one word whose last two bytes the next pair (or
    // the last group) overwrites; the last three digits and the `=` make
    // the last 2 bytes.
    for (pair, eight) in text[..40].chunks_exact(8).enumerate() {
        let (first, second) = (group(&eight[..4]), group(&eight[4..]));
        seen |= first | second;
        let six = (u64::from(first) << 40) | (u64::from(second) << 16);
        tag[6 * pair..][..8].copy_from_slice(&six.to_be_bytes());
    }
    let last = group(&text[40..43]);
    seen |= last;
    let [_, high, low, unused] = last.to_be_bytes();
    tag[30] = high;
    tag[31] = low;
    // 43 digits carry 258 bits: the last digit's two low bits are unused.
    let canonical = unused == 0 && text[BASE64_TAG_LEN - 1] == b'=';
    (seen & NOT_BASE64 == 0 && canonical).then_some(tag)
}

/// The length of a base64 (standard alphabet, padded) HMAC-SHA256 tag.
const BASE64_TAG_LEN: usize = 44;

/// The bits set in a group's top byte by a byte that is no base64 digit.
const NOT_BASE64: u32 = 0xFF00_0000;

/// For each place in a group of four digits, each byte's six bits as a
/// digit of the standard base64 alphabet, shifted to that place (18, 12,
/// 6, 0), or [`NOT_BASE64`] where the byte is no digit.
static BASE64_PLACES: [[u32; 256]; 4] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut places = [[NOT_BASE64; 256]; 4];
    let mut place = 0;
    while place < 4 {
        let mut index = 0;
        while index < alphabet.len() {
            places[place][alphabet[index] as usize] = (index as u32) << (18 - 6 * place);
            index += 1;
        }
        place += 1;
    }
    places
};

/// Where `needle` first is in `haystack`: the separators of signature
/// headers.
///
/// On x86_64 this is `memchr`'s SSE2 search, which every x86_64 CPU has,
/// called directly: `memchr::memchr` first picks AVX2 or SSE2 through a
/// function pointer, a cost that on a 50-byte header value is as large as
/// the search.
#[inline]
pub(crate) fn find_byte(needle: u8, haystack: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if let Some(search) = memchr::arch::x86_64::sse2::memchr::One::new(needle) {
        return search.find(haystack);
    }
    memchr::memchr(needle, haystack)
}

/// A header value the signing helpers generated from digits, hex, base64
/// and punctuation, all of which are valid header text.
pub(crate) fn generated_value(text: String) -> HeaderValue {
    HeaderValue::try_from(text).expect("generated signature headers are visible ASCII")
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use proptest::prelude::*;

    use super::*;

    /// What the `base64` crate's strict decoder makes of `text`, as a tag.
    fn reference_base64(text: &[u8]) -> Option<[u8; TAG_LEN]> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()?;
        bytes.try_into().ok()
    }

    #[test]
    fn base64_tags_decode_as_the_base64_crate_decodes_them() {
        let tag: [u8; TAG_LEN] = std::array::from_fn(|index| (index * 37 + 11) as u8);
        let text = base64::engine::general_purpose::STANDARD.encode(tag);
        assert_eq!(decode_base64_tag(text.as_bytes()), Some(tag));
        // Every byte at every position, those of 0x80 and above too (a
        // header value is bytes, not text): the same verdict as the crate's.
        for position in 0..text.len() {
            for byte in 0..=255u8 {
                let mut changed = text.clone().into_bytes();
                changed[position] = byte;
                assert_eq!(
                    decode_base64_tag(&changed),
                    reference_base64(&changed),
                    "byte {byte:#04x} at {position}"
                );
            }
        }
        for bad in ["", &text[1..], &format!("{text}="), &text.replace('=', "")] {
            assert_eq!(decode_base64_tag(bad.as_bytes()), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn any_tag_round_trips_through_base64(tag in proptest::array::uniform32(any::<u8>())) {
            let text = base64::engine::general_purpose::STANDARD.encode(tag);
            prop_assert_eq!(decode_base64_tag(text.as_bytes()), Some(tag));
        }

        #[test]
        fn any_44_characters_decode_as_the_crate_decodes_them(text in "[A-Za-z0-9+/=*-]{43}[=A]") {
            prop_assert_eq!(decode_base64_tag(text.as_bytes()), reference_base64(text.as_bytes()));
        }
    }

    #[test]
    fn hex_tags_decode_in_either_case_and_nothing_else() {
        let lower = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        let expected: [u8; TAG_LEN] = hex::decode(lower).unwrap().try_into().unwrap();
        assert_eq!(decode_hex_tag(lower.as_bytes()), Some(expected));
        assert_eq!(
            decode_hex_tag(lower.to_uppercase().as_bytes()),
            Some(expected)
        );
        for bad in [
            &lower[1..],
            "",
            &format!("{lower}0"),
            &lower.replace('5', "g"),
            &lower.replace('b', " "),
        ] {
            assert_eq!(decode_hex_tag(bad.as_bytes()), None, "{bad:?}");
        }
        let all: String = (0..=255u8).map(|byte| format!("{byte:02x}")).collect();
        for chunk in all.as_bytes().chunks(64) {
            assert_eq!(
                decode_hex_tag(chunk).map(|tag| tag.to_vec()),
                hex::decode(chunk).ok(),
                "{chunk:?}"
            );
        }
    }
}
