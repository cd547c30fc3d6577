//! Byte-level speed tricks shared by the scanners of the crate, in one
//! place with their constants: word-at-a-time (SWAR) searches, the digit
//! parser of the JSON reader, the byte class table of IDs and a short-text
//! comparison. Each has a plain fallback for the bytes a word does not
//! cover, and a test against the obvious byte loop.

/// One in every byte of a 64-bit word.
const ONES64: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte of a 64-bit word.
const HIGHS64: u64 = ONES64 << 7;
/// [`ONES64`] in a machine word (truncated on 32-bit targets).
const ONES: usize = ONES64 as usize;
/// [`HIGHS64`] in a machine word.
const HIGHS: usize = HIGHS64 as usize;
/// Bytes in a machine word.
const WORD: usize = core::mem::size_of::<usize>();

/// High bit set in the lowest byte of `x` below `n` (n <= 128); bits above
/// it may be wrong (borrows), so only the lowest one is used.
#[inline(always)]
fn below(x: usize, n: usize) -> usize {
    x.wrapping_sub(ONES * n) & !x & HIGHS
}

/// The offset of the first `needle` in `haystack`.
///
/// Eight bytes per step (a SWAR zero-byte test) instead of a byte loop.
pub(crate) fn find_byte(haystack: &[u8], needle: u8) -> Option<usize> {
    if cfg!(not(target_pointer_width = "64")) {
        // 32-bit targets, short of flash: a u64 word is two registers there.
        return haystack.iter().position(|&b| b == needle);
    }
    let mut chunks = haystack.chunks_exact(8);
    for (n, chunk) in (&mut chunks).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ (ONES64 * u64::from(needle));
        // High bit set in each byte of `x` that is zero (the lowest such bit
        // is exact; borrows can only mark bytes above it).
        let zero = x.wrapping_sub(ONES64) & !x & HIGHS64;
        if zero != 0 {
            return Some(n * 8 + zero.trailing_zeros() as usize / 8);
        }
    }
    let done = haystack.len() - chunks.remainder().len();
    let rest = chunks.remainder().iter().position(|&b| b == needle);
    rest.map(|i| done + i)
}

/// Whether `s` goes into a JSON string as it is: no control character,
/// quote or backslash (a base URL is checked once, when parsed; ids never
/// have such bytes). Eight bytes per step on 64-bit targets: a word has a byte below `n`
/// (`n` <= 0x80) exactly when `(w - n * ONES) & !w & HIGHS` is not zero.
pub(crate) fn json_string_safe(s: &str) -> bool {
    let plain = |b: u8| b >= 0x20 && b != b'"' && b != b'\\';
    if cfg!(not(target_pointer_width = "64")) {
        // 32-bit targets, short of flash: a u64 word is two registers there.
        return s.bytes().all(plain);
    }
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS;
    let mut words = s.as_bytes().chunks_exact(8);
    for chunk in &mut words {
        let w = u64::from_ne_bytes(chunk.try_into().unwrap_or([0; 8]));
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        if below(w, 0x20) | below(quote, 1) | below(backslash, 1) != 0 {
            return false;
        }
    }
    words.remainder().iter().all(|&b| plain(b))
}

/// The sixteen lowercase hex digits.
pub(crate) const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `bytes` as lowercase hex, two digits per byte, in the front of `out`
/// (at least twice as long as `bytes`).
pub(crate) fn write_hex<'o>(bytes: &[u8], out: &'o mut [u8]) -> &'o str {
    let out = &mut out[..2 * bytes.len()];
    hex_into(bytes, out);
    core::str::from_utf8(out).unwrap_or("")
}

