//! Resume IDs: `webhook_{execution_id}_{node_id}_{random}`.
//!
//! * `execution_id` and `node_id` are 1–64 bytes of `[A-Za-z0-9_-]`.
//! * `random` is exactly 26 lowercase Crockford base32 characters encoding
//!   128 bits of host entropy. Its fixed width lets a parser find it from the
//!   right even though `_` may occur inside the other parts.
//!
//! Entropy always comes from the host: either 16 bytes per ID
//! ([`ResumeId::generate`]) or an [`IdGenerator`], a ChaCha12 CSPRNG seeded
//! once with 32 bytes and reused (an OS random call costs far more than a
//! whole ID). With the `getrandom` feature, `IdGenerator::from_os` seeds
//! itself from the operating system.
//!
//! **Why ChaCha12, not ChaCha20.** The tail is an unguessable capability, so
//! the generator must be a CSPRNG, and ChaCha with 12 rounds is one: it is
//! what `rand`'s `StdRng` uses, the best published attacks reach 7 rounds
//! (so 12 keeps a 5-round margin), and "Too Much Crypto" (Aumasson, 2019)
//! argues that 8 rounds already suffice. ChaCha20 spends 8 more rounds per
//! block for a margin nothing here needs, and the block is the largest
//! single cost of an ID (measured in `benches/README.md`). Equal seeds still give
//! equal IDs, but not the IDs that versions using ChaCha20 gave.
//!
//! **After `fork()`** a child process holds a byte-for-byte copy of its
//! parent's generator and would repeat the parent's IDs. Call
//! [`IdGenerator::reseed`] (or `IdGenerator::reseed_from_os`) in the child
//! before it makes any ID.
//!
//! ```
//! use prana_webhook_core::id::{IdGenerator, ResumeId};
//! let mut ids = IdGenerator::from_seed([42; 32]);
//! let id = ids.resume_id("exec_1", "wait").unwrap();
//! assert!(id.as_str().starts_with("webhook_exec_1_wait_"));
//! assert_eq!(ResumeId::parse(id.as_str()).unwrap(), id);
//! ```

use core::fmt;
use core::mem::MaybeUninit;

use chacha20::ChaCha12Rng;
use rand_core::{Rng, SeedableRng};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Part, Result};

/// Longest execution id or node id, in bytes.
pub const MAX_PART_LEN: usize = 64;
/// Width of the random tail.
pub const RANDOM_LEN: usize = 26;
/// The fixed prefix of every resume ID.
pub const PREFIX: &str = "webhook_";
/// Longest possible resume ID: prefix, two parts, two `_`, the tail.
pub const MAX_RESUME_ID_LEN: usize = PREFIX.len() + 2 * MAX_PART_LEN + 2 + RANDOM_LEN;
/// Shortest possible resume ID.
pub const MIN_RESUME_ID_LEN: usize = PREFIX.len() + 2 + 2 + RANDOM_LEN;

// The byte tricks (class table, short comparison) live in `bytes`.
pub use crate::bytes::is_id_byte;
#[cfg(feature = "executor")]
pub(crate) use crate::bytes::PORT_BYTE;
pub(crate) use crate::bytes::{byte_class, short_eq, ID_BYTE};

mod tail;
use crate::bytes::{common_class, common_class_short, CROCKFORD_BYTE};
use tail::encode_tail_into;
pub(crate) use tail::{encode_tail, entropy_words, Tail};

/// Whether two ids (keys, resume IDs) are equal. The lengths and the last
/// bytes are compared before the rest: ids of one execution mostly differ
/// at their end (`wait_1`, `wait_2`; the random tail), so most comparisons
/// end without a `memcmp` call.
#[inline]
pub(crate) fn same_id(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.as_bytes().last() == b.as_bytes().last()
        && short_eq(a.as_bytes(), b.as_bytes())
}

