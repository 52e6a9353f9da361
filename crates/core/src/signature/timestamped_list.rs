//! The `t=<unix seconds>,v1=<hex>,…` signature header that Stripe
//! introduced and Nomos adopted (HMAC over `<t>.<body>`), and Paddle's
//! variant of it, `ts=<unix seconds>;h1=<hex>;…` over `<ts>:<body>`.

use http::{HeaderMap, HeaderName};

use super::{decode_hex_tag, find_byte, generated_value, matching_secret, sealed::Sealed};
use crate::error::Error;
use crate::header::{self, Headers};
use crate::secret::{Secret, TAG_LEN};
use crate::verification::Verification;

/// At most this many signature entries are considered; a header with more
/// is malformed (SPEC §7.0: it bounds the work an unsigned header buys).
pub(crate) const MAX_ENTRIES: usize = 16;

/// The punctuation and names of one list dialect.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Format {
    /// Between items.
    separator: u8,
    /// The timestamp item's name.
    timestamp: &'static str,
    /// The signature version this scheme checks; other versions are ignored.
    version: &'static str,
    /// Between the timestamp and the body in the signed message.
    joiner: &'static [u8],
    /// The reasons a header of this dialect is malformed, naming its items.
    no_timestamp: &'static str,
    repeated_timestamp: &'static str,
    no_signature: &'static str,
}

impl Format {
    /// `t=<unix>,v1=<hex>`, signing `<t>.<body>` (Stripe, Nomos).
    pub(crate) const STRIPE: Self = Self {
        separator: b',',
        timestamp: "t",
        version: "v1",
        joiner: b".",
        no_timestamp: "no `t` timestamp item",
        repeated_timestamp: "`t` appears more than once",
        no_signature: "no `v1` signature item",
    };

    /// `ts=<unix>;h1=<hex>`, signing `<ts>:<body>` (Paddle Billing).
    pub(crate) const PADDLE: Self = Self {
        separator: b';',
        timestamp: "ts",
        version: "h1",
        joiner: b":",
        no_timestamp: "no `ts` timestamp item",
        repeated_timestamp: "`ts` appears more than once",
        no_signature: "no `h1` signature item",
    };
}

/// A scheme that signs with a timestamped list in one header.
pub(crate) trait TimestampedList {
    /// The list's dialect.
    const FORMAT: Format = Format::STRIPE;

    /// The header that carries the list.
    const HEADER: &'static str;
}

impl<T: TimestampedList> Sealed for T {
    fn authenticate(
        &self,
        secrets: &[Secret],
        headers: &dyn Headers,
        body: &[u8],
    ) -> Result<Verification, Error> {
        let list = List::parse(
            T::FORMAT,
            T::HEADER,
            header::one(headers, T::HEADER).required()?,
        )?;
        let message: [&[u8]; 3] = [list.timestamp_text, T::FORMAT.joiner, body];
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
        let Format {
            separator,
            timestamp: timestamp_name,
            version,
            joiner,
            ..
        } = T::FORMAT;
        let timestamp = timestamp.to_string();
        let tag = secret.tag(&[timestamp.as_bytes(), joiner, body]);
        let value = format!(
            "{timestamp_name}={timestamp}{}{version}={}",
            char::from(separator),
            hex::encode(tag)
        );
        Ok(HeaderMap::from_iter([(
            HeaderName::from_static(T::HEADER),
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
    format: Format,
    name: &'static str,
    value: &'h [u8],
    timestamp_text: &'h [u8],
    timestamp: u64,
    kept: [&'h [u8]; KEPT],
    candidate_count: usize,
}

impl<'h> List<'h> {
    /// Inlined into each scheme's check, so that `format`'s names are
    /// constants there and comparing a key with one is a compare of a byte
    /// or two, not a call.
    #[inline(always)]
    fn parse(format: Format, name: &'static str, value: &'h [u8]) -> Result<Self, Error> {
        let mut timestamp_text = None;
        let mut kept: [&[u8]; KEPT] = [b""; KEPT];
        let mut candidate_count = 0;
        let mut entry_count = 0;
        for item in items(format.separator, name, value) {
            let (key, item_value) = item?;
            if key == format.timestamp.as_bytes() {
                if timestamp_text.is_some() {
                    return Err(Error::malformed(name, format.repeated_timestamp));
                }
                timestamp_text = Some(item_value);
                continue;
            }
            entry_count += 1;
            if entry_count > MAX_ENTRIES {
                return Err(Error::malformed(name, "more than 16 signature entries"));
            }
            if key == format.version.as_bytes() {
                if let Some(slot) = kept.get_mut(candidate_count) {
                    *slot = item_value;
                }
                candidate_count += 1;
            }
        }
        let timestamp_text = timestamp_text.ok_or(Error::malformed(name, format.no_timestamp))?;
        if candidate_count == 0 {
            return Err(Error::malformed(name, format.no_signature));
        }
        let timestamp = header::parse_timestamp(name, timestamp_text)?;
        Ok(Self {
            format,
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
            items(self.format.separator, self.name, self.value)
                .flatten()
                .filter(|(key, _)| *key == self.format.version.as_bytes())
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

/// The `key=value` items of header `name`, split at `separator` and each
/// trimmed of ASCII white space; an item without `=` is malformed.
///
/// A byte-level splitter that finds each separator with a vector
/// search: the signature item is 64 hex digits, and a byte-at-a-time scan
/// of it costs more than the rest of the parse.
fn items<'v>(separator: u8, name: &'static str, value: &'v [u8]) -> Items<'v> {
    Items {
        separator,
        name,
        rest: Some(value),
    }
}

struct Items<'v> {
    separator: u8,
    name: &'static str,
    rest: Option<&'v [u8]>,
}

impl<'v> Iterator for Items<'v> {
    type Item = Result<(&'v [u8], &'v [u8]), Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest?;
        let (item, tail) = match find_byte(self.separator, rest) {
            Some(comma) => (&rest[..comma], Some(&rest[comma + 1..])),
            None => (rest, None),
        };
        self.rest = tail;
        let item = item.trim_ascii();
        Some(match item.iter().position(|&byte| byte == b'=') {
            Some(equals) => Ok((&item[..equals], &item[equals + 1..])),
            None => Err(Error::malformed(self.name, "an item has no `=`")),
        })
    }
}
