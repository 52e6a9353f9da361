//! Reading top-level members of a JSON object without allocating.
//!
//! Noma and Linear sign their send time inside the body, so the freshness
//! check has to read it there; Noma's dedupe key cuts two members' values
//! out of the exact bytes. A general JSON parser keeps a stack for nested
//! values it skips; this scanner skips them with a depth counter instead,
//! so the check stays free of heap allocation. It trusts the body to be
//! well-formed JSON (the signature has already proven the provider wrote
//! it); the typed parse that follows validates everything.

use std::ops::Range;

/// Why the member could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldProblem {
    /// The body is not a JSON object, or breaks off.
    NotAnObject,
    /// The object has no member of that name.
    Missing,
    /// The member appears more than once: readers could disagree on it.
    Repeated,
    /// The member is not a string without escapes.
    NotPlainString,
}

/// Calls `visit` with the raw name (between its quotes, escapes as sent)
/// and the byte range of the value of each top-level member of the JSON
/// object `body`, in body order. A value's range runs from its first byte
/// to its last (a string's quotes included, no surrounding white space).
pub(crate) fn visit_members<'b>(
    body: &'b [u8],
    mut visit: impl FnMut(&'b [u8], Range<usize>),
) -> Result<(), FieldProblem> {
    let mut scanner = Scanner { body, at: 0 };
    scanner.expect(b'{')?;
    if scanner.peek() == Some(b'}') {
        return Ok(());
    }
    loop {
        scanner.expect(b'"')?;
        let name = scanner.string_tail()?;
        scanner.expect(b':')?;
        scanner.peek().ok_or(FieldProblem::NotAnObject)?;
        let start = scanner.at;
        scanner.skip_value()?;
        // A scalar ends at the next `,` or `}`: leave out the blanks before it.
        let value = body[start..scanner.at].trim_ascii_end();
        visit(name, start..start + value.len());
        match scanner.next_token() {
            Some(b',') => {}
            Some(b'}') => return Ok(()),
            _ => return Err(FieldProblem::NotAnObject),
        }
    }
}

/// The raw bytes of the value of the top-level member `key` of the JSON
/// object `body`, which must appear exactly once.
pub(crate) fn top_level_value<'b>(body: &'b [u8], key: &[u8]) -> Result<&'b [u8], FieldProblem> {
    let mut found = None;
    let mut repeated = false;
    visit_members(body, |name, value| {
        if name_is(name, key) {
            repeated |= found.is_some();
            found = Some(value);
        }
    })?;
    match found {
        _ if repeated => Err(FieldProblem::Repeated),
        Some(value) => Ok(&body[value]),
        None => Err(FieldProblem::Missing),
    }
}

/// Whether the raw member name `raw` (escapes as sent) is `wanted` (ASCII)
/// once its escapes are read, as every JSON parser reads it: a
/// `"delivery\u005fid"` is the member `delivery_id`, so the typed parse and
/// the byte-level readers never disagree about which member is which.
/// Allocation-free; an escape that does not decode never matches.
pub(crate) fn name_is(raw: &[u8], wanted: &[u8]) -> bool {
    if !raw.contains(&b'\\') {
        return raw == wanted;
    }
    let mut rest = raw;
    let mut wanted = wanted.iter();
    while let Some((&byte, tail)) = rest.split_first() {
        let (decoded, tail) = match (byte, tail) {
            (b'\\', [b'u', a, b, c, d, tail @ ..]) => {
                let mut code = 0u32;
                for digit in [a, b, c, d] {
                    match char::from(*digit).to_digit(16) {
                        Some(value) => code = code * 16 + value,
                        None => return false,
                    }
                }
                // A wanted name is ASCII: a wider character never equals it.
                match u8::try_from(code) {
                    Ok(ascii) if ascii.is_ascii() => (ascii, tail),
                    _ => return false,
                }
            }
            (b'\\', [escaped, tail @ ..]) => {
                let decoded = match escaped {
                    b'"' | b'\\' | b'/' => *escaped,
                    b'b' => 0x08,
                    b'f' => 0x0C,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    _ => return false,
                };
                (decoded, tail)
            }
            (b'\\', []) => return false,
            (byte, tail) => (byte, tail),
        };
        if wanted.next() != Some(&decoded) {
            return false;
        }
        rest = tail;
    }
    wanted.next().is_none()
}

/// The raw text of the string member `key` of the JSON object `body`.
pub(crate) fn top_level_string<'b>(body: &'b [u8], key: &[u8]) -> Result<&'b [u8], FieldProblem> {
    let value = top_level_value(body, key)?;
    match value {
        [b'"', text @ .., b'"'] if !text.contains(&b'\\') => Ok(text),
        _ => Err(FieldProblem::NotPlainString),
    }
}

struct Scanner<'b> {
    body: &'b [u8],
    at: usize,
}

