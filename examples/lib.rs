//! Shared helpers for the command-line examples of the SIP stack.
//!
//! The programs themselves live beside this file and are run from the
//! repository root with `cargo run --release --example NAME -- ARGS`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// Reads a whole file, or returns the I/O error text for a tab-separated
/// `FILE\terror\tREASON` report line.
/// The path may be any OS string (a file name need not be UTF-8).
pub fn read_input(path: impl AsRef<std::path::Path>) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read file: {e}"))
}