/// Whether `tail` is a valid 26-character tail encoding at most 128 bits
/// (26 × 5 = 130 bits: the first character carries only 3).
fn is_valid_tail(tail: &[u8]) -> bool {
    tail.len() == RANDOM_LEN
        && matches!(tail[0], b'0'..=b'7')
        && common_class(tail) & CROCKFORD_BYTE != 0
}

/// Whether every byte is in `[A-Za-z0-9_-]`: [`is_id_byte`] on a whole text,
/// one table load per byte.
#[inline]
pub fn is_id_text(bytes: &[u8]) -> bool {
    common_class(bytes) & ID_BYTE != 0
}

/// Offset of the first byte outside `[A-Za-z0-9_-]` (0 if there is none).
/// Only for error reports: the checks themselves use [`is_id_text`].
#[cold]
fn first_bad_id_byte(bytes: &[u8]) -> usize {
    bytes.iter().position(|&b| !is_id_byte(b)).unwrap_or(0)
}

/// Check an execution id, node id or workflow id: 1–64 bytes of `[A-Za-z0-9_-]`.
#[inline]
pub fn validate_part(part: Part, s: &str) -> Result<()> {
    Ok(check_part(part, s)?)
}

/// Why an id part was refused: small, so results pass in registers; the
/// caller's `?` makes the [`Error`] ([`validate_part`]'s).
#[derive(Debug, Clone, Copy)]
pub(crate) enum BadPart {
    /// [`Error::EmptyPart`].
    Empty(Part),
    /// [`Error::PartTooLong`], with the length.
    TooLong(Part, usize),
    /// [`Error::BadCharacter`], with the offset.
    Character(Part, usize),
}

impl From<BadPart> for Error {
    fn from(e: BadPart) -> Self {
        match e {
            BadPart::Empty(part) => Error::EmptyPart(part),
            BadPart::TooLong(part, len) => Error::PartTooLong {
                part,
                len,
                max: MAX_PART_LEN,
            },
            BadPart::Character(part, at) => Error::BadCharacter { part, at },
        }
    }
}

/// [`validate_part`] failing with the small [`BadPart`].
#[inline]
pub(crate) fn check_part(part: Part, s: &str) -> Result<(), BadPart> {
    check_part_bytes(part, s.as_bytes())
}

/// [`check_part`] on bytes (a valid part is ASCII).
#[inline]
fn check_part_bytes(part: Part, s: &[u8]) -> Result<(), BadPart> {
    if s.is_empty() {
        return Err(BadPart::Empty(part));
    }
    if s.len() > MAX_PART_LEN {
        return Err(BadPart::TooLong(part, s.len()));
    }
    if common_class_short(s) & ID_BYTE != 0 {
        Ok(())
    } else {
        Err(BadPart::Character(part, first_bad_id_byte(s)))
    }
}

/// An id part (execution id, node id, workflow id): validated, at most 64 bytes.
pub type PartString = heapless::String<MAX_PART_LEN>;

/// Copy a validated part into a [`PartString`].
pub fn part_string(part: Part, s: &str) -> Result<PartString> {
    let mut out = PartString::new();
    set_part(&mut out, part, s)?;
    Ok(out)
}

/// Check a part and copy it into `dst`, in place (unchanged when refused).
pub(crate) fn set_part(dst: &mut PartString, part: Part, s: &str) -> Result<(), BadPart> {
    check_part(part, s)?;
    copy_checked_part(dst, s);
    Ok(())
}

/// Copy a part that [`check_part`] accepted into `dst`, in place.
pub(crate) fn copy_checked_part(dst: &mut PartString, s: &str) {
    dst.clear();
    // Cannot fail: checked to be at most MAX_PART_LEN bytes.
    let _ = dst.push_str(s);
}

/// A validated pair of id parts: execution id and node id, each 1–64 bytes
/// of `[A-Za-z0-9_-]`. Checking them once lets a caller learn the length of
/// the ID (and of its URL) before anything is drawn or written, and lets
/// [`IdGenerator::resume_url_for`] skip the checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdParts<'a> {
    execution_id: &'a str,
    node_id: &'a str,
}

