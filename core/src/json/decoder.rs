//! Decoding string values: escapes and surrogate pairs, as UTF-16 code
//! units (for comparisons) or as UTF-8 into a caller buffer.

use super::scanner::validate;
use super::Syntax;
use crate::error::{Error, Result};

/// The UTF-16 code units of the body of a JSON string (the text between its
/// quotes), escapes decoded. The body has passed the scanner, but a bad
/// escape is still reported rather than assumed away.
pub(super) struct Units<'a> {
    body: &'a str,
    chars: core::str::Chars<'a>,
    /// The second unit of a character outside the BMP written raw.
    low: Option<u16>,
    /// Byte offset in `body` where the last unit's character or escape starts.
    at: usize,
}

impl<'a> Units<'a> {
    pub(super) fn new(body: &'a str) -> Units<'a> {
        Units {
            body,
            chars: body.chars(),
            low: None,
            at: 0,
        }
    }
}

impl Iterator for Units<'_> {
    type Item = Result<u16, Syntax>;

    fn next(&mut self) -> Option<Result<u16, Syntax>> {
        if let Some(low) = self.low.take() {
            return Some(Ok(low));
        }
        self.at = self.body.len() - self.chars.as_str().len();
        let c = self.chars.next()?;
        if c != '\\' {
            let mut buf = [0u16; 2];
            let n = c.encode_utf16(&mut buf).len();
            if n == 2 {
                self.low = Some(buf[1]);
            }
            return Some(Ok(buf[0]));
        }
        let unit = match self.chars.next() {
            Some(e @ ('"' | '\\' | '/')) => e as u16,
            Some('b') => 0x08,
            Some('f') => 0x0c,
            Some('n') => u16::from(b'\n'),
            Some('r') => u16::from(b'\r'),
            Some('t') => u16::from(b'\t'),
            Some('u') => {
                let mut v = 0u16;
                for _ in 0..4 {
                    match self.chars.next().and_then(|h| h.to_digit(16)) {
                        // A hex digit is below 16: it fits, and 4 of them fill a u16.
                        Some(d) => v = (v << 4) | d as u16,
                        None => return Some(Err(Syntax("bad \\u escape"))),
                    }
                }
                v
            }
            _ => return Some(Err(Syntax("bad escape in string"))),
        };
        Some(Ok(unit))
    }
}

/// The characters of the body of a JSON string: [`Units`] with surrogate
/// pairs joined. A surrogate without its other half is an error whose
/// offset is `base` plus its place in the body.
struct DecodedChars<'a> {
    units: Units<'a>,
    base: usize,
}

/// Why a character could not be decoded: small, so each character passes
/// in registers; the caller's `?` makes the [`Error`].
#[derive(Debug, Clone, Copy)]
enum CharError {
    /// [`Error::Json`].
    Syntax(Syntax),
    /// [`Error::JsonLoneSurrogate`], at this offset.
    LoneSurrogate(usize),
}

impl From<Syntax> for CharError {
    fn from(e: Syntax) -> Self {
        CharError::Syntax(e)
    }
}

impl From<CharError> for Error {
    fn from(e: CharError) -> Self {
        match e {
            CharError::Syntax(e) => e.into(),
            CharError::LoneSurrogate(at) => Error::JsonLoneSurrogate { at },
        }
    }
}

impl Iterator for DecodedChars<'_> {
    type Item = core::result::Result<char, CharError>;

    fn next(&mut self) -> Option<Self::Item> {
        let unit = match self.units.next()? {
            Ok(u) => u,
            Err(e) => return Some(Err(e.into())),
        };
        let lone = CharError::LoneSurrogate(self.base + self.units.at);
        let code = match unit {
            0xD800..=0xDBFF => match self.units.next() {
                Some(Ok(low @ 0xDC00..=0xDFFF)) => {
                    0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00)
                }
                Some(Err(e)) => return Some(Err(e.into())),
                _ => return Some(Err(lone)),
            },
            _ => u32::from(unit),
        };
        // Only a lone low surrogate (0xDC00..=0xDFFF) is not a char here.
        Some(char::from_u32(code).ok_or(lone))
    }
}

