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

/// The value of `header`, which may appear at most once,
/// exactly as received.
///
/// A field repeated in the request is malformed: two signature headers could
/// otherwise be read differently by a proxy and by us.
pub(crate) fn optional<'h>(
    headers: &'h dyn Headers,
    header: &'static HeaderName,
) -> Result<Option<&'h str>, Error> {
    let name = header.as_str();
    match headers.field(header) {
        HeaderField::Absent => Ok(None),
        HeaderField::Repeated => Err(Error::malformed(name, "header appears more than once")),
        HeaderField::Once(value) => visible_ascii(value)
            .map(Some)
            .ok_or(Error::malformed(name, "value is not visible ASCII")),
    }
}

/// The value of a header that must appear exactly once.
pub(crate) fn required<'h>(
    headers: &'h dyn Headers,
    header: &'static HeaderName,
) -> Result<&'h str, Error> {
    optional(headers, header)?.ok_or(Error::MissingHeader {
        name: header.as_str(),
    })
}

/// `value` as text when every byte is visible ASCII or a tab: what
/// `http::HeaderValue::to_str` accepts.
///
/// It runs on every signature header, so it first checks eight bytes at a
/// time for any byte outside `0x20..=0x7E` (exact: it never passes a byte
/// it should not); only a value with one (a tab, or a bad byte) is
/// checked byte by byte.
fn visible_ascii(value: &[u8]) -> Option<&str> {
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
    let all = if outside == 0 {
        tail.iter().all(visible)
    } else {
        value.iter().all(visible)
    };
    if all {
        std::str::from_utf8(value).ok()
    } else {
        None
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
    match optional(headers, header)? {
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
pub(crate) fn parse_timestamp(name: &'static str, text: &str) -> Result<u64, Error> {
    if text.is_empty() {
        return Err(Error::malformed(
            name,
            "timestamp is not plain decimal digits",
        ));
    }
    let mut value: u64 = 0;
    let mut overflow = false;
    for byte in text.bytes() {
        if !byte.is_ascii_digit() {
            return Err(Error::malformed(
                name,
                "timestamp is not plain decimal digits",
            ));
        }
        match value
            .checked_mul(10)
            .and_then(|tens| tens.checked_add(u64::from(byte - b'0')))
        {
            Some(next) => value = next,
            None => overflow = true,
        }
    }
    if overflow {
        return Err(Error::malformed(name, "timestamp overflows 64 bits"));
    }
    Ok(value)
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
                visible_ascii(&value).map(str::to_owned),
                http_says,
                "byte {byte:#04x} at {position}"
            );
        }
        for byte in 0..=255u8 {
            let value = [b'a', byte, b'z'];
            let http_says = http::HeaderValue::from_bytes(&value)
                .ok()
                .and_then(|value| value.to_str().ok().map(str::to_owned));
            assert_eq!(
                visible_ascii(&value).map(str::to_owned),
                http_says,
                "byte {byte:#04x}"
            );
        }
        assert_eq!(visible_ascii(b""), Some(""));
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
        assert_eq!(parse_timestamp("t", "1614265330"), Ok(1_614_265_330));
        assert_eq!(parse_timestamp("t", "0"), Ok(0));
        assert_eq!(parse_timestamp("t", "007"), Ok(7));
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
        ] {
            let error = parse_timestamp("t", bad).unwrap_err();
            assert_eq!(error.code(), "malformed_header", "{bad:?}");
        }
    }
}