impl<'a> IdParts<'a> {
    /// Validate both parts (execution id first).
    #[inline]
    pub fn new(execution_id: &'a str, node_id: &'a str) -> Result<IdParts<'a>> {
        check_part(Part::ExecutionId, execution_id)?;
        check_part(Part::NodeId, node_id)?;
        Ok(IdParts {
            execution_id,
            node_id,
        })
    }

    /// The execution id.
    pub fn execution_id(&self) -> &'a str {
        self.execution_id
    }

    /// The node id.
    pub fn node_id(&self) -> &'a str {
        self.node_id
    }

    /// What every resume ID made from these parts puts before its random
    /// tail, as five pieces: `webhook_`, the execution id, `_`, the node
    /// id and `_` (all ASCII). With [`IdGenerator::draw_tail_into`], for a
    /// host that writes IDs into its own memory with its own copies (see
    /// [`BaseUrl::resume_url_head`](crate::url::BaseUrl::resume_url_head)):
    /// [`IdParts::resume_id_len`] bytes in all.
    #[inline(always)]
    pub fn resume_id_head(&self) -> [&'a [u8]; 5] {
        [
            PREFIX.as_bytes(),
            self.execution_id.as_bytes(),
            b"_",
            self.node_id.as_bytes(),
            b"_",
        ]
    }

    /// Length of every resume ID made from these parts.
    pub fn resume_id_len(&self) -> usize {
        PREFIX.len() + self.execution_id.len() + 1 + self.node_id.len() + 1 + RANDOM_LEN
    }

    /// Append `webhook_{execution_id}_{node_id}_{tail}` to `out` (which has
    /// room: the caller sized it for the longest ID).
    #[inline]
    pub(crate) fn write_id<const N: usize>(
        &self,
        with_prefix: bool,
        tail: &Tail,
        out: &mut heapless::String<N>,
    ) -> Result<()> {
        let tail = tail.as_str()?;
        let prefix = if with_prefix { PREFIX } else { "" };
        let parts = [prefix, self.execution_id, "_", self.node_id, "_", tail];
        for p in parts {
            out.push_str(p).map_err(|_| Error::Capacity {
                what: "resume_id",
                limit: N,
            })?;
        }
        Ok(())
    }
}

/// Id parts a host holds as bytes, checked as [`IdParts::new`] checks
/// text: each 1–64 bytes of `[A-Za-z0-9_-]`, so ASCII. A host that views
/// bytes as text itself (the C ABI) then needs no text check of its own
/// before [`IdPartBytes::with_text`] makes the [`IdParts`]: one check of
/// each part instead of two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdPartBytes<'a> {
    execution_id: &'a [u8],
    node_id: &'a [u8],
}

impl<'a> IdPartBytes<'a> {
    /// Check both parts (execution id first), with the errors of
    /// [`IdParts::new`].
    #[inline]
    pub fn new(execution_id: &'a [u8], node_id: &'a [u8]) -> Result<IdPartBytes<'a>> {
        check_part_bytes(Part::ExecutionId, execution_id)?;
        check_part_bytes(Part::NodeId, node_id)?;
        Ok(IdPartBytes {
            execution_id,
            node_id,
        })
    }

    /// [`IdPartBytes::new`] without the error detail: `None` exactly when
    /// `new` fails. Inlined, with no `Result` to pass back, for a host's
    /// fast path that falls back to `new` for the error.
    #[inline]
    pub fn accept(execution_id: &'a [u8], node_id: &'a [u8]) -> Option<IdPartBytes<'a>> {
        let len_ok = |s: &[u8]| (1..=MAX_PART_LEN).contains(&s.len());
        let ok = len_ok(execution_id)
            && len_ok(node_id)
            && common_class_short(execution_id) & common_class_short(node_id) & ID_BYTE != 0;
        ok.then_some(IdPartBytes {
            execution_id,
            node_id,
        })
    }

    /// The execution id (ASCII).
    pub fn execution_id(&self) -> &'a [u8] {
        self.execution_id
    }

    /// The node id (ASCII).
    pub fn node_id(&self) -> &'a [u8] {
        self.node_id
    }

    /// These parts as [`IdParts`], from the same bytes viewed as text:
    /// `None` unless `execution_id` and `node_id` are these very bytes
    /// (same address, same length), so nothing unchecked gets in.
    #[inline]
    pub fn with_text(&self, execution_id: &'a str, node_id: &'a str) -> Option<IdParts<'a>> {
        let same = |t: &str, b: &[u8]| core::ptr::eq(t.as_bytes(), b);
        (same(execution_id, self.execution_id) && same(node_id, self.node_id)).then_some(IdParts {
            execution_id,
            node_id,
        })
    }
}

