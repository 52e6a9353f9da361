//! Reading the headers a scheme needs, under the rules every scheme shares,
//! from whichever HTTP library holds them.

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::error::Error;

/// A request's header fields, as the HTTP library that received it holds
/// them.
///
/// Implemented for `http::HeaderMap` (axum, hyper, reqwest); the actix-web
/// adapter implements it over actix-web's own map, so its requests are
/// checked without copying their headers. Verification asks only for the
/// fields its scheme signs or reads, all of them in one call.
pub trait Headers {
    /// Looks up each of `names` (lowercase header names) in one pass over
    /// the request's fields: `found[i]` becomes what the request holds
    /// under `names[i]`.
    ///
    /// `found` starts all [`HeaderField::Absent`], as long as `names`; an
    /// implementation hands each of its fields to [`HeaderField::tally`].
    /// One pass, rather than a hashed lookup per name, because a scheme
    /// reads up to six names from a request of a dozen fields: comparing
    /// lengths is cheaper than hashing each name. The pass is linear in the
    /// number of fields, which the HTTP server bounds (hyper: 100 by
    /// default, actix-web: 96).
    fn find<'h>(&'h self, names: &[&str], found: &mut [HeaderField<'h>]);
}

/// One header field of a request, as [`Headers::find`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderField<'h> {
    /// The request has no such field.
    Absent,
    /// The field appears once, with these raw value bytes.
    Once(&'h [u8]),
    /// The field appears more than once.
    Repeated,
}

impl<'h> HeaderField<'h> {
    /// Notes one field of a request, `name: value`, in `found` if `names`
    /// holds `name`: the rule every [`Headers::find`] shares. A second
    /// value under one name makes the field [`HeaderField::Repeated`].
    #[inline]
    pub fn tally(names: &[&str], found: &mut [HeaderField<'h>], name: &str, value: &'h [u8]) {
        for (wanted, field) in names.iter().zip(found) {
            if *wanted == name {
                *field = match field {
                    HeaderField::Absent => HeaderField::Once(value),
                    _ => HeaderField::Repeated,
                };
                return;
            }
        }
    }
}

impl Headers for HeaderMap {
    fn find<'h>(&'h self, names: &[&str], found: &mut [HeaderField<'h>]) {
        for (name, value) in self {
            HeaderField::tally(names, found, name.as_str(), value.as_bytes());
        }
    }
}

/// A header a scheme asked for, with what the request holds under it: the
/// rules every scheme reads its headers by.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found<'h> {
    name: &'static str,
    field: HeaderField<'h>,
}

/// The fields `names` (lowercase header names) of a request, found in one
/// pass (see [`Headers::find`]), each with its name.
///
/// Names are plain `&str`, not `HeaderName`s: `HeaderName::as_str` is a
/// match and a call per name, on every delivery.
#[inline]
pub(crate) fn find<'h, const N: usize>(
    headers: &'h dyn Headers,
    names: [&'static str; N],
) -> [Found<'h>; N] {
    let mut fields = [HeaderField::Absent; N];
    headers.find(&names, &mut fields);
    std::array::from_fn(|index| Found {
        name: names[index],
        field: fields[index],
    })
}

/// The field `name` of a request.
pub(crate) fn one<'h>(headers: &'h dyn Headers, name: &'static str) -> Found<'h> {
    let [found] = find(headers, [name]);
    found
}

impl<'h> Found<'h> {
    /// The header's name.
    pub(crate) fn name(self) -> &'static str {
        self.name
    }

    /// The value of a header that may appear at most once, exactly as
    /// received: bytes that are all visible ASCII or tabs, what
    /// `http::HeaderValue::to_str` accepts.
    ///
    /// A field repeated in the request is malformed: two signature headers
    /// could otherwise be read differently by a proxy and by us. The value
    /// stays bytes: the signature parsers read bytes, and turning a value
    /// into `&str` costs a UTF-8 check per header that they have no use for.
    #[inline]
    pub(crate) fn optional(self) -> Result<Option<&'h [u8]>, Error> {
        match self.field {
            HeaderField::Absent => Ok(None),
            HeaderField::Repeated => {
                Err(Error::malformed(self.name, "header appears more than once"))
            }
            HeaderField::Once(value) if is_visible_ascii(value) => Ok(Some(value)),
            HeaderField::Once(_) => Err(Error::malformed(self.name, "value is not visible ASCII")),
        }
    }

    /// The value of a header that must appear exactly once.
    #[inline]
    pub(crate) fn required(self) -> Result<&'h [u8], Error> {
        self.optional()?
            .ok_or(Error::MissingHeader { name: self.name })
    }

    /// [`Found::optional`] as text, for the values an event reports.
    pub(crate) fn optional_text(self) -> Result<Option<&'h str>, Error> {
        self.optional()?
            .map(|value| {
                // Visible ASCII is UTF-8, so this never refuses.
                std::str::from_utf8(value)
                    .map_err(|_| Error::malformed(self.name, "value is not visible ASCII"))
            })
            .transpose()
    }

    /// A header the provider does not sign but the event reports (the ids
    /// `X-GitHub-Delivery`, `X-Shopify-Webhook-Id`, `Linear-Delivery`, and
    /// Shopify's topic): optional, at most once, and not empty. Checked
    /// while verifying, so an event never reports a value that two readers
    /// could take differently.
    pub(crate) fn unsigned(self) -> Result<Option<&'h str>, Error> {
        match self.optional_text()? {
            Some("") => Err(Error::malformed(self.name, "value is empty")),
            value => Ok(value),
        }
    }
}

