//! Raw JSON values: find and validate the span of a value without parsing
//! it into a structure.
//!
//! serde-json-core parses into typed structs but has no "raw value": it
//! cannot hand back the text of an object it does not know the shape of.
//! Opaque objects (a registration's `webhook_config`, node `params`, resume
//! payloads) are kept as validated JSON text instead, found with this strict
//! scanner. It follows RFC 8259 (strings with escapes, numbers, literals,
//! nesting up to [`MAX_DEPTH`]).
//!
//! Node handlers get their params and input as such text, so the module also
//! has what a handler needs to read it: [`find_member`], [`decode_str`] (a
//! string value, escapes and surrogate pairs decoded, into a caller buffer)
//! and [`equal`] (structural equality of two values). None of them
//! allocates.
//!
//! ```
//! use prana_webhook_core::json;
//! let doc = r#"{"a": 1, "cfg": {"x": [true, null]}, "b": "s\u00e9"}"#;
//! assert_eq!(json::find_member(doc, "cfg").unwrap(), Some(r#"{"x": [true, null]}"#));
//! assert_eq!(json::find_member(doc, "zzz").unwrap(), None);
//!
//! let mut buf = [0u8; 8];
//! let n = json::decode_str(json::find_member(doc, "b").unwrap().unwrap(), &mut buf).unwrap();
//! assert_eq!(&buf[..n], "sé".as_bytes());
//! assert!(json::equal(r#"{"x": [true, null]}"#, r#"{ "x" : [ true , null ] }"#).unwrap());
//! ```

use crate::error::{Error, Result};

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 32;

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// Index of the first byte at or after `i` that ends a run of plain string
/// bytes: `"`, `\` or a control character (`b.len()` if none). Checks a
/// machine word at a time: strings are most of the state JSON.
pub(crate) fn plain_run(b: &[u8], mut i: usize) -> usize {
    const W: usize = core::mem::size_of::<usize>();
    const ONES: usize = usize::MAX / 255;
    const HIGH: usize = ONES << 7;
    // High bit set in the lowest byte of `x` below `n` (n <= 128); bits above
    // it may be wrong, so only the lowest one is used.
    let below = |x: usize, n: usize| x.wrapping_sub(ONES * n) & !x & HIGH;
    while let Some(chunk) = b.get(i..i + W) {
        let mut word = [0u8; W];
        word.copy_from_slice(chunk);
        let x = usize::from_le_bytes(word);
        let special = below(x ^ (ONES * usize::from(b'"')), 1)
            | below(x ^ (ONES * usize::from(b'\\')), 1)
            | below(x, 0x20);
        if special != 0 {
            // Little-endian: the lowest set bit is in the first such byte.
            return i + special.trailing_zeros() as usize / 8;
        }
        i += W;
    }
    while i < b.len() && !matches!(b[i], b'"' | b'\\' | 0x00..=0x1f) {
        i += 1;
    }
    i
}

/// End of the string starting at `b[i] == '"'` (index after the closing quote).
fn skip_string(b: &[u8], mut i: usize) -> Result<usize> {
    i = plain_run(b, i + 1);
    while i < b.len() {
        match b[i] {
            b'"' => return Ok(i + 1),
            b'\\' => match b.get(i + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u') => {
                    let hex = b
                        .get(i + 2..i + 6)
                        .ok_or(Error::Json("truncated \\u escape"))?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return Err(Error::Json("bad \\u escape"));
                    }
                    i += 6;
                }
                _ => return Err(Error::Json("bad escape in string")),
            },
            0x00..=0x1f => return Err(Error::Json("control character in string")),
            _ => i += 1,
        }
    }
    Err(Error::Json("unterminated string"))
}

fn skip_digits(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

fn skip_number(b: &[u8], mut i: usize) -> Result<usize> {
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = skip_digits(b, i),
        _ => return Err(Error::Json("bad number")),
    }
    if b.get(i) == Some(&b'.') {
        let j = skip_digits(b, i + 1);
        if j == i + 1 {
            return Err(Error::Json("bad number"));
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
            return Err(Error::Json("bad number"));
        }
        i = j;
    }
    Ok(i)
}

/// Index just past the JSON value that starts at or after `i` (leading
/// whitespace is skipped).
pub fn skip_value(b: &[u8], i: usize) -> Result<usize> {
    skip_value_at_depth(b, i, 0)
}