/// A syntactically valid resume ID, stored inline (at most 164 bytes).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResumeId(heapless::String<MAX_RESUME_ID_LEN>);

impl ResumeId {
    /// An empty placeholder, not a valid ID: only for a value filled in
    /// place right after (the executor's suspension, a restored slot).
    pub(crate) const fn empty() -> ResumeId {
        ResumeId(heapless::String::new())
    }

    /// [`parse`](Self::parse) into `self`, in place; unchanged on error.
    pub(crate) fn set(&mut self, s: &str) -> Result<()> {
        validate_resume_id(s)?;
        self.store(s)
    }

    /// Replace the text with `s`, which the caller has checked.
    fn store(&mut self, s: &str) -> Result<()> {
        self.0.clear();
        self.0.push_str(s).map_err(|_| Error::Capacity {
            what: "resume_id",
            limit: MAX_RESUME_ID_LEN,
        })
    }

    /// A new ID holding `s`, which the caller has checked.
    fn stored(s: &str) -> Result<ResumeId> {
        let mut id = ResumeId::empty();
        id.store(s)?;
        Ok(id)
    }

    /// Set to `s` when it is exactly `webhook_{execution_id}_{node_id}_{tail}`
    /// with a valid random tail, for parts the caller has checked (1–64 ID
    /// bytes each): then `s` is a valid ID (what [`set`](Self::set) checks)
    /// that [`belongs_to`](Self::belongs_to) these parts, found with two
    /// compares and the tail's 26 class loads instead of a scan of the
    /// whole ID. `false`, nothing changed, for any other text: the caller
    /// then takes the checks that name what is wrong.
    #[inline(never)]
    pub(crate) fn set_if_of(&mut self, s: &str, execution_id: &str, node_id: &str) -> bool {
        let (b, e, n) = (s.as_bytes(), execution_id.as_bytes(), node_id.as_bytes());
        let split = PREFIX.len() + e.len();
        let tail_at = split + 1 + n.len() + 1;
        let fits = b.len() == tail_at + RANDOM_LEN
            && b.get(..PREFIX.len()) == Some(PREFIX.as_bytes())
            && b.get(split) == Some(&b'_')
            && b.get(tail_at - 1) == Some(&b'_')
            && [(PREFIX.len(), e), (split + 1, n)]
                .iter()
                .all(|&(at, p)| b.get(at..at + p.len()) == Some(p));
        if !(fits && is_valid_tail(b.get(tail_at..).unwrap_or(&[]))) {
            return false;
        }
        debug_assert!(validate_resume_id(s).is_ok());
        self.store(s).is_ok()
    }

    /// Build `webhook_{execution_id}_{node_id}_{random}` from 16 bytes of
    /// host entropy. The parts are validated first.
    pub fn generate(execution_id: &str, node_id: &str, entropy: &[u8; 16]) -> Result<ResumeId> {
        let parts = IdParts::new(execution_id, node_id)?;
        let (hi, lo) = entropy_words(entropy);
        ResumeId::from_parts(&parts, hi, lo)
    }

