//! The detail message of a failed call. The std build keeps it in a
//! `String`; the no_std build (no heap) in a fixed buffer of
//! `PRANA_ERROR_BUF_SIZE - 1` bytes that still counts the full length, so a
//! cut message is visible in `prana_error.message_len`.

#[cfg(feature = "std")]
mod imp {
    use std::string::{String, ToString};

    /// A detail message.
    pub(crate) type Message = String;

    /// Format `text` into a message.
    pub(crate) fn make(text: impl core::fmt::Display) -> Message {
        text.to_string()
    }

    /// The length of the whole message, before any cut.
    pub(crate) fn full_len(m: &Message) -> usize {
        m.len()
    }
}

#[cfg(not(feature = "std"))]
mod imp {
    use core::fmt::{self, Write};

    use crate::status::PRANA_ERROR_BUF_SIZE;

    const CAP: usize = PRANA_ERROR_BUF_SIZE - 1;

    /// A detail message, cut at a character boundary to `CAP` bytes.
    #[derive(Debug)]
    pub(crate) struct Message {
        buf: [u8; CAP],
        /// Bytes stored (a character boundary).
        len: usize,
        /// Bytes the whole message has.
        full: usize,
        /// Whether text was dropped (then later text is only counted).
        cut: bool,
    }

    impl Message {
        /// The stored text.
        pub(crate) fn as_str(&self) -> &str {
            core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
        }
    }

    impl fmt::Display for Message {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.as_str())
        }
    }

    impl core::ops::Deref for Message {
        type Target = str;
        fn deref(&self) -> &str {
            self.as_str()
        }
    }

    impl Write for Message {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.full = self.full.saturating_add(s.len());
            if self.cut {
                return Ok(());
            }
            let mut n = s.len().min(CAP - self.len);
            while !s.is_char_boundary(n) {
                n -= 1;
            }
            self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
            self.len += n;
            self.cut = n < s.len();
            Ok(())
        }
    }

    /// Format `text` into a message (cut when longer than the buffer).
    pub(crate) fn make(text: impl fmt::Display) -> Message {
        let mut m = Message {
            buf: [0; CAP],
            len: 0,
            full: 0,
            cut: false,
        };
        let _ = write!(m, "{text}");
        m
    }

    /// The length of the whole message, before any cut.
    pub(crate) fn full_len(m: &Message) -> usize {
        m.full
    }
}

pub(crate) use imp::{full_len, make, Message};
