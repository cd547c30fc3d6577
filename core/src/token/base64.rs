//! Base64 (RFC 4648) of MACs and secrets: the standard alphabet with `=`
//! padding (Standard Webhooks) and the URL-safe one without (the `sig` of
//! a resume URL). Decoding is strict, so every value has one spelling:
//! padding exactly as the alphabet's form needs it, no other characters,
//! and no bits to spare set in the last character.
//!
//! Written here rather than taken from a crate: the texts are short (at
//! most 92 characters), while the `base64` crate's engine is about 3 KiB of
//! unrolled code on a microcontroller, and the small constant-time crates
//! tried were larger still or several times slower on the path of every
//! signed request. The tests check it against the `base64` crate.

/// Which of the two forms.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "standard-webhooks"), allow(dead_code))]
pub(crate) enum Form {
    /// Standard alphabet (`+`, `/`), padded with `=`.
    Standard,
    /// URL-safe alphabet (`-`, `_`), no padding.
    UrlUnpadded,
}

/// Why a text did not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bad {
    /// Its bytes do not fit the buffer.
    TooLong,
    /// It is not base64 of the form asked for.
    Malformed,
}

/// The characters of the 64 values, in each form's alphabet.
const fn alphabet(form: Form) -> [u8; 64] {
    let mut a = [0u8; 64];
    let mut v = 0;
    while v < 64 {
        a[v] = match v as u8 {
            x @ 0..=25 => b'A' + x,
            x @ 26..=51 => b'a' + (x - 26),
            x @ 52..=61 => b'0' + (x - 52),
            62 => match form {
                Form::Standard => b'+',
                Form::UrlUnpadded => b'-',
            },
            _ => match form {
                Form::Standard => b'/',
                Form::UrlUnpadded => b'_',
            },
        };
        v += 1;
    }
    a
}

const STANDARD: [u8; 64] = alphabet(Form::Standard);
const URL: [u8; 64] = alphabet(Form::UrlUnpadded);

/// Marks a character of the standard alphabet only (`+`, `/`).
const STANDARD_ONLY: u8 = 0x40;
/// Marks a character of the URL-safe alphabet only (`-`, `_`).
const URL_ONLY: u8 = 0x80;
/// A character of neither alphabet: both marks.
const NEITHER: u8 = 0xff;

/// The value of every ASCII character in both alphabets, with the marks
/// of the characters only one of them has.
const VALUES: [u8; 128] = {
    let mut t = [NEITHER; 128];
    let mut v = 0;
    while v < 64 {
        t[STANDARD[v] as usize] = v as u8;
        if STANDARD[v] != URL[v] {
            t[STANDARD[v] as usize] |= STANDARD_ONLY;
            t[URL[v] as usize] = v as u8 | URL_ONLY;
        }
        v += 1;
    }
    t
};

impl Form {
    fn alphabet(self) -> &'static [u8; 64] {
        match self {
            Form::Standard => &STANDARD,
            Form::UrlUnpadded => &URL,
        }
    }

    /// The marks of characters this form does not have.
    fn foreign(self) -> u8 {
        match self {
            Form::Standard => URL_ONLY,
            Form::UrlUnpadded => STANDARD_ONLY,
        }
    }
}

/// Encode `bytes` into `out`; returns the length written. `out` must have
/// room for it (4 characters for every 3 bytes, a partial group rounded up
/// to 4 when padded, else to 2 or 3); what does not fit is left out.
pub(crate) fn encode(bytes: &[u8], form: Form, out: &mut [u8]) -> usize {
    let abc = form.alphabet();
    let mut len = 0;
    let mut put = |c: u8| {
        if let Some(d) = out.get_mut(len) {
            *d = c;
        }
        len += 1;
    };
    // Bits above the ones still to write are shifted out of the u32.
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = acc << 8 | u32::from(b);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            put(abc[(acc >> bits) as usize & 63]);
        }
    }
    if bits > 0 {
        put(abc[(acc << (6 - bits)) as usize & 63]);
    }
    if let Form::Standard = form {
        for _ in 0..(3 - bytes.len() % 3) % 3 {
            put(b'=');
        }
    }
    len
}

