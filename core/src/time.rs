//! RFC 3339 date-times ↔ unix milliseconds, without a heap or a time zone
//! database.
//!
//! [`parse_rfc3339`] accepts `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`:
//!
//! * the separator may be `T`, `t` or a space; the UTC designator `Z` or `z`;
//! * the offset may also be written `±HHMM` or `±HH` (ISO 8601 forms);
//!   `-00:00` means UTC;
//! * the fraction has 1–9 digits; it is truncated to milliseconds;
//! * years 0000–9999; days are checked against the month (leap years
//!   included); leap seconds (`:60`) are rejected;
//! * an offset is required: a local time without one cannot be placed on the
//!   timeline without a time zone database (Elixir's `DateTime.from_iso8601`,
//!   which Prana uses, requires one too).
//!
//! The arithmetic is Howard Hinnant's `days_from_civil` / `civil_from_days`
//! (proleptic Gregorian calendar), written out here: the date crates either
//! need `std` or bring far more than these forty lines.
//!
//! ```
//! use prana_webhook_core::time::{parse_rfc3339, write_rfc3339};
//! assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
//! assert_eq!(parse_rfc3339("2025-07-02T10:00:00.250+05:30"), Some(1_751_430_600_250));
//! assert_eq!(parse_rfc3339("2025-02-29T00:00:00Z"), None); // not a leap year
//!
//! let mut s: heapless::String<32> = heapless::String::new();
//! write_rfc3339(1_751_430_600_250, &mut s).unwrap();
//! assert_eq!(s.as_str(), "2025-07-02T04:30:00.250Z");
//! ```

use core::fmt;

use crate::div64::div_rem_euclid;
use crate::msg;

/// Milliseconds in a day.
const MS_PER_DAY: i64 = 86_400_000;

/// Days since 1970-01-01 of the proleptic Gregorian date `y-m-d`
/// (`m` in 1..=12, `d` in 1..=31; not range-checked here).
pub const fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    // Within an era of 400 years the numbers are small: u32 arithmetic.
    let (era, yoe) = div_rem_euclid(y, 400); // yoe in [0, 399]
    let mp = (m % 12 + 9) % 12; // March = 0
    let doy = ((153 * mp + 2) / 5) as i64 + d as i64 - 1; // [0, 365]
    let doe = (yoe * 365 + yoe / 4 - yoe / 100) as i64 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date `(year, month, day)` of a day count since
/// 1970-01-01. Inverse of [`days_from_civil`].
pub const fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let (era, doe) = div_rem_euclid(z + 719_468, 146_097); // doe in [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe as i64 + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

/// Whether `y` is a Gregorian leap year.
pub const fn is_leap_year(y: i64) -> bool {
    let (by4, by100, by400) = (
        div_rem_euclid(y, 4).1,
        div_rem_euclid(y, 100).1,
        div_rem_euclid(y, 400).1,
    );
    (by4 == 0 && by100 != 0) || by400 == 0
}

