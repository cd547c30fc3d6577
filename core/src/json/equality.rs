//! Structural equality of two values, numbers compared exactly on their
//! decimal text.

use super::decoder::Units;
use super::members::Members;
use super::scanner::{skip_value_at_depth, skip_ws, validated};
use super::Syntax;
use crate::error::Result;

/// Whether two raw JSON values are structurally equal. Each of `a` and `b`
/// must be exactly one valid JSON value (surrounding whitespace allowed),
/// else [`Error::Json`](crate::Error::Json); values of different kinds are simply not equal.
///
/// * Objects are equal when they have the same set of keys and equal values
///   for each key, in any order. Keys are compared decoded. When a key
///   occurs more than once (RFC 8259 leaves that undefined), its first
///   occurrence counts, as in [`find_member`](super::find_member).
/// * Arrays are equal when they have the same length and equal elements in
///   the same order.
/// * Strings are compared decoded, as sequences of UTF-16 code units
///   (`"\u00e9"` equals `"é"`; a lone surrogate is compared like any other
///   unit, not an error).
/// * Numbers are compared exactly, as the decimal values their text
///   writes, with no floating point and at any size: each is read as a
///   sign, its significant digits (the integer and fraction digits without
///   leading and trailing zeros) and the power of ten of its first
///   significant digit (the exponent plus the place of that digit). Two
///   numbers are equal when both are zero (`-0` equals `0.0e9`), or when
///   sign, significant digits and that power all match: `1` equals `1.0`,
///   `1e0` and `0.1e1`, `1e400` equals `10e399`. As values are exact,
///   `0.1` does not equal `0.10000000000000001`, though both round to one
///   `f64`.
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
    Ok(values_equal(validated(a)?, validated(b)?)?)
}

/// The members of a validated, trimmed object, with the small error.
fn members(obj: &str) -> impl Iterator<Item = Result<(&str, &str), Syntax>> {
    let mut it = Members::of_object(obj);
    core::iter::from_fn(move || it.next_raw())
}

/// [`equal`] of two validated, trimmed values.
fn values_equal(a: &str, b: &str) -> Result<bool, Syntax> {
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
fn strings_equal(a: &str, b: &str) -> Result<bool, Syntax> {
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

/// Whether two valid JSON numbers write the same decimal value (the rule
/// is in [`equal`]).
fn numbers_equal(a: &str, b: &str) -> bool {
    let (x, y) = (Decimal::new(a.as_bytes()), Decimal::new(b.as_bytes()));
    match (x.first_significant(), y.first_significant()) {
        (None, None) => true,
        (Some(fx), Some(fy)) => {
            x.negative == y.negative
                && x.significant_digits(fx).eq(y.significant_digits(fy))
                // Power of the first significant digit: exponent + integer
                // length - 1 - its index in the digits. Equal when the
                // exponents differ by the difference of the other terms.
                && exponent_difference(&x, &y).is_some_and(|d| {
                    d == (y.int.len() as i64 - fy as i64) - (x.int.len() as i64 - fx as i64)
                })
        }
        _ => false,
    }
}

/// The parts of a valid JSON number's text.
struct Decimal<'a> {
    negative: bool,
    /// Integer digits.
    int: &'a [u8],
    /// Fraction digits (empty without a fraction).
    frac: &'a [u8],
    exp_negative: bool,
    /// Exponent digits without leading zeros (empty for a zero exponent).
    exp: &'a [u8],
}

impl<'a> Decimal<'a> {
    /// `b` is one valid JSON number.
    fn new(b: &'a [u8]) -> Decimal<'a> {
        let (negative, b) = match b.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, b),
        };
        let mantissa_end = b
            .iter()
            .position(|c| matches!(c, b'e' | b'E'))
            .unwrap_or(b.len());
        let (mantissa, exp) = b.split_at(mantissa_end);
        let (int, frac) = match mantissa.iter().position(|&c| c == b'.') {
            Some(dot) => (&mantissa[..dot], &mantissa[dot + 1..]),
            None => (mantissa, &[][..]),
        };
        let exp = exp.get(1..).unwrap_or(&[]);
        let (exp_negative, exp) = match exp.split_first() {
            Some((b'-', rest)) => (true, rest),
            Some((b'+', rest)) => (false, rest),
            _ => (false, exp),
        };
        let zeros = exp.iter().take_while(|&&c| c == b'0').count();
        Decimal {
            negative,
            int,
            frac,
            exp_negative,
            exp: &exp[zeros..],
        }
    }

    /// The integer and fraction digits in order.
    fn digits(&self) -> impl Iterator<Item = u8> + '_ {
        self.int.iter().chain(self.frac).copied()
    }

    /// Index in [`digits`](Self::digits) of the first non-zero digit;
    /// `None` for zero.
    fn first_significant(&self) -> Option<usize> {
        self.digits().position(|c| c != b'0')
    }

    /// The digits from the first significant one, without trailing zeros.
    fn significant_digits(&self, first: usize) -> impl Iterator<Item = u8> + '_ {
        let last = self.int.len() + self.frac.len()
            - self
                .int
                .iter()
                .chain(self.frac)
                .rev()
                .take_while(|&&c| c == b'0')
                .count();
        self.digits().take(last).skip(first)
    }
}