fn skip_value_at_depth(b: &[u8], i: usize, depth: usize) -> Result<usize> {
    let i = skip_ws(b, i);
    match b.get(i) {
        None => Err(Error::Json("unexpected end of input")),
        Some(b'"') => skip_string(b, i),
        Some(b'-' | b'0'..=b'9') => skip_number(b, i),
        Some(b't') => skip_literal(b, i, b"true"),
        Some(b'f') => skip_literal(b, i, b"false"),
        Some(b'n') => skip_literal(b, i, b"null"),
        Some(&open @ (b'[' | b'{')) => {
            if depth >= MAX_DEPTH {
                return Err(Error::Json("nesting deeper than 32 levels"));
            }
            let close = if open == b'[' { b']' } else { b'}' };
            let mut j = skip_ws(b, i + 1);
            if b.get(j) == Some(&close) {
                return Ok(j + 1);
            }
            loop {
                if open == b'{' {
                    if b.get(j) != Some(&b'"') {
                        return Err(Error::Json("expected a string key"));
                    }
                    j = skip_ws(b, skip_string(b, j)?);
                    if b.get(j) != Some(&b':') {
                        return Err(Error::Json("expected ':'"));
                    }
                    j += 1;
                }
                j = skip_ws(b, skip_value_at_depth(b, j, depth + 1)?);
                match b.get(j) {
                    Some(b',') => j = skip_ws(b, j + 1),
                    Some(&c) if c == close => return Ok(j + 1),
                    _ => return Err(Error::Json("expected ',' or a closing bracket")),
                }
            }
        }
        Some(_) => Err(Error::Json("unexpected character")),
    }
}

fn skip_literal(b: &[u8], i: usize, lit: &[u8]) -> Result<usize> {
    if b.get(i..i + lit.len()) == Some(lit) {
        Ok(i + lit.len())
    } else {
        Err(Error::Json("bad literal"))
    }
}

/// Check that `s` is exactly one JSON value (surrounding whitespace allowed)
/// and return it trimmed.
pub fn validate(s: &str) -> Result<&str> {
    let b = s.as_bytes();
    let start = skip_ws(b, 0);
    let end = skip_value(b, start)?;
    if skip_ws(b, end) != b.len() {
        return Err(Error::Json("trailing characters after the value"));
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

/// Iterator over the members of a JSON object: `(raw key, raw value)`.
/// Keys are returned without their quotes but still escaped.
pub struct Members<'a> {
    src: &'a str,
    pos: usize,
    first: bool,
    done: bool,
}

/// Iterate over the members of the object `obj` (which must start with `{`).
pub fn members(obj: &str) -> Result<Members<'_>> {
    let b = obj.as_bytes();
    let start = skip_ws(b, 0);
    if b.get(start) != Some(&b'{') {
        return Err(Error::Json("expected an object"));
    }
    Ok(Members {
        src: obj,
        pos: start + 1,
        first: true,
        done: false,
    })
}

impl<'a> Iterator for Members<'a> {
    type Item = Result<(&'a str, &'a str)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = self.step();
        if !matches!(item, Some(Ok(_))) {
            self.done = true;
        }
        item
    }
}

impl<'a> Members<'a> {
    fn step(&mut self) -> Option<Result<(&'a str, &'a str)>> {
        let b = self.src.as_bytes();
        let mut i = skip_ws(b, self.pos);
        match b.get(i) {
            Some(b'}') => return None,
            Some(b',') if !self.first => i = skip_ws(b, i + 1),
            Some(b'"') if self.first => {}
            _ => return Some(Err(Error::Json("expected ',' or '}'"))),
        }
        self.first = false;
        if b.get(i) != Some(&b'"') {
            return Some(Err(Error::Json("expected a string key")));
        }
        let key_end = match skip_string(b, i) {
            Ok(e) => e,
            Err(e) => return Some(Err(e)),
        };
        let key = &self.src[i + 1..key_end - 1];
        let colon = skip_ws(b, key_end);
        if b.get(colon) != Some(&b':') {
            return Some(Err(Error::Json("expected ':'")));
        }
        let vstart = skip_ws(b, colon + 1);
        let vend = match skip_value(b, vstart) {
            Ok(e) => e,
            Err(e) => return Some(Err(e)),
        };
        self.pos = vend;
        Some(Ok((key, &self.src[vstart..vend])))
    }
}

/// The raw value of member `key` of object `obj`, if present. The object is
/// scanned (and checked) up to that member.
///
/// `key` is plain text; member keys are compared after decoding their
/// escapes (`"\u0061"` is the key `a`). When a key occurs more than once,
/// the first occurrence is returned.
///
/// ```
/// use prana_webhook_core::json;
/// let obj = r#"{"a": 1, "b\u00e9": [2], "a": 3}"#;
/// assert_eq!(json::find_member(obj, "a").unwrap(), Some("1"));
/// assert_eq!(json::find_member(obj, "bé").unwrap(), Some("[2]"));
/// assert!(json::find_member("[1]", "a").is_err());
/// ```
pub fn find_member<'a>(obj: &'a str, key: &str) -> Result<Option<&'a str>> {
    for m in members(obj)? {
        let (k, v) = m?;
        if key_matches(k, key)? {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// The first value of each of `keys` in the object `obj` (keys compared
/// decoded, as by [`find_member`]), checking all of `obj` as
/// [`validate_object`] does, in one pass instead of one per key. Fails with
/// [`Error::NotAnObject`]`(what)` when `obj` is another JSON value.
pub(crate) fn first_members<'a, const K: usize>(
    obj: &'a str,
    what: &'static str,
    keys: [&str; K],
) -> Result<[Option<&'a str>; K]> {
    let mut found = [None; K];
    let mut r = Reader::new(obj);
    if !r.begin_object()? {
        validate(obj)?;
        return Err(Error::NotAnObject(what));
    }
    while let Some(k) = r.next_key()? {
        let v = r.value()?;
        let escaped = k.contains('\\');
        for (key, slot) in keys.iter().zip(found.iter_mut()) {
            if slot.is_none()
                && (if escaped {
                    key_matches(k, key)?
                } else {
                    k == *key
                })
            {
                *slot = Some(v);
            }
        }
    }
    r.end()?;
    Ok(found)
}

/// Whether the raw (escaped) key `raw` decodes to `key`.
fn key_matches(raw: &str, key: &str) -> Result<bool> {
    if !raw.contains('\\') {
        return Ok(raw == key);
    }
    let mut want = key.encode_utf16();
    for unit in Units::new(raw) {
        if want.next() != Some(unit?) {
            return Ok(false);
        }
    }
    Ok(want.next().is_none())
}

/// The contents of a JSON string value without escapes, or `None` when the
/// raw value is not a string or holds escapes.
pub fn plain_str(raw: &str) -> Option<&str> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        None
    } else {
        Some(inner)
    }
}