    /// The ID of validated parts and a 128-bit tail.
    #[inline]
    fn from_parts(parts: &IdParts<'_>, hi: u64, lo: u64) -> Result<ResumeId> {
        let mut s = heapless::String::new();
        parts.write_id(true, &encode_tail(hi, lo), &mut s)?;
        Ok(ResumeId(s))
    }

    /// Copy the text of an ID this crate built from validated parts.
    pub(crate) fn from_built(s: &str) -> Result<ResumeId> {
        debug_assert!(validate_resume_id(s).is_ok());
        ResumeId::stored(s)
    }

    /// Validate an incoming resume ID and copy it.
    pub fn parse(s: &str) -> Result<ResumeId> {
        validate_resume_id(s)?;
        ResumeId::stored(s)
    }

    /// The ID as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The 26-character random tail.
    pub fn random_tail(&self) -> &str {
        &self.0[self.0.len() - RANDOM_LEN..]
    }

    /// Whether this ID was made for `execution_id` and `node_id`.
    pub fn belongs_to(&self, execution_id: &str, node_id: &str) -> bool {
        let s = self.as_str();
        let middle = &s[PREFIX.len()..s.len() - RANDOM_LEN - 1];
        let (m, e, n) = (
            middle.as_bytes(),
            execution_id.as_bytes(),
            node_id.as_bytes(),
        );
        m.len() == e.len() + 1 + n.len()
            && m.get(e.len()) == Some(&b'_')
            && m.get(..e.len()).is_some_and(|x| short_eq(x, e))
            && m.get(e.len() + 1..).is_some_and(|x| short_eq(x, n))
    }
}

/// Check the syntax of a resume ID: `webhook_` prefix, allowed alphabet,
/// length, a middle that splits into two 1–64 byte parts, and a 26-character
/// Crockford base32 tail.
#[inline]
pub fn validate_resume_id(s: &str) -> Result<()> {
    validate_resume_id_bytes(s.as_bytes())
}

/// [`validate_resume_id`] on bytes (a valid ID is ASCII).
pub(crate) fn validate_resume_id_bytes(b: &[u8]) -> Result<()> {
    if b.is_empty() {
        return Err(Error::EmptyId);
    }
    if b.len() > MAX_RESUME_ID_LEN {
        return Err(Error::IdTooLong {
            len: b.len(),
            max: MAX_RESUME_ID_LEN,
        });
    }
    // One pass over the bytes: the class bits shared by the head and by the
    // last 26 bytes (the tail, when the ID is that long). Each error below
    // is then decided from these bits, in the order the checks are listed.
    let (head, tail) = b.split_at(b.len().saturating_sub(RANDOM_LEN));
    let tail_class = match <&[u8; RANDOM_LEN]>::try_from(tail) {
        // Fixed length: fully unrolled, 26 table loads and no loop.
        Ok(tail) => tail.iter().fold(!0, |all, &b| all & byte_class(b)),
        Err(_) => common_class(tail),
    };
    let head_class = common_class(head);
    if head_class & tail_class & ID_BYTE == 0 {
        return Err(Error::IdBadCharacter {
            at: first_bad_id_byte(b),
        });
    }
    let Some(rest) = b.strip_prefix(PREFIX.as_bytes()) else {
        return Err(Error::MissingPrefix);
    };
    if rest.len() < RANDOM_LEN + 1 || rest[rest.len() - RANDOM_LEN - 1] != b'_' {
        return Err(Error::BadRandomTail);
    }
    // 26 × 5 = 130 bits: the first tail character carries only 3 bits.
    if !matches!(tail[0], b'0'..=b'7') || tail_class & CROCKFORD_BYTE == 0 {
        return Err(Error::BadRandomTail);
    }
    // Some `_` must split the middle into execution_id and node_id, each
    // 1–64 bytes: only a `_` at 1..=64 from both ends can, so search that
    // window alone.
    let middle = &rest[..rest.len() - RANDOM_LEN - 1];
    let first = middle.len().saturating_sub(MAX_PART_LEN + 1).max(1);
    let last = middle.len().saturating_sub(2).min(MAX_PART_LEN);
    // An inline loop, not `contains` (a `memchr` call): the `_` is usually
    // a few bytes in, and the call costs more than the search.
    #[allow(clippy::manual_contains)]
    let splits = first <= last && middle[first..last + 1].iter().any(|&b| b == b'_');
    if splits {
        Ok(())
    } else {
        Err(Error::MalformedResumeId)
    }
}

