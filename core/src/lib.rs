//! # Prana webhook core
//!
//! Everything with logic in Prana webhook, for hosts with no heap and no OS:
//! resume IDs and URLs, parsing and routing of incoming requests, the webhook
//! lifecycle, registrations and their JSON form, signed URLs, the wait action
//! and the graph executor. The host supplies randomness, the clock and
//! persistence.
//!
//! ```
//! use prana_webhook_core::{id::IdGenerator, url::{BaseUrl, Route}};
//!
//! let base = BaseUrl::parse("https://gw.example.com/hooks").unwrap();
//! let mut ids = IdGenerator::from_seed([7; 32]);
//! let id = ids.resume_id("exec-1", "wait_approval").unwrap();
//! let url = base.resume_url(&id).unwrap();
//! let target = base.parse_target(&url).unwrap();
//! assert_eq!(target.route, Route::Resume { resume_id: id.as_str() });
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Crate-private helpers that only the executor's modules call.
#![cfg_attr(not(feature = "executor"), allow(dead_code))]

mod bytes;
#[cfg(feature = "executor")]
pub mod context;
mod div64;
pub mod error;
#[cfg(feature = "executor")]
pub mod executor;
pub mod form;
pub mod id;
pub mod json;
pub mod lifecycle;
mod msg;
pub mod page;
pub mod registration;
pub mod route;
#[cfg(feature = "executor")]
pub mod template;
#[cfg(feature = "schedule")]
pub mod time;
pub mod token;
pub mod url;
#[cfg(feature = "executor")]
pub mod wait;
#[cfg(feature = "executor")]
pub mod workflow;

pub use error::{Error, Result};
