//! Signatures: signed resume URLs and incoming Standard Webhooks signatures.
//!
//! * [`resume`]: a resume URL is a capability, so it can carry
//!   `?sig={key_id}.{mac}` where `mac` is HMAC-SHA256 over the resume ID only
//!   (never the host, so a reverse proxy that rewrites the host never breaks
//!   it). Several keys may be active at once for rotation.
//! * [`standard_webhooks`]: verify (and, for testing senders, produce) the
//!   [Standard Webhooks](https://www.standardwebhooks.com) `v1,` signatures
//!   that third-party senders put on requests to trigger endpoints.
//!
//! Every failure is a [`SignatureError`]; each maps to HTTP 401 with code
//! `invalid_signature` and has its own [`reason`](SignatureError::reason).
//! Nothing here allocates, and no message echoes a secret or MAC bytes.
//!
//! ```
//! use prana_webhook_core::token::resume::{verify_query, KeySet, ResumeKey, SignaturePolicy, VerifiedBy};
//! use prana_webhook_core::token::standard_webhooks::{self, StandardWebhookSecret};
//!
//! // Signed resume URLs.
//! let mut keys: KeySet = KeySet::new();
//! keys.add(ResumeKey::new("k1", b"0123456789abcdef0123456789abcdef").unwrap()).unwrap();
//! let id = "webhook_exec-1_wait_0123456789abcdefghjkmnpqrs";
//! let mut url: heapless::String<512> = heapless::String::new();
//! url.push_str("https://gw.example.com/webhook/workflow/resume/").unwrap();
//! url.push_str(id).unwrap();
//! keys.sign_url(id, &mut url).unwrap();
//! let query = url.split_once('?').map(|(_, q)| q);
//! let by = verify_query(&keys, SignaturePolicy::Required, id, query).unwrap();
//! assert!(matches!(by, VerifiedBy::Key(k) if k.as_str() == "k1"));
//!
//! // Standard Webhooks.
//! let secret = StandardWebhookSecret::from_whsec("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
//! let body = br#"{"test": 2432232314}"#;
//! let header = standard_webhooks::sign(&secret, "msg_1", 1614265330, body);
//! let ts = standard_webhooks::verify(&secret, "msg_1", "1614265330", body, &header,
//!                                    1614265400, standard_webhooks::DEFAULT_TOLERANCE_SECS).unwrap();
//! assert_eq!(ts, 1614265330);
//! ```

mod base64;
mod error;
pub mod resume;
#[cfg(feature = "standard-webhooks")]
pub mod standard_webhooks;

pub use error::{Malformation, SignatureError};
