//! Byte-level text checks and copies of the C ABI, in one place: the
//! one-pass "ASCII without NUL" test that lets nearly every text argument
//! skip the full UTF-8 check and NUL search, the only `&[u8]` → `&str`
//! conversion of the crate that skips the standard UTF-8 check, and the
//! inline copy of short pieces into caller buffers.
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
#[inline]
pub(crate) fn is_ascii_without_nul(b: &[u8]) -> bool {
    // Longest first: a URL or target takes one test to its loop.
    match b.len() {
        17.. => is_ascii_without_nul_wide(b),
        // Two overlapping words for 8..=16 bytes (most ids), and two
        // half words for 4..=7 (methods such as "POST"): two steps instead
        // of a loop over the bytes (testing some bytes twice is harmless).
        8.. => (word_flags(&b[..8]) | word_flags(&b[b.len() - 8..])) & WORD_HIGH == 0,
        4.. => (half_word_flags(&b[..4]) | half_word_flags(&b[b.len() - 4..])) & HALF_HIGH == 0,
        _ => b.iter().fold(0u8, |acc, &c| acc | c | c.wrapping_sub(1)) < 0x80,
    }
}

/// The high bit of each byte of a word.
const WORD_HIGH: u64 = u64::from_ne_bytes([0x80; 8]);

/// The high bit of each byte of a half word.
const HALF_HIGH: u32 = u32::from_ne_bytes([0x80; 4]);

/// [`word_flags`] of a 4-byte half word.
fn half_word_flags(w: &[u8]) -> u32 {
    let w = u32::from_ne_bytes(w.try_into().unwrap_or([0; 4]));
    w | w.wrapping_sub(u32::from_ne_bytes([0x01; 4]))
}

/// The flag bits of an 8-byte word, `w | (w - 0x0101…)`: a byte's high
/// bit is set for 0x00 and for bytes >= 0x80. In a word a borrow crosses
/// into the next byte only from a 0x00 byte, which is flagged itself, so
/// the word test is exact.
fn word_flags(w: &[u8]) -> u64 {
    let w = u64::from_ne_bytes(w.try_into().unwrap_or([0; 8]));
    w | w.wrapping_sub(u64::from_ne_bytes([0x01; 8]))
}

/// [`is_ascii_without_nul`] for 16 bytes or more on x86-64: 16 byte lanes
/// per SSE2 step, kept in two independent accumulators: the unsigned byte
/// minimum (a NUL makes a lane 0) and the OR (a byte >= 0x80 sets a lane's
/// high bit); one load, one `pminub` and one `por` per step. Up to 128
/// bytes (request targets, URLs, IDs) take a fixed number of steps without
/// a loop: the first and the last 16, 32 or 64 bytes, which overlap to
/// cover the whole text (testing some bytes twice is harmless). Longer
/// text loops over 16-byte chunks, the last 16 bytes covering the rest.
/// Written with intrinsics because the compiler vectorizes a plain loop
/// across chunks instead, which is much longer.
///
/// Out of line: every text argument inlines the short cases above, and
/// this body is too long to repeat at each.
#[cfg(target_arch = "x86_64")]
#[inline(never)]
fn is_ascii_without_nul_wide(b: &[u8]) -> bool {
    use core::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_setzero_si128};
    debug_assert!(b.len() >= 16);
    let n = b.len();
    let mut acc = Lanes::new(b);
    match n {
        16..=32 => acc.ends::<16>(b),
        33..=64 => acc.ends::<32>(b),
        65..=128 => acc.ends::<64>(b),
        _ => {
            for at in (0..n - 15).step_by(16) {
                acc.add(b, at);
            }
            acc.add(b, n - 16);
        }
    }
    // SAFETY: only SSE2 register operations, which every x86-64 CPU has.
    unsafe {
        // A lane's high bit: 0xFF where the minimum is 0 (a NUL), or a
        // byte >= 0x80 somewhere in that lane.
        let flags = _mm_or_si128(_mm_cmpeq_epi8(acc.min, _mm_setzero_si128()), acc.or);
        _mm_movemask_epi8(flags) == 0
    }
}

/// The two accumulators of [`is_ascii_without_nul_wide`].
#[cfg(target_arch = "x86_64")]
struct Lanes {
    min: core::arch::x86_64::__m128i,
    or: core::arch::x86_64::__m128i,
}