impl fmt::Display for ResumeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ResumeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResumeId({})", self.as_str())
    }
}

impl AsRef<str> for ResumeId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Serialize for ResumeId {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ResumeId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        let s: &str = Deserialize::deserialize(d)?;
        ResumeId::parse(s).map_err(|_| serde::de::Error::custom("invalid resume_id"))
    }
}

/// A resume-ID generator: ChaCha12 seeded once from 32 bytes of host
/// entropy, then reused for every ID (why 12 rounds: see the module docs).
///
/// Not `Clone` on purpose: two copies would hand out the same IDs. Reseed
/// after `fork()` (see the module docs).
pub struct IdGenerator {
    rng: ChaCha12Rng,
}

impl IdGenerator {
    /// A generator seeded with 32 bytes of host entropy. The seed must be
    /// secret and random; equal seeds give equal IDs.
    pub fn from_seed(seed: [u8; 32]) -> IdGenerator {
        IdGenerator {
            rng: ChaCha12Rng::from_seed(seed),
        }
    }

    /// A generator seeded from the operating system.
    #[cfg(feature = "getrandom")]
    pub fn from_os() -> Result<IdGenerator> {
        Ok(IdGenerator::from_seed(os_seed()?))
    }

    /// Replace the state with a fresh seed (call in a child after `fork()`).
    pub fn reseed(&mut self, seed: [u8; 32]) {
        self.rng = ChaCha12Rng::from_seed(seed);
    }

    /// Reseed from the operating system (call in a child after `fork()`).
    #[cfg(feature = "getrandom")]
    pub fn reseed_from_os(&mut self) -> Result<()> {
        self.reseed(os_seed()?);
        Ok(())
    }

    /// 16 fresh random bytes.
    pub fn next_entropy(&mut self) -> [u8; 16] {
        // Two words instead of `fill_bytes` (no generic chunking, which
        // shows per ID); the same bytes `fill_bytes` gives for a 16-byte draw.
        let (a, b) = (self.rng.next_u64(), self.rng.next_u64());
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&a.to_le_bytes());
        out[8..].copy_from_slice(&b.to_le_bytes());
        out
    }

    /// The tail words of the next ID: the two words `next_entropy` gives as
    /// bytes, read as the big-endian number the tail encodes (so an ID
    /// holds the same tail either way), without the trip through bytes.
    #[inline]
    pub(crate) fn next_words(&mut self) -> (u64, u64) {
        let (a, b) = (self.rng.next_u64(), self.rng.next_u64());
        (a.swap_bytes(), b.swap_bytes())
    }

    /// Draw the random tail of a fresh resume ID into `out`: the 26
    /// characters that follow [`IdParts::resume_id_head`]. For a host that
    /// writes IDs or URLs into its own memory with its own copies (see
    /// [`BaseUrl::resume_url_head`](crate::url::BaseUrl::resume_url_head)):
    /// the same draw and characters as every other way to make an ID.
    #[inline(always)]
    pub fn draw_tail_into(&mut self, out: &mut [MaybeUninit<u8>; RANDOM_LEN]) {
        let (hi, lo) = self.next_words();
        encode_tail_into(hi, lo, out)
    }

    /// A fresh resume ID for `node_id` in `execution_id`. When a part is
    /// invalid nothing is drawn.
    pub fn resume_id(&mut self, execution_id: &str, node_id: &str) -> Result<ResumeId> {
        self.resume_id_for(&IdParts::new(execution_id, node_id)?)
    }

    /// [`resume_id`](IdGenerator::resume_id) for parts checked already.
    pub fn resume_id_for(&mut self, parts: &IdParts<'_>) -> Result<ResumeId> {
        let (hi, lo) = self.next_words();
        ResumeId::from_parts(parts, hi, lo)
    }
}