/// `bytes` as lowercase hex into `out` (exactly twice as long), as ASCII
/// bytes. On 64-bit targets four bytes per step (SWAR: their nibbles
/// spread into the bytes of a word, each turned into its digit at once)
/// instead of two table loads per byte.
pub(crate) fn hex_into(bytes: &[u8], out: &mut [u8]) {
    let mut done = 0;
    if cfg!(target_pointer_width = "64") {
        for (quad, dst) in bytes.chunks_exact(4).zip(out.chunks_exact_mut(8)) {
            let mut word = [0u8; 4];
            word.copy_from_slice(quad);
            // 16-bit lanes, one byte each (the first in the lowest lane).
            let x = u64::from(u32::from_le_bytes(word));
            let x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
            let x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
            // 8-bit lanes: each byte's high nibble, then its low nibble.
            let nibbles = ((x >> 4) | (x << 8)) & (ONES64 * 0x0F);
            // '0' + d, and 39 more ('a' - '9' - 1) where d > 9 (d + 6 > 15).
            let letters = ((nibbles + ONES64 * 6) >> 4) & ONES64;
            let digits = nibbles + ONES64 * u64::from(b'0') + letters * 39;
            dst.copy_from_slice(&digits.to_le_bytes());
            done += 4;
        }
    }
    let rest = bytes.get(done..).unwrap_or_default();
    let out = out.get_mut(2 * done..).unwrap_or_default();
    for (pair, b) in out.chunks_exact_mut(2).zip(rest) {
        pair[0] = HEX_DIGITS[usize::from(b >> 4)];
        pair[1] = HEX_DIGITS[usize::from(b & 15)];
    }
}

/// Where `cc` (`{{` or `}}`) first occurs in `s`.
///
/// Eight bytes per step with an exact zero-byte test (no borrows between
/// bytes, so two neighbouring marks are two real matches); windows overlap
/// by one byte so a pair across two windows is seen. Node params and
/// templates are mostly JSON, full of single braces, so a byte search
/// that stops at each `{` pays for every one of them.
pub(crate) fn find_pair(s: &str, c: u8) -> Option<usize> {
    let b = s.as_bytes();
    if cfg!(not(target_pointer_width = "64")) {
        // 32-bit targets, short of flash: a u64 word is two registers there.
        return b.windows(2).position(|w| w[0] == c && w[1] == c);
    }
    let pattern = ONES64 * u64::from(c);
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ pattern;
        // The high bit of each byte of `x` that is zero: the low seven bits
        // plus 0x7f carry into the high bit unless they are all zero.
        let zero = !(((x & !HIGHS64).wrapping_add(!HIGHS64)) | x) & HIGHS64;
        let pair = zero & (zero >> 8);
        if pair != 0 {
            return Some(i + pair.trailing_zeros() as usize / 8);
        }
        i += 7;
    }
    let rest = b[i..].windows(2).position(|w| w[0] == c && w[1] == c);
    rest.map(|at| i + at)
}

/// Index of the first byte at or after `i` that ends a run of plain string
/// bytes: `"`, `\` or a control character (`b.len()` if none). Checks a
/// machine word at a time: strings are most of the state JSON.
pub(crate) fn plain_run(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..i + WORD) {
        let mut word = [0u8; WORD];
        word.copy_from_slice(chunk);
        let x = usize::from_le_bytes(word);
        let special = below(x ^ (ONES * usize::from(b'"')), 1)
            | below(x ^ (ONES * usize::from(b'\\')), 1)
            | below(x, 0x20);
        if special != 0 {
            // Little-endian: the lowest set bit is in the first such byte.
            return i + special.trailing_zeros() as usize / 8;
        }
        i += WORD;
    }
    while i < b.len() && !matches!(b[i], b'"' | b'\\' | 0x00..=0x1f) {
        i += 1;
    }
    i
}

