//! Bad input gets a typed error with its line number, never a panic
//! (RFC 8866 section 9 grammar, bounded by `Limits`).

use sip_sdp::{ErrorKind, Limits, SdpError, Session};

fn kind_line(input: &[u8]) -> (ErrorKind, usize) {
    match Session::parse(input) {
        Err(SdpError::Syntax { line, kind }) => (kind, line),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

const GOOD: &[u8] = b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n\
m=audio 5000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n";

#[test]
fn truncated_bodies() {
    // Every prefix either parses or fails with a typed error.
    for n in 0..GOOD.len() {
        let _ = Session::parse(&GOOD[..n]);
    }
    assert_eq!(kind_line(b""), (ErrorKind::Empty, 1));
    assert_eq!(kind_line(b"\r\n\r\n"), (ErrorKind::Empty, 3));
    assert_eq!(kind_line(b"v=0\r\n"), (ErrorKind::MissingOrigin, 2));
    assert_eq!(kind_line(b"v=0\r\no=- 1 1 IN"), (ErrorKind::BadOrigin, 2));
    let cut = GOOD
        .windows(16)
        .position(|w| w == b"telephone-event/")
        .unwrap()
        + 16;
    assert_eq!(kind_line(&GOOD[..cut]), (ErrorKind::BadRtpmap, 7));
    assert_eq!(
        kind_line(b"v=0\r\no=- 1 1 IN IP4 a\r\nm=audio"),
        (ErrorKind::BadMedia, 3)
    );
}

#[test]
fn garbage_bytes() {
    assert_eq!(kind_line(b"\x00\x01\x02"), (ErrorKind::BadLine, 1));
    assert_eq!(
        kind_line(b"INVITE sip:a@b SIP/2.0\r\n"),
        (ErrorKind::BadLine, 1)
    );
    assert_eq!(kind_line(b"v=0\r\n=x\r\n"), (ErrorKind::BadLine, 2));
    assert_eq!(kind_line(b"v=0\r\nA=x\r\n"), (ErrorKind::BadLine, 2));
    let mut junk = GOOD.to_vec();
    junk.extend_from_slice(b"m=audio 99999 RTP/AVP 0\r\n");
    assert_eq!(kind_line(&junk), (ErrorKind::BadMedia, 9));
    let mut seed = 0x1234_5678_u32;
    for _ in 0..2000 {
        let bytes: Vec<u8> = (0..64)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (seed >> 16) as u8
            })
            .collect();
        let _ = Session::parse(&bytes);
    }
}

#[test]
fn oversized() {
    let big = vec![b'a'; 100_000];
    assert_eq!(kind_line(&big), (ErrorKind::TooLarge, 1));
    let mut many = b"v=0\r\no=- 1 1 IN IP4 a\r\n".to_vec();
    for _ in 0..40 {
        many.extend_from_slice(b"m=audio 1 RTP/AVP 0\r\n");
    }
    assert_eq!(kind_line(&many), (ErrorKind::TooManyMedia, 35));
    let lines = "a=x\r\n".repeat(2000);
    let body = format!("v=0\r\no=- 1 1 IN IP4 a\r\n{lines}");
    assert_eq!(kind_line(body.as_bytes()), (ErrorKind::TooManyLines, 1025));
    let long = format!("v=0\r\no=- 1 1 IN IP4 a\r\na={}\r\n", "y".repeat(10_000));
    assert_eq!(kind_line(long.as_bytes()), (ErrorKind::LineTooLong, 3));
    let tight = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    assert_eq!(
        Session::parse_with(GOOD, &tight).unwrap_err().kind(),
        Some(ErrorKind::TooLarge)
    );
}

#[test]
fn non_utf8() {
    assert_eq!(
        kind_line(b"v=0\r\no=- 1 1 IN IP4 a\r\ns=caf\xe9\r\n"),
        (ErrorKind::NotUtf8, 3)
    );
    assert_eq!(kind_line(b"\xef\xbb\xbfv=0\r\n"), (ErrorKind::BadLine, 1));
}

#[test]
fn strict_where_meaning_is_lost() {
    let base = "v=0\r\no=- 1 1 IN IP4 a\r\nm=audio 1 RTP/AVP 0\r\n";
    for (line, kind) in [
        ("a=rtpmap:0 PCMU/fast", ErrorKind::BadRtpmap),
        ("a=ptime:x", ErrorKind::BadPtime),
        ("a=rtcp:70000", ErrorKind::BadRtcp),
        ("c=IN IP4 1.2.3.4/x", ErrorKind::BadConnection),
        ("b=AS", ErrorKind::BadBandwidth),
        ("i=one\r\ni=two", ErrorKind::Duplicate),
    ] {
        let body = format!("{base}{line}\r\n");
        let (k, _) = kind_line(body.as_bytes());
        assert_eq!(k, kind, "{line}");
    }
    assert_eq!(
        kind_line(b"v=0\r\no=- 1 1 IN IP4 a\r\nt=now 0\r\n"),
        (ErrorKind::BadTiming, 3)
    );
    assert_eq!(
        kind_line(b"v=0\r\no=- 1 1 IN IP4 a\r\nr=7d 1h 0\r\n"),
        (ErrorKind::BadTiming, 3)
    );
}