#[cfg(target_arch = "x86_64")]
impl Lanes {
    /// Start from the first 16 bytes of `b` (at least 16).
    #[inline(always)]
    fn new(b: &[u8]) -> Lanes {
        let v = Lanes::load(b, 0);
        Lanes { min: v, or: v }
    }

    /// The 16 bytes of `b` at `at`.
    #[inline(always)]
    fn load(b: &[u8], at: usize) -> core::arch::x86_64::__m128i {
        let chunk = &b[at..at + 16];
        // SAFETY: `chunk` has 16 readable bytes (sliced just above), and
        // `_mm_loadu_si128` has no alignment requirement. SSE2 is part of
        // the x86-64 baseline.
        unsafe { core::arch::x86_64::_mm_loadu_si128(chunk.as_ptr().cast()) }
    }

    /// Take in the 16 bytes of `b` at `at`.
    #[inline(always)]
    fn add(&mut self, b: &[u8], at: usize) {
        use core::arch::x86_64::{_mm_min_epu8, _mm_or_si128};
        let v = Lanes::load(b, at);
        // SAFETY: SSE2 register operations (x86-64 baseline).
        unsafe {
            self.min = _mm_min_epu8(self.min, v);
            self.or = _mm_or_si128(self.or, v);
        }
    }

    /// Take in the first and the last `HALF` bytes of `b`, which together
    /// cover it when `HALF <= b.len() <= 2 * HALF`.
    #[inline(always)]
    fn ends<const HALF: usize>(&mut self, b: &[u8]) {
        let tail = b.len() - HALF;
        for at in (0..HALF).step_by(16) {
            self.add(b, at);
            self.add(b, tail + at);
        }
    }
}

/// [`is_ascii_without_nul`] for 16 bytes or more elsewhere: 8-byte words
/// ([`word_flags`]); the last 8 bytes cover the remainder of the chunks.
#[cfg(not(target_arch = "x86_64"))]
fn is_ascii_without_nul_wide(b: &[u8]) -> bool {
    let last = word_flags(&b[b.len() - 8..]);
    b.chunks_exact(8).fold(last, |acc, w| acc | word_flags(w)) & WORD_HIGH == 0
}

/// 16 bytes in one register: an SSE2 vector on x86-64, where a constant
/// piece then loads from memory in one instruction (as `u128` it takes two
/// 8-byte immediates per half).
#[cfg(target_arch = "x86_64")]
type Chunk16 = core::arch::x86_64::__m128i;
/// 16 bytes in registers.
#[cfg(not(target_arch = "x86_64"))]
type Chunk16 = u128;

/// The `T` at `p`, which may be unaligned.
///
/// # Safety
///
/// `p` is readable for `size_of::<T>()` bytes holding a valid `T`.
#[inline(always)]
unsafe fn load<T>(p: *const u8) -> T {
    // SAFETY: the caller's readable bytes; no alignment needed.
    unsafe { p.cast::<T>().read_unaligned() }
}

/// Store `v` at `p`, which may be unaligned.
///
/// # Safety
///
/// `p` is writable for `size_of::<T>()` bytes.
#[inline(always)]
unsafe fn store<T>(p: *mut u8, v: T) {
    // SAFETY: the caller's writable bytes; no alignment needed.
    unsafe { p.cast::<T>().write_unaligned(v) }
}

/// Copy `n` bytes from `src` to `dst` as `memmove` does (the two may
/// overlap), inline for up to 64 bytes: each size class loads the bytes
/// into registers first (two or four overlapping words that cover them),
/// then stores them, so an overlap does no harm. For the short, variable
/// pieces of URLs and IDs: a `memmove` call costs more than the copy.
/// Longer copies call `core::ptr::copy`.
///
/// # Safety
///
/// `src` is readable and `dst` writable for `n` bytes.
#[inline(always)]
pub(crate) unsafe fn copy_bytes(src: *const u8, dst: *mut u8, n: usize) {
    /// The first and the last word, which cover `size_of::<T>()..=2 *
    /// size_of::<T>()` bytes.
    #[inline(always)]
    unsafe fn ends<T>(src: *const u8, dst: *mut u8, n: usize) {
        let w = core::mem::size_of::<T>();
        // SAFETY: `w <= n`, so both words lie inside the caller's bytes.
        unsafe {
            let (a, b) = (load::<T>(src), load::<T>(src.add(n - w)));
            store(dst, a);
            store(dst.add(n - w), b);
        }
    }
    // SAFETY: every case reads and writes inside the `n` bytes (the
    // function's contract), all loads before the stores. Longer pieces
    // (IDs, bases) are tested first, with few tests each.
    unsafe {
        if n > 16 {
            if n <= 32 {
                ends::<Chunk16>(src, dst, n);
            } else {
                copy_long(src, dst, n);
            }
        } else if n >= 8 {
            ends::<u64>(src, dst, n);
        } else if n >= 4 {
            ends::<u32>(src, dst, n);
        } else if n > 0 {
            let (a, b, c) = (*src, *src.add(n / 2), *src.add(n - 1));
            *dst = a;
            *dst.add(n / 2) = b;
            *dst.add(n - 1) = c;
        }
    }
}