/// Decode the JSON string value `raw` (one string, surrounding whitespace
/// allowed) into `out` as UTF-8 and return the number of bytes written.
///
/// Every escape is decoded: `\" \\ \/ \b \f \n \r \t` and `\uXXXX`, with a
/// surrogate pair (`\ud83d\ude00`) giving one character. `\u0000` gives a
/// NUL byte. The decoded text is never longer than `raw`, so a buffer of
/// `raw.len()` bytes always suffices; an empty `out` asks for the size.
///
/// Errors: [`Error::Json`] when `raw` is not valid JSON (a bad escape, a
/// control character, trailing text, ...), [`Error::NotAString`] when it is
/// another kind of value, [`Error::JsonLoneSurrogate`] when a `\uXXXX`
/// escape is half of a surrogate pair without the other half (it has no
/// UTF-8 form), and [`Error::BufferTooSmall`] with the exact size needed
/// when `out` is too small; `out` is left untouched on every error.
///
/// ```
/// use prana_webhook_core::{json, Error};
/// let mut buf = [0u8; 16];
/// let n = json::decode_str(r#""a\"b\n\u00e9\ud83d\ude00""#, &mut buf).unwrap();
/// assert_eq!(core::str::from_utf8(&buf[..n]).unwrap(), "a\"b\né😀");
/// assert_eq!(json::decode_str(r#""\u00e9""#, &mut []), Err(Error::BufferTooSmall { needed: 2 }));
/// assert_eq!(json::decode_str("42", &mut buf), Err(Error::NotAString("the value")));
/// assert_eq!(json::decode_str(r#""x\ud800""#, &mut buf), Err(Error::JsonLoneSurrogate { at: 2 }));
/// assert!(matches!(json::decode_str(r#""\x""#, &mut buf), Err(Error::Json(_))));
/// ```
pub fn decode_str(raw: &str, out: &mut [u8]) -> Result<usize> {
    let v = validate(raw)?;
    if !v.starts_with('"') {
        return Err(Error::NotAString("the value"));
    }
    let body = &v[1..v.len() - 1];
    if !body.contains('\\') {
        let dst = out
            .get_mut(..body.len())
            .ok_or(Error::BufferTooSmall { needed: body.len() })?;
        dst.copy_from_slice(body.as_bytes());
        return Ok(body.len());
    }
    // Offset of the body in `raw`, for error messages.
    let base = (v.as_ptr() as usize - raw.as_ptr() as usize) + 1;
    let chars = || DecodedChars {
        units: Units::new(body),
        base,
    };
    // First pass: check everything and measure, so `out` stays untouched
    // on any error.
    let mut needed = 0usize;
    for c in chars() {
        needed += c?.len_utf8();
    }
    if needed > out.len() {
        return Err(Error::BufferTooSmall { needed });
    }
    let mut n = 0;
    for c in chars() {
        let c = c?;
        let dst = out
            .get_mut(n..n + c.len_utf8())
            .ok_or(Error::BufferTooSmall { needed })?;
        c.encode_utf8(dst);
        n += c.len_utf8();
    }
    Ok(n)
}

/// The decoded characters of the JSON string value `raw` (quotes included,
/// already validated); escapes and surrogate pairs are decoded.
pub(crate) fn str_chars(raw: &str) -> impl Iterator<Item = Result<char>> + '_ {
    let body = raw
        .trim()
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or("");
    DecodedChars {
        units: Units::new(body),
        base: 1,
    }
    .map(|c| c.map_err(Error::from))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::String;

    fn dec(raw: &str) -> Result<String> {
        let mut buf = std::vec![0u8; raw.len()];
        let n = decode_str(raw, &mut buf)?;
        Ok(String::from_utf8(buf[..n].to_vec()).unwrap())
    }

    #[test]
    fn decode_str_decodes_every_escape() {
        assert_eq!(dec(r#""""#).unwrap(), "");
        assert_eq!(dec(r#""plain é 😀""#).unwrap(), "plain é 😀");
        assert_eq!(
            dec(r#""\"\\\/\b\f\n\r\t""#).unwrap(),
            "\"\\/\u{8}\u{c}\n\r\t"
        );
        assert_eq!(dec(r#""\u0041\u00e9\u20AC\uFFFF""#).unwrap(), "Aé€\u{ffff}");
        assert_eq!(dec(r#""\ud83d\ude00 \uD834\uDD1E""#).unwrap(), "😀 𝄞");
        assert_eq!(dec(r#""a\u0000b""#).unwrap(), "a\0b");
        assert_eq!(dec(" \n\"x\"\t ").unwrap(), "x");
        assert_eq!(dec(r#""é\n""#).unwrap(), "é\n");
    }

    #[test]
    fn decode_str_reports_the_size_needed_and_leaves_out_untouched() {
        for raw in [r#""abc""#, r#""a\u00e9\ud83d\ude00""#] {
            let want = dec(raw).unwrap();
            let needed = want.len();
            for len in [0, 1, needed - 1] {
                let mut buf = std::vec![b'#'; len];
                assert_eq!(
                    decode_str(raw, &mut buf),
                    Err(Error::BufferTooSmall { needed }),
                    "{raw} into {len}"
                );
                assert!(buf.iter().all(|&c| c == b'#'));
            }
            let mut buf = std::vec![0u8; needed];
            assert_eq!(decode_str(raw, &mut buf), Ok(needed));
            assert_eq!(buf, want.as_bytes());
        }
        assert_eq!(decode_str(r#""""#, &mut []), Ok(0));
    }

    #[test]
    fn decode_str_errors() {
        let mut buf = [0u8; 64];
        for not_string in [
            "1",
            "-2.5",
            "true",
            "null",
            "{}",
            r#"["a"]"#,
            r#" {"a":"b"} "#,
        ] {
            assert_eq!(
                decode_str(not_string, &mut buf),
                Err(Error::NotAString("the value")),
                "{not_string}"
            );
        }
        for bad in [
            "",
            "\"",
            r#""abc"#,
            r#""\x""#,
            r#""\u12""#,
            r#""\u12g4""#,
            r#""\U0041""#,
            "\"a\u{1}\"",
            r#""a" "b""#,
            r#""a","#,
        ] {
            assert!(
                matches!(decode_str(bad, &mut buf), Err(Error::Json(_))),
                "{bad:?}"
            );
        }
        for (lone, at) in [
            (r#""\ud800""#, 1),
            (r#""ab\ud83d""#, 3),
            (r#""\ude00""#, 1),
            (r#""\ude00\ud83d""#, 1),
            (r#""\ud83dx""#, 1),
            (r#""\ud83d\u0041""#, 1),
            (r#""\ud83d\ud83d\ude00""#, 1),
            (r#""😀\udbff""#, 5),
            (r#"  "\udfff""#, 3),
        ] {
            assert_eq!(
                decode_str(lone, &mut buf),
                Err(Error::JsonLoneSurrogate { at }),
                "{lone}"
            );
            assert_eq!(
                decode_str(lone, &mut []),
                Err(Error::JsonLoneSurrogate { at }),
                "a lone surrogate wins over the buffer size: {lone}"
            );
        }
    }
}
