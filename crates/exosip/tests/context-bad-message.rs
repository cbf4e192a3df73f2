//! A datagram the parser rejects but whose request line and Via are
//! readable is answered by the context over the same socket: 505 for a
//! bad SIP version, 400 otherwise (RFC 3261 sections 8.2.2 and 8.2.1);
//! garbage gets no answer and does not stop the context.

use std::net::UdpSocket;
use std::time::Duration;

use exosip::{Config, Context, Message, Transport};

fn exchange(sock: &UdpSocket, to: std::net::SocketAddr, text: &str) -> Option<Message> {
    sock.send_to(text.as_bytes(), to).unwrap();
    let mut buf = [0u8; 4096];
    match sock.recv_from(&mut buf) {
        Ok((n, from)) => {
            assert_eq!(from, to, "the answer comes from the listening socket");
            Some(Message::parse(buf[..n].to_vec()).expect("a parseable response"))
        }
        Err(_) => None,
    }
}

#[test]
fn bad_version_gets_505_and_garbage_is_ignored() {
    let ctx = Context::start(Config::default()).unwrap();
    let addr = ctx
        .listen(Transport::Udp, "127.0.0.1:0".parse().unwrap())
        .unwrap();
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let me = sock.local_addr().unwrap();
    let invite = format!(
        "INVITE sip:x@127.0.0.1 SIP/7.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKv505\r\n\
         From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\nCall-ID: v505@h\r\n\
         CSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    );
    let r = exchange(&sock, addr, &invite).expect("a 505 within 2 s");
    assert_eq!(r.status(), Some(505));
    assert_eq!(r.branch(), Some(&b"z9hG4bKv505"[..]));
    assert_eq!(r.call_id(), Some(&b"v505@h"[..]));

    // Unreadable bytes: no answer (bounded wait), the context still works.
    sock.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    assert!(exchange(&sock, addr, "\x00\x01garbage\r\n\r\n").is_none());
    sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let options = format!(
        "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKopt1\r\n\
         From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:x@127.0.0.1>\r\nCall-ID: o1@h\r\n\
         CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    );
    sock.send_to(options.as_bytes(), addr).unwrap();
    let ev = ctx
        .event_wait(Duration::from_secs(2))
        .expect("the OPTIONS is reported");
    assert_eq!(ev.kind, exosip::EventKind::MessageNew);
    ctx.quit();
}
