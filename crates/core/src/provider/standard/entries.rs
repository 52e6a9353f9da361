//! The `webhook-signature` header: space-separated `<version>,<base64>`
//! entries (SPEC §3, §7.0, §9).
//!
//! The header is unauthenticated, so its cost is bounded before any key
//! work: at most [`MAX_ENTRIES`] entries, else the header is malformed. So
//! is a header with no entry of a version we know, which cannot be a
//! Standard Webhooks signature at all. Anything else that is wrong with an
//! entry (no comma, bad base64, wrong length) only makes that entry match
//! nothing, as the spec's reference libraries do.

use base64::Engine as _;

use crate::ed25519_keys::SIGNATURE_LEN;
use crate::error::Error;
use crate::secret::TAG_LEN;
use crate::signature::{decode_base64_tag, find_byte};

/// The version of HMAC-SHA256 entries, checked against the secrets.
pub(super) const HMAC: &str = "v1";
/// The version of ed25519 entries, checked against the public keys.
pub(super) const ED25519: &str = "v1a";

/// The most entries a header may have (SPEC §7.0): with the 16-key cap
/// it bounds the ed25519 work an unauthenticated request can ask for.
pub(crate) const MAX_ENTRIES: usize = 16;

/// How many `v1` entries the bounds check keeps. Senders put one or two
/// (during a rotation); a header with more is walked again for the rest.
const KEPT: usize = 4;

/// A header that passed the bounds, with where its first `v1` entries are;
/// entries are decoded as they are tried, so nothing is allocated.
pub(super) struct Entries<'h> {
    value: &'h [u8],
    kept_hmac: [&'h [u8]; KEPT],
    hmac_count: usize,
    has_ed25519: bool,
}

impl<'h> Entries<'h> {
    pub(super) fn parse(name: &'static str, value: &'h [u8]) -> Result<Self, Error> {
        let mut count = 0;
        let mut kept_hmac: [&[u8]; KEPT] = [b""; KEPT];
        let (mut hmac_count, mut has_ed25519) = (0, false);
        for entry in entries(value) {
            count += 1;
            if count > MAX_ENTRIES {
                return Err(Error::malformed(name, "more than 16 signature entries"));
            }
            if let Some(signature) = signature_of(entry, HMAC) {
                if let Some(slot) = kept_hmac.get_mut(hmac_count) {
                    *slot = signature;
                }
                hmac_count += 1;
            } else {
                has_ed25519 |= signature_of(entry, ED25519).is_some();
            }
        }
        if hmac_count == 0 && !has_ed25519 {
            return Err(Error::malformed(name, "no `v1,` or `v1a,` signature entry"));
        }
        Ok(Self {
            value,
            kept_hmac,
            hmac_count,
            has_ed25519,
        })
    }

    /// The decoded `v1` tags; `None` for one that does not decode.
    pub(super) fn hmac_tags(&self) -> impl Iterator<Item = Option<[u8; TAG_LEN]>> + '_ {
        let rest = (self.hmac_count > KEPT).then(|| self.of(HMAC).skip(KEPT));
        self.kept_hmac[..self.hmac_count.min(KEPT)]
            .iter()
            .copied()
            .chain(rest.into_iter().flatten())
            .map(decode_base64_tag)
    }

    /// Whether there is a `v1a` entry to try.
    pub(super) fn has_ed25519(&self) -> bool {
        self.has_ed25519
    }

    /// The decoded `v1a` signatures; `None` for one that does not decode.
    pub(super) fn ed25519_signatures(
        &self,
    ) -> impl Iterator<Item = Option<[u8; SIGNATURE_LEN]>> + '_ {
        self.of(ED25519).map(decode::<SIGNATURE_LEN>)
    }

    fn of(&self, wanted: &'static str) -> impl Iterator<Item = &'h [u8]> + 'h {
        entries(self.value).filter_map(move |entry| signature_of(entry, wanted))
    }
}

/// Each non-empty space-separated entry.
///
/// Byte-level, with a vector search for the spaces ([`find_byte`]): the
/// general `str` pattern machinery costs more than the rest of the check.
fn entries(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = value;
    std::iter::from_fn(move || {
        loop {
            if rest.is_empty() {
                return None;
            }
            let (entry, tail) = match find_byte(b' ', rest) {
                Some(space) => (&rest[..space], &rest[space + 1..]),
                None => (rest, &[][..]),
            };
            rest = tail;
            if !entry.is_empty() {
                return Some(entry);
            }
        }
    })
}

/// The signature of `entry` if it is of `version`: what follows
/// `<version>,` (an entry's version ends at its first comma). Matching the
/// prefix costs less than searching for the comma, and only the two
/// versions we check are ever asked for.
fn signature_of<'h>(entry: &'h [u8], version: &str) -> Option<&'h [u8]> {
    entry.strip_prefix(version.as_bytes())?.strip_prefix(b",")
}

/// Exactly `N` bytes of padded standard base64 (as senders write
/// signatures); `None` otherwise.
fn decode<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    // Room for the decoder's worst-case estimate; 64-byte signatures are
    // the longest (88 characters).
    let mut buffer = [0; SIGNATURE_LEN + 8];
    if text.len() != N.div_ceil(3) * 4 {
        return None;
    }
    let length = base64::engine::general_purpose::STANDARD
        .decode_slice(text, &mut buffer)
        .ok()?;
    buffer.get(..length)?.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(bytes: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn signatures_decode_only_at_their_exact_length() {
        assert_eq!(decode::<TAG_LEN>(b64(&[3; 32]).as_bytes()), Some([3; 32]));
        assert_eq!(
            decode::<SIGNATURE_LEN>(b64(&[4; 64]).as_bytes()),
            Some([4; 64])
        );
        assert_eq!(decode::<SIGNATURE_LEN>(b64(&[4; 63]).as_bytes()), None);
        assert_eq!(decode::<SIGNATURE_LEN>(b64(&[4; 32]).as_bytes()), None);
        assert_eq!(decode::<TAG_LEN>(b64(&[4; 64]).as_bytes()), None);
        assert_eq!(
            decode::<TAG_LEN>(b64(&[3; 32]).replace('=', "A").as_bytes()),
            None
        );
    }

    #[test]
    fn seventeen_entries_are_malformed_sixteen_are_not() {
        let entry = format!("v1a,{}", b64(&[1; 64]));
        let sixteen = vec![entry.as_str(); 16].join(" ");
        assert!(Entries::parse("webhook-signature", sixteen.as_bytes()).is_ok());
        let seventeen = format!("{sixteen} v2,x");
        assert_eq!(
            Entries::parse("webhook-signature", seventeen.as_bytes()).err(),
            Some(Error::malformed(
                "webhook-signature",
                "more than 16 signature entries"
            ))
        );
        // Runs of spaces are not entries.
        assert!(Entries::parse("webhook-signature", format!("{sixteen}    ").as_bytes()).is_ok());
    }

    #[test]
    fn a_header_needs_an_entry_of_a_known_version() {
        for bad in ["", "v2,abc", "v1abc", "V1,abc v1A,abc", "  "] {
            assert!(
                Entries::parse("webhook-signature", bad.as_bytes()).is_err(),
                "{bad:?}"
            );
        }
        for good in ["v1,", "v1a,!!", "junk v1,x"] {
            assert!(
                Entries::parse("webhook-signature", good.as_bytes()).is_ok(),
                "{good:?}"
            );
        }
    }
}
