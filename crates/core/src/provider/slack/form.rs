//! Slack's form bodies (`application/x-www-form-urlencoded`, slash commands
//! and interactivity) as JSON payloads.
//!
//! Decoding follows the WHATWG URL standard's form rules: pieces split at
//! `&`, each at its first `=`; `+` is a space; `%XX` is a byte and any
//! other `%` stays as it is. Unlike the standard, a field that is not UTF-8
//! once decoded is refused rather than patched with U+FFFD: a payload
//! that differs from what the sender wrote is not worth handing on.

use serde_json::{Map, Value};

use crate::error::Error;
use crate::event::invalid_payload;

/// The payload of a form body: the object of its fields (the first of a
/// repeated name wins), or, when it has a `payload` field (Slack's
/// interactivity), that field's JSON.
pub(super) fn payload(body: &[u8]) -> Result<Value, Error> {
    let mut fields = Map::new();
    for piece in body
        .split(|&byte| byte == b'&')
        .filter(|piece| !piece.is_empty())
    {
        let (name, value) = match piece.iter().position(|&byte| byte == b'=') {
            Some(equals) => (&piece[..equals], &piece[equals + 1..]),
            None => (piece, &b""[..]),
        };
        let name = decode(name)?;
        if !fields.contains_key(&name) {
            fields.insert(name, Value::String(decode(value)?));
        }
    }
    match fields.remove("payload") {
        Some(Value::String(json)) => {
            serde_json::from_str(&json).map_err(|error| match error.classify() {
                serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                    Error::InvalidPayload {
                        reason: "the form's `payload` field is not JSON",
                    }
                }
                _ => invalid_payload(&error),
            })
        }
        _ => Ok(Value::Object(fields)),
    }
}

/// One name or value: `+` is a space, `%XX` a byte.
fn decode(text: &[u8]) -> Result<String, Error> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut at = 0;
    while let Some(&byte) = text.get(at) {
        let escaped = match (byte, text.get(at + 1), text.get(at + 2)) {
            (b'%', Some(&high), Some(&low)) => hex_pair(high, low),
            _ => None,
        };
        match (byte, escaped) {
            (_, Some(decoded)) => {
                bytes.push(decoded);
                at += 3;
            }
            (b'+', None) => {
                bytes.push(b' ');
                at += 1;
            }
            (_, None) => {
                bytes.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8(bytes).map_err(|_| Error::InvalidPayload {
        reason: "a form field is not UTF-8 once decoded",
    })
}

fn hex_pair(high: u8, low: u8) -> Option<u8> {
    let digit = |byte: u8| char::from(byte).to_digit(16);
    let value = digit(high)? * 16 + digit(low)?;
    u8::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fields_decode_plus_and_percent_and_the_first_repeated_name_wins() {
        let body = b"text=a+b%2Bc%20d&command=%2Fdeploy&text=second&flag&=empty&&bad=%zz%4";
        assert_eq!(
            payload(body).unwrap(),
            json!({"text": "a b+c d", "command": "/deploy", "flag": "", "": "empty", "bad": "%zz%4"})
        );
    }

    #[test]
    fn a_payload_field_is_the_payload() {
        let body = b"payload=%7B%22type%22%3A%22block_actions%22%7D&token=x";
        assert_eq!(payload(body).unwrap(), json!({"type": "block_actions"}));
        let broken = payload(b"payload=%7Bnot+json").unwrap_err();
        assert_eq!(broken.code(), "invalid_payload");
    }

    #[test]
    fn a_field_that_is_not_utf8_is_refused() {
        assert_eq!(payload(b"text=%FF").unwrap_err().code(), "invalid_payload");
        assert_eq!(payload(b"%C3%A9=%C3%A9").unwrap(), json!({"é": "é"}));
    }

    proptest::proptest! {
        /// A signed form must mean to us what it means to every WHATWG
        /// decoder (the `url` crate's here): same names, same values, the
        /// first of a repeated name; where we refuse a field that is not
        /// UTF-8, the reference had to patch it with U+FFFD.
        #[test]
        fn forms_decode_as_the_whatwg_reference_decodes_them(
            // No `p`, `y`, `7`: no field can be named `payload`.
            body in proptest::collection::vec(
                proptest::sample::select(b"ab=&+%0129AFf\xC3\xA9\xFF".to_vec()),
                0..48,
            )
        ) {
            let mut reference = Map::new();
            for (name, value) in form_urlencoded::parse(&body) {
                reference
                    .entry(name.into_owned())
                    .or_insert_with(|| Value::String(value.into_owned()));
            }
            match payload(&body) {
                Ok(decoded) => proptest::prop_assert_eq!(decoded, Value::Object(reference)),
                Err(error) => {
                    proptest::prop_assert_eq!(error.code(), "invalid_payload");
                    let patched = reference.iter().any(|(name, value)| {
                        name.contains('\u{FFFD}') || value.as_str().is_some_and(|v| v.contains('\u{FFFD}'))
                    });
                    proptest::prop_assert!(patched);
                }
            }
        }
    }

    #[test]
    fn an_empty_body_is_an_empty_object() {
        assert_eq!(payload(b"").unwrap(), json!({}));
    }
}
