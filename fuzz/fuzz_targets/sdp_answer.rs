//! Fuzz RFC 3264 answer generation: any parsed offer yields an answer that
//! encodes, parses back, and validates against the offer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sip_sdp::{AnswerOptions, Capabilities, Codec, Limits, MediaKind, Session, answer, negotiate};

fuzz_target!(|data: &[u8]| {
    let Ok(offer) = Session::parse(data) else {
        return;
    };
    let caps = Capabilities::default_audio()
        .codec(Codec::new(MediaKind::Video, "H264", 90000, 1, 96))
        .rtcp_mux(true);
    let opts = AnswerOptions::new("192.0.2.7".parse().expect("literal address")).session("1", 1);
    let Ok(ans) = answer(&offer, &caps, &opts) else {
        return;
    };
    assert_eq!(ans.media.len(), offer.media.len());
    // The answer of a near-limit offer may exceed the default limits.
    let roomy = Limits {
        max_bytes: 1 << 20,
        max_lines: 1 << 14,
        ..Limits::default()
    };
    let again = Session::parse_with(&ans.to_bytes(), &roomy).expect("answer must parse");
    assert_eq!(again, ans);
    // An answer built from a valid offer must validate, unless the offer
    // lacks a connection address for a stream we accepted.
    if let Err(e) = negotiate(&offer, &ans) {
        assert!(
            matches!(e, sip_sdp::SdpError::MissingConnection { .. }),
            "{e}"
        );
    }
});