/// [`copy_bytes`] for more than 32 bytes, as a resume ID always is (at
/// least 38): one size test instead of three.
///
/// # Safety
///
/// As [`copy_bytes`], and `n > 32`.
#[inline(always)]
pub(crate) unsafe fn copy_long(src: *const u8, dst: *mut u8, n: usize) {
    debug_assert!(n > 32);
    // SAFETY: `32 < n <= 64`: the first and the last 32 bytes lie inside
    // the `n` bytes and cover them, all loaded before the first store.
    // Longer: `core::ptr::copy`, a `memmove`.
    unsafe {
        if n <= 64 {
            let (a, b) = (load::<Chunk16>(src), load::<Chunk16>(src.add(16)));
            let (c, d) = (
                load::<Chunk16>(src.add(n - 32)),
                load::<Chunk16>(src.add(n - 16)),
            );
            store(dst, a);
            store(dst.add(16), b);
            store(dst.add(n - 32), c);
            store(dst.add(n - 16), d);
        } else {
            core::ptr::copy(src, dst, n);
        }
    }
}

/// [`copy_bytes`] of all of `piece` to `at`; returns where it ends.
///
/// # Safety
///
/// `at` is writable for `piece.len()` bytes.
#[inline(always)]
pub(crate) unsafe fn put_bytes(at: *mut u8, piece: &[u8]) -> *mut u8 {
    // SAFETY: the function's contract.
    unsafe {
        copy_bytes(piece.as_ptr(), at, piece.len());
        at.add(piece.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every length of each size class and past it, apart and
    /// overlapping either way, against `copy_within` (a `memmove`).
    #[test]
    fn copy_bytes_moves_like_memmove() {
        // Every length and shift natively; under Miri (slow) the edges of
        // each size class and a few shifts each way.
        let (lens, shifts): (Vec<usize>, Vec<isize>) = if cfg!(miri) {
            (
                vec![0, 1, 2, 3, 4, 7, 8, 9, 16, 17, 32, 33, 38, 64, 65, 140],
                vec![-40, -17, -1, 0, 1, 16, 40],
            )
        } else {
            ((0..=140).collect(), (-40..=40).collect())
        };
        let base: Vec<u8> = (0..=255).cycle().take(400).collect();
        for &n in &lens {
            for &shift in &shifts {
                let mut got = base.clone();
                let mut want = got.clone();
                let (src, dst) = (100, (100 + shift) as usize);
                want.copy_within(src..src + n, dst);
                let p = got.as_mut_ptr();
                // SAFETY: both ranges lie inside the 400 bytes of `got`.
                unsafe { copy_bytes(p.add(src), p.add(dst), n) };
                assert_eq!(got, want, "length {n}, shift {shift}");
            }
        }
    }

    #[test]
    fn ascii_check_flags_exactly_nul_and_high_bytes() {
        // Every length natively; under Miri (slow) the edges of each size
        // class of the check (4, 8, 16, 32, 64 and 128 bytes).
        let lens: Vec<usize> = if cfg!(miri) {
            vec![
                0, 1, 3, 4, 5, 7, 8, 9, 16, 17, 32, 33, 64, 65, 128, 129, 149,
            ]
        } else {
            (0..150).collect()
        };
        for len in lens {
            let mut b = vec![b'a'; len];
            let mut high = vec![0x7Fu8; len];
            for at in 0..len {
                for bad in [0x00u8, 0x80, 0xC3, 0xFF] {
                    b[at] = bad;
                    assert!(!is_ascii_without_nul(&b), "len {len} at {at} byte {bad:#x}");
                    assert_eq!(ascii_str(&b), None);
                }
                b[at] = b'a';
                high[at] = 0x01;
                assert!(is_ascii_without_nul(&high));
                high[at] = 0x7F;
            }
            assert!(is_ascii_without_nul(&b));
            assert_eq!(ascii_str(&b).map(str::len), Some(len));
        }
    }
}
