//! Event timestamps: RFC 3339 with or without fractional seconds, with `Z`
//! or a numeric offset, or with no offset at all (read as UTC), always
//! converted to UTC.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer, de::Error as _};

pub(crate) fn parse(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").map(|naive| naive.and_utc())
        })
        .ok()
}

pub(crate) fn utc<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
    parse(&text).ok_or_else(|| D::Error::custom("expected an RFC 3339 date-time"))
}

pub(crate) fn optional_utc<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<std::borrow::Cow<'de, str>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) => parse(&text)
            .map(Some)
            .ok_or_else(|| D::Error::custom("expected an RFC 3339 date-time or null")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_reads_as_the_same_instant() {
        let expected = parse("2026-01-15T10:30:00Z").unwrap();
        for form in [
            "2026-01-15T10:30:00+00:00",
            "2026-01-15T11:30:00+01:00",
            "2026-01-15T10:30:00.000Z",
            "2026-01-15T10:30:00",
            "2026-01-15T10:30:00.000000",
        ] {
            assert_eq!(parse(form), Some(expected), "{form}");
        }
        assert_eq!(
            parse("2026-01-15T10:30:00.250Z")
                .unwrap()
                .timestamp_subsec_millis(),
            250
        );
        for bad in ["", "yesterday", "2026-01-15", "2026-13-15T10:30:00Z"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
