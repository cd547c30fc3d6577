//! 64-bit division by a 32-bit divisor. On 32-bit targets (the
//! microcontrollers) the compiler turns a 64-bit division by a constant
//! into a call of its general 64-bit routine, about 1 KiB of code; this
//! divides in 32-bit steps instead. 64-bit targets divide natively.

/// `(x / d, x % d)` for a divisor `d` in `1..2^31`.
#[inline]
pub(crate) const fn div_rem(x: u64, d: u32) -> (u64, u32) {
    #[cfg(target_pointer_width = "64")]
    {
        (x / d as u64, (x % d as u64) as u32)
    }
    #[cfg(not(target_pointer_width = "64"))]
    {
        div_rem_steps(x, d)
    }
}

/// Long division in steps of as many bits as `d` leaves free in 32: the
/// remainder so far (below `d`) and the next bits of `x` then fit a `u32`.
#[cfg_attr(target_pointer_width = "64", allow(dead_code))]
const fn div_rem_steps(x: u64, d: u32) -> (u64, u32) {
    let step = d.leading_zeros();
    let (mut q, mut r, mut left) = (0u64, 0u32, 64u32);
    while left > 0 {
        let take = if step < left { step } else { left };
        left -= take;
        let bits = ((x >> left) & ((1u64 << take) - 1)) as u32;
        let cur = (r << take) | bits;
        q = (q << take) | (cur / d) as u64;
        r = cur % d;
    }
    (q, r)
}

/// `(x.div_euclid(d), x.rem_euclid(d))` for a divisor `d` in `2..2^31`.
#[cfg_attr(not(feature = "schedule"), allow(dead_code))]
#[inline]
pub(crate) const fn div_rem_euclid(x: i64, d: u32) -> (i64, u32) {
    let (q, r) = div_rem(x.unsigned_abs(), d);
    if x >= 0 {
        (q as i64, r)
    } else if r == 0 {
        ((q as i64).wrapping_neg(), 0)
    } else {
        (-(q as i64) - 1, d - r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const XS: [u64; 12] = [
        0,
        1,
        9,
        99_999_999,
        100_000_000,
        86_399_999,
        1_751_430_600_250,
        u32::MAX as u64,
        u32::MAX as u64 + 1,
        i64::MAX as u64,
        i64::MAX as u64 + 1,
        u64::MAX,
    ];
    const DS: [u32; 8] = [
        1,
        2,
        3,
        400,
        146_097,
        86_400_000,
        100_000_000,
        (1 << 31) - 1,
    ];

    #[test]
    fn steps_divide_as_u64_does() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for i in 0..2000 {
            // The edge values, then a pseudo-random walk over all sizes.
            x = x.rotate_left(7) ^ (x >> 3).wrapping_mul(0x2545_f491_4f6c_dd1d);
            let x = XS.get(i).copied().unwrap_or(x >> (i % 64));
            for d in DS {
                let want = (x / u64::from(d), (x % u64::from(d)) as u32);
                assert_eq!(div_rem_steps(x, d), want, "{x} / {d}");
                assert_eq!(div_rem(x, d), want, "{x} / {d}");
            }
        }
    }

    #[test]
    fn euclid_as_i64_does() {
        for x in XS
            .iter()
            .map(|&x| x as i64)
            .chain([-1, -400, -401, i64::MIN, i64::MIN + 1])
        {
            for d in DS.into_iter().filter(|&d| d > 1) {
                let want = (
                    x.div_euclid(i64::from(d)),
                    x.rem_euclid(i64::from(d)) as u32,
                );
                assert_eq!(div_rem_euclid(x, d), want, "{x} / {d}");
            }
        }
    }
}
