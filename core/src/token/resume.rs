//! Signed resume URLs: `?sig={key_id}.{mac}`.
//!
//! `mac` = HMAC-SHA256(secret, `"prana-resume-v1\n"` ‖ resume_id), truncated
//! to its first 16 bytes (128 bits) and encoded as base64url without padding
//! (22 characters). Only the resume ID is signed, never the scheme, host or
//! path prefix: a reverse proxy that rewrites them never breaks a signature.
//! The `prana-resume-v1\n` prefix separates these MACs from anything else a
//! host might compute with the same secret.
//!
//! Cancel and extend URLs of the same registration
//! (`{base}/webhook/workflow/cancel/{resume_id}`, `…/extend/{resume_id}`)
//! carry the same `?sig={key_id}.{mac}` form, each MAC in its own domain
//! ([`SignedAction`]): `"prana-cancel-v1\n"` ‖ resume_id and
//! `"prana-extend-v1\n"` ‖ resume_id. So a resume URL's signature never
//! verifies its cancel URL (handing out a resume link does not hand out the
//! power to cancel), and the other way round. Use the `_for` methods
//! ([`KeySet::sign_for`], [`verify_query_for`]) for them.
//!
//! A [`KeySet`] holds up to `N` [`ResumeKey`]s. The first key (the *current*
//! key) signs; every key in the set verifies, so rotation is: add the new key
//! as current, keep the old one until its URLs have expired, then remove it,
//! which revokes every URL it signed.
//!
//! ```
//! use prana_webhook_core::token::resume::{verify_query, KeySet, ResumeKey, SignaturePolicy};
//! let mut keys: KeySet = KeySet::new();
//! keys.add(ResumeKey::new("old", b"old secret, 16+ bytes").unwrap()).unwrap();
//! let id = "webhook_exec-1_wait_0123456789abcdefghjkmnpqrs";
//! let old_sig = keys.sign(id).unwrap();
//!
//! // Rotate: the new key signs, the old one still verifies.
//! keys.add(ResumeKey::new("new", b"new secret, 16+ bytes").unwrap()).unwrap();
//! keys.set_current("new").unwrap();
//! assert_eq!(keys.sign(id).unwrap().key_id(), "new");
//! let mut query: heapless::String<64> = heapless::String::new();
//! old_sig.write_param(&mut query).unwrap();
//! assert!(verify_query(&keys, SignaturePolicy::Required, id, Some(&query)).is_ok());
//!
//! // Removing the old key revokes its URLs.
//! keys.remove("old");
//! let err = verify_query(&keys, SignaturePolicy::Required, id, Some(&query)).unwrap_err();
//! assert_eq!(err.reason(), "signature_unknown_key");
//! ```

use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::base64::{self, Form};
use super::Malformation;
use super::SignatureError;
use crate::error::Error;

/// Domain-separation prefix of every resume MAC.
pub const RESUME_MAC_CONTEXT: &[u8] = b"prana-resume-v1\n";
/// Domain-separation prefix of every cancel MAC.
pub const CANCEL_MAC_CONTEXT: &[u8] = b"prana-cancel-v1\n";
/// Domain-separation prefix of every extend MAC.
pub const EXTEND_MAC_CONTEXT: &[u8] = b"prana-extend-v1\n";

/// What a signed URL of a registration lets its holder do; each action
/// signs in its own domain, so a signature made for one never verifies
/// another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignedAction {
    /// `…/resume/{resume_id}`: resume the execution ([`RESUME_MAC_CONTEXT`]).
    Resume,
    /// `…/cancel/{resume_id}`: cancel the wait ([`CANCEL_MAC_CONTEXT`]).
    Cancel,
    /// `…/extend/{resume_id}`: move the expiry later ([`EXTEND_MAC_CONTEXT`]).
    Extend,
}