/// `x`'s exponent minus `y`'s, or `None` when its magnitude is beyond any
/// difference of digit places (both are at most a text length, below
/// `2^58` on every machine: the largest address spaces have `2^57` bytes).
///
/// The exponents may have any number of digits: the difference is built
/// from the most significant digit down, and once its magnitude is 2 or
/// more it can only grow (each step multiplies it by 10 and adds at most
/// 18), so the walk stops at the bound. `i64` holds every step below it
/// (`10 × 2^58 + 18 < 2^63`), in two words on 32-bit targets.
fn exponent_difference(x: &Decimal<'_>, y: &Decimal<'_>) -> Option<i64> {
    const BOUND: i64 = 1 << 58;
    let sign = |negative: bool| if negative { -1 } else { 1 };
    let (sx, sy) = (sign(x.exp_negative), sign(y.exp_negative));
    let n = x.exp.len().max(y.exp.len());
    // Digit `i` (from the most significant, aligned right) of `digits`.
    let digit = |digits: &[u8], i: usize| -> i64 {
        (i + digits.len())
            .checked_sub(n)
            .and_then(|k| digits.get(k))
            .map_or(0, |&c| i64::from(c - b'0'))
    };
    let mut d: i64 = 0;
    for i in 0..n {
        d = d * 10 + sx * digit(x.exp, i) - sy * digit(y.exp, i);
        if d.abs() > BOUND {
            return None;
        }
    }
    Some(d)
}

fn arrays_equal(a: &str, b: &str) -> Result<bool, Syntax> {
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

fn objects_equal(a: &str, b: &str) -> Result<bool, Syntax> {
    // Every key of `a` (its first occurrence) is in `b` with an equal value...
    for (i, m) in members(a).enumerate() {
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
    for m in members(b) {
        let (k, _) = m?;
        if first_member(a, k)?.is_none() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Index and raw value of the first member of `obj` whose key decodes like
/// the raw key `key`.
fn first_member<'a>(obj: &'a str, key: &str) -> Result<Option<(usize, &'a str)>, Syntax> {
    for (i, m) in members(obj).enumerate() {
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

    fn step(&mut self) -> Option<Result<&'a str, Syntax>> {
        let b = self.src.as_bytes();
        let mut i = skip_ws(b, self.pos);
        match b.get(i) {
            Some(b']') => return None,
            Some(b',') if !self.first => i = skip_ws(b, i + 1),
            Some(_) if self.first => {}
            _ => return Some(Err(Syntax("expected ',' or ']'"))),
        }
        self.first = false;
        let end = match skip_value_at_depth(b, i, 0) {
            Ok(e) => e,
            Err(e) => return Some(Err(e)),
        };
        self.pos = end;
        Some(Ok(&self.src[i..end]))
    }
}

impl<'a> Iterator for Elements<'a> {
    type Item = Result<&'a str, Syntax>;

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

/// The raw elements of the JSON array `arr` (validated and trimmed).
pub(crate) fn elements(arr: &str) -> impl Iterator<Item = Result<&str, Syntax>> + '_ {
    Elements::new(arr)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::error::Error;
    use crate::json::*;
    use std::string::String;

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
            // Exact beyond the f64 range and at any exponent length.
            ("1e400", "10e399"),
            ("-0.0e-7", "0"),
            ("0e99999999999999999999999999999999999999999", "-0.000"),
            ("1e007", "1e7"),
            ("1e+0", "1E-0"),
            ("123.456e1", "1234.56"),
            ("0.00120", "1.2e-3"),
            ("-1.5E-400", "-15e-401"),
            (
                "1e99999999999999999999999999999999999999999999",
                "0.01e100000000000000000000000000000000000000000001",
            ),
            (
                "12.5e-99999999999999999999999999999999999999999999",
                "1250e-100000000000000000000000000000000000000000001",
            ),
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
            ("1", "0"),
            ("-0.5", "0.5"),
            ("1e-400", "0"),
            ("0.1", "0.10000000000000001"),
            ("1.5", "15"),
            ("105", "15e1"),
            ("1e1", "1e-1"),
            (
                "1e99999999999999999999999999999999999999999999",
                "1e99999999999999999999999999999999999999999998",
            ),
            (
                "1e99999999999999999999999999999999999999999999",
                "1e-99999999999999999999999999999999999999999999",
            ),
            ("1e18446744073709551616", "1e0"),
        ] {
            assert!(!eq(a, b), "{a} != {b}");
        }
    }

    #[test]
    fn equal_numbers_agree_with_exact_arithmetic() {
        // Each value m * 10^k written in several forms; two texts are equal
        // exactly when their values are.
        let forms = |m: i64, k: i32| -> std::vec::Vec<String> {
            let sign = if m < 0 { "-" } else { "" };
            let digits = std::format!("{}", m.unsigned_abs());
            let mut v = std::vec![
                std::format!("{m}e{k}"),
                std::format!("{m}.0E{k}"),
                std::format!("{sign}0.{digits}e{:+}", k + digits.len() as i32),
            ];
            if k >= 0 {
                if m != 0 {
                    v.push(std::format!("{m}{}", "0".repeat(k as usize)));
                }
            } else if (-k as usize) < digits.len() {
                let (i, f) = digits.split_at(digits.len() - (-k) as usize);
                v.push(std::format!("{sign}{i}.{f}"));
                v.push(std::format!("{sign}{i}.{f}000"));
            }
            v
        };
        // (value as numerator over 10^6) for small exact arithmetic.
        let cases: std::vec::Vec<(i64, i32)> = [-120, -12, -1, 0, 1, 5, 12, 50, 120, 1200, 999]
            .into_iter()
            .flat_map(|m| (-3..=3).map(move |k| (m, k)))
            .collect();
        let value = |(m, k): (i64, i32)| m as i128 * 10i128.pow((k + 6) as u32);
        for &x in &cases {
            for &y in &cases {
                for a in forms(x.0, x.1) {
                    for b in forms(y.0, y.1) {
                        assert_eq!(eq(&a, &b), value(x) == value(y), "{a} vs {b}");
                    }
                }
            }
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
}
