//! Messages written from a template and its values (text and decimal
//! numbers) straight to a [`fmt::Write`]. Every `Display` of the library writes through here
//! rather than through `write!`: the same text, without `core::fmt`'s
//! padding and integer formatting code, a large part of a firmware's flash.

use core::fmt;

use crate::div64::div_rem;

/// A value put into a message.
#[derive(Clone, Copy)]
pub(crate) enum Arg<'a> {
    /// Text as it is.
    Text(&'a str),
    /// A number in decimal.
    Num(u64),
}

pub(crate) use Arg::{Num, Text};

/// Write `template` with each `{}` in it replaced by the next of `args`
/// (any other brace is text).
pub(crate) fn write(out: &mut dyn fmt::Write, template: &str, args: &[Arg<'_>]) -> fmt::Result {
    let t = template.as_bytes();
    let (mut args, mut from, mut i) = (args.iter(), 0, 0);
    while i + 1 < t.len() {
        if t[i] != b'{' || t[i + 1] != b'}' {
            i += 1;
            continue;
        }
        let Some(arg) = args.next() else { break };
        // `{` is ASCII: a character boundary.
        out.write_str(template.get(from..i).unwrap_or(""))?;
        match *arg {
            Text(text) => out.write_str(text)?,
            Num(n) => decimal(out, n, 1)?,
        }
        i += 2;
        from = i;
    }
    out.write_str(template.get(from..).unwrap_or(""))
}

/// `n` in decimal, with leading zeros up to `min_digits` (at most 20).
pub(crate) fn decimal(out: &mut dyn fmt::Write, mut n: u64, min_digits: usize) -> fmt::Result {
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    while i > 0 {
        i -= 1;
        let (rest, digit) = div_rem(n, 10);
        digits[i] = b'0' + digit as u8;
        n = rest;
        if n == 0 {
            break;
        }
    }
    let from = i.min(digits.len().saturating_sub(min_digits));
    out.write_str(core::str::from_utf8(&digits[from..]).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(template: &str, args: &[Arg<'_>]) -> heapless::String<64> {
        let mut s = heapless::String::new();
        write(&mut s, template, args).unwrap();
        s
    }

    #[test]
    fn holes_filled_in_order() {
        assert_eq!(text("a{}b{}c", &[Text("x"), Num(7)]), "axb7c");
        assert_eq!(text("{}{}", &[Text("-"), Num(0)]), "-0");
        assert_eq!(text("'{{' {} '}}' {x}", &[Num(3)]), "'{{' 3 '}}' {x}");
    }

    #[test]
    fn numbers_as_display_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 4096, u64::from(u32::MAX), u64::MAX] {
            let mut want: heapless::String<64> = heapless::String::new();
            fmt::write(&mut want, format_args!("<{n}>")).unwrap();
            assert_eq!(text("<{}>", &[Num(n)]), want);
        }
    }

    #[test]
    fn leading_zeros() {
        for (n, w) in [
            (0, 4),
            (7, 2),
            (12, 2),
            (123, 2),
            (5, 3),
            (12_345, 4),
            (u64::MAX, 20),
        ] {
            let mut want: heapless::String<64> = heapless::String::new();
            fmt::write(&mut want, format_args!("{n:0w$}")).unwrap();
            let mut got: heapless::String<64> = heapless::String::new();
            decimal(&mut got, n, w).unwrap();
            assert_eq!(got, want);
        }
    }
}
