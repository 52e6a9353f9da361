//! The `t=<unix seconds>,v1=<hex>,…` signature header that Stripe
//! introduced and Nomos adopted: HMAC over `<t>.<body>`.

use http::HeaderMap;

use super::{decode_hex_tag, generated_value, matching_secret, sealed::Sealed};
use crate::error::Error;
use crate::header;
use crate::secret::{Secret, TAG_LEN};
use crate::verifier::Verified;

/// The signature version this scheme checks; other versions are ignored.
const VERSION: &str = "v1";

/// A scheme that signs with a timestamped list in one header.
pub(super) trait TimestampedList {
    /// The header's name, in lower case.
    const HEADER: &'static str;
}

impl<T: TimestampedList> Sealed for T {
    fn authenticate<'h>(
        &self,
        secrets: &[Secret],
        headers: &'h HeaderMap,
        body: &[u8],
    ) -> Result<Verified<'h>, Error> {
        let list = List::parse(T::HEADER, header::required(headers, T::HEADER)?)?;
        let message: [&[u8]; 3] = [list.timestamp_text.as_bytes(), b".", body];
        let index = matching_secret(secrets, &message, || list.candidates())
            .ok_or(Error::SignatureMismatch)?;
        Ok(Verified {
            secret_index: Some(index),
            timestamp: Some(list.timestamp),
            id: None,
        })
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
            http::HeaderName::from_static(T::HEADER),
            generated_value(value),
        )]))
    }
}

/// A parsed header: the timestamp, and the raw value to walk for candidates
/// again (walking twice keeps the check free of heap allocation).
struct List<'h> {
    name: &'static str,
    value: &'h str,
    timestamp_text: &'h str,
    timestamp: u64,
}

impl<'h> List<'h> {
    fn parse(name: &'static str, value: &'h str) -> Result<Self, Error> {
        let mut timestamp_text = None;
        let mut has_candidate = false;
        for item in items(name, value) {
            let (key, item_value) = item?;
            match key {
                "t" if timestamp_text.is_some() => {
                    return Err(Error::malformed(name, "`t` appears more than once"));
                }
                "t" => timestamp_text = Some(item_value),
                VERSION => has_candidate = true,
                _ => {}
            }
        }
        let timestamp_text =
            timestamp_text.ok_or(Error::malformed(name, "no `t` timestamp item"))?;
        if !has_candidate {
            return Err(Error::malformed(name, "no `v1` signature item"));
        }
        let timestamp = header::parse_timestamp(name, timestamp_text)?;
        Ok(Self {
            name,
            value,
            timestamp_text,
            timestamp,
        })
    }

    fn candidates(&self) -> impl Iterator<Item = Option<[u8; TAG_LEN]>> + '_ {
        items(self.name, self.value)
            .flatten()
            .filter(|(key, _)| *key == VERSION)
            .map(|(_, value)| decode_hex_tag(value))
    }
}

/// The comma-separated `key=value` items of header `name`, each trimmed; an
/// item without `=` is malformed.
fn items<'v>(
    name: &'static str,
    value: &'v str,
) -> impl Iterator<Item = Result<(&'v str, &'v str), Error>> {
    value.split(',').map(move |item| {
        item.trim()
            .split_once('=')
            .ok_or(Error::malformed(name, "an item has no `=`"))
    })
}
