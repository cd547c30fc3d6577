//! The JSON writer of the execution state and of registrations.

use crate::bytes::{ascii_eight_digits, hex_into, plain_run};
use crate::div64::div_rem;

/// Writes JSON into a byte buffer and notes when it runs out of room: the
/// writer of the execution state and of registrations, which serde-json-core
/// wrote before (its generic serializer was several times slower). Strings are
/// escaped exactly as serde-json-core escapes them, so the texts stay byte
/// for byte what serde-json-core made of them (tests compare them).
pub(crate) struct JsonOut<'b> {
    buf: &'b mut [u8],
    pub(crate) len: usize,
    pub(crate) full: bool,
    /// Bytes the whole text takes, written or not (an empty buffer makes
    /// the writer a counter).
    pub(crate) needed: usize,
}

impl<'b> JsonOut<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        JsonOut {
            buf,
            len: 0,
            full: false,
            needed: 0,
        }
    }

    // Inlined on 64-bit hosts: most calls write a literal, whose known
    // length makes the copy a few stores instead of a call and a `memcpy`.
    // One copy per call site would cost flash on 32-bit targets.
    #[cfg_attr(target_pointer_width = "64", inline(always))]
    fn bytes(&mut self, s: &[u8]) {
        self.needed += s.len();
        match self.buf.get_mut(self.len..self.len + s.len()) {
            Some(dst) => {
                dst.copy_from_slice(s);
                self.len += s.len();
            }
            None => self.full = true,
        }
    }

    #[cfg_attr(target_pointer_width = "64", inline(always))]
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
        self.needed += n + 2;
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

    /// `bytes` in lowercase hex as a JSON string (nothing to escape).
    pub(crate) fn hex(&mut self, bytes: &[u8]) {
        let n = 2 * bytes.len();
        self.needed += n + 2;
        match self.buf.get_mut(self.len..self.len + n + 2) {
            Some([open, digits @ .., close]) => {
                *open = b'"';
                hex_into(bytes, digits);
                *close = b'"';
                self.len += n + 2;
            }
            _ => self.full = true,
        }
    }

    pub(crate) fn opt_plain(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.plain(s),
            None => self.raw("null"),
        }
    }

    pub(crate) fn u64(&mut self, mut v: u64) {
        if cfg!(not(target_pointer_width = "64")) {
            // 32-bit targets, short of flash: the message digit loop.
            let mut digits = [b'0'; 20];
            self.raw(crate::msg::decimal_digits(v, 1, &mut digits));
            return;
        }
        // Eight digits per step (SWAR, `bytes::ascii_eight_digits`), written
        // straight into the buffer (its length is known first); one u64
        // division (by a constant: a multiply) per eight digits.
        let n = v.checked_ilog10().unwrap_or(0) as usize + 1;
        self.needed += n;
        let Some(dst) = self.buf.get_mut(self.len..self.len + n) else {
            self.full = true;
            return;
        };
        self.len += n;
        let mut end = n;
        while v >= 100_000_000 {
            let (high, low) = div_rem(v, 100_000_000);
            // A whole group: one 8-byte store.
            if let Some(d) = dst.get_mut(end - 8..end) {
                d.copy_from_slice(&ascii_eight_digits(low));
            }
            end -= 8;
            v = high;
        }
        // The first 1 to 8 digits (`end` of them): the end of their group.
        let first = ascii_eight_digits(v as u32);
        for (d, &s) in dst.iter_mut().zip(first.iter().skip(8 - end)) {
            *d = s;
        }
    }

    pub(crate) fn opt_u64(&mut self, v: Option<u64>) {
        match v {
            Some(v) => self.u64(v),
            None => self.raw("null"),
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::json::*;
    use std::string::String;

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
    fn hex_is_a_lowercase_string() {
        let digest: std::vec::Vec<u8> = (0..32u8).map(|i| i.wrapping_mul(37) ^ 0xa5).collect();
        let want: String = digest.iter().map(|b| std::format!("{b:02x}")).collect();
        assert_eq!(written(|o| o.hex(&digest)), std::format!("\"{want}\""));
        assert_eq!(written(|o| o.hex(&[0xff, 0, 0x9a])), "\"ff009a\"");
        let mut buf = [0u8; 8];
        let mut o = JsonOut::new(&mut buf);
        o.hex(&[1, 2, 3, 4]);
        assert!(o.full);
        assert_eq!(o.needed, 10);
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
