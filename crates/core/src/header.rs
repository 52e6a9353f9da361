//! Reading the headers a scheme needs, under the rules every scheme shares.

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::error::Error;

/// The value of `header`, which may appear at most once,
/// exactly as received.
///
/// A field repeated in the request is malformed: two signature headers could
/// otherwise be read differently by a proxy and by us.
pub(crate) fn optional<'h>(
    headers: &'h HeaderMap,
    header: &'static HeaderName,
) -> Result<Option<&'h str>, Error> {
    // A prepared `HeaderName` skips parsing the name on every lookup.
    let name = header.as_str();
    let mut values = headers.get_all(header).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(Error::malformed(name, "header appears more than once"));
    }
    let text = value
        .to_str()
        .map_err(|_| Error::malformed(name, "value is not visible ASCII"))?;
    Ok(Some(text))
}

/// The value of a header that must appear exactly once.
pub(crate) fn required<'h>(
    headers: &'h HeaderMap,
    header: &'static HeaderName,
) -> Result<&'h str, Error> {
    optional(headers, header)?.ok_or(Error::MissingHeader {
        name: header.as_str(),
    })
}

/// A header the provider does not sign but the event reports (the ids
/// `X-GitHub-Delivery`, `X-Shopify-Webhook-Id`, `Linear-Delivery`, and
/// Shopify's topic): optional, at most once, and not empty. Checked while
/// verifying, so an event never reports a value that two readers could
/// take differently.
pub(crate) fn unsigned<'h>(
    headers: &'h HeaderMap,
    header: &'static HeaderName,
) -> Result<Option<&'h str>, Error> {
    match optional(headers, header)? {
        Some("") => Err(Error::malformed(header.as_str(), "value is empty")),
        value => Ok(value),
    }
}

/// An unsigned header's value as the event reports it (already checked by
/// [`unsigned`] while verifying).
pub(crate) fn reported(headers: &HeaderMap, header: &'static HeaderName) -> Option<String> {
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
