//! Offers the way real phones and servers send them, with the exact answer
//! a UA with the default audio capabilities gives (RFC 3264 section 6).

use sip_sdp::{
    AnswerOptions, Attribute, Capabilities, Codec, Direction, MediaKind, Session, answer, negotiate,
};

fn opts() -> AnswerOptions {
    AnswerOptions::new("198.51.100.7".parse().unwrap()).session("42", 1)
}

/// LF-only source text with CRLF line endings.
fn crlf(s: &str) -> String {
    s.lines()
        .map(|l| format!("{}\r\n", l.trim_start()))
        .collect()
}

fn check(offer: &str, caps: &Capabilities, opts: &AnswerOptions, expected: &str) -> Session {
    let offer = Session::parse(offer.as_bytes()).expect("offer parses");
    let again = Session::parse(offer.to_string().as_bytes()).unwrap();
    assert_eq!(again, offer, "offer round trip");
    let ans = answer(&offer, caps, opts).unwrap();
    assert_eq!(ans.to_string(), crlf(expected));
    negotiate(&offer, &ans).expect("answer is valid for the offer");
    ans
}

const HEAD: &str = "v=0
    o=- 42 1 IN IP4 198.51.100.7
    s=-
    c=IN IP4 198.51.100.7
    t=0 0
";

#[test]
fn g711_with_telephone_event() {
    let offer = "v=0\r\no=yealink 1234 1234 IN IP4 192.168.1.50\r\ns=SDP data\r\nc=IN IP4 192.168.1.50\r\nt=0 0\r\n\
m=audio 11780 RTP/AVP 0 8 18 9 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:18 G729/8000\r\n\
a=fmtp:18 annexb=no\r\na=rtpmap:9 G722/8000\r\na=fmtp:101 0-15\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\na=sendrecv\r\n";
    let ans = check(
        offer,
        &Capabilities::default_audio(),
        &opts(),
        &format!(
            "{HEAD}m=audio 4000 RTP/AVP 0 8 9 101
            a=rtpmap:0 PCMU/8000
            a=rtpmap:8 PCMA/8000
            a=rtpmap:9 G722/8000
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-15
            a=ptime:20
            a=sendrecv"
        ),
    );
    let n = negotiate(&Session::parse(offer.as_bytes()).unwrap(), &ans).unwrap();
    assert_eq!(n.streams[0].dtmf_payload, Some(101));
    assert_eq!(n.streams[0].remote_port, 4000);
}

#[test]
fn static_payloads_without_rtpmap_lf_only() {
    // Old Cisco/SPA style: no rtpmap for static types, LF-only, trailing blanks.
    let offer = "v=0\no=- 3 3 IN IP4 10.0.0.5 \ns=-\nc=IN IP4 10.0.0.5\nt=0 0\nm=audio 16384 RTP/AVP 8 0 100\n\
a=rtpmap:100 TELEPHONE-EVENT/8000\na=fmtp:100 0-11,16\n";
    check(
        offer,
        &Capabilities::default_audio(),
        &opts(),
        &format!(
            "{HEAD}m=audio 4000 RTP/AVP 8 0 100
            a=rtpmap:8 PCMA/8000
            a=rtpmap:0 PCMU/8000
            a=rtpmap:100 TELEPHONE-EVENT/8000
            a=fmtp:100 0-11,16
            a=sendrecv"
        ),
    );
}

#[test]
fn opus_and_g722_with_fmtp() {
    let offer = "v=0\r\no=linphone 801 2301 IN IP4 192.0.2.30\r\ns=Talk\r\nc=IN IP4 192.0.2.30\r\nt=0 0\r\n\
m=audio 7078 RTP/AVP 96 9 0 101 97\r\na=rtpmap:96 opus/48000/2\r\na=fmtp:96 useinbandfec=1;minptime=10\r\n\
a=rtpmap:101 telephone-event/48000\r\na=rtpmap:97 telephone-event/8000\r\na=rtcp-fb:* trr-int 1000\r\n";
    check(
        offer,
        &Capabilities::default_audio(),
        &opts(),
        &format!(
            "{HEAD}m=audio 4000 RTP/AVP 96 9 0 101 97
            a=rtpmap:96 opus/48000/2
            a=fmtp:96 useinbandfec=1;minptime=10
            a=rtpmap:9 G722/8000
            a=rtpmap:0 PCMU/8000
            a=rtpmap:101 telephone-event/48000
            a=fmtp:101 0-15
            a=rtpmap:97 telephone-event/8000
            a=fmtp:97 0-15
            a=sendrecv"
        ),
    );
}