/// Number of days in month `m` (1..=12) of year `y`.
pub const fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// [`days_in_month`] of a four-digit year (0–9999) and a month 1–12, in
/// 32-bit arithmetic (the `i64` one divides in several steps on 32-bit
/// targets).
const fn month_days(y: u32, m: u32) -> u32 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// [`days_from_civil`] of a four-digit year (0–9999), in 32-bit
/// arithmetic: shifted by one era (400 years, 146 097 days) so that
/// January and February of year 0 stay non-negative.
const fn date_days(y: u32, m: u32, d: u32) -> i32 {
    let y = y + 400 - if m <= 2 { 1 } else { 0 };
    let (era, yoe) = (y / 400, y % 400);
    let mp = (m % 12 + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    (era * 146_097 + doe) as i32 - 146_097 - 719_468
}

/// A cursor over ASCII bytes.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    /// Exactly `n` decimal digits as a number.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let s = self.b.get(self.i..self.i + n)?;
        let mut v = 0u32;
        for &c in s {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        self.i += n;
        Some(v)
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
}

/// Parse an RFC 3339 date-time (see the module docs for the accepted forms)
/// into unix milliseconds. `None` when `s` is not one.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let year = c.digits(4)?;
    c.eat(b'-')?;
    let month = c.digits(2)?;
    c.eat(b'-')?;
    let day = c.digits(2)?;
    if !(1..=12).contains(&month) || day == 0 || day > month_days(year, month) {
        return None;
    }
    match c.peek()? {
        b'T' | b't' | b' ' => c.i += 1,
        _ => return None,
    }
    let hour = c.digits(2)?;
    c.eat(b':')?;
    let minute = c.digits(2)?;
    c.eat(b':')?;
    let second = c.digits(2)?;
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut millis = 0u32;
    if c.eat(b'.').is_some() {
        let start = c.i;
        while c.peek().is_some_and(|b| b.is_ascii_digit()) {
            let digit = u32::from(c.b[c.i] - b'0');
            let pos = c.i - start;
            if pos < 3 {
                millis += digit * [100, 10, 1][pos];
            }
            c.i += 1;
        }
        if !(1..=9).contains(&(c.i - start)) {
            return None;
        }
    }
    let offset_minutes: i64 = match c.peek()? {
        b'Z' | b'z' => {
            c.i += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            c.i += 1;
            let oh = c.digits(2)?;
            let om = match c.peek() {
                None => 0,
                Some(b':') => {
                    c.i += 1;
                    c.digits(2)?
                }
                Some(_) => c.digits(2)?,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let m = i64::from(oh * 60 + om);
            if sign == b'-' {
                -m
            } else {
                m
            }
        }
        _ => return None,
    };
    if c.i != c.b.len() {
        return None;
    }
    let days = i64::from(date_days(year, month, day));
    let local_ms = days * MS_PER_DAY
        + i64::from(hour) * 3_600_000
        + i64::from(minute) * 60_000
        + i64::from(second) * 1_000
        + i64::from(millis);
    Some(local_ms - offset_minutes * 60_000)
}

/// Write unix milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ` (always UTC, always
/// milliseconds). Years outside 0000–9999 are written with as many digits as
/// they need and a `-` sign when negative (not RFC 3339, but never wrong).
pub fn write_rfc3339(ms: i64, out: &mut impl fmt::Write) -> fmt::Result {
    let (days, rem) = div_rem_euclid(ms, MS_PER_DAY as u32);
    let (y, m, d) = civil_from_days(days);
    let (hh, rem) = (rem / 3_600_000, rem % 3_600_000);
    let (mm, rem) = (rem / 60_000, rem % 60_000);
    let (ss, milli) = (rem / 1000, rem % 1000);
    // As `{:04}` writes it: a sign counts towards the width.
    if y < 0 {
        out.write_str("-")?;
    }
    let out: &mut dyn fmt::Write = out;
    msg::decimal(out, y.unsigned_abs(), if y < 0 { 3 } else { 4 })?;
    out.write_str("-")?;
    let two = [(m, "-"), (d, "T"), (hh, ":"), (mm, ":"), (ss, ".")];
    for (n, after) in two {
        msg::decimal(out, n.into(), 2)?;
        out.write_str(after)?;
    }
    msg::decimal(out, milli.into(), 3)?;
    out.write_str("Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The years the calendar tests check under Miri, where every year
    /// takes minutes: the edges of the 4-, 100- and 400-year cycles.
    const MIRI_YEARS: [u32; 15] = [
        0, 1, 3, 4, 99, 100, 399, 400, 401, 1969, 1970, 2000, 2024, 2100, 9999,
    ];

    #[test]
    fn date_days_as_days_from_civil() {
        let check_year = |y: u32| {
            for m in 1..=12 {
                for d in [1, 2, 15, 28, 29, 30, 31] {
                    assert_eq!(
                        i64::from(date_days(y, m, d)),
                        days_from_civil(i64::from(y), m, d),
                        "{y}-{m}-{d}"
                    );
                }
            }
        };
        // Every year natively (840 000 dates); the cycle edges under Miri.
        if cfg!(miri) {
            MIRI_YEARS.into_iter().for_each(check_year);
        } else {
            (0..=9999).for_each(check_year);
        }
    }

    #[test]
    fn month_days_as_days_in_month() {
        let check_year = |y: u32| {
            for m in 1..=12 {
                assert_eq!(month_days(y, m), days_in_month(i64::from(y), m), "{y}-{m}");
            }
        };
        // Every year natively; the cycle edges under Miri.
        if cfg!(miri) {
            MIRI_YEARS.into_iter().for_each(check_year);
        } else {
            (0..=9999).for_each(check_year);
        }
    }

    /// The i64 formulas these were before their divisions moved to u32
    /// arithmetic and `div_rem_euclid`, for any day, month and year given.
    #[test]
    fn civil_as_the_i64_formulas() {
        fn days_i64(y: i64, m: u32, d: u32) -> i64 {
            let y = if m <= 2 { y - 1 } else { y };
            let era = if y >= 0 { y } else { y - 399 } / 400;
            let yoe = y - era * 400;
            let mp = (m as i64 + 9) % 12;
            let doy = (153 * mp + 2) / 5 + d as i64 - 1;
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
            era * 146_097 + doe - 719_468
        }
        fn civil_i64(z: i64) -> (i64, u32, u32) {
            let z = z + 719_468;
            let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
            let doe = z - era * 146_097;
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            let mp = (5 * doy + 2) / 153;
            let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
            let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
            (yoe + era * 400 + if m <= 2 { 1 } else { 0 }, m, d)
        }
        let years = [
            -1_000_001, -401, -400, -399, -1, 0, 1, 1969, 2000, 2024, 2100, 9999, 1_000_000,
        ];
        for y in years {
            for m in [0, 1, 2, 3, 11, 12, 13, 100, u32::MAX] {
                for d in [0, 1, 28, 29, 31, 32, 1000] {
                    assert_eq!(days_from_civil(y, m, d), days_i64(y, m, d), "{y}-{m}-{d}");
                }
            }
            assert_eq!(
                is_leap_year(y),
                (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
            );
        }
        for z in [
            -400_000_000_000,
            -146_097,
            -719_469,
            -719_468,
            -1,
            0,
            59,
            60,
            146_096,
            400_000_000_000,
        ] {
            assert_eq!(civil_from_days(z), civil_i64(z), "{z}");
        }
    }

    #[test]
    fn civil_round_trip() {
        for z in [-800_000i64, -719_468, -1, 0, 1, 10_957, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn parses_forms() {
        let base = parse_rfc3339("2025-07-02T10:00:00Z").unwrap();
        assert_eq!(base, 1_751_450_400_000);
        assert_eq!(parse_rfc3339("2025-07-02t10:00:00z"), Some(base));
        assert_eq!(parse_rfc3339("2025-07-02 10:00:00Z"), Some(base));
        assert_eq!(parse_rfc3339("2025-07-02T10:00:00-00:00"), Some(base));
        assert_eq!(parse_rfc3339("2025-07-02T15:30:00+05:30"), Some(base));
        assert_eq!(parse_rfc3339("2025-07-02T15:30:00+0530"), Some(base));
        assert_eq!(parse_rfc3339("2025-07-02T12:00:00+02"), Some(base));
        assert_eq!(parse_rfc3339("2025-07-02T05:00:00-05:00"), Some(base));
        assert_eq!(parse_rfc3339("2025-07-02T10:00:00.5Z"), Some(base + 500));
        assert_eq!(
            parse_rfc3339("2025-07-02T10:00:00.123456789Z"),
            Some(base + 123)
        );
        assert_eq!(
            parse_rfc3339("2024-02-29T00:00:00Z"),
            Some(1_709_164_800_000)
        );
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59.999Z"), Some(-1));
    }

    #[test]
    fn rejects_bad_forms() {
        for bad in [
            "",
            "2025-07-02",
            "2025-07-02T10:00:00",
            "2025-07-02T10:00Z",
            "2025-13-02T10:00:00Z",
            "2025-00-02T10:00:00Z",
            "2025-04-31T10:00:00Z",
            "2023-02-29T10:00:00Z",
            "2025-07-02T24:00:00Z",
            "2025-07-02T10:60:00Z",
            "2025-07-02T10:00:60Z",
            "2025-07-02T10:00:00.Z",
            "2025-07-02T10:00:00.1234567890Z",
            "2025-07-02T10:00:00+24:00",
            "2025-07-02T10:00:00+05:60",
            "2025-07-02T10:00:00+5:30",
            "2025-07-02T10:00:00Zjunk",
            "2025-07-02X10:00:00Z",
            "25-07-02T10:00:00Z",
            "next tuesday",
            "２025-07-02T10:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn writes_what_the_format_string_wrote() {
        // Negative, four-digit and five-digit years, every field's edges.
        for ms in [
            -70_000_000_000_000,
            -62_167_219_200_001,
            -62_167_219_200_000,
            -1,
            0,
            1_751_430_600_250,
            253_402_300_799_999,
            253_402_300_800_000,
            400_000_000_000_000,
        ] {
            let mut got: heapless::String<40> = heapless::String::new();
            write_rfc3339(ms, &mut got).unwrap();
            let days = ms.div_euclid(MS_PER_DAY);
            let rem = ms.rem_euclid(MS_PER_DAY);
            let (y, m, d) = civil_from_days(days);
            let (hh, mm) = (rem / 3_600_000, rem % 3_600_000 / 60_000);
            let (ss, milli) = (rem % 60_000 / 1000, rem % 1000);
            let mut want: heapless::String<40> = heapless::String::new();
            fmt::write(
                &mut want,
                format_args!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{milli:03}Z"),
            )
            .unwrap();
            assert_eq!(got, want, "{ms}");
        }
    }

    #[test]
    fn writes_utc() {
        let mut s: heapless::String<40> = heapless::String::new();
        write_rfc3339(-1, &mut s).unwrap();
        assert_eq!(s.as_str(), "1969-12-31T23:59:59.999Z");
        s.clear();
        write_rfc3339(1_709_164_800_000, &mut s).unwrap();
        assert_eq!(s.as_str(), "2024-02-29T00:00:00.000Z");
        assert_eq!(parse_rfc3339(&s), Some(1_709_164_800_000));
    }
}
