//! The `extern "C"` declarations of the shim and their safe wrappers.

use std::ffi::{c_char, c_int};
use std::sync::Once;

unsafe extern "C" {
    fn shim_init() -> c_int;
    fn shim_parse(buf: *const c_char, len: usize) -> c_int;
}

static INIT: Once = Once::new();

/// Initialises libosip2's parser tables (`parser_init()`); idempotent,
/// called by [`parse`] on first use.
pub fn init() {
    INIT.call_once(|| {
        // SAFETY: `parser_init` takes no arguments and only fills libosip2's
        // global tables; `Once` keeps it from running twice or concurrently.
        let rc = unsafe { shim_init() };
        assert_eq!(rc, 0, "libosip2 parser_init failed");
    });
}

/// Parses one SIP message with `osip_message_parse` and reads its
/// transaction-key headers (top Via branch, CSeq, Call-ID, From tag, To tag)
/// through osip's accessors, then frees it. True if osip accepted the
/// message and Via, CSeq, Call-ID, From and To were present.
pub fn parse(buf: &[u8]) -> bool {
    init();
    // SAFETY: `buf` is a valid, live slice for the whole call; the shim only
    // reads `len` bytes from it (osip copies the buffer before parsing) and
    // keeps no pointer to it after returning.
    let rc = unsafe { shim_parse(buf.as_ptr().cast::<c_char>(), buf.len()) };
    rc == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_a_request_and_rejects_bad_input() {
        let msg = b"OPTIONS sip:bob@example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\n\
From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\n\
Call-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
        assert!(super::parse(msg));
        // garbage, empty, truncated
        assert!(!super::parse(b"garbage\r\n\r\n"));
        assert!(!super::parse(b""));
        assert!(!super::parse(&msg[..20]));
    }
}