#[test]
fn opus_mono_does_not_match() {
    let offer = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n\
m=audio 7078 RTP/AVP 96\r\na=rtpmap:96 opus/48000\r\n";
    check(
        offer,
        &Capabilities::default_audio(),
        &opts(),
        &format!("{HEAD}m=audio 0 RTP/AVP 96"),
    );
}

const SRTP: &str = "v=0\r\no=snom 1 1 IN IP4 192.0.2.40\r\ns=-\r\nc=IN IP4 192.0.2.40\r\nt=0 0\r\n\
m=audio 50000 RTP/SAVP 0 8 101\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4\r\n\
a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:4 UNENCRYPTED_SRTCP\r\n\
a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n";

#[test]
fn srtp_offer_with_crypto() {
    let offer = Session::parse(SRTP.as_bytes()).unwrap();
    let Attribute::Crypto(c) = &offer.media[0].attributes[1] else {
        panic!("crypto not typed")
    };
    assert_eq!(
        (c.tag, c.session_params.as_slice()),
        (2, ["UNENCRYPTED_SRTCP".to_owned()].as_slice())
    );
    // Without a local key the SRTP stream is refused.
    check(
        SRTP,
        &Capabilities::default_audio(),
        &opts(),
        &format!("{HEAD}m=audio 0 RTP/SAVP 0 8 101"),
    );
    let key = "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4";
    check(
        SRTP,
        &Capabilities::default_audio(),
        &opts().srtp_key(key),
        &format!(
            "{HEAD}m=audio 4000 RTP/SAVP 0 8 101
            a=rtpmap:0 PCMU/8000
            a=rtpmap:8 PCMA/8000
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-15
            a=crypto:1 AES_CM_128_HMAC_SHA1_80 {key}
            a=sendrecv"
        ),
    );
}

const AV: &str = "v=0\r\no=PolycomRealPresence 1 1 IN IP4 192.0.2.50\r\ns=-\r\nc=IN IP4 192.0.2.50\r\nb=AS:1024\r\nt=0 0\r\n\
m=audio 2226 RTP/AVP 9 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n\
m=video 2228 RTP/AVP 109 34\r\nb=TIAS:960000\r\na=rtpmap:109 H264/90000\r\na=fmtp:109 profile-level-id=42e01f;packetization-mode=1\r\n\
a=rtpmap:34 H263/90000\r\na=sendrecv\r\n";

#[test]
fn audio_and_video_offer() {
    check(
        AV,
        &Capabilities::default_audio(),
        &opts(),
        &format!(
            "{HEAD}m=audio 4000 RTP/AVP 9 0 8 101
            a=rtpmap:9 G722/8000
            a=rtpmap:0 PCMU/8000
            a=rtpmap:8 PCMA/8000
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-15
            a=sendrecv
            m=video 0 RTP/AVP 109 34"
        ),
    );
    let caps =
        Capabilities::default_audio().codec(Codec::new(MediaKind::Video, "h264", 90000, 1, 96));
    check(
        AV,
        &caps,
        &opts(),
        &format!(
            "{HEAD}m=audio 4000 RTP/AVP 9 0 8 101
            a=rtpmap:9 G722/8000
            a=rtpmap:0 PCMU/8000
            a=rtpmap:8 PCMA/8000
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-15
            a=sendrecv
            m=video 4002 RTP/AVP 109
            a=rtpmap:109 H264/90000
            a=fmtp:109 profile-level-id=42e01f;packetization-mode=1
            a=sendrecv"
        ),
    );
}

#[test]
fn ipv6_offer() {
    let offer = "v=0\r\no=- 7 7 IN IP6 2001:db8::20\r\ns=-\r\nc=IN IP6 2001:db8::20\r\nt=0 0\r\n\
m=audio 6000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";
    let o = AnswerOptions::new("2001:db8::7".parse().unwrap()).session("42", 1);
    let ans = check(
        offer,
        &Capabilities::default_audio(),
        &o,
        "v=0
        o=- 42 1 IN IP6 2001:db8::7
        s=-
        c=IN IP6 2001:db8::7
        t=0 0
        m=audio 4000 RTP/AVP 0 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-15
        a=sendrecv",
    );
    let n =
        sip_sdp::negotiate_as_answerer(&Session::parse(offer.as_bytes()).unwrap(), &ans).unwrap();
    assert_eq!(
        n.streams[0].remote_ip,
        Some("2001:db8::20".parse().unwrap())
    );
}