/// The UTF-16 code units of the body of a JSON string (the text between its
/// quotes), escapes decoded. The body has passed the scanner, but a bad
/// escape is still reported rather than assumed away.
struct Units<'a> {
    body: &'a str,
    chars: core::str::Chars<'a>,
    /// The second unit of a character outside the BMP written raw.
    low: Option<u16>,
    /// Byte offset in `body` where the last unit's character or escape starts.
    at: usize,
}

impl<'a> Units<'a> {
    fn new(body: &'a str) -> Units<'a> {
        Units {
            body,
            chars: body.chars(),
            low: None,
            at: 0,
        }
    }
}

impl Iterator for Units<'_> {
    type Item = Result<u16>;

    fn next(&mut self) -> Option<Result<u16>> {
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
                        None => return Some(Err(Error::Json("bad \\u escape"))),
                    }
                }
                v
            }
            _ => return Some(Err(Error::Json("bad escape in string"))),
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

impl Iterator for DecodedChars<'_> {
    type Item = Result<char>;

    fn next(&mut self) -> Option<Result<char>> {
        let unit = match self.units.next()? {
            Ok(u) => u,
            Err(e) => return Some(Err(e)),
        };
        let lone = Error::JsonLoneSurrogate {
            at: self.base + self.units.at,
        };
        let code = match unit {
            0xD800..=0xDBFF => match self.units.next() {
                Some(Ok(low @ 0xDC00..=0xDFFF)) => {
                    0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00)
                }
                Some(Err(e)) => return Some(Err(e)),
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

/// Whether two raw JSON values are structurally equal. Each of `a` and `b`
/// must be exactly one valid JSON value (surrounding whitespace allowed),
/// else [`Error::Json`]; values of different kinds are simply not equal.
///
/// * Objects are equal when they have the same set of keys and equal values
///   for each key, in any order. Keys are compared decoded. When a key
///   occurs more than once (RFC 8259 leaves that undefined), its first
///   occurrence counts, as in [`find_member`].
/// * Arrays are equal when they have the same length and equal elements in
///   the same order.
/// * Strings are compared decoded, as sequences of UTF-16 code units
///   (`"\u00e9"` equals `"é"`; a lone surrogate is compared like any other
///   unit, not an error).
/// * Numbers are equal when their text is equal, or when both are integers
///   (no fraction, no exponent) with the same sign and digits (`-0` equals
///   `0`; exact at any size), or otherwise when both parse to the same finite
///   `f64` (`1` equals `1.0` and `1e0`; numbers beyond the `f64` range are
///   equal only when their text is).
/// * `true`, `false` and `null` are equal to themselves.
///
/// Insignificant whitespace never matters. Nothing is allocated: strings
/// are compared while they are decoded. Object comparison looks every key
/// up by a scan, so it is quadratic in the number of members; it is meant
/// for the small values node handlers compare.
///
/// ```
/// use prana_webhook_core::json;
/// assert!(json::equal(r#"{"a": [1, "x"], "b": null}"#, r#"{"b":null,"a":[1.0,"\u0078"]}"#).unwrap());
/// assert!(!json::equal("[1, 2]", "[2, 1]").unwrap());
/// assert!(!json::equal("1", r#""1""#).unwrap());
/// assert!(json::equal("{", "{}").is_err());
/// ```
pub fn equal(a: &str, b: &str) -> Result<bool> {
    values_equal(validate(a)?, validate(b)?)
}

/// [`equal`] of two validated, trimmed values.
fn values_equal(a: &str, b: &str) -> Result<bool> {
    if a == b {
        return Ok(true);
    }
    let (Some(&x), Some(&y)) = (a.as_bytes().first(), b.as_bytes().first()) else {
        return Ok(false);
    };
    match (x, y) {
        (b'"', b'"') => strings_equal(&a[1..a.len() - 1], &b[1..b.len() - 1]),
        (b'{', b'{') => objects_equal(a, b),
        (b'[', b'[') => arrays_equal(a, b),
        (b'-' | b'0'..=b'9', b'-' | b'0'..=b'9') => Ok(numbers_equal(a, b)),
        // Literals, or values of different kinds: the texts differ.
        _ => Ok(false),
    }
}

/// Whether two string bodies decode to the same UTF-16 code units.
fn strings_equal(a: &str, b: &str) -> Result<bool> {
    let mut ub = Units::new(b);
    for u in Units::new(a) {
        let u = u?;
        match ub.next() {
            Some(v) => {
                if v? != u {
                    return Ok(false);
                }
            }
            None => return Ok(false),
        }
    }
    Ok(ub.next().is_none())
}

fn numbers_equal(a: &str, b: &str) -> bool {
    let integer = |s: &str| !s.contains(['.', 'e', 'E']);
    if integer(a) && integer(b) {
        // JSON integers have no leading zeros: same digits, same value.
        let (neg_a, da) = a.strip_prefix('-').map_or((false, a), |d| (true, d));
        let (neg_b, db) = b.strip_prefix('-').map_or((false, b), |d| (true, d));
        return da == db && (neg_a == neg_b || da == "0");
    }
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.is_finite() && y.is_finite() && x == y,
        _ => false,
    }
}

fn arrays_equal(a: &str, b: &str) -> Result<bool> {
    let mut eb = Elements::new(b);
    for x in Elements::new(a) {
        match eb.next() {
            Some(y) => {
                if !values_equal(x?, y?)? {
                    return Ok(false);
                }
            }
            None => return Ok(false),
        }
    }
    Ok(eb.next().is_none())
}

fn objects_equal(a: &str, b: &str) -> Result<bool> {
    // Every key of `a` (its first occurrence) is in `b` with an equal value...
    for (i, m) in members(a)?.enumerate() {
        let (k, v) = m?;
        if first_member(a, k)?.map(|(j, _)| j) != Some(i) {
            continue; // a later duplicate: the first occurrence counts
        }
        match first_member(b, k)? {
            Some((_, w)) if values_equal(v, w)? => {}
            _ => return Ok(false),
        }
    }
    // ...and `b` has no key that `a` lacks.
    for m in members(b)? {
        let (k, _) = m?;
        if first_member(a, k)?.is_none() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Index and raw value of the first member of `obj` whose key decodes like
/// the raw key `key`.
fn first_member<'a>(obj: &'a str, key: &str) -> Result<Option<(usize, &'a str)>> {
    for (i, m) in members(obj)?.enumerate() {
        let (k, v) = m?;
        if k == key || strings_equal(k, key)? {
            return Ok(Some((i, v)));
        }
    }
    Ok(None)
}

/// The raw elements of an array that has been validated.
struct Elements<'a> {
    src: &'a str,
    pos: usize,
    first: bool,
    done: bool,
}

impl<'a> Elements<'a> {
    /// `arr` starts with `[` (a validated, trimmed array).
    fn new(arr: &'a str) -> Elements<'a> {
        Elements {
            src: arr,
            pos: 1,
            first: true,
            done: false,
        }
    }

    fn step(&mut self) -> Option<Result<&'a str>> {
        let b = self.src.as_bytes();
        let mut i = skip_ws(b, self.pos);
        match b.get(i) {
            Some(b']') => return None,
            Some(b',') if !self.first => i = skip_ws(b, i + 1),
            Some(_) if self.first => {}
            _ => return Some(Err(Error::Json("expected ',' or ']'"))),
        }
        self.first = false;
        let end = match skip_value(b, i) {
            Ok(e) => e,
            Err(e) => return Some(Err(e)),
        };
        self.pos = end;
        Some(Ok(&self.src[i..end]))
    }
}

impl<'a> Iterator for Elements<'a> {
    type Item = Result<&'a str>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = self.step();
        if !matches!(item, Some(Ok(_))) {
            self.done = true;
        }
        item
    }
}

