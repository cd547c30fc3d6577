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

/// Where each template of a table ends in the templates joined: the
/// running sums of their lengths (checked to fit, at compile time).
pub(crate) const fn ends<const N: usize>(lens: [usize; N]) -> [u16; N] {
    let mut out = [0u16; N];
    let (mut i, mut end) = (0, 0);
    while i < N {
        end += lens[i];
        assert!(end <= u16::MAX as usize, "message table over 64 KiB");
        out[i] = end as u16;
        i += 1;
    }
    out
}

/// Template `row` of the templates `all` (joined, ending at `ends`)
/// written with `args`. One copy for every error type: the tables are data.
pub(crate) fn write_row(
    out: &mut dyn fmt::Write,
    all: &'static str,
    ends: &[u16],
    row: usize,
    args: &[Arg<'_>],
) -> fmt::Result {
    let start = match row.checked_sub(1) {
        Some(before) => ends.get(before).copied().unwrap_or(0),
        None => 0,
    };
    let end = ends.get(row).copied().unwrap_or(0);
    write(
        out,
        all.get(usize::from(start)..usize::from(end)).unwrap_or(""),
        args,
    )
}

/// The stable code and the message template of every variant of an error
/// enum, written once per variant in one table:
///
/// ```text
/// msg::messages! { WaitError {
///     ModeRequired => "wait_mode_required", "mode is required";
///     NoResumeUrl { .. } => "wait_no_resume_url", "... '{}' ...";
/// } }
/// ```
///
/// Makes `row` (the variant's row; `usize::MAX` for a variant not in the
/// table, such as a wrapped error), `CODES` (the codes by row) and
/// `write_message` (the row's template with the `{}` holes filled from
/// `args`), and `Display` through the enum's own `write_to`. Codes and
/// templates are data: no code per variant.
macro_rules! messages {
    ($ty:ident { $(
        $var:ident $( ( $($tuple:tt)* ) )? $( { $($fields:tt)* } )? => $code:literal, $text:literal;
    )* }) => {
        impl $ty {
            /// The codes, by row.
            const CODES: &'static [&'static str] = &[$($code),*];
            /// The templates joined, and where each ends.
            const TEXTS: &'static str = concat!($($text),*);
            const TEXT_ENDS: &'static [u16] = &$crate::msg::ends([$($text.len()),*]);

            /// This variant's row in the tables.
            const fn row(&self) -> usize {
                #[allow(non_camel_case_types, dead_code, clippy::enum_variant_names)]
                enum Row { $($var),* }
                #[allow(unreachable_patterns)]
                match self {
                    $( $ty::$var $( ( $($tuple)* ) )? $( { $($fields)* } )? => Row::$var as usize, )*
                    _ => usize::MAX,
                }
            }

            /// This variant's message, its holes filled from `args`.
            fn write_message(
                &self,
                f: &mut dyn core::fmt::Write,
                args: &[$crate::msg::Arg<'_>],
            ) -> core::fmt::Result {
                $crate::msg::write_row(f, Self::TEXTS, Self::TEXT_ENDS, self.row(), args)
            }
        }

        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                self.write_to(f)
            }
        }
    };
}

pub(crate) use messages;

/// `n` in decimal, with leading zeros up to `min_digits` (at most 20).
pub(crate) fn decimal(out: &mut dyn fmt::Write, n: u64, min_digits: usize) -> fmt::Result {
    let mut digits = [b'0'; 20];
    out.write_str(decimal_digits(n, min_digits, &mut digits))
}

/// `n` in decimal, with leading zeros up to `min_digits` (at most 20), in
/// the end of `digits` (which starts as all `'0'`).
pub(crate) fn decimal_digits(mut n: u64, min_digits: usize, digits: &mut [u8; 20]) -> &str {
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
    core::str::from_utf8(&digits[from..]).unwrap_or("")
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
