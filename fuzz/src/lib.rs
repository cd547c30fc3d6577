//! Fuzz entry functions of Prana webhook, one per input surface.
//!
//! * [`entries`] (re-exported here): the core's surfaces. Also compiled into
//!   `core/tests/fuzz_regressions.rs`, which replays the saved inputs.
//! * [`ffi_entries`]: the C ABI's surfaces (HTTP head parsing, routing raw
//!   bytes). Also compiled into `ffi/tests/fuzz_regressions.rs`.

#[allow(dead_code)]
pub mod entries;
pub mod ffi_entries;

pub use entries::*;
pub use ffi_entries::{c_abi_route, http_head};

/// Every target, core and C ABI: name and entry function.
pub fn all_targets() -> Vec<entries::Target> {
    entries::TARGETS
        .iter()
        .chain(ffi_entries::FFI_TARGETS)
        .copied()
        .collect()
}