impl SignedAction {
    /// The domain-separation prefix of this action's MACs.
    pub const fn context(self) -> &'static [u8] {
        match self {
            SignedAction::Resume => RESUME_MAC_CONTEXT,
            SignedAction::Cancel => CANCEL_MAC_CONTEXT,
            SignedAction::Extend => EXTEND_MAC_CONTEXT,
        }
    }

    /// `"resume"`, `"cancel"` or `"extend"`: the kind segment of its URL.
    pub const fn as_str(self) -> &'static str {
        match self {
            SignedAction::Resume => "resume",
            SignedAction::Cancel => "cancel",
            SignedAction::Extend => "extend",
        }
    }
}
/// Longest key id.
pub const MAX_KEY_ID_LEN: usize = 8;
/// Shortest key secret, in bytes.
pub const MIN_SECRET_LEN: usize = 16;
/// MAC length in bytes (HMAC-SHA256 truncated to 128 bits).
pub const MAC_LEN: usize = 16;
/// MAC length in base64url characters.
pub const MAC_B64_LEN: usize = 22;
/// Longest `sig` value: key id, `.`, MAC.
pub const MAX_SIG_LEN: usize = MAX_KEY_ID_LEN + 1 + MAC_B64_LEN;
/// Default capacity of a [`KeySet`].
pub const DEFAULT_MAX_KEYS: usize = 8;
/// Name of the query parameter.
pub const SIG_PARAM: &str = "sig";

type HmacSha256 = Hmac<Sha256>;

/// A key id: 1–8 characters of `[a-z0-9]`. Not secret: it travels in URLs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyId(heapless::String<MAX_KEY_ID_LEN>);

impl KeyId {
    /// Check and copy a key id.
    pub fn parse(s: &str) -> Result<KeyId, SignatureError> {
        if !is_key_id(s) {
            return Err(SignatureError::KeyIdInvalid);
        }
        let mut out = heapless::String::new();
        out.push_str(s).map_err(|_| SignatureError::KeyIdInvalid)?;
        Ok(KeyId(out))
    }

    /// The key id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_key_id(s: &str) -> bool {
    (1..=MAX_KEY_ID_LEN).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// One resume-URL key: a key id and the HMAC state derived from its secret.
///
/// The HMAC key schedule (the inner and outer pad blocks) is hashed once
/// here and cloned per MAC, saving two SHA-256 compressions per
/// verification. The raw secret is not kept; `Debug` shows only the key id.
#[derive(Clone)]
pub struct ResumeKey {
    id: KeyId,
    mac: HmacSha256,
}

impl ResumeKey {
    /// Make a key from a key id (1–8 characters of `[a-z0-9]`) and a secret of
    /// at least 16 bytes (32 random bytes are recommended).
    pub fn new(key_id: &str, secret: &[u8]) -> Result<ResumeKey, SignatureError> {
        let id = KeyId::parse(key_id)?;
        let too_short = SignatureError::SecretTooShort {
            len: secret.len(),
            min: MIN_SECRET_LEN,
        };
        if secret.len() < MIN_SECRET_LEN {
            return Err(too_short);
        }
        // HMAC takes keys of any length; the error branch is unreachable.
        let mac = HmacSha256::new_from_slice(secret).map_err(|_| too_short)?;
        Ok(ResumeKey { id, mac })
    }

    /// The key id.
    pub fn id(&self) -> &KeyId {
        &self.id
    }

    /// The truncated MAC of a resume ID (for its resume URL).
    pub fn mac(&self, resume_id: &str) -> [u8; MAC_LEN] {
        self.mac_for(SignedAction::Resume, resume_id)
    }

    /// The truncated MAC of a resume ID in the domain of `action`.
    pub fn mac_for(&self, action: SignedAction, resume_id: &str) -> [u8; MAC_LEN] {
        let mut m = self.mac.clone();
        m.update(action.context());
        m.update(resume_id.as_bytes());
        let full = m.finalize().into_bytes();
        let mut out = [0u8; MAC_LEN];
        out.copy_from_slice(&full[..MAC_LEN]);
        out
    }

