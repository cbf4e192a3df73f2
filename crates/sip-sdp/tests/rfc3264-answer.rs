//! RFC 3264 answer rules found in review against offers from real UAs.

use sip_sdp::{AnswerOptions, Capabilities, Session, Timing, answer, negotiate};

fn opts() -> AnswerOptions {
    AnswerOptions::new("198.51.100.7".parse().unwrap()).session("42", 1)
}

/// RFC 3264 section 6: "The t= line in the answer MUST equal that of the
/// offer. The time of the session cannot be negotiated."
#[test]
fn answer_copies_the_offer_timing() {
    let offer = Session::parse(
        b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n\
          t=3034423619 3042462419\r\nr=7d 1h 0 25h\r\nt=3042462419 0\r\n\
          m=audio 5000 RTP/AVP 0\r\n",
    )
    .unwrap();
    let ans = answer(&offer, &Capabilities::default_audio(), &opts()).unwrap();
    assert_eq!(ans.times, offer.times);
    let text = ans.to_string();
    assert!(
        text.contains("t=3034423619 3042462419\r\nr=7d 1h 0 25h\r\nt=3042462419 0\r\n"),
        "{text}"
    );
    assert!(!text.contains("t=0 0"), "{text}");
    // The usual t=0 0 stays t=0 0, and a hand-built offer without any t=
    // still gets one.
    let mut bare = offer;
    bare.times.clear();
    let ans = answer(&bare, &Capabilities::default_audio(), &opts()).unwrap();
    assert_eq!(ans.times, [Timing::default()]);
}

/// RFC 5761 section 5.1.3 and RFC 8035: once both sides agreed on
/// rtcp-mux, RTCP goes to the RTP port and address; an `a=rtcp` (JSEP and
/// gateways write `a=rtcp:9 IN IP4 0.0.0.0`) is only the fallback when mux is
/// refused.
#[test]
fn rtcp_mux_wins_over_the_rtcp_attribute() {
    let caps = Capabilities::default_audio().rtcp_mux(true);
    let offer = Session::parse(
        b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n\
          m=audio 5000 RTP/AVP 0\r\na=rtcp:5001\r\na=rtcp-mux\r\n",
    )
    .unwrap();
    let ans = Session::parse(
        b"v=0\r\no=- 2 1 IN IP4 203.0.113.9\r\ns=-\r\nc=IN IP4 203.0.113.9\r\nt=0 0\r\n\
          m=audio 7000 RTP/AVP 0\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=rtcp-mux\r\n",
    )
    .unwrap();
    let n = negotiate(&offer, &ans).unwrap();
    let s = &n.streams[0];
    assert!(s.rtcp_mux);
    assert_eq!(
        (s.rtcp_address.as_str(), s.rtcp_port),
        ("203.0.113.9", 7000)
    );

    // Without mux in the answer, a=rtcp applies (RFC 3605).
    let no_mux = Session::parse(
        ans.to_string()
            .replace("a=rtcp-mux\r\n", "")
            .replace("a=rtcp:9 IN IP4 0.0.0.0", "a=rtcp:7003 IN IP4 203.0.113.10")
            .as_bytes(),
    )
    .unwrap();
    let s = &negotiate(&offer, &no_mux).unwrap().streams[0];
    assert!(!s.rtcp_mux);
    assert_eq!(
        (s.rtcp_address.as_str(), s.rtcp_port),
        ("203.0.113.10", 7003)
    );

    // Our own answer to that offer echoes rtcp-mux, and the answerer's view
    // sends RTCP to the offer's RTP port, not its a=rtcp fallback.
    let ours = answer(&offer, &caps, &opts()).unwrap();
    let s = &sip_sdp::negotiate_as_answerer(&offer, &ours)
        .unwrap()
        .streams[0];
    assert!(s.rtcp_mux);
    assert_eq!(s.rtcp_port, 5000);
}