/// `10^k` for the digit counts [`leading_digits`] returns.
pub(crate) const POW10: [u64; 9] = [
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

/// How many of the eight bytes of `chunk` at its front are ASCII digits
/// (`k`), and the word with `'0'` taken from each byte (`a`), for
/// [`front_digits`]. One SWAR compare finds them: a byte is a digit when it
/// XOR `'0'` is below 10.
#[inline(always)]
pub(crate) fn leading_digits(chunk: [u8; 8]) -> (usize, u64) {
    let a = u64::from_le_bytes(chunk) ^ (ONES64 * u64::from(b'0'));
    let not_digit = (a.wrapping_add(ONES64 * (0x80 - 10)) | a) & HIGHS64;
    ((not_digit.trailing_zeros() / 8) as usize, a)
}

/// The value of the first `k` digits (1..=8) of a word `a` from
/// [`leading_digits`]: the bytes after them are shifted out, then
/// [`eight_digits`] reads the rest as leading zeros and digits.
#[inline(always)]
pub(crate) fn front_digits(a: u64, k: usize) -> u64 {
    eight_digits(a << (8 * (8 - k)))
}

/// The value of the eight digits (0–9, not ASCII) in the bytes of `v`, the
/// first in the lowest byte, eight at a time (SWAR: pairs, then quads, then
/// the whole), instead of a chain of eight multiply-adds. Zero bytes in
/// front (the low end) read as leading zeros.
#[inline(always)]
fn eight_digits(v: u64) -> u64 {
    // The first digit is the lowest byte: each step joins neighbours, the
    // earlier one (lower bytes) times the place value of the later one.
    let v = ((v & 0x0F00_0F00_0F00_0F00) >> 8) + (v & 0x000F_000F_000F_000F) * 10;
    let v = ((v & 0x00FF_0000_00FF_0000) >> 16) + (v & 0x0000_00FF_0000_00FF) * 100;
    ((v & 0x0000_FFFF_0000_0000) >> 32) + (v & 0x0000_0000_0000_FFFF) * 10_000
}

/// The eight decimal digits of `x` (below 10^8, leading zeros included)
/// as ASCII, the first at index 0: the reverse of [`eight_digits`], SWAR
/// again. Lanes of a word are split in place (quads, then pairs, then
/// digits; a multiply and a shift divide every lane at once) instead of
/// eight divisions by 10.
#[inline(always)]
pub(crate) fn ascii_eight_digits(x: u32) -> [u8; 8] {
    debug_assert!(x < 100_000_000);
    let x = u64::from(x);
    // 32-bit lanes: the first four digits (low lane), the last four.
    let first = x / 10_000;
    let v = first | ((x - first * 10_000) << 32);
    // 16-bit lanes: each quad as two pairs (below 10^4, x / 100 is
    // x * 10486 >> 20; the products stay inside their lanes).
    let hundreds = ((v * 10_486) >> 20) & 0x0000_007F_0000_007F;
    let v = hundreds | ((v - hundreds * 100) << 16);
    // 8-bit lanes: each pair as two digits (below 100, x / 10 is
    // x * 103 >> 10).
    let tens = ((v * 103) >> 10) & 0x000F_000F_000F_000F;
    let v = tens | ((v - tens * 10) << 8);
    (v + ONES64 * u64::from(b'0')).to_le_bytes()
}

/// Lowercase Crockford base32 (no i, l, o, u): the alphabet of resume ID tails.
pub(crate) const CROCKFORD: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Whether `b` may appear in an id part or a resume ID.
pub const fn is_id_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Class bit: the byte is in `[A-Za-z0-9_-]` ([`is_id_byte`]).
pub(crate) const ID_BYTE: u8 = 1;
/// Class bit: the byte is a lowercase Crockford base32 digit.
pub(crate) const CROCKFORD_BYTE: u8 = 2;
/// Class bit: the byte may appear in a port name (`[a-z0-9_]`).
pub(crate) const PORT_BYTE: u8 = 4;

/// The class bits of every byte value.
///
/// Validation is on the routing hot path: one table load per byte replaces
/// the range tests of [`is_id_byte`] and a search of the 32-byte alphabet
/// per tail character.
static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        if is_id_byte(b as u8) {
            table[b] |= ID_BYTE;
        }
        if (b as u8).is_ascii_lowercase() || (b as u8).is_ascii_digit() || b == b'_' as usize {
            table[b] |= PORT_BYTE;
        }
        b += 1;
    }
    let mut i = 0;
    while i < CROCKFORD.len() {
        table[CROCKFORD[i] as usize] |= CROCKFORD_BYTE;
        i += 1;
    }
    table
};

