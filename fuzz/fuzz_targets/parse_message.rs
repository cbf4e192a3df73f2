//! Fuzz the datagram message parser: no input may panic; a message that
//! parses and validates re-serializes to bytes that parse to an equal
//! message; an unmodified message re-serializes to its own bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sip_parser::Message;

fuzz_target!(|data: &[u8]| {
    let Ok(msg) = Message::parse(data.to_vec()) else { return };
    let valid = msg.validate().is_ok();
    let _ = msg.check_request();
    let _ = (msg.branch(), msg.cseq(), msg.call_id(), msg.from_tag(), msg.to_tag());
    let out = msg.to_vec();
    assert_eq!(Some(&out[..]), msg.original_bytes());
    let again = Message::parse(out).expect("an encoded message parses again");
    assert_eq!(again, msg);
    if valid {
        // A changed message is written from its parts; it must parse back.
        let mut changed = msg.clone();
        changed.set_header(sip_parser::HeaderName::MaxForwards, "70");
        let re = Message::parse(changed.to_vec()).expect("a changed valid message parses");
        assert_eq!(re.body(), msg.body());
    }
});
