//! Reading the headers a scheme needs, under the rules every scheme shares.

use http::HeaderMap;

use crate::error::Error;

/// The value of header `name` (lower case), which may appear at most once,
/// exactly as received.
///
/// A field repeated in the request is malformed: two signature headers could
/// otherwise be read differently by a proxy and by us.
pub(crate) fn optional<'h>(
    headers: &'h HeaderMap,
    name: &'static str,
) -> Result<Option<&'h str>, Error> {
    let mut values = headers.get_all(name).iter();
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
pub(crate) fn required<'h>(headers: &'h HeaderMap, name: &'static str) -> Result<&'h str, Error> {
    optional(headers, name)?.ok_or(Error::MissingHeader { name })
}

/// A Unix timestamp in seconds: ASCII digits only, no sign, no white space,
/// no decimal point, no overflow.
pub(crate) fn parse_timestamp(name: &'static str, text: &str) -> Result<u64, Error> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(Error::malformed(
            name,
            "timestamp is not plain decimal digits",
        ));
    }
    text.parse()
        .map_err(|_| Error::malformed(name, "timestamp overflows 64 bits"))
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