/// The class bits of one byte ([`ID_BYTE`], [`PORT_BYTE`], …).
#[inline]
pub(crate) fn byte_class(b: u8) -> u8 {
    CLASS[usize::from(b)]
}

/// The class bits all of `bytes` share (all bits set when empty).
///
/// Branch-free on purpose: no early exit, so the loop unrolls and costs the
/// same on random input (an early-exit search mispredicts on every ID).
#[inline]
pub(crate) fn common_class(bytes: &[u8]) -> u8 {
    let class = |all: u8, &b: &u8| all & CLASS[b as usize];
    // Eight bytes per step, fully unrolled.
    let mut chunks = bytes.chunks_exact(8);
    let all = (&mut chunks).fold(!0, |all, chunk| chunk.iter().fold(all, class));
    chunks.remainder().iter().fold(all, class)
}

/// [`common_class`] for short texts such as id parts (typically 5–20
/// bytes): the last 8 bytes stand for the remainder of the 8-byte chunks
/// (an AND is idempotent, so bytes read twice do no harm), so there is no
/// loop over a remainder, which cost as much as the chunks for 9–15 bytes.
/// (For the 36-byte head of a resume ID the remainder loop is cheaper.)
#[inline]
pub(crate) fn common_class_short(bytes: &[u8]) -> u8 {
    let class = |all: u8, &b: &u8| all & CLASS[b as usize];
    let Some(last) = bytes.len().checked_sub(8) else {
        return bytes.iter().fold(!0, class);
    };
    let tail = match <&[u8; 8]>::try_from(&bytes[last..]) {
        Ok(tail) => tail.iter().fold(!0, class),
        Err(_) => 0,
    };
    bytes
        .chunks_exact(8)
        .fold(tail, |all, chunk| chunk.iter().fold(all, class))
}

