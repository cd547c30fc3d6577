//! Byte-level text checks of the C ABI, in one place: the one-pass
//! "ASCII without NUL" test that lets nearly every text argument skip the
//! full UTF-8 check and NUL search, and the only `&[u8]` → `&str`
//! conversion of the crate that skips the standard UTF-8 check.
//!
//! Why the code looks like this (and the measurements behind it) is in
//! `benches/README.md`, "Why the code looks like this".

/// `b` as text when every byte is in `0x01..=0x7F` (ASCII without NUL),
/// else `None` (the caller then runs the full checks for the error).
#[inline]
pub(crate) fn ascii_str(b: &[u8]) -> Option<&str> {
    if !is_ascii_without_nul(b) {
        return None;
    }
    // SAFETY: every byte of `b` is below 0x80 (checked just above), and a
    // sequence of ASCII bytes is valid UTF-8. `core::str::from_utf8` would
    // scan the bytes a second time to learn the same thing.
    Some(unsafe { core::str::from_utf8_unchecked(b) })
}

/// Whether every byte is in `0x01..=0x7F`: ASCII (so valid UTF-8) without
/// NUL, which is nearly all text a host passes; one pass instead of a UTF-8
/// check and a NUL search. `c | (c - 1)` (wrapping) has its high bit set
/// exactly for 0x00 (giving 0xFF) and for bytes >= 0x80.
pub(crate) fn is_ascii_without_nul(b: &[u8]) -> bool {
    match b.len() {
        0..=7 => b.iter().fold(0u8, |acc, &c| acc | c | c.wrapping_sub(1)) < 0x80,
        // Two overlapping words cover 8..=16 bytes (testing some bytes
        // twice is harmless), as most ids and methods are: two steps
        // instead of a loop over the bytes.
        8..=16 => (word_flags(&b[..8]) | word_flags(&b[b.len() - 8..])) & WORD_HIGH == 0,
        _ => is_ascii_without_nul_wide(b),
    }
}

/// The high bit of each byte of a word.
const WORD_HIGH: u64 = u64::from_ne_bytes([0x80; 8]);

/// The flag bits of an 8-byte word, `w | (w - 0x0101…)`: a byte's high
/// bit is set for 0x00 and for bytes >= 0x80. In a word a borrow crosses
/// into the next byte only from a 0x00 byte, which is flagged itself, so
/// the word test is exact.
fn word_flags(w: &[u8]) -> u64 {
    let w = u64::from_ne_bytes(w.try_into().unwrap_or([0; 8]));
    w | w.wrapping_sub(u64::from_ne_bytes([0x01; 8]))
}

/// [`is_ascii_without_nul`] for 16 bytes or more on x86-64: 16 byte lanes
/// per SSE2 step (load, subtract, two ORs) instead of 8 per word. The last
/// 16 bytes cover the remainder of the 16-byte chunks (testing some bytes
/// twice is harmless). Written with intrinsics because the compiler
/// vectorizes the plain loop across chunks instead, which is much longer.
#[cfg(target_arch = "x86_64")]
fn is_ascii_without_nul_wide(b: &[u8]) -> bool {
    use core::arch::x86_64::{
        __m128i, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_sub_epi8,
    };
    debug_assert!(b.len() >= 16);
    let load = |chunk: &[u8]| -> __m128i {
        debug_assert_eq!(chunk.len(), 16);
        // SAFETY: `chunk` has 16 readable bytes (every caller below slices
        // exactly 16), and `_mm_loadu_si128` has no alignment requirement.
        // SSE2 is part of the x86-64 baseline.
        unsafe { _mm_loadu_si128(chunk.as_ptr().cast::<__m128i>()) }
    };
    // SAFETY: only SSE2 register operations, which every x86-64 CPU has;
    // the loads are in `load` above.
    unsafe {
        let ones = _mm_set1_epi8(1);
        let last = load(&b[b.len() - 16..]);
        let mut acc = _mm_or_si128(last, _mm_sub_epi8(last, ones));
        for chunk in b.chunks_exact(16) {
            let v = load(chunk);
            acc = _mm_or_si128(acc, _mm_or_si128(v, _mm_sub_epi8(v, ones)));
        }
        _mm_movemask_epi8(acc) == 0
    }
}

/// [`is_ascii_without_nul`] for 16 bytes or more elsewhere: 8-byte words
/// ([`word_flags`]); the last 8 bytes cover the remainder of the chunks.
#[cfg(not(target_arch = "x86_64"))]
fn is_ascii_without_nul_wide(b: &[u8]) -> bool {
    let last = word_flags(&b[b.len() - 8..]);
    b.chunks_exact(8).fold(last, |acc, w| acc | word_flags(w)) & WORD_HIGH == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_check_flags_exactly_nul_and_high_bytes() {
        for len in 0..40 {
            for at in 0..len {
                for bad in [0x00u8, 0x80, 0xC3, 0xFF] {
                    let mut b = vec![b'a'; len];
                    b[at] = bad;
                    assert!(!is_ascii_without_nul(&b), "len {len} at {at} byte {bad:#x}");
                    assert_eq!(ascii_str(&b), None);
                }
                let mut b = vec![0x7Fu8; len];
                b[at] = 0x01;
                assert!(is_ascii_without_nul(&b));
            }
            let z = vec![b'z'; len];
            assert!(is_ascii_without_nul(&z));
            assert_eq!(ascii_str(&z).map(str::len), Some(len));
        }
    }
}
