//! Per-arrow tests of the four RFC 3261 section 17 machines on a virtual
//! clock, and matching tests.

mod ict;
mod ist;
mod matching;
mod nict;
mod nist;
pub(crate) mod util;
