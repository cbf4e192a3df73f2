//! Safe wrapper over a small C shim around libosip2's parser
//! (`benches/compare/osip_shim.c`), for the opt-in parser comparison
//! (`benches --features compare`, binary `compare_parsers`).
//!
//! This crate is the one measured exception to the workspace's
//! `unsafe_code = "forbid"`: calling a C library needs `unsafe`. Everything
//! is behind the `link` feature, so that the default workspace build is an
//! empty crate needing neither libosip2 nor a C compiler.
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(missing_docs)]

#[cfg(feature = "link")]
mod shim;

#[cfg(feature = "link")]
pub use shim::{init, parse};