    /// Sign a resume ID with this key (for its resume URL).
    pub fn sign(&self, resume_id: &str) -> Signature {
        self.sign_for(SignedAction::Resume, resume_id)
    }

    /// Sign a resume ID with this key for the URL of `action`.
    pub fn sign_for(&self, action: SignedAction, resume_id: &str) -> Signature {
        let mut b64 = [0u8; MAC_B64_LEN];
        // Cannot fail: 16 bytes encode to exactly 22 characters.
        base64::encode(
            &self.mac_for(action, resume_id),
            Form::UrlUnpadded,
            &mut b64,
        );
        let mut value = heapless::String::new();
        // Cannot fail: key id (≤ 8) + 1 + 22 fits MAX_SIG_LEN.
        let _ = value.push_str(self.id.as_str());
        let _ = value.push('.');
        for b in b64 {
            let _ = value.push(char::from(b));
        }
        Signature { value }
    }

    /// Whether `mac` is this key's MAC of `resume_id`, compared in constant time.
    pub fn verify_mac(&self, resume_id: &str, mac: &[u8; MAC_LEN]) -> bool {
        self.verify_mac_for(SignedAction::Resume, resume_id, mac)
    }

    /// Whether `mac` is this key's MAC of `resume_id` in the domain of
    /// `action`, compared in constant time.
    pub fn verify_mac_for(
        &self,
        action: SignedAction,
        resume_id: &str,
        mac: &[u8; MAC_LEN],
    ) -> bool {
        self.mac_for(action, resume_id).ct_eq(mac).into()
    }
}

impl fmt::Debug for ResumeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResumeKey")
            .field("id", &self.id.as_str())
            .finish_non_exhaustive()
    }
}

/// A `sig` value, `{key_id}.{mac}` (at most 31 characters, 32 bytes inline).
///
/// Not secret: it is part of the resume URL handed out. Made by
/// [`ResumeKey::sign`] / [`KeySet::sign`], or read back with
/// [`Signature::parse`] (for instance from a persisted execution state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Always `{key_id}.{mac}`: a valid key id, `.`, 22 base64url characters.
    value: heapless::String<MAX_SIG_LEN, u8>,
}

impl Signature {
    /// Check the syntax of a `sig` value (`{key_id}.{mac}`: a key id of 1–8
    /// characters of `[a-z0-9]`, `.`, and 22 base64url characters that
    /// decode to a 16-byte MAC) and copy it. No key is involved: this does
    /// not verify anything, use [`KeySet::verify`] or [`verify_query`].
    pub fn parse(sig: &str) -> Result<Signature, SignatureError> {
        parse_sig(sig)?;
        let mut value = heapless::String::new();
        // Cannot fail: parse_sig checked the key id (≤ 8) and the MAC (22).
        value
            .push_str(sig)
            .map_err(|_| SignatureError::WrongLength { len: sig.len() })?;
        Ok(Signature { value })
    }

    /// The whole value, `{key_id}.{mac}`.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Length of the key id: the value always holds one `.`.
    fn key_len(&self) -> usize {
        self.value.find('.').unwrap_or(0)
    }

    /// The key id part.
    pub fn key_id(&self) -> &str {
        &self.value[..self.key_len()]
    }

    /// The MAC part (22 base64url characters).
    pub fn mac(&self) -> &str {
        &self.value[self.key_len() + 1..]
    }

    /// Write the query parameter `sig={key_id}.{mac}` (no `?` or `&`).
    pub fn write_param<W: fmt::Write>(&self, out: &mut W) -> fmt::Result {
        out.write_str(SIG_PARAM)?;
        out.write_char('=')?;
        out.write_str(&self.value)
    }

