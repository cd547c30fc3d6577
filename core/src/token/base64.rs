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

/// The character of a 6-bit value.
fn char_of(v: u32, form: Form) -> u8 {
    let v = (v & 63) as u8;
    match (v, form) {
        (0..=25, _) => b'A' + v,
        (26..=51, _) => b'a' + (v - 26),
        (52..=61, _) => b'0' + (v - 52),
        (62, Form::Standard) => b'+',
        (62, Form::UrlUnpadded) => b'-',
        (_, Form::Standard) => b'/',
        (_, Form::UrlUnpadded) => b'_',
    }
}

/// The 6-bit value of a character, if the form's alphabet has it.
fn value_of(c: u8, form: Form) -> Option<u32> {
    let v = match (c, form) {
        (b'A'..=b'Z', _) => c - b'A',
        (b'a'..=b'z', _) => c - b'a' + 26,
        (b'0'..=b'9', _) => c - b'0' + 52,
        (b'+', Form::Standard) | (b'-', Form::UrlUnpadded) => 62,
        (b'/', Form::Standard) | (b'_', Form::UrlUnpadded) => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Encode `bytes` into `out`; returns the length written. `out` must have
/// room for it (4 characters for every 3 bytes, a partial group rounded up
/// to 4 when padded, else to 2 or 3); what does not fit is left out.
pub(crate) fn encode(bytes: &[u8], form: Form, out: &mut [u8]) -> usize {
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
            put(char_of(acc >> bits, form));
        }
    }
    if bits > 0 {
        put(char_of(acc << (6 - bits), form));
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
    let mut bytes = out.iter_mut();
    // Bits above the ones still to read are shifted out of the u32.
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in body {
        acc = acc << 6 | value_of(c, form).ok_or(Bad::Malformed)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            if let Some(b) = bytes.next() {
                *b = (acc >> bits) as u8;
            }
        }
    }
    // The bits the last character has to spare must be zero, so every
    // value has one spelling.
    if acc & ((1 << bits) - 1) != 0 {
        return Err(Bad::Malformed);
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