/// The value of the eight digits (0–9, not ASCII) in the bytes of `v`, the
/// first in the lowest byte, eight at a time (SWAR: pairs, then quads, then
/// the whole), instead of a chain of eight multiply-adds. Zero bytes in
/// front (the low end) read as leading zeros.
fn eight_digits(v: u64) -> u64 {
    // The first digit is the lowest byte: each step joins neighbours, the
    // earlier one (lower bytes) times the place value of the later one.
    let v = ((v & 0x0F00_0F00_0F00_0F00) >> 8) + (v & 0x000F_000F_000F_000F) * 10;
    let v = ((v & 0x00FF_0000_00FF_0000) >> 16) + (v & 0x0000_00FF_0000_00FF) * 100;
    ((v & 0x0000_FFFF_0000_0000) >> 32) + (v & 0x0000_0000_0000_FFFF) * 10_000
}

/// A forward-only reader for JSON of a known shape (the execution state, workflow
/// definitions): every value is checked as it is read, with the rules and
/// the depth limit of [`validate`], so a document is scanned once instead of
/// validated first and then searched member by member.
///
/// Objects and arrays are read with `begin_*` and then `next_key` /
/// `next_element` until they return `None` / `false` (after the closing
/// bracket); the caller reads each value with one of the value methods.
pub(crate) struct Reader<'a> {
    src: &'a str,
    pos: usize,
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
    pub(crate) fn value(&mut self) -> Result<&'a str> {
        let start = skip_ws(self.src.as_bytes(), self.pos);
        self.pos = skip_value_at_depth(self.src.as_bytes(), start, self.depth)?;
        Ok(&self.src[start..self.pos])
    }

    /// A string value with its quotes, still escaped; `None` (nothing
    /// consumed) when the next value is of another kind.
    pub(crate) fn string(&mut self) -> Result<Option<&'a str>> {
        if self.peek() != Some(b'"') {
            return Ok(None);
        }
        let start = self.pos;
        self.pos = skip_string(self.src.as_bytes(), start)?;
        Ok(Some(&self.src[start..self.pos]))
    }

    /// Whether the next value is `null` (then consumed).
    pub(crate) fn null(&mut self) -> Result<bool> {
        if self.peek() != Some(b'n') {
            return Ok(false);
        }
        self.pos = skip_literal(self.src.as_bytes(), self.pos, b"null")?;
        Ok(true)
    }

    /// A number written as plain digits (no sign, fraction or exponent)
    /// that fits a `u64`; `None` for any other value.
    pub(crate) fn u64(&mut self) -> Result<Option<u64>> {
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

    fn begin(&mut self, open: u8) -> Result<bool> {
        if self.peek() != Some(open) {
            return Ok(false);
        }
        if self.depth >= MAX_DEPTH {
            return Err(Error::Json("nesting deeper than 32 levels"));
        }
        self.pos += 1;
        self.depth += 1;
        self.first = true;
        Ok(true)
    }

    /// Before the next element of the open container: `false` after its
    /// closing bracket.
    fn next(&mut self, close: u8) -> Result<bool> {
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
            return Err(Error::Json("expected ',' or a closing bracket"));
        }
        // The container is closed; the one around it has had an element.
        self.depth -= 1;
        self.first = false;
        Ok(false)
    }

    /// Start reading an object: `false` (nothing consumed) when the next
    /// value is not one.
    pub(crate) fn begin_object(&mut self) -> Result<bool> {
        self.begin(b'{')
    }

    /// The next member's key (raw: without quotes, still escaped), then
    /// read its value; `None` after the closing `}`.
    pub(crate) fn next_key(&mut self) -> Result<Option<&'a str>> {
        if !self.next(b'}')? {
            return Ok(None);
        }
        let key = self.string()?.ok_or(Error::Json("expected a string key"))?;
        if self.peek() != Some(b':') {
            return Err(Error::Json("expected ':'"));
        }
        self.pos += 1;
        Ok(Some(&key[1..key.len() - 1]))
    }

    /// Start reading an array: `false` (nothing consumed) when the next
    /// value is not one.
    pub(crate) fn begin_array(&mut self) -> Result<bool> {
        self.begin(b'[')
    }

    /// Whether another element follows (then read it); `false` after the
    /// closing `]`.
    pub(crate) fn next_element(&mut self) -> Result<bool> {
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
    /// skipped); `None` otherwise. Inlined: with the literal's length known
    /// the comparison is a few loads instead of a `memcmp` call.
    #[inline(always)]
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

    /// Digits right at the position: a JSON integer (no leading zero) that
    /// fits a `u64`, consumed; `None` otherwise. A fraction or exponent
    /// after it is left for the caller's next [`exact`](Self::exact) to refuse.
    pub(crate) fn plain_u64(&mut self) -> Option<u64> {
        const POW10: [u64; 9] = [
            1,
            10,
            100,
            1_000,
            10_000,
            100_000,
            1_000_000,
            10_000_000,
            100_000_000,
        ];
        let b = self.src.as_bytes();
        let start = self.pos;
        let mut i = start;
        let mut v = 0u64;
        // Eight bytes per step: the digits at the front of the word are
        // found with one SWAR compare (a byte is a digit when it XOR '0' is
        // below 10), then read as leading zeros and digits. More than 19
        // digits can wrap: read again, checked, below.
        let mut ended = false;
        while let Some(chunk) = b.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let a = u64::from_le_bytes(word) ^ 0x3030_3030_3030_3030;
            let not_digit = (a.wrapping_add(0x7676_7676_7676_7676) | a) & 0x8080_8080_8080_8080;
            let k = (not_digit.trailing_zeros() / 8) as usize;
            if k == 0 {
                ended = true;
                break;
            }
            let pow = POW10.get(k).copied().unwrap_or(0);
            v = v
                .wrapping_mul(pow)
                .wrapping_add(eight_digits(a << (8 * (8 - k))));
            i += k;
            if k < 8 {
                ended = true;
                break;
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
    pub(crate) fn end(&mut self) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(Error::Json("trailing characters after the value")),
        }
    }
}