impl fmt::Debug for IdGenerator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the state: it predicts every future ID.
        f.write_str("IdGenerator { .. }")
    }
}

#[cfg(feature = "getrandom")]
fn os_seed() -> Result<[u8; 32]> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|_| Error::EntropyUnavailable)?;
    Ok(seed)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    #[test]
    fn entropy_is_what_fill_bytes_gives() {
        let mut ids = IdGenerator::from_seed([7; 32]);
        let mut rng = ChaCha12Rng::from_seed([7; 32]);
        for _ in 0..40 {
            let mut want = [0u8; 16];
            rng.fill_bytes(&mut want);
            assert_eq!(ids.next_entropy(), want);
        }
    }

    #[test]
    fn same_stream_as_rand_chacha() {
        // The generator moved from `rand_chacha` to `chacha20`: equal seeds
        // still give equal IDs.
        let mut ours = ChaCha12Rng::from_seed([9; 32]);
        let mut theirs = rand_chacha::ChaCha12Rng::from_seed([9; 32]);
        for _ in 0..300 {
            assert_eq!(ours.next_u64(), theirs.next_u64());
        }
    }

    #[test]
    fn generator_ids_are_generate_of_next_entropy() {
        let (mut a, mut b) = (
            IdGenerator::from_seed([4; 32]),
            IdGenerator::from_seed([4; 32]),
        );
        for _ in 0..40 {
            let want = ResumeId::generate("ex", "n_1", &b.next_entropy()).unwrap();
            assert_eq!(a.resume_id("ex", "n_1").unwrap(), want);
        }
    }

    #[test]
    fn set_if_of_takes_only_an_id_of_these_parts() {
        let id = ResumeId::generate("ex_1", "n_2", &[1; 16]).unwrap();
        let good = id.as_str();
        let mut r = ResumeId::empty();
        assert!(r.set_if_of(good, "ex_1", "n_2"));
        assert_eq!(r, id);
        assert!(!r.set_if_of(good, "ex_1", "n_3"));
        let tail = &good[good.len() - RANDOM_LEN..];
        for (text, e, n) in [
            (std::string::String::from(good), "ex_1", "n_3"),
            (std::string::String::from(good), "ex", "1_n_2"),
            (std::string::String::from(good), "ex_1_n", "2"),
            (
                std::format!("webhook_ex_1_n_2_8{}", &tail[1..]),
                "ex_1",
                "n_2",
            ),
            (
                std::format!("webhook_ex_1_n_2_{}", tail.to_lowercase()),
                "ex_1",
                "n_2",
            ),
            (std::format!("webhook_ex_1_n_2_{tail}x"), "ex_1", "n_2"),
            (std::format!("webhook_ex_1_n_2{tail}"), "ex_1", "n_2"),
            (std::format!("webhooK_ex_1_n_2_{tail}"), "ex_1", "n_2"),
            (std::format!("webhook_ex_1-n_2_{tail}"), "ex_1", "n_2"),
        ] {
            // Taken exactly when the full checks take it (the split of
            // the middle is the caller's: `ex` + `1_n_2` is the same text).
            let full = ResumeId::parse(&text).map(|id| id.belongs_to(e, n));
            let mut r = ResumeId::empty();
            let taken = r.set_if_of(&text, e, n);
            assert_eq!(taken, matches!(full, Ok(true)), "{text} {e} {n}");
            if !taken {
                assert_eq!(r, ResumeId::empty());
            }
        }
    }

    #[test]
    fn belongs_to_checks_both_parts() {
        let id = ResumeId::generate("ex_1", "n_2", &[1; 16]).unwrap();
        assert!(id.belongs_to("ex_1", "n_2"));
        assert!(!id.belongs_to("ex_1", "n_3"));
    }
}