/// Decode `text` of `form` into `out`; the bytes, or why not. Whether its
/// bytes fit is judged by its length, before its characters.
pub(crate) fn decode<'o>(text: &str, form: Form, out: &'o mut [u8]) -> Result<&'o [u8], Bad> {
    let t = text.as_bytes();
    let body = match form {
        Form::Standard => {
            if t.len() % 4 != 0 {
                return Err(Bad::Malformed);
            }
            // One or two `=` end the text; any other `=` is refused below.
            let pads = t.iter().rev().take(2).take_while(|&&c| c == b'=').count();
            &t[..t.len() - pads]
        }
        Form::UrlUnpadded => t,
    };
    // A last group of one character carries no whole byte.
    if body.len() % 4 == 1 {
        return Err(Bad::Malformed);
    }
    let n = body.len() / 4 * 3 + (body.len() % 4).saturating_sub(1);
    let out = out.get_mut(..n).ok_or(Bad::TooLong)?;
    let foreign = form.foreign();
    let value = |c: &u8| *VALUES.get(usize::from(*c)).unwrap_or(&NEITHER);
    let mut groups = body.chunks_exact(4);
    let mut dsts = out.chunks_exact_mut(3);
    for (g, d) in (&mut groups).zip(&mut dsts) {
        let v = [value(&g[0]), value(&g[1]), value(&g[2]), value(&g[3])];
        if (v[0] | v[1] | v[2] | v[3]) & foreign != 0 {
            return Err(Bad::Malformed);
        }
        let n = u32::from(v[0] & 63) << 18
            | u32::from(v[1] & 63) << 12
            | u32::from(v[2] & 63) << 6
            | u32::from(v[3] & 63);
        d.copy_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
    // A last group of 2 or 3 characters: 1 or 2 bytes, and the bits it has
    // to spare must be zero, so every value has one spelling.
    let (mut n, mut marks) = (0u32, 0u8);
    for (i, c) in groups.remainder().iter().enumerate() {
        let v = value(c);
        marks |= v;
        n |= u32::from(v & 63) << (18 - 6 * i);
    }
    let d = dsts.into_remainder();
    if marks & foreign != 0 || n & (0xff_ffff >> (8 * d.len())) != 0 {
        return Err(Bad::Malformed);
    }
    for (i, b) in d.iter_mut().enumerate() {
        *b = (n >> (16 - 8 * i)) as u8;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(bytes: &[u8], form: Form) -> heapless::String<128> {
        let mut out = [0u8; 128];
        let n = encode(bytes, form, &mut out);
        let mut s = heapless::String::new();
        s.push_str(core::str::from_utf8(&out[..n]).unwrap())
            .unwrap();
        s
    }

    #[test]
    fn rfc_4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, b64) in vectors {
            assert_eq!(enc(plain.as_bytes(), Form::Standard), b64);
            let unpadded = b64.trim_end_matches('=');
            assert_eq!(enc(plain.as_bytes(), Form::UrlUnpadded), unpadded);
            let mut buf = [0u8; 8];
            assert_eq!(decode(b64, Form::Standard, &mut buf), Ok(plain.as_bytes()));
            assert_eq!(
                decode(unpadded, Form::UrlUnpadded, &mut buf),
                Ok(plain.as_bytes())
            );
        }
    }

    #[test]
    fn alphabets_and_strictness() {
        let bytes = [0xfb, 0xff, 0xbf];
        assert_eq!(enc(&bytes, Form::Standard), "+/+/");
        assert_eq!(enc(&bytes, Form::UrlUnpadded), "-_-_");
        let mut buf = [0u8; 8];
        for (text, form) in [
            ("-_-_", Form::Standard),
            ("+/+/", Form::UrlUnpadded),
            ("Zg", Form::Standard),
            ("Zg=", Form::Standard),
            ("Zg===", Form::Standard),
            ("Zh==", Form::Standard),
            ("Zg==", Form::UrlUnpadded),
            ("Zh", Form::UrlUnpadded),
            ("Z", Form::UrlUnpadded),
            ("Z===", Form::Standard),
            ("Zm=v", Form::Standard),
            ("====", Form::Standard),
            ("Zm9v\n", Form::UrlUnpadded),
        ] {
            assert_eq!(decode(text, form, &mut buf), Err(Bad::Malformed), "{text}");
        }
        assert_eq!(
            decode("Zm9vYmFy", Form::Standard, &mut buf[..5]),
            Err(Bad::TooLong)
        );
    }
}
