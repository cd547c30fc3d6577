//! Helpers shared by the integration tests. Each test binary compiles this
//! module on its own and uses a different part of it.
#![allow(dead_code)]

pub mod counting_alloc;
pub mod executor;
pub mod signatures;