/// `a == b`, without a `memcmp` call up to 16 bytes (ids, ports): two
/// overlapping fixed-size loads from each side cover every byte.
#[inline]
pub(crate) fn short_eq(a: &[u8], b: &[u8]) -> bool {
    fn w4(s: &[u8], i: usize) -> Option<[u8; 4]> {
        s.get(i..i + 4).and_then(|w| w.try_into().ok())
    }
    fn w8(s: &[u8], i: usize) -> Option<[u8; 8]> {
        s.get(i..i + 8).and_then(|w| w.try_into().ok())
    }
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0 => true,
        1..=3 => a.first() == b.first() && a.get(n / 2) == b.get(n / 2) && a.last() == b.last(),
        4..=8 => w4(a, 0) == w4(b, 0) && w4(a, n - 4) == w4(b, n - 4),
        9..=16 => w8(a, 0) == w8(b, 0) && w8(a, n - 8) == w8(b, n - 8),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::String;

    #[test]
    fn find_byte_is_the_first_position() {
        let text = b"webhook_exec-1_wait_0123456789abcdefghjkmnpqrs?sig=x";
        for len in 0..text.len() {
            let hay = &text[..len];
            for needle in [b'?', b'w', b'_', b's', b'#', 0, 0xff] {
                assert_eq!(
                    find_byte(hay, needle),
                    hay.iter().position(|&b| b == needle),
                    "{len} {needle}"
                );
            }
        }
    }

    #[test]
    fn write_hex_is_lowercase_hex_of_each_byte() {
        let bytes: std::vec::Vec<u8> = (0..=255).collect();
        let want: String = bytes.iter().map(|b| std::format!("{b:02x}")).collect();
        let mut out = [0u8; 512];
        assert_eq!(write_hex(&bytes, &mut out), want);
        assert_eq!(write_hex(&[0xab, 0x01], &mut [0u8; 5]), "ab01");
    }

    #[test]
    fn ascii_eight_digits_are_the_zero_padded_decimal() {
        let edges = [0, 1, 9, 10, 99, 100, 9_999, 10_000, 10_001, 99_999_999];
        // A spread of 10 000 values natively; of 100 under Miri (slow).
        let step = if cfg!(miri) { 999_983 } else { 9_973 };
        let spread = (0..100_000_000u32).step_by(step);
        for x in edges.into_iter().chain(spread) {
            let want = std::format!("{x:08}");
            assert_eq!(&ascii_eight_digits(x), want.as_bytes(), "{x}");
        }
    }

    #[test]
    fn find_pair_is_the_first_pair() {
        // Single braces, pairs at every offset across the 8-byte windows,
        // and the byte one above the brace (a borrow would mark it).
        let text = "{a{|{{b}}{\"k\":{z{{x}}}}|{{";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let hay = &text[start..end];
                for c in [b'{', b'}', b'|'] {
                    let want = hay.as_bytes().windows(2).position(|w| w == [c, c]);
                    assert_eq!(find_pair(hay, c), want, "{hay:?} {}", c as char);
                }
            }
        }
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
    fn leading_digits_reads_the_digits_in_front() {
        for text in [
            "12345678", "1234567x", "0", "x1234567", "9876543", "00000001", "5", "",
        ] {
            let mut chunk = [b'.'; 8];
            chunk[..text.len()].copy_from_slice(text.as_bytes());
            let want = text.bytes().take_while(u8::is_ascii_digit).count();
            let (k, a) = leading_digits(chunk);
            assert_eq!(k, want, "{text:?}");
            if k > 0 {
                assert_eq!(front_digits(a, k), text[..k].parse::<u64>().unwrap());
            }
        }
        for (k, p) in POW10.iter().enumerate() {
            assert_eq!(*p, 10u64.pow(k as u32));
        }
    }

    #[test]
    fn class_table_agrees_with_the_predicates() {
        for b in 0..=255u8 {
            assert_eq!(byte_class(b) & ID_BYTE != 0, is_id_byte(b), "{b}");
            assert_eq!(
                byte_class(b) & PORT_BYTE != 0,
                b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_',
                "{b}"
            );
            assert_eq!(
                byte_class(b) & CROCKFORD_BYTE != 0,
                CROCKFORD.contains(&b),
                "{b}"
            );
        }
    }

    #[test]
    fn short_class_check_is_the_plain_one() {
        // Every length natively; under Miri (slow) the edges of the 8-byte
        // steps.
        let miri_lens = [0, 1, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 39];
        let all: [usize; 40] = core::array::from_fn(|i| i);
        let lens: &[usize] = if cfg!(miri) { &miri_lens } else { &all };
        for &len in lens {
            for at in 0..len {
                for bad in [b'.', 0u8, 0xff, b'/'] {
                    let mut buf = [b'a'; 40];
                    let b = &mut buf[..len];
                    b[at] = bad;
                    assert_eq!(common_class_short(b), common_class(b), "{len} {at}");
                    assert_eq!(common_class_short(b) & ID_BYTE, 0);
                }
            }
            let mut buf = [0u8; 40];
            for (i, c) in buf.iter_mut().enumerate() {
                *c = CROCKFORD[i % 32];
            }
            assert_eq!(common_class_short(&buf[..len]), common_class(&buf[..len]));
        }
    }

    #[test]
    fn short_eq_compares_every_byte() {
        let text = b"abcdefghijklmnopqrstuvwxyz0123456789";
        for n in 0..=20 {
            let a = &text[..n];
            assert!(short_eq(a, a));
            for i in 0..n {
                let mut b = a.to_vec();
                b[i] ^= 1;
                assert!(!short_eq(a, &b), "{n} {i}");
            }
            assert!(!short_eq(a, &text[..n + 1]));
        }
    }
}