    /// Append `?sig=…` to a URL (or `&sig=…` when it already has a query).
    /// On a capacity error the URL is left unchanged.
    pub fn append_to_url<const N: usize>(
        &self,
        url: &mut heapless::String<N>,
    ) -> crate::Result<()> {
        let sep = if url.contains('?') { '&' } else { '?' };
        let needed = url.len() + 1 + SIG_PARAM.len() + 1 + self.value.len();
        if needed > N {
            return Err(Error::Capacity {
                what: "URL buffer",
                limit: N,
            });
        }
        // Cannot fail: the length was checked above.
        let _ = url.push(sep);
        let _ = self.write_param(url);
        Ok(())
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

/// Serialized as its string value, `{key_id}.{mac}`.
impl serde::Serialize for Signature {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.value)
    }
}

/// Read from a string, checked with [`Signature::parse`].
impl<'de> serde::Deserialize<'de> for Signature {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Signature;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a resume URL signature, {key_id}.{mac}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Signature, E> {
                Signature::parse(v).map_err(|_| E::custom("malformed resume URL signature"))
            }
        }
        d.deserialize_str(V)
    }
}

/// Up to `N` resume keys. The first (current) key signs; all keys verify.
///
/// Key ids are looked up linearly: they are public and `N` is small.
#[derive(Clone, Debug)]
pub struct KeySet<const N: usize = DEFAULT_MAX_KEYS> {
    keys: heapless::Vec<ResumeKey, N>,
}

impl<const N: usize> Default for KeySet<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> KeySet<N> {
    /// An empty key set.
    pub const fn new() -> Self {
        KeySet {
            keys: heapless::Vec::new(),
        }
    }

    /// Add a key for verification. The first key added becomes current.
    pub fn add(&mut self, key: ResumeKey) -> Result<(), SignatureError> {
        if self.get(key.id.as_str()).is_some() {
            return Err(SignatureError::DuplicateKeyId);
        }
        self.keys
            .push(key)
            .map_err(|_| SignatureError::KeySetFull { limit: N })
    }

    /// Make the key with this id the one that signs.
    pub fn set_current(&mut self, key_id: &str) -> Result<(), SignatureError> {
        let at = self.position(key_id).ok_or(SignatureError::KeyNotFound)?;
        // Keep the others in order; only the current key moves to the front.
        self.keys[..=at].rotate_right(1);
        Ok(())
    }

    /// Remove a key, revoking every URL it signed. If it was current, the
    /// next key in the set becomes current.
    pub fn remove(&mut self, key_id: &str) -> Option<ResumeKey> {
        let at = self.position(key_id)?;
        Some(self.keys.remove(at))
    }

    /// The key that signs, if any.
    pub fn current(&self) -> Option<&ResumeKey> {
        self.keys.first()
    }

    /// The key with this id, if any.
    pub fn get(&self, key_id: &str) -> Option<&ResumeKey> {
        self.keys.iter().find(|k| k.id.as_str() == key_id)
    }

    /// All keys, current first.
    pub fn iter(&self) -> core::slice::Iter<'_, ResumeKey> {
        self.keys.iter()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set has no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Sign a resume ID with the current key.
    pub fn sign(&self, resume_id: &str) -> Result<Signature, SignatureError> {
        self.sign_for(SignedAction::Resume, resume_id)
    }

    /// Sign a resume ID with the current key for the URL of `action`.
    pub fn sign_for(
        &self,
        action: SignedAction,
        resume_id: &str,
    ) -> Result<Signature, SignatureError> {
        self.current()
            .map(|k| k.sign_for(action, resume_id))
            .ok_or(SignatureError::NoSigningKey)
    }

    /// Sign `resume_id` with the current key and append `?sig=…` to `url`,
    /// an already-built resume URL. On error the URL is left unchanged.
    pub fn sign_url<const U: usize>(
        &self,
        resume_id: &str,
        url: &mut heapless::String<U>,
    ) -> crate::Result<()> {
        self.sign(resume_id)?.append_to_url(url)
    }

