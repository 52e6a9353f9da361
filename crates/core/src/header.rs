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
/// fields its scheme signs or reads.
pub trait Headers {
    /// The field `name` (lowercase): absent, its one value, or repeated.
    fn field(&self, name: &'static HeaderName) -> HeaderField<'_>;
}

/// One header field of a request, as [`Headers::field`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderField<'h> {
    /// The request has no such field.
    Absent,
    /// The field appears once, with these raw value bytes.
    Once(&'h [u8]),
    /// The field appears more than once.
    Repeated,
}

impl Headers for HeaderMap {
    fn field(&self, name: &'static HeaderName) -> HeaderField<'_> {
        let mut values = self.get_all(name).iter();
        match (values.next(), values.next()) {
            (None, _) => HeaderField::Absent,
            (Some(value), None) => HeaderField::Once(value.as_bytes()),
            (Some(_), Some(_)) => HeaderField::Repeated,
        }
    }
}

/// The value of `header`, which may appear at most once, exactly as
/// received: bytes that are all visible ASCII or tabs, what
/// `http::HeaderValue::to_str` accepts.
///
/// A field repeated in the request is malformed: two signature headers could
/// otherwise be read differently by a proxy and by us. The value stays
/// bytes: the signature parsers read bytes, and turning a value into `&str`
/// costs a UTF-8 check per header that they have no use for.
pub(crate) fn optional<'h>(
    headers: &'h dyn Headers,
    header: &'static HeaderName,
) -> Result<Option<&'h [u8]>, Error> {
    match headers.field(header) {
        HeaderField::Absent => Ok(None),
        HeaderField::Repeated => Err(Error::malformed(
            header.as_str(),
            "header appears more than once",
        )),
        HeaderField::Once(value) if is_visible_ascii(value) => Ok(Some(value)),
        HeaderField::Once(_) => Err(Error::malformed(
            header.as_str(),
            "value is not visible ASCII",
        )),
    }
}

/// The value of a header that must appear exactly once.
pub(crate) fn required<'h>(
    headers: &'h dyn Headers,
    header: &'static HeaderName,
) -> Result<&'h [u8], Error> {
    optional(headers, header)?.ok_or(Error::MissingHeader {
        name: header.as_str(),
    })
}

/// [`optional`] as text, for the values an event reports.
pub(crate) fn optional_text<'h>(
    headers: &'h dyn Headers,
    header: &'static HeaderName,
) -> Result<Option<&'h str>, Error> {
    optional(headers, header)?
        .map(|value| {
            // Visible ASCII is UTF-8, so this never refuses.
            std::str::from_utf8(value)
                .map_err(|_| Error::malformed(header.as_str(), "value is not visible ASCII"))
        })
        .transpose()
}

/// Whether every byte of `value` is visible ASCII or a tab: what
/// `http::HeaderValue::to_str` accepts.
///
/// It runs on every signature header, so it first checks eight bytes at a
/// time for any byte outside `0x20..=0x7E` (exact: it never passes a byte
/// it should not); only a value with one (a tab, or a bad byte) is
/// checked byte by byte.
fn is_visible_ascii(value: &[u8]) -> bool {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let words = value.chunks_exact(8);
    let tail = words.remainder();
    let outside = words.fold(0, |outside, word| {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(word);
        let word = u64::from_le_bytes(bytes);
        // A byte below 0x20, or one of 0x7F and above, sets its high bit.
        let below = word.wrapping_sub(0x20 * LOW) & !word;
        let above = word.wrapping_add(LOW) | word;
        outside | ((below | above) & HIGH)
    });
    let visible = |byte: &u8| matches!(byte, 0x20..=0x7E) || *byte == b'\t';
    if outside == 0 {
        tail.iter().all(visible)
    } else {
        value.iter().all(visible)
    }
}

/// A header the provider does not sign but the event reports (the ids
/// `X-GitHub-Delivery`, `X-Shopify-Webhook-Id`, `Linear-Delivery`, and
/// Shopify's topic): optional, at most once, and not empty. Checked while
/// verifying, so an event never reports a value that two readers could
/// take differently.
pub(crate) fn unsigned<'h>(
    headers: &'h dyn Headers,
    header: &'static HeaderName,
) -> Result<Option<&'h str>, Error> {
    match optional_text(headers, header)? {
        Some("") => Err(Error::malformed(header.as_str(), "value is empty")),
        value => Ok(value),
    }
}

/// An unsigned header's value as the event reports it (already checked by
/// [`unsigned`] while verifying).
pub(crate) fn reported(headers: &dyn Headers, header: &'static HeaderName) -> Option<String> {
    unsigned(headers, header).ok().flatten().map(str::to_owned)
}

/// Puts a sender's id into `header`, unless it is empty.
pub(crate) fn insert_id(
    headers: &mut HeaderMap,
    header: &'static HeaderName,
    id: &str,
) -> Result<(), Error> {
    if !id.is_empty() {
        let value = HeaderValue::from_str(id)
            .map_err(|_| Error::malformed(header.as_str(), "value is not visible ASCII"))?;
        headers.insert(header.clone(), value);
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
    let mut value: u64 = 0;
    let mut not_digit = digits.is_empty();
    for &byte in digits {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_are_visible_ascii_or_tab_as_http_decides() {
        // At each place in a word and in the tail, every byte.
        for (position, byte) in
            (0..20).flat_map(|position| (0..=255u8).map(move |byte| (position, byte)))
        {
            let mut value = *b"abcdefghijklmnopqrst";
            value[position] = byte;
            let http_says = http::HeaderValue::from_bytes(&value)
                .ok()
                .and_then(|value| value.to_str().ok().map(str::to_owned));
            assert_eq!(
                is_visible_ascii(&value),
                http_says.is_some(),
                "byte {byte:#04x} at {position}"
            );
        }
        for byte in 0..=255u8 {
            let value = [b'a', byte, b'z'];
            let http_says = http::HeaderValue::from_bytes(&value)
                .ok()
                .and_then(|value| value.to_str().ok().map(str::to_owned));
            assert_eq!(
                is_visible_ascii(&value),
                http_says.is_some(),
                "byte {byte:#04x}"
            );
        }
        assert!(is_visible_ascii(b""));
    }

    #[test]
    fn a_field_is_absent_once_or_repeated() {
        static NAME: HeaderName = HeaderName::from_static("x-test");
        let mut headers = HeaderMap::new();
        assert_eq!(headers.field(&NAME), HeaderField::Absent);
        headers.append(&NAME, http::HeaderValue::from_static("one"));
        assert_eq!(headers.field(&NAME), HeaderField::Once(b"one"));
        headers.append(&NAME, http::HeaderValue::from_static("two"));
        assert_eq!(headers.field(&NAME), HeaderField::Repeated);
        assert_eq!(
            optional(&headers, &NAME).unwrap_err().code(),
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
