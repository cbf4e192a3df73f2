//! Parses arbitrary bytes as a URI (RFC 3261 section 19.1, RFC 3966, RFC
//! 5118): no input may panic, and a URI that parses re-encodes to bytes
//! that parse to an equal URI.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sip_parser::header::{HeaderName, validate};
use sip_parser::uri::Uri;

fuzz_target!(|data: &[u8]| {
    if let Ok(uri) = Uri::parse(data) {
        let mut out = Vec::new();
        uri.encode(&mut out);
        let again = Uri::parse(&out).expect("re-encoded URI must parse");
        assert_eq!(again, uri);
        let _ = uri.to_string();
        let _ = uri.host().and_then(|h| h.ip());
    }
    // The same bytes as a few address-like header values must not panic.
    for name in [HeaderName::To, HeaderName::Contact, HeaderName::Via] {
        let _ = validate(name, data);
    }
});
