//! The strict scanner: finds where a JSON value ends and checks it on the
//! way (RFC 8259, nesting up to [`MAX_DEPTH`]).

use super::{Syntax, MAX_DEPTH};
use crate::bytes::plain_run;
use crate::error::{Error, Result};

pub(super) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// End of the string starting at `b[i] == '"'` (index after the closing quote).
pub(super) fn skip_string(b: &[u8], mut i: usize) -> Result<usize, Syntax> {
    i = plain_run(b, i + 1);
    while i < b.len() {
        match b[i] {
            b'"' => return Ok(i + 1),
            b'\\' => match b.get(i + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u') => {
                    let hex = b.get(i + 2..i + 6).ok_or(Syntax("truncated \\u escape"))?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return Err(Syntax("bad \\u escape"));
                    }
                    i += 6;
                }
                _ => return Err(Syntax("bad escape in string")),
            },
            0x00..=0x1f => return Err(Syntax("control character in string")),
            _ => i += 1,
        }
    }
    Err(Syntax("unterminated string"))
}

fn skip_digits(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

pub(super) fn skip_number(b: &[u8], mut i: usize) -> Result<usize, Syntax> {
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = skip_digits(b, i),
        _ => return Err(Syntax("bad number")),
    }
    if b.get(i) == Some(&b'.') {
        let j = skip_digits(b, i + 1);
        if j == i + 1 {
            return Err(Syntax("bad number"));
        }
        i = j;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let j = skip_digits(b, i);
        if j == i {
            return Err(Syntax("bad number"));
        }
        i = j;
    }
    Ok(i)
}

/// Index just past the JSON value that starts at or after `i` (leading
/// whitespace is skipped).
pub fn skip_value(b: &[u8], i: usize) -> Result<usize> {
    Ok(skip_value_at_depth(b, i, 0)?)
}

pub(super) fn skip_value_at_depth(b: &[u8], i: usize, depth: usize) -> Result<usize, Syntax> {
    let i = skip_ws(b, i);
    match b.get(i) {
        None => Err(Syntax("unexpected end of input")),
        Some(b'"') => skip_string(b, i),
        Some(b'-' | b'0'..=b'9') => skip_number(b, i),
        Some(b't') => skip_literal(b, i, b"true"),
        Some(b'f') => skip_literal(b, i, b"false"),
        Some(b'n') => skip_literal(b, i, b"null"),
        Some(&open @ (b'[' | b'{')) => {
            if depth >= MAX_DEPTH {
                return Err(Syntax("nesting deeper than 32 levels"));
            }
            let close = if open == b'[' { b']' } else { b'}' };
            let mut j = skip_ws(b, i + 1);
            if b.get(j) == Some(&close) {
                return Ok(j + 1);
            }
            loop {
                if open == b'{' {
                    if b.get(j) != Some(&b'"') {
                        return Err(Syntax("expected a string key"));
                    }
                    j = skip_ws(b, skip_string(b, j)?);
                    if b.get(j) != Some(&b':') {
                        return Err(Syntax("expected ':'"));
                    }
                    j += 1;
                }
                j = skip_ws(b, skip_value_at_depth(b, j, depth + 1)?);
                match b.get(j) {
                    Some(b',') => j = skip_ws(b, j + 1),
                    Some(&c) if c == close => return Ok(j + 1),
                    _ => return Err(Syntax("expected ',' or a closing bracket")),
                }
            }
        }
        Some(_) => Err(Syntax("unexpected character")),
    }
}

pub(super) fn skip_literal(b: &[u8], i: usize, lit: &[u8]) -> Result<usize, Syntax> {
    if b.get(i..i + lit.len()) == Some(lit) {
        Ok(i + lit.len())
    } else {
        Err(Syntax("bad literal"))
    }
}

/// Check that `s` is exactly one JSON value (surrounding whitespace allowed)
/// and return it trimmed.
pub fn validate(s: &str) -> Result<&str> {
    Ok(validated(s)?)
}

/// [`validate`] with the small error of the readers.
pub(crate) fn validated(s: &str) -> Result<&str, Syntax> {
    let b = s.as_bytes();
    let start = skip_ws(b, 0);
    let end = skip_value_at_depth(b, start, 0)?;
    if skip_ws(b, end) != b.len() {
        return Err(Syntax("trailing characters after the value"));
    }
    Ok(&s[start..end])
}

/// Check that `s` is exactly one JSON object and return it trimmed.
pub fn validate_object<'a>(s: &'a str, what: &'static str) -> Result<&'a str> {
    let v = validate(s)?;
    if v.starts_with('{') {
        Ok(v)
    } else {
        Err(Error::NotAnObject(what))
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::String;

    #[test]
    fn accepts_valid_values() {
        for ok in [
            "{}",
            "[]",
            " {\"a\" : [1, -2.5e3, true, false, null, \"x\\u00e9\\n\"]} ",
            "0",
            "\"s\"",
        ] {
            assert!(validate(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_invalid_values() {
        for bad in [
            "",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "[1,]",
            "01",
            "1.",
            "-",
            "tru",
            "\"\\x\"",
            "{\"a\":1}x",
            "{a:1}",
            "[1 2]",
            "\"\u{1}\"",
        ] {
            assert!(validate(bad).is_err(), "{bad:?}");
        }
        let deep = String::from("[").repeat(40) + &"]".repeat(40);
        assert!(validate(&deep).is_err());
    }
}