/// Whether every byte of `value` is visible ASCII or a tab: what
/// `http::HeaderValue::to_str` accepts.
///
/// It runs on every signature header, so it checks eight bytes at a time
/// for any byte outside `0x20..=0x7E` (exact: no such byte ever passes).
/// The last word overlaps the one before it rather than leaving a tail to
/// loop over, and a value shorter than a word is padded with spaces. Only a
/// value with such a byte (a tab, or a bad byte) is checked byte by byte.
fn is_visible_ascii(value: &[u8]) -> bool {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let outside = |word: [u8; 8]| {
        let word = u64::from_le_bytes(word);
        // A byte below 0x20, or one of 0x7F and above, sets its high bit.
        let below = word.wrapping_sub(0x20 * LOW) & !word;
        let above = word.wrapping_add(LOW) | word;
        (below | above) & HIGH
    };
    let any_outside = match value.last_chunk::<8>() {
        Some(&last) => value.chunks_exact(8).fold(outside(last), |any, word| {
            any | outside(word.try_into().unwrap_or(last))
        }),
        None => {
            let mut padded = [b' '; 8];
            padded[..value.len()].copy_from_slice(value);
            outside(padded)
        }
    };
    any_outside == 0
        || value
            .iter()
            .all(|byte| matches!(byte, 0x20..=0x7E) || *byte == b'\t')
}

/// An unsigned header's value as the event reports it (already checked by
/// [`Found::unsigned`] while verifying).
pub(crate) fn reported(headers: &dyn Headers, name: &'static str) -> Option<String> {
    one(headers, name)
        .unsigned()
        .ok()
        .flatten()
        .map(str::to_owned)
}

/// Puts a sender's id into `header`, unless it is empty.
pub(crate) fn insert_id(
    headers: &mut HeaderMap,
    header: &'static str,
    id: &str,
) -> Result<(), Error> {
    if !id.is_empty() {
        let value = HeaderValue::from_str(id)
            .map_err(|_| Error::malformed(header, "value is not visible ASCII"))?;
        headers.insert(HeaderName::from_static(header), value);
    }
    Ok(())
}

/// A Unix timestamp in seconds: ASCII digits only, no sign, no white space,
/// no decimal point, no overflow.
pub(crate) fn parse_timestamp(name: &'static str, digits: &[u8]) -> Result<u64, Error> {
    // Nineteen digits never overflow 64 bits, so the common case is one
    // pass without checked arithmetic; a longer number takes the checked
    // pass.
    const NEVER_OVERFLOWS: usize = 19;
    // A timestamp has ten digits today: the first eight are read at once.
    let (mut value, mut not_digit, rest) = match digits.split_first_chunk::<8>() {
        Some((&eight, rest)) => {
            let (value, not_digit) = eight_digits(eight);
            (value, not_digit, rest)
        }
        None => (0, digits.is_empty(), digits),
    };
    for &byte in rest {
        let digit = byte.wrapping_sub(b'0');
        not_digit |= digit > 9;
        value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
    }
    if not_digit {
        return Err(Error::malformed(
            name,
            "timestamp is not plain decimal digits",
        ));
    }
    if digits.len() <= NEVER_OVERFLOWS {
        return Ok(value);
    }
    digits
        .iter()
        .try_fold(0u64, |value, digit| {
            value.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
        })
        .ok_or(Error::malformed(name, "timestamp overflows 64 bits"))
}