    /// Sign `resume_id` with the current key for `action` and append
    /// `?sig=…` to `url`, an already-built URL of that action. On error the
    /// URL is left unchanged.
    pub fn sign_url_for<const U: usize>(
        &self,
        action: SignedAction,
        resume_id: &str,
        url: &mut heapless::String<U>,
    ) -> crate::Result<()> {
        self.sign_for(action, resume_id)?.append_to_url(url)
    }

    /// Verify a raw `sig` value (`{key_id}.{mac}`) against `resume_id`.
    /// Returns the id of the key that made it.
    pub fn verify(&self, resume_id: &str, sig: &str) -> Result<&KeyId, SignatureError> {
        self.verify_for(SignedAction::Resume, resume_id, sig)
    }

    /// Verify a raw `sig` value against `resume_id` in the domain of `action`.
    /// Returns the id of the key that made it.
    pub fn verify_for(
        &self,
        action: SignedAction,
        resume_id: &str,
        sig: &str,
    ) -> Result<&KeyId, SignatureError> {
        let (key_id, mac) = parse_sig(sig)?;
        let key = self.get(key_id).ok_or_else(|| match KeyId::parse(key_id) {
            Ok(id) => SignatureError::UnknownKey(id),
            Err(_) => SignatureError::Malformed(Malformation::BadKeyId),
        })?;
        if key.verify_mac_for(action, resume_id, &mac) {
            Ok(&key.id)
        } else {
            Err(SignatureError::Mismatch)
        }
    }

    fn position(&self, key_id: &str) -> Option<usize> {
        self.keys.iter().position(|k| k.id.as_str() == key_id)
    }
}

/// Split and decode a `sig` value; syntax checks only, no key lookup.
fn parse_sig(sig: &str) -> Result<(&str, [u8; MAC_LEN]), SignatureError> {
    use Malformation::*;
    let malformed = SignatureError::Malformed;
    if sig.is_empty() {
        return Err(malformed(Empty));
    }
    let (key_id, mac) = sig.split_once('.').ok_or(malformed(NoSeparator))?;
    if key_id.is_empty() {
        return Err(malformed(EmptyKeyId));
    }
    if !is_key_id(key_id) {
        return Err(malformed(BadKeyId));
    }
    // Alphabet first, so `=` padding or a second `.` reads as malformed, not
    // as a length problem.
    if !mac
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(malformed(NotBase64Url));
    }
    if mac.len() < MAC_B64_LEN {
        return Err(SignatureError::Truncated { len: mac.len() });
    }
    if mac.len() > MAC_B64_LEN {
        return Err(SignatureError::WrongLength { len: mac.len() });
    }
    // 22 characters carry 132 bits; the decoder rejects non-zero spare bits,
    // so every MAC has exactly one accepted spelling.
    let mut buf = [0u8; MAC_LEN + 2];
    match base64::decode(mac, Form::UrlUnpadded, &mut buf) {
        Ok(bytes) if bytes.len() == MAC_LEN => {
            let mut out = [0u8; MAC_LEN];
            out.copy_from_slice(bytes);
            Ok((key_id, out))
        }
        _ => Err(malformed(NotBase64Url)),
    }
}

/// Whether resume URLs must, may or need not carry a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignaturePolicy {
    /// Every resume URL must carry a valid `sig`.
    #[default]
    Required,
    /// A URL without `sig` is accepted; a URL with one must verify.
    Optional,
    /// Signatures are not checked at all.
    Off,
}

/// How a resume request passed [`verify_query`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifiedBy {
    /// A valid signature made with this key.
    Key(KeyId),
    /// No `sig` parameter, accepted under [`SignaturePolicy::Optional`].
    Unsigned,
    /// Not checked: [`SignaturePolicy::Off`].
    NotChecked,
}

