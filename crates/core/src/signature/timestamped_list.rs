//! The `t=<unix seconds>,v1=<hex>,…` signature header that Stripe
//! introduced and Nomos adopted: HMAC over `<t>.<body>`.

use http::{HeaderMap, HeaderName};

use super::{decode_hex_tag, generated_value, matching_secret, sealed::Sealed};
use crate::error::Error;
use crate::header::{self, Headers};
use crate::secret::{Secret, TAG_LEN};
use crate::verification::Verification;

/// The signature version this scheme checks; other versions are ignored.
const VERSION: &str = "v1";

/// A scheme that signs with a timestamped list in one header.
pub(crate) trait TimestampedList {
    /// The header that carries the list.
    fn header() -> &'static HeaderName;
}

impl<T: TimestampedList> Sealed for T {
    fn authenticate(
        &self,
        secrets: &[Secret],
        headers: &dyn Headers,
        body: &[u8],
    ) -> Result<Verification, Error> {
        let list = List::parse(
            T::header().as_str(),
            header::required(headers, T::header())?,
        )?;
        let message: [&[u8]; 3] = [list.timestamp_text.as_bytes(), b".", body];
        let index = matching_secret(secrets, &message, || list.candidates())
            .ok_or(Error::SignatureMismatch)?;
        Ok(Verification::matched(index, Some(list.timestamp)))
    }

    fn signature_headers(
        secret: &Secret,
        timestamp: u64,
        _id: &str,
        body: &[u8],
    ) -> Result<HeaderMap, Error> {
        let timestamp = timestamp.to_string();
        let tag = secret.tag(&[timestamp.as_bytes(), b".", body]);
        let value = format!("t={timestamp},{VERSION}={}", hex::encode(tag));
        Ok(HeaderMap::from_iter([(
            T::header().clone(),
            generated_value(value),
        )]))
    }
}

/// How many candidates the first walk keeps. Senders put one or two
/// (during a rotation); a header with more is walked again for the rest.
const KEPT: usize = 4;

/// A parsed header: the timestamp, and where the first candidates are, so
/// the check walks the header once and allocates nothing. Candidates are
/// decoded as they are compared: one that no secret is checked against
/// costs nothing.
struct List<'h> {
    name: &'static str,
    value: &'h str,
    timestamp_text: &'h str,
    timestamp: u64,
    kept: [&'h str; KEPT],
    candidate_count: usize,
}

impl<'h> List<'h> {
    fn parse(name: &'static str, value: &'h str) -> Result<Self, Error> {
        let mut timestamp_text = None;
        let mut kept = [""; KEPT];
        let mut candidate_count = 0;
        for item in items(name, value) {
            let (key, item_value) = item?;
            match key {
                "t" if timestamp_text.is_some() => {
                    return Err(Error::malformed(name, "`t` appears more than once"));
                }
                "t" => timestamp_text = Some(item_value),
                VERSION => {
                    if let Some(slot) = kept.get_mut(candidate_count) {
                        *slot = item_value;
                    }
                    candidate_count += 1;
                }
                _ => {}
            }
        }
        let timestamp_text =
            timestamp_text.ok_or(Error::malformed(name, "no `t` timestamp item"))?;
        if candidate_count == 0 {
            return Err(Error::malformed(name, "no `v1` signature item"));
        }
        let timestamp = header::parse_timestamp(name, timestamp_text)?;
        Ok(Self {
            name,
            value,
            timestamp_text,
            timestamp,
            kept,
            candidate_count,
        })
    }

    fn candidates(&self) -> impl Iterator<Item = Option<[u8; TAG_LEN]>> + '_ {
        let rest = (self.candidate_count > KEPT).then(|| {
            items(self.name, self.value)
                .flatten()
                .filter(|(key, _)| *key == VERSION)
                .skip(KEPT)
                .map(|(_, value)| value)
        });
        self.kept[..self.candidate_count.min(KEPT)]
            .iter()
            .copied()
            .chain(rest.into_iter().flatten())
            .map(decode_hex_tag)
    }
}

/// The comma-separated `key=value` items of header `name`, each trimmed of
/// ASCII white space; an item without `=` is malformed.
///
/// A byte-level splitter that finds each comma with `memchr`'s vector
/// search: the signature item is 64 hex digits, and a byte-at-a-time scan
/// of it costs more than the rest of the parse.
fn items<'v>(name: &'static str, value: &'v str) -> Items<'v> {
    Items {
        name,
        rest: Some(value),
    }
}

struct Items<'v> {
    name: &'static str,
    rest: Option<&'v str>,
}

impl<'v> Iterator for Items<'v> {
    type Item = Result<(&'v str, &'v str), Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest?;
        // `,` and `=` are ASCII, so the byte positions are char boundaries.
        let (item, tail) = match memchr::memchr(b',', rest.as_bytes()) {
            Some(comma) => (&rest[..comma], Some(&rest[comma + 1..])),
            None => (rest, None),
        };
        self.rest = tail;
        let item = item.trim_ascii();
        Some(match item.bytes().position(|byte| byte == b'=') {
            Some(equals) => Ok((&item[..equals], &item[equals + 1..])),
            None => Err(Error::malformed(self.name, "an item has no `=`")),
        })
    }
}
