//! Raw JSON values: find and validate the span of a value without parsing
//! it into a structure. The library's only JSON reader and writer.
//!
//! Opaque objects (a registration's `webhook_config`, node `params`, resume
//! payloads) are kept as validated JSON text, found with this strict
//! scanner; documents of a known shape (workflows, the execution state,
//! registration rows) are read member by member with the same rules. It
//! follows RFC 8259 (strings with escapes, numbers, literals, nesting up to
//! [`MAX_DEPTH`]).
//!
//! Node handlers get their params and input as such text, so the module also
//! has what a handler needs to read it: [`find_member`], [`decode_str`] (a
//! string value, escapes and surrogate pairs decoded, into a caller buffer)
//! and [`equal`] (structural equality of two values). None of them
//! allocates.
//!
//! ```
//! use prana_webhook_core::json;
//! let doc = r#"{"a": 1, "cfg": {"x": [true, null]}, "b": "s\u00e9"}"#;
//! assert_eq!(json::find_member(doc, "cfg").unwrap(), Some(r#"{"x": [true, null]}"#));
//! assert_eq!(json::find_member(doc, "zzz").unwrap(), None);
//!
//! let mut buf = [0u8; 8];
//! let n = json::decode_str(json::find_member(doc, "b").unwrap().unwrap(), &mut buf).unwrap();
//! assert_eq!(&buf[..n], "sé".as_bytes());
//! assert!(json::equal(r#"{"x": [true, null]}"#, r#"{ "x" : [ true , null ] }"#).unwrap());
//! ```

/// Deepest nesting of arrays and objects accepted.
pub const MAX_DEPTH: usize = 32;

/// A syntax error of a JSON text: the message [`Error::Json`](crate::Error::Json)
/// carries. The scanner and the reader return it instead of the crate's
/// [`Error`](crate::Error), so their results stay small (passed in registers)
/// on every `?` of a read; it becomes an `Error` where a caller's `?` meets
/// its `Result`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Syntax(pub(crate) &'static str);

impl From<Syntax> for crate::Error {
    fn from(e: Syntax) -> Self {
        crate::Error::Json(e.0)
    }
}

mod decoder;
mod equality;
mod members;
mod reader;
mod scanner;
mod writer;

pub use decoder::decode_str;
pub(crate) use decoder::str_chars;
pub(crate) use equality::elements;
pub use equality::equal;
// Only the executor's readers use these two.
#[cfg_attr(not(feature = "executor"), allow(unused_imports))]
pub(crate) use members::first_members;
pub(crate) use members::key_matches;
pub use members::{find_member, find_member_checked, members, plain_str, Members};
#[cfg_attr(not(feature = "executor"), allow(unused_imports))]
pub(crate) use reader::Reader;
#[cfg_attr(not(feature = "executor"), allow(unused_imports))]
pub(crate) use scanner::validated;
pub use scanner::{skip_value, validate, validate_object};
pub(crate) use writer::JsonOut;
