//! The one-pass reader of documents of a known shape.

use super::scanner::{skip_literal, skip_number, skip_string, skip_value_at_depth, skip_ws};
use super::{Syntax, MAX_DEPTH};
use crate::bytes::{front_digits, leading_digits, plain_run, POW10};

/// A forward-only reader for JSON of a known shape (the execution state, workflow
/// definitions): every value is checked as it is read, with the rules and
/// the depth limit of [`validate`](super::validate), so a document is scanned once instead of
/// validated first and then searched member by member.
///
/// Objects and arrays are read with `begin_*` and then `next_key` /
/// `next_element` until they return `None` / `false` (after the closing
/// bracket); the caller reads each value with one of the value methods.
pub(crate) struct Reader<'a> {
    src: &'a str,
    pub(super) pos: usize,
    /// Containers open around the next value (for [`MAX_DEPTH`]).
    depth: usize,
    /// No element of the innermost open container has been read yet.
    first: bool,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(src: &'a str) -> Reader<'a> {
        Reader {
            src,
            pos: 0,
            depth: 0,
            first: false,
        }
    }

    /// The next byte after whitespace (not consumed).
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.pos = skip_ws(self.src.as_bytes(), self.pos);
        self.src.as_bytes().get(self.pos).copied()
    }

    /// Any value, checked; returns its text.
    pub(crate) fn value(&mut self) -> Result<&'a str, Syntax> {
        let start = skip_ws(self.src.as_bytes(), self.pos);
        self.pos = skip_value_at_depth(self.src.as_bytes(), start, self.depth)?;
        Ok(&self.src[start..self.pos])
    }

    /// A string value with its quotes, still escaped; `None` (nothing
    /// consumed) when the next value is of another kind.
    pub(crate) fn string(&mut self) -> Result<Option<&'a str>, Syntax> {
        if self.peek() != Some(b'"') {
            return Ok(None);
        }
        let start = self.pos;
        self.pos = skip_string(self.src.as_bytes(), start)?;
        Ok(Some(&self.src[start..self.pos]))
    }

    /// Whether the next value is `null` (then consumed).
    pub(crate) fn null(&mut self) -> Result<bool, Syntax> {
        if self.peek() != Some(b'n') {
            return Ok(false);
        }
        self.pos = skip_literal(self.src.as_bytes(), self.pos, b"null")?;
        Ok(true)
    }

    /// A number written as plain digits (no sign, fraction or exponent)
    /// that fits a `u64`; `None` for any other value.
    pub(crate) fn u64(&mut self) -> Result<Option<u64>, Syntax> {
        let b = self.src.as_bytes();
        let start = skip_ws(b, self.pos);
        let mut i = start;
        let mut v = Some(0u64);
        match b.get(i) {
            // JSON allows no leading zeros: a number starting with 0 has only
            // that digit before its fraction or exponent.
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while let Some(&c @ b'0'..=b'9') = b.get(i) {
                    v = v.and_then(|v| v.checked_mul(10)?.checked_add(u64::from(c - b'0')));
                    i += 1;
                }
            }
            Some(b'-') => v = None,
            _ => return Ok(None),
        }
        if v.is_none() || matches!(b.get(i), Some(b'.' | b'e' | b'E')) {
            // Not a u64, but still a value to check.
            self.pos = skip_number(b, start)?;
            return Ok(None);
        }
        self.pos = i;
        Ok(v)
    }

    fn begin(&mut self, open: u8) -> Result<bool, Syntax> {
        if self.peek() != Some(open) {
            return Ok(false);
        }
        if self.depth >= MAX_DEPTH {
            return Err(Syntax("nesting deeper than 32 levels"));
        }
        self.pos += 1;
        self.depth += 1;
        self.first = true;
        Ok(true)
    }

    /// Before the next element of the open container: `false` after its
    /// closing bracket.
    fn next(&mut self, close: u8) -> Result<bool, Syntax> {
        let c = self.peek();
        if c == Some(close) && self.first {
            self.pos += 1;
        } else if self.first {
            self.first = false;
            return Ok(true);
        } else if c == Some(b',') {
            self.pos += 1;
            return Ok(true);
        } else if c == Some(close) {
            self.pos += 1;
        } else {
            return Err(Syntax("expected ',' or a closing bracket"));
        }
        // The container is closed; the one around it has had an element.
        self.depth -= 1;
        self.first = false;
        Ok(false)
    }

    /// Start reading an object: `false` (nothing consumed) when the next
    /// value is not one.
    pub(crate) fn begin_object(&mut self) -> Result<bool, Syntax> {
        self.begin(b'{')
    }

    /// The next member's key (raw: without quotes, still escaped), then
    /// read its value; `None` after the closing `}`.
    pub(crate) fn next_key(&mut self) -> Result<Option<&'a str>, Syntax> {
        if !self.next(b'}')? {
            return Ok(None);
        }
        let key = self.string()?.ok_or(Syntax("expected a string key"))?;
        if self.peek() != Some(b':') {
            return Err(Syntax("expected ':'"));
        }
        self.pos += 1;
        Ok(Some(&key[1..key.len() - 1]))
    }

    /// Start reading an array: `false` (nothing consumed) when the next
    /// value is not one.
    pub(crate) fn begin_array(&mut self) -> Result<bool, Syntax> {
        self.begin(b'[')
    }

    /// Whether another element follows (then read it); `false` after the
    /// closing `]`.
    pub(crate) fn next_element(&mut self) -> Result<bool, Syntax> {
        self.next(b']')
    }

    /// Fast path for an object in one exact form (the one a writer of this
    /// crate produces: no whitespace, members in a fixed order): `read`
    /// consumes it with [`exact`](Self::exact), [`plain_string`](Self::plain_string)
    /// and [`plain_u64`](Self::plain_u64), up to and with its closing `}`.
    /// When `read` returns `None` nothing is consumed, and the caller reads
    /// the object member by member: `read` must accept only text that the
    /// general path reads to the same values.
    pub(crate) fn compact<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        let start = self.pos;
        self.pos = skip_ws(self.src.as_bytes(), self.pos);
        match read(self) {
            Some(v) => {
                // The object was an element of the container around it.
                self.first = false;
                Some(v)
            }
            None => {
                self.pos = start;
                None
            }
        }
    }

    /// Consume `lit` when the text continues with exactly it (no whitespace
    /// skipped); `None` otherwise. Inlined on 64-bit hosts, where states
    /// are restored in hot loops: with the literal's length known the
    /// comparison is a few loads instead of a `memcmp` call. On 32-bit
    /// targets (microcontrollers, short of flash) one call per literal
    /// instead: about 0.7 KiB less code at opt-level "z".
    #[cfg_attr(target_pointer_width = "64", inline(always))]
    #[cfg_attr(not(target_pointer_width = "64"), inline)]
    pub(crate) fn exact(&mut self, lit: &str) -> Option<()> {
        let end = self.pos + lit.len();
        if self.src.as_bytes().get(self.pos..end) != Some(lit.as_bytes()) {
            return None;
        }
        self.pos = end;
        Some(())
    }

    /// A string without escapes or control characters right at the
    /// position: its text between the quotes, consumed; `None` otherwise.
    pub(crate) fn plain_string(&mut self) -> Option<&'a str> {
        let b = self.src.as_bytes();
        if b.get(self.pos) != Some(&b'"') {
            return None;
        }
        let end = plain_run(b, self.pos + 1);
        if b.get(end) != Some(&b'"') {
            return None;
        }
        let s = self.src.get(self.pos + 1..end)?;
        self.pos = end + 1;
        Some(s)
    }

    /// A string right at the position whose text `scan` checks instead of
    /// [`plain_string`](Self::plain_string)'s scan: `scan` gets the bytes
    /// and the index after the opening quote and returns where the checked
    /// text ends, which must be the closing quote. So `scan` must stop at
    /// the first `"` and accept no `\` or control character before it:
    /// the text is then a JSON string without escapes. The text between
    /// the quotes, consumed; `None` (nothing consumed) otherwise.
    pub(crate) fn string_scanned(
        &mut self,
        scan: impl FnOnce(&[u8], usize) -> Option<usize>,
    ) -> Option<&'a str> {
        let b = self.src.as_bytes();
        if b.get(self.pos) != Some(&b'"') {
            return None;
        }
        let end = scan(b, self.pos + 1)?;
        if b.get(end) != Some(&b'"') {
            return None;
        }
        let s = self.src.get(self.pos + 1..end)?;
        self.pos = end + 1;
        Some(s)
    }

    /// Digits right at the position: a JSON integer (no leading zero) that
    /// fits a `u64`, consumed; `None` otherwise. A fraction or exponent
    /// after it is left for the caller's next [`exact`](Self::exact) to refuse.
    pub(crate) fn plain_u64(&mut self) -> Option<u64> {
        let b = self.src.as_bytes();
        let start = self.pos;
        let mut i = start;
        let mut v = 0u64;
        // Eight bytes per step on 64-bit hosts, the digits at the front of
        // the word read at once; on 32-bit targets, where the word takes two
        // registers and the code is short of flash, the byte loop below.
        // More than 19 digits can wrap: read again, checked, below.
        let mut ended = false;
        if cfg!(target_pointer_width = "64") {
            while let Some(chunk) = b.get(i..i + 8) {
                let mut word = [0u8; 8];
                word.copy_from_slice(chunk);
                let (k, a) = leading_digits(word);
                if k == 0 {
                    ended = true;
                    break;
                }
                let pow = POW10.get(k).copied().unwrap_or(0);
                v = v.wrapping_mul(pow).wrapping_add(front_digits(a, k));
                i += k;
                if k < 8 {
                    ended = true;
                    break;
                }
            }
        }
        if !ended {
            while let Some(&c @ b'0'..=b'9') = b.get(i) {
                v = v.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                i += 1;
            }
        }
        let n = i - start;
        if n == 0 || (n > 1 && b.get(start) == Some(&b'0')) {
            return None;
        }
        if n > 19 {
            v = b.get(start..i)?.iter().try_fold(0u64, |v, &c| {
                v.checked_mul(10)?.checked_add(u64::from(c - b'0'))
            })?;
        }
        self.pos = i;
        Some(v)
    }

    /// Check that only whitespace is left.
    pub(crate) fn end(&mut self) -> Result<(), Syntax> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(Syntax("trailing characters after the value")),
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::error::{Error, Result};
    use std::string::String;

    #[test]
    fn reader_reads_and_checks_in_one_pass() {
        let text = r#" {"a": [1, {"b": null}], "s": "x\"y", "n": 42, "z": true} "#;
        let mut r = Reader::new(text);
        assert!(r.begin_object().unwrap());
        assert_eq!(r.next_key().unwrap(), Some("a"));
        assert!(r.begin_array().unwrap());
        assert!(r.next_element().unwrap());
        assert_eq!(r.u64().unwrap(), Some(1));
        assert!(r.next_element().unwrap());
        assert_eq!(r.value().unwrap(), r#"{"b": null}"#);
        assert!(!r.next_element().unwrap());
        assert_eq!(r.next_key().unwrap(), Some("s"));
        assert_eq!(r.string().unwrap(), Some(r#""x\"y""#));
        assert_eq!(r.next_key().unwrap(), Some("n"));
        assert_eq!(r.u64().unwrap(), Some(42));
        assert_eq!(r.next_key().unwrap(), Some("z"));
        assert!(!r.null().unwrap());
        assert_eq!(r.string().unwrap(), None);
        r.value().unwrap();
        assert_eq!(r.next_key().unwrap(), None);
        r.end().unwrap();

        // Numbers that are not plain u64 digits.
        for (n, want) in [("0", Some(0)), ("-1", None), ("1.5", None), ("1e3", None)] {
            let mut r = Reader::new(n);
            assert_eq!(r.u64().unwrap(), want, "{n}");
            r.end().unwrap();
        }
        let mut r = Reader::new("18446744073709551616");
        assert_eq!(r.u64().unwrap(), None);
        // Syntax errors, as `validate` reports them.
        for bad in [
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
            r#"{"a":1 "b":2}"#,
            "{1:2}",
            r#"{"a":1}x"#,
        ] {
            let mut r = Reader::new(bad);
            let res = (|| {
                assert!(r.begin_object()?);
                while r.next_key()?.is_some() {
                    r.value()?;
                }
                Ok::<(), Error>(r.end()?)
            })();
            assert!(matches!(res, Err(Error::Json(_))), "{bad}");
        }
        // The depth limit of `validate`.
        let deep = String::from("[").repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        let mut r = Reader::new(&deep);
        let res = (|| -> Result<()> {
            while r.begin_array()? {}
            Ok(())
        })();
        assert!(res.is_err());
    }

    #[test]
    fn compact_takes_only_the_exact_form() {
        fn pair<'a>(r: &mut Reader<'a>) -> Option<(&'a str, u64)> {
            r.exact("{\"node\":")?;
            let node = r.plain_string()?;
            r.exact(",\"n\":")?;
            let n = r.plain_u64()?;
            r.exact("}")?;
            Some((node, n))
        }
        for v in [
            0,
            7,
            12_345_678,
            123_456_789,
            1_751_450_400_000,
            9_999_999_999_999_999_999,
            u64::MAX,
        ] {
            let text = std::format!("{v}");
            let mut r = Reader::new(&text);
            assert_eq!(r.plain_u64(), Some(v), "{text}");
        }
        let mut r = Reader::new(r#"[{"node":"n1","n":0},{"node":"n2","n":18446744073709551615}]"#);
        assert!(r.begin_array().unwrap());
        assert!(r.next_element().unwrap());
        assert_eq!(r.compact(pair), Some(("n1", 0)));
        assert!(r.next_element().unwrap());
        assert_eq!(r.compact(pair), Some(("n2", u64::MAX)));
        assert!(!r.next_element().unwrap());
        r.end().unwrap();
        for other in [
            r#"{"node": "n1","n":1}"#,
            r#"{"n":1,"node":"n1"}"#,
            r#"{"node":"n\u0031","n":1}"#,
            r#"{"node":"n1","n":1,"x":1}"#,
            r#"{"node":1,"n":1}"#,
            r#"{"node":"n1","n":01}"#,
            r#"{"node":"n1","n":1.5}"#,
            r#"{"node":"n1","n":-1}"#,
            r#"{"node":"n1","n":18446744073709551616}"#,
            r#"{"node":"n1","n":1"#,
        ] {
            let mut r = Reader::new(other);
            assert_eq!(r.compact(pair), None, "{other}");
            // Nothing consumed: the general path reads it from the start.
            assert!(r.begin_object().unwrap(), "{other}");
        }
    }
}
