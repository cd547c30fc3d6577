//! The random tail of a resume ID: 128 bits of entropy as 26 lowercase
//! Crockford base32 characters.

use core::mem::MaybeUninit;

use super::RANDOM_LEN;
use crate::bytes::CROCKFORD;
use crate::error::{Error, Result};

/// Encode 128 bits (`hi` the most significant word) as 26 Crockford base32
/// characters, most significant first, into the first 26 bytes of an
/// 8-aligned 32-byte buffer (the rest stays `'0'`, see [`Tail::as_str`]).
///
/// Hand-written on purpose: the base32 crates either allocate or need a
/// macro crate for a custom alphabet. Two `u64` words instead of a `u128`
/// shift loop: every pair of characters is one constant shift of one word
/// (or two for the pair that straddles them), a mask and a table load, with
/// no loop and no dependency between pairs.
#[inline]
pub(crate) fn encode_tail(hi: u64, lo: u64) -> Tail {
    let mut out = Tail([b'0'; 32]);
    for (slot, v) in out.0.chunks_exact_mut(2).zip(tail_pairs(hi, lo)) {
        slot.copy_from_slice(&crockford_pair(v));
    }
    out
}

/// [`encode_tail`] straight into `out`.
#[inline(always)]
pub(super) fn encode_tail_into(hi: u64, lo: u64, out: &mut [MaybeUninit<u8>; RANDOM_LEN]) {
    for (slot, v) in out.chunks_exact_mut(2).zip(tail_pairs(hi, lo)) {
        let [a, b] = crockford_pair(v);
        slot[0] = MaybeUninit::new(a);
        slot[1] = MaybeUninit::new(b);
    }
}

/// The 13 values whose low 10 bits are the pairs of characters of the tail.
#[inline(always)]
fn tail_pairs(hi: u64, lo: u64) -> [u64; 13] {
    // 130 bits as 13 pairs of characters, pair k being bits
    // 120 - 10k .. 130 - 10k of the number: the first pair takes the top
    // 8 bits of `hi` (3 + 5), pair 6 straddles the words (bits 60..70),
    // the others are 10 bits of one word each.
    [
        hi >> 56,
        hi >> 46,
        hi >> 36,
        hi >> 26,
        hi >> 16,
        hi >> 6,
        (hi << 4) | (lo >> 60),
        lo >> 50,
        lo >> 40,
        lo >> 30,
        lo >> 20,
        lo >> 10,
        lo,
    ]
}

/// The two Crockford characters of the low 10 bits of `v`.
///
/// On 64-bit hosts one load from a 2 KiB table of all pairs (one load
/// instead of two, with their shifts and masks); elsewhere (microcontrollers,
/// where 2 KiB of flash counts) two loads from the 32-byte alphabet.
#[inline(always)]
fn crockford_pair(v: u64) -> [u8; 2] {
    #[cfg(target_pointer_width = "64")]
    {
        PAIRS[(v & 1023) as usize]
    }
    #[cfg(not(target_pointer_width = "64"))]
    {
        crockford_pair_compact(v)
    }
}

/// [`crockford_pair`] without the table of pairs.
#[cfg_attr(all(target_pointer_width = "64", not(test)), allow(dead_code))]
#[inline(always)]
fn crockford_pair_compact(v: u64) -> [u8; 2] {
    [
        CROCKFORD[((v >> 5) & 31) as usize],
        CROCKFORD[(v & 31) as usize],
    ]
}

/// Every pair of Crockford characters, indexed by its 10-bit value.
#[cfg(target_pointer_width = "64")]
static PAIRS: [[u8; 2]; 1024] = {
    let mut table = [[0u8; 2]; 1024];
    let mut i = 0;
    while i < 1024 {
        table[i] = [CROCKFORD[i >> 5], CROCKFORD[i & 31]];
        i += 1;
    }
    table
};

/// The two words of 16 entropy bytes, most significant first (the tail is
/// the big-endian number the bytes spell).
#[inline]
pub(crate) fn entropy_words(entropy: &[u8; 16]) -> (u64, u64) {
    let n = u128::from_be_bytes(*entropy);
    ((n >> 64) as u64, n as u64)
}

/// An encoded tail: 26 characters and 6 bytes of padding, on an 8-byte
/// boundary.
#[repr(C, align(8))]
pub(crate) struct Tail([u8; 32]);

impl Tail {
    /// The 26 characters as bytes (all ASCII).
    #[inline]
    pub(crate) fn digits(&self) -> &[u8] {
        &self.0[..RANDOM_LEN]
    }

    /// The 26 characters as text. Only the tail needs a UTF-8 check (the
    /// parts are `&str` already), made on the whole 8-aligned 32-byte
    /// buffer: `str::from_utf8` then takes it 16 bytes at a time instead of
    /// byte by byte.
    #[inline]
    pub(crate) fn as_str(&self) -> Result<&str> {
        match core::str::from_utf8(&self.0) {
            Ok(s) => Ok(&s[..RANDOM_LEN]),
            Err(_) => Err(Error::BadRandomTail),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::is_valid_tail;

    #[test]
    fn tail_encodes_extremes() {
        let enc = |e: &[u8; 16]| {
            let (hi, lo) = entropy_words(e);
            encode_tail(hi, lo).0
        };
        assert_eq!(&enc(&[0; 16])[..RANDOM_LEN], b"00000000000000000000000000");
        assert_eq!(
            &enc(&[0xff; 16])[..RANDOM_LEN],
            b"7zzzzzzzzzzzzzzzzzzzzzzzzz"
        );
        assert!(is_valid_tail(&enc(&[0xa5; 16])[..RANDOM_LEN]));
        assert!(!is_valid_tail(b"8zzzzzzzzzzzzzzzzzzzzzzzzz"));
    }

    #[test]
    fn tail_is_the_u128_shift_loop() {
        // The two-word encoding against the plain loop over a `u128`.
        let mut x = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210u128;
        // 2 000 values natively; 100 under Miri (slow).
        let rounds = if cfg!(miri) { 100 } else { 2000 };
        for _ in 0..rounds {
            x = x
                .wrapping_mul(0x2545_f491_4f6c_dd1d_9e37_79b9_7f4a_7c15)
                .wrapping_add(1);
            let mut n = x;
            let mut want = [0u8; RANDOM_LEN];
            for slot in want.iter_mut().rev() {
                *slot = CROCKFORD[(n & 31) as usize];
                n >>= 5;
            }
            let (hi, lo) = entropy_words(&x.to_be_bytes());
            assert_eq!(&encode_tail(hi, lo).0[..RANDOM_LEN], &want);
        }
    }

    #[test]
    fn pair_table_is_two_characters() {
        for v in 0..4096u64 {
            assert_eq!(crockford_pair(v), crockford_pair_compact(v));
        }
    }
}