/// Check the `sig` parameter of a resume request against `resume_id`.
///
/// `query` is the raw query string without the leading `?` (one leading `?`
/// is tolerated), or `None` when the target had none. Parameters are split
/// on `&`; exactly one named `sig` may appear. Run this before any store
/// lookup so a forged URL costs no database round trip.
pub fn verify_query<const N: usize>(
    keys: &KeySet<N>,
    policy: SignaturePolicy,
    resume_id: &str,
    query: Option<&str>,
) -> Result<VerifiedBy, SignatureError> {
    verify_query_for(keys, policy, SignedAction::Resume, resume_id, query)
}

/// [`verify_query`] for the URL of `action` (resume, cancel or extend):
/// the `sig` must have been made for that action.
pub fn verify_query_for<const N: usize>(
    keys: &KeySet<N>,
    policy: SignaturePolicy,
    action: SignedAction,
    resume_id: &str,
    query: Option<&str>,
) -> Result<VerifiedBy, SignatureError> {
    verify_query_ref(keys, policy, action, resume_id, query).map(VerifiedByRef::into_owned)
}

/// [`VerifiedBy`] with the key id borrowed from the [`KeySet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifiedByRef<'k> {
    /// A valid signature made with this key.
    Key(&'k KeyId),
    /// No `sig` parameter, accepted under [`SignaturePolicy::Optional`].
    Unsigned,
    /// Not checked: [`SignaturePolicy::Off`].
    NotChecked,
}

impl VerifiedByRef<'_> {
    /// The owned form (copies the key id).
    pub fn into_owned(self) -> VerifiedBy {
        match self {
            VerifiedByRef::Key(id) => VerifiedBy::Key(id.clone()),
            VerifiedByRef::Unsigned => VerifiedBy::Unsigned,
            VerifiedByRef::NotChecked => VerifiedBy::NotChecked,
        }
    }
}

/// [`verify_query_for`] without copying the key id: for a caller that
/// copies it elsewhere anyway (the C ABI writes it into its result), so
/// it is read once, from the key set.
pub fn verify_query_ref<'k, const N: usize>(
    keys: &'k KeySet<N>,
    policy: SignaturePolicy,
    action: SignedAction,
    resume_id: &str,
    query: Option<&str>,
) -> Result<VerifiedByRef<'k>, SignatureError> {
    if policy == SignaturePolicy::Off {
        return Ok(VerifiedByRef::NotChecked);
    }
    match find_sig(query.unwrap_or(""))? {
        Some(sig) => keys
            .verify_for(action, resume_id, sig)
            .map(VerifiedByRef::Key),
        None if policy == SignaturePolicy::Optional => Ok(VerifiedByRef::Unsigned),
        None => Err(SignatureError::Missing),
    }
}