#[test]
fn ice_offer() {
    let offer = "v=0\r\no=jdoe 2890844526 2890842807 IN IP4 10.0.1.1\r\ns=\r\nc=IN IP4 192.0.2.3\r\nt=0 0\r\n\
a=ice-pwd:asd88fgpdd777uzjYhagZg\r\na=ice-ufrag:8hhY\r\nm=audio 45664 RTP/AVP 0\r\nb=RS:0\r\nb=RR:0\r\n\
a=rtpmap:0 PCMU/8000\r\na=rtcp:45665 IN IP4 192.0.2.3\r\n\
a=candidate:1 1 UDP 2130706431 10.0.1.1 8998 typ host\r\n\
a=candidate:2 1 UDP 1694498815 192.0.2.3 45664 typ srflx raddr 10.0.1.1 rport 8998\r\n";
    let parsed = Session::parse(offer.as_bytes()).unwrap();
    let cands = parsed.media[0]
        .attributes
        .iter()
        .filter(|a| matches!(a, Attribute::Candidate(_)))
        .count();
    assert_eq!(cands, 2);
    let ans = check(
        offer,
        &Capabilities::default_audio(),
        &opts(),
        &format!("{HEAD}m=audio 4000 RTP/AVP 0\na=rtpmap:0 PCMU/8000\na=sendrecv"),
    );
    let n = sip_sdp::negotiate_as_answerer(&parsed, &ans).unwrap();
    assert_eq!(
        (n.streams[0].rtcp_address.as_str(), n.streams[0].rtcp_port),
        ("192.0.2.3", 45665)
    );
}

#[test]
fn hold_re_offers() {
    let base = "v=0\r\no=- 5 6 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n";
    let expect = |dir: &str| format!("{HEAD}m=audio 4000 RTP/AVP 0\na=rtpmap:0 PCMU/8000\na={dir}");
    let caps = Capabilities::default_audio();
    check(
        &format!("{base}a=sendonly\r\n"),
        &caps,
        &opts(),
        &expect("recvonly"),
    );
    check(
        &format!("{base}a=inactive\r\n"),
        &caps,
        &opts(),
        &expect("inactive"),
    );
    check(
        &format!("{base}a=recvonly\r\n"),
        &caps,
        &opts(),
        &expect("sendonly"),
    );
    // RFC 2543 hold: c=0.0.0.0 means "do not send to me".
    check(
        &base.replace("c=IN IP4 192.0.2.1", "c=IN IP4 0.0.0.0"),
        &caps,
        &opts(),
        &expect("recvonly"),
    );
    // Our own hold: a re-offer with o= version + 1, and the peer's answer.
    let ours = sip_sdp::OfferBuilder::new(&caps, opts()).build();
    let held = ours.hold(sip_sdp::HoldMode::SendOnly).unwrap();
    assert_eq!(held.origin.session_version, ours.origin.session_version + 1);
    let peer = AnswerOptions::new("192.0.2.99".parse().unwrap());
    let ans = answer(&held, &caps, &peer).unwrap();
    assert_eq!(ans.media_direction(0), Direction::RecvOnly);
    assert_eq!(
        negotiate(&held, &ans).unwrap().streams[0].direction,
        Direction::SendOnly
    );
    let resumed = held.resume().unwrap();
    assert_eq!(
        resumed.origin.session_version,
        ours.origin.session_version + 2
    );
    let ans = answer(&resumed, &caps, &peer).unwrap();
    assert_eq!(
        negotiate(&resumed, &ans).unwrap().streams[0].direction,
        Direction::SendRecv
    );
}

#[test]
fn t38_and_extra_audio_rejected() {
    let offer = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n\
m=audio 5000 RTP/AVP 8\r\nm=audio 5002 RTP/AVP 0\r\nm=image 5004 udptl t38\r\na=T38FaxVersion:0\r\n";
    check(
        offer,
        &Capabilities::default_audio(),
        &opts(),
        &format!(
            "{HEAD}m=audio 4000 RTP/AVP 8\na=rtpmap:8 PCMA/8000\na=sendrecv\nm=audio 0 RTP/AVP 0\nm=image 0 udptl t38"
        ),
    );
}

#[test]
fn fresh_session_id_by_default() {
    let offer = Session::parse(AV.as_bytes()).unwrap();
    let o = AnswerOptions::new("198.51.100.7".parse().unwrap());
    let a = answer(&offer, &Capabilities::default_audio(), &o).unwrap();
    assert_ne!(a.origin.session_id, offer.origin.session_id);
    assert!(a.origin.session_id.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(a.connection.as_ref().unwrap().address, "198.51.100.7");
}