/// The value of eight ASCII decimal digits, read as one word, and whether
/// any byte is not a digit: about fifteen instructions instead of eight
/// rounds of a multiply and a check, on every timestamped delivery.
fn eight_digits(bytes: [u8; 8]) -> (u64, bool) {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let word = u64::from_le_bytes(bytes);
    // A byte below `0` sets its high bit when `0` is taken from it, one
    // above `9` when 0x46 is added to it (0x39 + 0x46 = 0x7F), and one of
    // 0x80 or above has it already. A borrow or carry that spills into the
    // next byte starts at a byte flagged here, so none is missed, and
    // digits neither borrow nor carry.
    let not_digit = (word.wrapping_sub(0x3030_3030_3030_3030)
        | word.wrapping_add(0x4646_4646_4646_4646)
        | word)
        & HIGH
        != 0;
    // The first digit is the lowest byte. Pairs of digits, then fours,
    // then all eight are combined by multiplying each lane by (its weight
    // shifted up, plus one) and keeping the upper half.
    let digits = word & 0x0F0F_0F0F_0F0F_0F0F;
    let pairs = (digits.wrapping_mul(10 << 8 | 1) >> 8) & 0x00FF_00FF_00FF_00FF;
    let fours = (pairs.wrapping_mul(100 << 16 | 1) >> 16) & 0x0000_FFFF_0000_FFFF;
    let value = fours.wrapping_mul(10_000 << 32 | 1) >> 32;
    (value, not_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_are_visible_ascii_or_tab_as_http_decides() {
        // Every length to beyond two words, each byte at each place.
        for length in 1..=20 {
            for position in 0..length {
                for byte in 0..=255u8 {
                    let mut value = b"abcdefghijklmnopqrst"[..length].to_vec();
                    value[position] = byte;
                    let http_says = http::HeaderValue::from_bytes(&value)
                        .ok()
                        .and_then(|value| value.to_str().ok().map(str::to_owned));
                    assert_eq!(
                        is_visible_ascii(&value),
                        http_says.is_some(),
                        "byte {byte:#04x} at {position} of {length}"
                    );
                }
            }
        }
        assert!(is_visible_ascii(b""));
    }

    #[test]
    fn a_field_is_absent_once_or_repeated() {
        const NAME: &str = "x-test";
        const OTHER: &str = "x-other";
        fn fields(headers: &HeaderMap) -> [HeaderField<'_>; 2] {
            find(headers, [NAME, OTHER]).map(|found| found.field)
        }
        let mut headers = HeaderMap::new();
        headers.append("x-unsought", http::HeaderValue::from_static("zero"));
        assert_eq!(fields(&headers), [HeaderField::Absent; 2]);
        headers.append(NAME, http::HeaderValue::from_static("one"));
        assert_eq!(
            fields(&headers),
            [HeaderField::Once(b"one"), HeaderField::Absent]
        );
        headers.append(OTHER, http::HeaderValue::from_static("other"));
        headers.append(NAME, http::HeaderValue::from_static("two"));
        assert_eq!(
            fields(&headers),
            [HeaderField::Repeated, HeaderField::Once(b"other")]
        );
        assert_eq!(
            one(&headers, NAME).optional().unwrap_err().code(),
            "malformed_header"
        );
    }

    #[test]
    fn a_flood_of_unsought_fields_hides_no_repeated_signature() {
        const NAME: &str = "webhook-signature";
        let mut headers = HeaderMap::new();
        headers.append(NAME, http::HeaderValue::from_static("v1,first"));
        for index in 0..5_000 {
            headers.append(
                HeaderName::try_from(format!("x-flood-{index}")).unwrap(),
                http::HeaderValue::from_static("x"),
            );
        }
        assert_eq!(one(&headers, NAME).optional(), Ok(Some(&b"v1,first"[..])));
        headers.append(NAME, http::HeaderValue::from_static("v1,second"));
        assert_eq!(
            one(&headers, NAME).optional().unwrap_err().code(),
            "malformed_header"
        );
    }

    #[test]
    fn timestamps_are_digits_only() {
        assert_eq!(parse_timestamp("t", b"1614265330"), Ok(1_614_265_330));
        assert_eq!(parse_timestamp("t", b"0"), Ok(0));
        assert_eq!(parse_timestamp("t", b"007"), Ok(7));
        assert_eq!(parse_timestamp("t", b"18446744073709551615"), Ok(u64::MAX));
        for bad in [
            "",
            "+1",
            "-1",
            " 1",
            "1 ",
            "1.5",
            "1e9",
            "١٢",
            "18446744073709551616",
            "99999999999999999999",
            "100000000000000000000",
        ] {
            let error = parse_timestamp("t", bad.as_bytes()).unwrap_err();
            assert_eq!(error.code(), "malformed_header", "{bad:?}");
        }
    }

    #[test]
    fn eight_digits_at_once_are_what_a_digit_loop_reads() {
        // Each byte value at each place of an otherwise valid word, at
        // lengths on either side of the eight read at once.
        for length in [7, 8, 9, 10, 11, 16] {
            for position in 0..length {
                for byte in 0..=255u8 {
                    let mut text = b"1234567890123456"[..length].to_vec();
                    text[position] = byte;
                    let expected = std::str::from_utf8(&text)
                        .ok()
                        .filter(|text| text.bytes().all(|byte| byte.is_ascii_digit()))
                        .and_then(|text| text.parse::<u64>().ok());
                    assert_eq!(
                        parse_timestamp("t", &text).ok(),
                        expected,
                        "byte {byte:#04x} at {position} of {length}"
                    );
                }
            }
        }
        assert_eq!(eight_digits(*b"99999999"), (99_999_999, false));
        assert_eq!(eight_digits(*b"00000000"), (0, false));
    }

    proptest::proptest! {
        #[test]
        fn timestamps_parse_as_the_standard_library_parses_plain_digits(
            text in "[0-9]{1,22}|[0-9+ .a-]{0,6}"
        ) {
            let plain_digits = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
            let expected = if plain_digits { text.parse::<u64>().ok() } else { None };
            proptest::prop_assert_eq!(parse_timestamp("t", text.as_bytes()).ok(), expected);
        }
    }
}