/// The value of the only `sig` parameter, if any.
fn find_sig(query: &str) -> Result<Option<&str>, SignatureError> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut found = None;
    for param in query.split('&') {
        let (name, value) = param.split_once('=').unwrap_or((param, ""));
        if name != SIG_PARAM {
            continue;
        }
        if found.is_some() {
            return Err(SignatureError::Duplicated);
        }
        found = Some(value);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "webhook_exec-1_wait_0123456789abcdefghjkmnpqrs";

    fn key(id: &str) -> ResumeKey {
        ResumeKey::new(id, b"0123456789abcdef").unwrap()
    }

    #[test]
    fn key_id_rules() {
        assert!(ResumeKey::new("a", b"0123456789abcdef").is_ok());
        assert!(ResumeKey::new("abcd1234", b"0123456789abcdef").is_ok());
        for bad in ["", "abcd12345", "K1", "k-1", "k.1", "ké"] {
            assert_eq!(
                ResumeKey::new(bad, b"0123456789abcdef").unwrap_err(),
                SignatureError::KeyIdInvalid,
                "{bad:?}"
            );
        }
        assert_eq!(
            ResumeKey::new("k1", b"0123456789abcde").unwrap_err(),
            SignatureError::SecretTooShort { len: 15, min: 16 }
        );
    }

    #[test]
    fn signature_parts() {
        let sig = key("k1").sign(ID);
        assert_eq!(sig.key_id(), "k1");
        assert_eq!(sig.mac().len(), MAC_B64_LEN);
        assert_eq!(sig.as_str().len(), 2 + 1 + MAC_B64_LEN);
        let long = key("abcd1234").sign(ID);
        assert_eq!(long.as_str().len(), MAX_SIG_LEN);
    }

    #[test]
    fn signature_parse_round_trip() {
        for k in ["k1", "abcd1234"] {
            let sig = key(k).sign(ID);
            let back = Signature::parse(sig.as_str()).unwrap();
            assert_eq!(back, sig);
            assert_eq!(back.key_id(), k);
            assert_eq!(back.mac(), sig.mac());
        }
        for bad in [
            "",
            "k1",
            ".AAAAAAAAAAAAAAAAAAAAAA",
            "K1.AAAAAAAAAAAAAAAAAAAAAA",
        ] {
            assert!(Signature::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Signature::parse("k1.AAAAAAAAAAAAAAAAAAAAA").is_err());
        assert!(Signature::parse("k1.AAAAAAAAAAAAAAAAAAAAAAA").is_err());
        assert!(Signature::parse("k1.AAAAAAAAAAAAAAAAAAAAAB").is_err());
        assert!(Signature::parse("k1.AAAAAAAAAAAAAAAAAAAAAA").is_ok());
    }

    #[test]
    fn set_current_keeps_order_of_others() {
        let mut ks: KeySet<4> = KeySet::new();
        for id in ["a", "b", "c", "d"] {
            ks.add(key(id)).unwrap();
        }
        ks.set_current("c").unwrap();
        let order: heapless::Vec<&str, 4> = ks.iter().map(|k| k.id().as_str()).collect();
        assert_eq!(order.as_slice(), ["c", "a", "b", "d"]);
        drop(order);
        assert_eq!(
            ks.add(key("e")).unwrap_err(),
            SignatureError::KeySetFull { limit: 4 }
        );
        assert_eq!(
            ks.add(key("a")).unwrap_err(),
            SignatureError::DuplicateKeyId
        );
        assert_eq!(
            ks.set_current("zz").unwrap_err(),
            SignatureError::KeyNotFound
        );
        assert!(ks.remove("c").is_some());
        assert_eq!(ks.current().unwrap().id().as_str(), "a");
        assert!(ks.remove("c").is_none());
    }

    #[test]
    fn find_sig_cases() {
        assert_eq!(find_sig(""), Ok(None));
        assert_eq!(find_sig("a=1&b=2"), Ok(None));
        assert_eq!(find_sig("xsig=1&sigx=2"), Ok(None));
        assert_eq!(find_sig("a=1&sig=v&b=2"), Ok(Some("v")));
        assert_eq!(find_sig("?sig=v"), Ok(Some("v")));
        assert_eq!(find_sig("sig"), Ok(Some("")));
        assert_eq!(find_sig("sig=a&sig=a"), Err(SignatureError::Duplicated));
    }

    #[test]
    fn append_is_atomic() {
        let sig = key("k1").sign(ID);
        let mut url: heapless::String<40> = heapless::String::new();
        url.push_str("https://example.com/x").unwrap();
        let err = sig.append_to_url(&mut url).unwrap_err();
        assert_eq!(
            err,
            Error::Capacity {
                what: "URL buffer",
                limit: 40
            }
        );
        assert_eq!(url.as_str(), "https://example.com/x");
        let mut url: heapless::String<64> = heapless::String::new();
        url.push_str("/r?a=1").unwrap();
        sig.append_to_url(&mut url).unwrap();
        assert!(url.starts_with("/r?a=1&sig=k1."));
    }

    #[test]
    fn debug_hides_secret() {
        let mut out: heapless::String<128> = heapless::String::new();
        fmt::write(&mut out, format_args!("{:?}", key("k1"))).unwrap();
        assert_eq!(out.as_str(), "ResumeKey { id: \"k1\", .. }");
    }
}
