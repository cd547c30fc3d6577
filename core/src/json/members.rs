//! Members of an object: iterate them, find one by its decoded key, or
//! take the first of several keys in one pass.

use super::decoder::Units;
use super::reader::Reader;
use super::scanner::{skip_string, skip_value_at_depth, skip_ws, validated};
use super::Syntax;
use crate::error::{Error, Result};

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
        Some(self.next_raw()?.map_err(Error::from))
    }
}

impl<'a> Members<'a> {
    /// The members of `obj`, an object that has been validated and trimmed.
    pub(super) fn of_object(obj: &'a str) -> Members<'a> {
        Members {
            src: obj,
            pos: 1,
            first: true,
            done: false,
        }
    }

    /// [`next`](Iterator::next) with the small error of the readers.
    pub(crate) fn next_raw(&mut self) -> Option<Result<(&'a str, &'a str), Syntax>> {
        if self.done {
            return None;
        }
        let item = self.step();
        if !matches!(item, Some(Ok(_))) {
            self.done = true;
        }
        item
    }

    fn step(&mut self) -> Option<Result<(&'a str, &'a str), Syntax>> {
        let b = self.src.as_bytes();
        let mut i = skip_ws(b, self.pos);
        match b.get(i) {
            Some(b'}') => return None,
            Some(b',') if !self.first => i = skip_ws(b, i + 1),
            Some(b'"') if self.first => {}
            _ => return Some(Err(Syntax("expected ',' or '}'"))),
        }
        self.first = false;
        if b.get(i) != Some(&b'"') {
            return Some(Err(Syntax("expected a string key")));
        }
        let key_end = match skip_string(b, i) {
            Ok(e) => e,
            Err(e) => return Some(Err(e)),
        };
        let key = &self.src[i + 1..key_end - 1];
        let colon = skip_ws(b, key_end);
        if b.get(colon) != Some(&b':') {
            return Some(Err(Syntax("expected ':'")));
        }
        let vstart = skip_ws(b, colon + 1);
        let vend = match skip_value_at_depth(b, vstart, 0) {
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

/// [`find_member`] in a text that must be exactly one JSON object
/// (surrounding whitespace allowed): all of `s` is checked, as by
/// [`validate_object`](super::validate_object), in the same pass that finds
/// the member, instead of a validation pass and then a search.
///
/// Fails with [`Error::Json`] when `s` is not valid JSON (the first error
/// in the text, as [`validate`](super::validate) reports it) and with
/// [`Error::NotAnObject`]`(what)` when it is another kind of value.
///
/// ```
/// use prana_webhook_core::{json, Error};
/// let obj = r#" {"a": 1, "b\u00e9": [2], "a": 3} "#;
/// assert_eq!(json::find_member_checked(obj, "a", "obj").unwrap(), Some("1"));
/// assert_eq!(json::find_member_checked(obj, "bé", "obj").unwrap(), Some("[2]"));
/// assert_eq!(json::find_member_checked(obj, "c", "obj").unwrap(), None);
/// // Checked past the member found:
/// assert!(json::find_member_checked(r#"{"a": 1, "b": }"#, "a", "obj").is_err());
/// assert_eq!(json::find_member_checked("[1]", "a", "obj"), Err(Error::NotAnObject("obj")));
/// ```
pub fn find_member_checked<'a>(
    s: &'a str,
    key: &str,
    what: &'static str,
) -> Result<Option<&'a str>> {
    let [v] = first_members(s, what, [key])?;
    Ok(v)
}

/// Why [`first_members`] refused its text: small, so the members found
/// pass back in registers; the caller's `?` makes the [`Error`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Refused {
    /// [`Error::Json`].
    Syntax(Syntax),
    /// [`Error::NotAnObject`].
    NotAnObject(&'static str),
}

impl From<Syntax> for Refused {
    fn from(e: Syntax) -> Self {
        Refused::Syntax(e)
    }
}

impl From<Refused> for Error {
    fn from(e: Refused) -> Self {
        match e {
            Refused::Syntax(e) => e.into(),
            Refused::NotAnObject(what) => Error::NotAnObject(what),
        }
    }
}

/// The first value of each of `keys` in the object `obj` (keys compared
/// decoded, as by [`find_member`]), checking all of `obj` as
/// [`validate_object`](super::validate_object) does, in one pass instead of one per key. Fails with
/// [`Error::NotAnObject`]`(what)` when `obj` is another JSON value.
pub(crate) fn first_members<'a, const K: usize>(
    obj: &'a str,
    what: &'static str,
    keys: [&str; K],
) -> Result<[Option<&'a str>; K], Refused> {
    let mut found = [None; K];
    let mut r = Reader::new(obj);
    if !r.begin_object()? {
        validated(obj)?;
        return Err(Refused::NotAnObject(what));
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
pub(crate) fn key_matches(raw: &str, key: &str) -> Result<bool, Syntax> {
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

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

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

    #[test]
    fn find_member_checked_matches_validate_then_find() {
        let texts = [
            r#" {"\u0061": 1, "b\"c": 2, "\ud83d\ude00": 3, "a": 4} "#,
            r#"{"a": 1, "b": }"#,
            r#"{"a": 1, "b": 2,}"#,
            r#"{"a": 1 "b": 2}"#,
            r#"{,}"#,
            r#"{"a" 1}"#,
            r#"{"a": [1, {"b": [[]]}], "c": "\q"}"#,
            r#"{"a": 1} x"#,
            r#"{"a": 1}}"#,
            r#"{"a": 01}"#,
            r#"{"a""#,
            "{\"a\": \"\u{1}\"}",
            "{\"\u{1}\": 1}",
            "{}",
            " { } ",
            "",
            " ",
            "[1]",
            "[1",
            "\"a\"",
            "{",
            r#"{"":0}"#,
        ];
        let mut deep = std::string::String::new();
        for _ in 0..40 {
            deep.push_str("{\"a\":");
        }
        for key in ["a", "b", "b\"c", "\u{1}", "", "😀", "z"] {
            for text in texts.iter().copied().chain([deep.as_str()]) {
                let two_passes =
                    crate::json::validate_object(text, "obj").and_then(|obj| find_member(obj, key));
                assert_eq!(
                    find_member_checked(text, key, "obj"),
                    two_passes,
                    "{text:?} {key:?}"
                );
            }
        }
    }

    /// Decode into a fresh buffer of `raw.len()` bytes (always enough).

    #[test]
    fn first_members_keeps_the_first_of_each_key() {
        let obj = r#"{"a": 1, "\u0062": [2], "a": 3, "c": null}"#;
        let [a, b, c, d] = first_members(obj, "x", ["a", "b", "c", "d"]).unwrap();
        assert_eq!((a, b, c, d), (Some("1"), Some("[2]"), Some("null"), None));
        let refused = |obj| first_members(obj, "x", ["a"]).map_err(Error::from);
        assert_eq!(refused("[]"), Err(Error::NotAnObject("x")));
        assert!(matches!(refused("{} x"), Err(Error::Json(_))));
        assert!(matches!(refused("["), Err(Error::Json(_))));
    }
}