/// Writes JSON into a byte buffer and notes when it runs out of room: the
/// writer of the execution state and of registrations, which serde-json-core
/// wrote before (its serializer cost ~5× the instructions). Strings are
/// escaped exactly as serde-json-core escapes them, so the texts stay byte
/// for byte what serde-json-core made of them (tests compare them).
pub(crate) struct JsonOut<'b> {
    buf: &'b mut [u8],
    pub(crate) len: usize,
    pub(crate) full: bool,
}

impl<'b> JsonOut<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        JsonOut {
            buf,
            len: 0,
            full: false,
        }
    }

    fn bytes(&mut self, s: &[u8]) {
        match self.buf.get_mut(self.len..self.len + s.len()) {
            Some(dst) => {
                dst.copy_from_slice(s);
                self.len += s.len();
            }
            None => self.full = true,
        }
    }

    pub(crate) fn raw(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    /// `s` as a JSON string: `"` and `\` escaped, control characters as
    /// `\b \t \n \f \r` or `\u00XX` (upper-case hex), everything else as is.
    pub(crate) fn string(&mut self, s: &str) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let b = s.as_bytes();
        self.bytes(b"\"");
        let mut start = 0;
        loop {
            let i = plain_run(b, start);
            self.bytes(&b[start..i]);
            let Some(&c) = b.get(i) else { break };
            match c {
                b'"' => self.bytes(b"\\\""),
                b'\\' => self.bytes(b"\\\\"),
                0x08 => self.bytes(b"\\b"),
                b'\t' => self.bytes(b"\\t"),
                b'\n' => self.bytes(b"\\n"),
                0x0c => self.bytes(b"\\f"),
                b'\r' => self.bytes(b"\\r"),
                _ => self.bytes(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(c >> 4)],
                    HEX[usize::from(c & 15)],
                ]),
            }
            start = i + 1;
        }
        self.bytes(b"\"");
    }

    /// A string that needs no escaping, written as is: ids, node keys, port
    /// names, statuses and signatures, all checked when they were made.
    pub(crate) fn plain(&mut self, s: &str) {
        debug_assert_eq!(plain_run(s.as_bytes(), 0), s.len(), "{s:?}");
        let n = s.len();
        match self.buf.get_mut(self.len..self.len + n + 2) {
            Some(dst) => {
                dst[0] = b'"';
                dst[1..=n].copy_from_slice(s.as_bytes());
                dst[n + 1] = b'"';
                self.len += n + 2;
            }
            None => self.full = true,
        }
    }

    pub(crate) fn opt_plain(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.plain(s),
            None => self.raw("null"),
        }
    }

    pub(crate) fn u64(&mut self, mut v: u64) {
        // Two digits per step from a table, written straight into the
        // buffer (its length is known first), in u32 arithmetic below 10^8:
        // u64 division is slow, a library call on 32-bit targets.
        const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
            2021222324252627282930313233343536373839\
            4041424344454647484950515253545556575859\
            6061626364656667686970717273747576777879\
            8081828384858687888990919293949596979899";
        let n = v.checked_ilog10().unwrap_or(0) as usize + 1;
        let Some(dst) = self.buf.get_mut(self.len..self.len + n) else {
            self.full = true;
            return;
        };
        self.len += n;
        let mut i = n;
        let mut pair = |i: &mut usize, p: u32| {
            let p = p as usize * 2;
            *i -= 2;
            if let (Some(d), Some(s)) = (dst.get_mut(*i..*i + 2), PAIRS.get(p..p + 2)) {
                d.copy_from_slice(s);
            }
        };
        while v >= 100_000_000 {
            let mut low = (v % 100_000_000) as u32;
            v /= 100_000_000;
            for _ in 0..4 {
                pair(&mut i, low % 100);
                low /= 100;
            }
        }
        // Below 10^8 now.
        let mut low = v as u32;
        while low >= 100 {
            pair(&mut i, low % 100);
            low /= 100;
        }
        if low >= 10 {
            pair(&mut i, low);
        } else if let Some(d) = dst.first_mut() {
            *d = b'0' + low as u8;
        }
    }

    pub(crate) fn opt_u64(&mut self, v: Option<u64>) {
        match v {
            Some(v) => self.u64(v),
            None => self.raw("null"),
        }
    }
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
}