impl<'b> Scanner<'b> {
    /// The next byte that is not JSON white space, without consuming it.
    fn peek(&mut self) -> Option<u8> {
        while let Some(&byte) = self.body.get(self.at) {
            if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(byte);
            }
            self.at += 1;
        }
        None
    }

    fn next_token(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    fn expect(&mut self, wanted: u8) -> Result<(), FieldProblem> {
        match self.next_token() {
            Some(byte) if byte == wanted => Ok(()),
            _ => Err(FieldProblem::NotAnObject),
        }
    }

    /// The raw content of a string whose opening quote was just consumed.
    fn string_tail(&mut self) -> Result<&'b [u8], FieldProblem> {
        let start = self.at;
        // Jump from one quote or backslash to the next: long strings (Noma's
        // content fields) are crossed in a tight loop.
        loop {
            let rest = self.body.get(self.at..).ok_or(FieldProblem::NotAnObject)?;
            let found = rest
                .iter()
                .position(|&byte| byte == b'"' || byte == b'\\')
                .ok_or(FieldProblem::NotAnObject)?;
            self.at += found + 1;
            if rest[found] == b'"' {
                return Ok(&self.body[start..self.at - 1]);
            }
            // A backslash escapes the next byte, whatever it is.
            self.at += 1;
        }
    }

    /// Skips one value: a string, a nested object or array, or a scalar.
    fn skip_value(&mut self) -> Result<(), FieldProblem> {
        let mut depth = 0usize;
        loop {
            let byte = self.peek().ok_or(FieldProblem::NotAnObject)?;
            match byte {
                b'"' => {
                    self.at += 1;
                    self.string_tail()?;
                }
                b'{' | b'[' => {
                    self.at += 1;
                    depth += 1;
                }
                b'}' | b']' if depth > 0 => {
                    self.at += 1;
                    depth -= 1;
                }
                // The end of the enclosing object: a scalar (or nothing) ended.
                b',' | b'}' | b']' if depth == 0 => return Ok(()),
                _ => self.at += 1,
            }
            if depth == 0 && matches!(byte, b'"' | b'}' | b']') {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(body: &str) -> Result<&str, FieldProblem> {
        top_level_string(body.as_bytes(), b"timestamp").map(|raw| std::str::from_utf8(raw).unwrap())
    }

    #[test]
    fn finds_the_top_level_member_past_nested_values() {
        let body = r#"{"event":"content.updated","content_entry":{"fields":{"timestamp":"nested","t":[1,{"a":"}"}]},"x":"a\"b"},"n":-1.5e3,"ok":true,"none":null,"timestamp":"2026-01-15T10:30:00+00:00","delivery_id":"d"}"#;
        assert_eq!(field(body), Ok("2026-01-15T10:30:00+00:00"));
        assert_eq!(field(" { \"timestamp\" : \"t\" } "), Ok("t"));
    }

    #[test]
    fn reports_each_problem() {
        assert_eq!(field(r#"{"event":"x"}"#), Err(FieldProblem::Missing));
        assert_eq!(field("{}"), Err(FieldProblem::Missing));
        assert_eq!(
            field(r#"{"timestamp":"a","timestamp":"b"}"#),
            Err(FieldProblem::Repeated)
        );
        assert_eq!(
            field(r#"{"timestamp":1}"#),
            Err(FieldProblem::NotPlainString)
        );
        assert_eq!(
            field(r#"{"timestamp":"2026\/01"}"#),
            Err(FieldProblem::NotPlainString)
        );
        for broken in [
            "",
            "[]",
            "\"timestamp\"",
            r#"{"timestamp":"a""#,
            r#"{"timestamp""#,
            r#"{"a":{"#,
            "{\"a\" 1}",
        ] {
            assert_eq!(field(broken), Err(FieldProblem::NotAnObject), "{broken:?}");
        }
    }
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn an_escaped_member_name_is_the_member_it_decodes_to() {
        assert!(name_is(b"delivery_id", b"delivery_id"));
        assert!(name_is(br"delivery\u005fid", b"delivery_id"));
        assert!(name_is(br"delivery\u005Fid", b"delivery_id"));
        assert!(name_is(br"\u0074imestamp", b"timestamp"));
        assert!(name_is(br"a\/b", b"a/b"));
        for other in [
            &br"delivery\u005fi"[..],
            br"delivery\u005fidx",
            br"delivery\u015fid",
            br"delivery\u+5fid",
            br"delivery\u005",
            br"delivery\x5fid",
            br"delivery_id\",
            b"delivery_iD",
        ] {
            assert!(
                !name_is(other, b"delivery_id"),
                "{:?}",
                String::from_utf8_lossy(other)
            );
        }
    }

    #[test]
    fn a_member_spelled_plainly_and_escaped_is_repeated() {
        assert_eq!(
            top_level_value(br#"{"time\u0073tamp":"a"}"#, b"timestamp"),
            Ok(&br#""a""#[..])
        );
        assert_eq!(
            top_level_value(br#"{"timestamp":"a","time\u0073tamp":"b"}"#, b"timestamp"),
            Err(FieldProblem::Repeated)
        );
    }
}

#[cfg(test)]
mod span_tests {
    use super::*;

    #[test]
    fn member_values_span_first_to_last_byte_in_body_order() {
        let body = br#"{ "a" : 1 , "b":"x\"}" ,"c":{"d":[1,"]"]}	,"e": -2.5e3 }"#;
        let mut seen = Vec::new();
        visit_members(body, |name, value| {
            seen.push((
                String::from_utf8(name.to_vec()).unwrap(),
                String::from_utf8(body[value].to_vec()).unwrap(),
            ));
        })
        .unwrap();
        let expected = [
            ("a", "1"),
            ("b", r#""x\"}""#),
            ("c", r#"{"d":[1,"]"]}"#),
            ("e", "-2.5e3"),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        assert_eq!(seen, expected);
        assert_eq!(top_level_value(body, b"e"), Ok(&b"-2.5e3"[..]));
        assert_eq!(
            top_level_value(br#"{"e":1,"e":2}"#, b"e"),
            Err(FieldProblem::Repeated)
        );
        assert_eq!(visit_members(b"{}", |_, _| panic!("no members")), Ok(()));
    }
}
