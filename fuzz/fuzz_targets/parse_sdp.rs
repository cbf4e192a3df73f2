//! Fuzz the SDP parser: no input may panic, and a parsed session must
//! re-encode to bytes that parse to an equal session (rustls `fuzz_message`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sip_sdp::Session;

fuzz_target!(|data: &[u8]| {
    if let Ok(session) = Session::parse(data) {
        let bytes = session.to_bytes();
        let again = Session::parse(&bytes).expect("re-encoded session must parse");
        assert_eq!(again, session, "round trip changed the session");
        assert_eq!(again.to_bytes(), bytes, "encoding is not stable");
    }
});