/// The raw elements of the JSON array `arr` (validated and trimmed).
pub(crate) fn elements(arr: &str) -> impl Iterator<Item = Result<&str>> + '_ {
    Elements::new(arr)
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

    #[test]
    fn iterates_members() {
        let obj = r#"{ "a":1 ,"b" : {"c":[2]}, "d":"e" }"#;
        let mut it = members(obj).unwrap();
        assert_eq!(it.next().unwrap().unwrap(), ("a", "1"));
        assert_eq!(it.next().unwrap().unwrap(), ("b", r#"{"c":[2]}"#));
        assert_eq!(it.next().unwrap().unwrap(), ("d", "\"e\""));
        assert!(it.next().is_none());
        assert!(members("{\"a\":1 \"b\":2}")
            .unwrap()
            .nth(1)
            .unwrap()
            .is_err());
        assert_eq!(plain_str("\"e\""), Some("e"));
        assert_eq!(plain_str("1"), None);
    }

    #[test]
    fn find_member_compares_keys_decoded() {
        let obj = r#"{"\u0061": 1, "b\"c": 2, "\ud83d\ude00": 3, "a": 4, "x\\": 5}"#;
        assert_eq!(find_member(obj, "a").unwrap(), Some("1"));
        assert_eq!(find_member(obj, "b\"c").unwrap(), Some("2"));
        assert_eq!(find_member(obj, "😀").unwrap(), Some("3"));
        assert_eq!(find_member(obj, "x\\").unwrap(), Some("5"));
        assert_eq!(find_member(obj, "\\u0061").unwrap(), None);
        assert_eq!(find_member(obj, "").unwrap(), None);
        assert_eq!(find_member(r#"{"": 0}"#, "").unwrap(), Some("0"));
        assert!(find_member("[]", "a").is_err());
    }

    /// Decode into a fresh buffer of `raw.len()` bytes (always enough).
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

    fn eq(a: &str, b: &str) -> bool {
        let ab = equal(a, b).unwrap();
        assert_eq!(ab, equal(b, a).unwrap(), "equal is symmetric: {a} {b}");
        ab
    }

    #[test]
    fn equal_scalars() {
        assert!(eq("true", " true "));
        assert!(eq("null", "null"));
        assert!(!eq("true", "false"));
        assert!(!eq("null", "false"));
        assert!(!eq("0", "false"));
        assert!(!eq("\"1\"", "1"));
        assert!(!eq("[]", "{}"));
        assert!(eq(r#""é""#, r#""\u00e9""#));
        assert!(eq(r#""😀""#, r#""\ud83d\ude00""#));
        assert!(eq(r#""\/""#, r#""/""#));
        assert!(eq(r#""a\nb""#, r#""a\u000Ab""#));
        assert!(!eq(r#""a""#, r#""ab""#));
        assert!(!eq(r#""ab""#, r#""a""#));
        assert!(!eq(r#""""#, r#""a""#));
        // Lone surrogates compare as code units instead of failing.
        assert!(eq(r#""\ud800""#, r#""\uD800""#));
        assert!(!eq(r#""\ud800""#, r#""\ud801""#));
    }

    #[test]
    fn equal_numbers() {
        for (a, b) in [
            ("1", "1"),
            ("1", "1.0"),
            ("1", "1e0"),
            ("100", "1e2"),
            ("100", "1E+2"),
            ("0.5", "5e-1"),
            ("-0", "0"),
            ("-0", "0.0"),
            ("-0.0", "0"),
            (
                "123456789012345678901234567890",
                "123456789012345678901234567890",
            ),
            ("-7", "-7.00"),
            ("1e400", "1e400"),
        ] {
            assert!(eq(a, b), "{a} == {b}");
        }
        for (a, b) in [
            ("1", "2"),
            ("1", "-1"),
            ("10", "1"),
            ("1.5", "1.25"),
            ("9007199254740993", "9007199254740992"),
            (
                "123456789012345678901234567891",
                "123456789012345678901234567890",
            ),
            ("1e400", "2e400"),
            ("1e400", "1e401"),
            ("1", "\"1\""),
        ] {
            assert!(!eq(a, b), "{a} != {b}");
        }
    }

    #[test]
    fn equal_containers() {
        assert!(eq("[]", "[ ]"));
        assert!(eq("{}", " {\n} "));
        assert!(eq("[1, [2, {\"a\": 3}]]", "[1,[2,{\"a\":3.0}]]"));
        assert!(!eq("[1, 2]", "[2, 1]"));
        assert!(!eq("[1, 2]", "[1, 2, 3]"));
        assert!(!eq("[]", "[null]"));
        assert!(!eq("[[1]]", "[1]"));
        // Objects: member-wise, in any order, keys decoded, whitespace ignored.
        assert!(eq(
            r#"{"a": 1, "b": {"c": [true, null], "d": "x"}}"#,
            r#"{ "b" : { "d" : "\u0078", "c" : [ true , null ] } , "\u0061" : 1.0 }"#
        ));
        assert!(!eq(r#"{"a": 1}"#, r#"{"a": 1, "b": 2}"#));
        assert!(!eq(r#"{"a": 1}"#, r#"{"b": 1}"#));
        assert!(!eq(r#"{"a": 1}"#, r#"{"a": 2}"#));
        assert!(!eq(r#"{"a": {"b": 1}}"#, r#"{"a": {"b": 1, "c": 2}}"#));
        assert!(!eq(r#"{"a": []}"#, r#"{"a": {}}"#));
        // Duplicate keys: the first occurrence counts.
        assert!(eq(r#"{"a": 1, "a": 2}"#, r#"{"a": 1}"#));
        assert!(eq(r#"{"a": 1, "a": 2}"#, r#"{"a": 1, "a": 3}"#));
        assert!(!eq(r#"{"a": 1, "a": 2}"#, r#"{"a": 2}"#));
        assert!(!eq(r#"{"a": 1, "a": 1}"#, r#"{"a": 1, "b": 1}"#));
        // Deep nesting up to the limit.
        let deep_a = String::from("[").repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        let deep_b = String::from("[ ").repeat(MAX_DEPTH) + &" ]".repeat(MAX_DEPTH);
        assert!(eq(&deep_a, &deep_b));
    }

    #[test]
    fn equal_rejects_invalid_json() {
        for (a, b) in [
            ("{", "{}"),
            ("1", ""),
            ("[1,]", "[1]"),
            ("1 2", "1"),
            ("\"\\x\"", "\"x\""),
        ] {
            assert!(matches!(equal(a, b), Err(Error::Json(_))), "{a} {b}");
            assert!(matches!(equal(b, a), Err(Error::Json(_))), "{b} {a}");
        }
        // Even when the texts are identical.
        assert!(equal("{", "{").is_err());
        let deep = String::from("[").repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(equal(&deep, &deep).is_err());
    }

    #[test]
    fn plain_run_finds_the_first_special_byte() {
        let text = "abcdefghijklmnopqrstuvwxyz0123456789";
        for special in ['"', '\\', '\n', '\u{1}', '\u{1f}'] {
            for at in 0..text.len() {
                let mut s = String::from(&text[..at]);
                s.push(special);
                s.push_str(&text[at..]);
                // A byte >= 0x80 before it must not end the run.
                let s = s.replacen('a', "é", 1);
                let want = s.bytes().position(|b| b == special as u8).unwrap();
                assert_eq!(plain_run(s.as_bytes(), 0), want, "{s:?}");
            }
        }
        assert_eq!(plain_run("é😀 plain".as_bytes(), 0), "é😀 plain".len());
        assert_eq!(plain_run(b"ab", 5), 5);
    }

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
                r.end()
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

    #[test]
    fn first_members_keeps_the_first_of_each_key() {
        let obj = r#"{"a": 1, "\u0062": [2], "a": 3, "c": null}"#;
        let [a, b, c, d] = first_members(obj, "x", ["a", "b", "c", "d"]).unwrap();
        assert_eq!((a, b, c, d), (Some("1"), Some("[2]"), Some("null"), None));
        assert_eq!(
            first_members("[]", "x", ["a"]),
            Err(Error::NotAnObject("x"))
        );
        assert!(matches!(
            first_members("{} x", "x", ["a"]),
            Err(Error::Json(_))
        ));
        assert!(matches!(
            first_members("[", "x", ["a"]),
            Err(Error::Json(_))
        ));
    }

    fn written(f: impl FnOnce(&mut JsonOut<'_>)) -> String {
        let mut buf = [0u8; 1024];
        let mut o = JsonOut::new(&mut buf);
        f(&mut o);
        assert!(!o.full);
        let n = o.len;
        String::from(core::str::from_utf8(&buf[..n]).unwrap())
    }

    /// The state JSON stays byte for byte what serde-json-core wrote.
    #[test]
    fn strings_are_escaped_as_serde_json_core_did() {
        let mut all = String::new();
        for c in (0u8..0x80)
            .map(char::from)
            .chain(['é', '€', '😀', '\u{7f}'])
        {
            all.push(c);
            let s = std::format!("a{c}b");
            let mut buf = [0u8; 64];
            let n = serde_json_core::to_slice(s.as_str(), &mut buf).unwrap();
            assert_eq!(written(|o| o.string(&s)).as_bytes(), &buf[..n], "{c:?}");
        }
        let mut buf = [0u8; 1024];
        let n = serde_json_core::to_slice(all.as_str(), &mut buf).unwrap();
        assert_eq!(written(|o| o.string(&all)).as_bytes(), &buf[..n]);
        assert_eq!(written(|o| o.plain("wait_1")), r#""wait_1""#);
    }

    #[test]
    fn numbers_are_written_in_full() {
        for v in [
            0,
            7,
            10,
            99_999_999,
            100_000_000,
            1_751_450_400_000,
            10_000_000_000_000_000,
            u64::MAX,
        ] {
            assert_eq!(written(|o| o.u64(v)), std::format!("{v}"));
        }
    }

    /// Every digit count, group boundary and tail length: written with
    /// `u64`, read back with `plain_u64` (followed by nothing, by one
    /// non-digit, and by many) and compared with the standard library.
    #[test]
    fn numbers_round_trip_at_every_length() {
        let mut vs = std::vec![u64::MAX, u64::MAX - 1];
        let mut p = 1u64;
        for _ in 0..20 {
            for v in [p - 1, p, p + 1, p.wrapping_mul(7) / 3] {
                vs.push(v);
            }
            p = p.wrapping_mul(10);
        }
        for v in vs {
            let text = written(|o| o.u64(v));
            assert_eq!(text, std::format!("{v}"));
            for tail in ["", "}", ":", "/", ",\"expires_at\":null}"] {
                let t = std::format!("{text}{tail}");
                let mut r = Reader::new(&t);
                assert_eq!(r.plain_u64(), Some(v), "{t}");
                assert_eq!(r.pos, text.len(), "{t}");
            }
        }
        for bad in [
            "",
            "x",
            "01",
            "00000000000",
            "18446744073709551616",
            "99999999999999999999,",
        ] {
            assert_eq!(Reader::new(bad).plain_u64(), None, "{bad}");
        }
    }

    #[test]
    fn a_full_buffer_is_reported() {
        let mut buf = [0u8; 4];
        let mut o = JsonOut::new(&mut buf);
        o.raw("abc");
        o.plain("de");
        assert!(o.full);
        assert_eq!(o.len, 3);
    }
}
