//! UDP over 127.0.0.1: send/receive, received/rport, bad datagrams,
//! large datagrams, response routing, listeners (RFC 3261 section 18,
//! RFC 3581).

mod support;

use std::net::{SocketAddr, UdpSocket};
use std::time::Instant;

use bytes::Bytes;
use sip_parser::{HeaderName, Message, ParseErrorKind};
use sip_transport::{Poller, Transport, TransportEvent};
use support::*;

fn pair() -> (Poller, SocketAddr, Poller, SocketAddr) {
    let mut a = poller();
    let (_, a_addr) = a.listen(Transport::Udp, v4()).unwrap();
    let mut b = poller();
    let (_, b_addr) = b.listen(Transport::Udp, v4()).unwrap();
    (a, a_addr, b, b_addr)
}

#[test]
fn send_receive_fill_rport_and_answer() {
    let (mut a, a_addr, mut b, b_addr) = pair();
    assert_ne!(a_addr.port(), 0, "ephemeral port reported");
    // The sent-by names a host, not the source IP: received and rport are filled.
    let req = request("OPTIONS", "z9hG4bKu1", "alice.example:5099", "UDP", 0);
    a.send(Instant::now(), Transport::Udp, b_addr, Bytes::from(req));
    let got = events(&mut b, 1);
    let TransportEvent::Received {
        transport,
        from,
        local,
        msg,
        ..
    } = &got[0]
    else {
        panic!("{got:?}")
    };
    assert_eq!(
        (*transport, *from, *local),
        (Transport::Udp, a_addr, b_addr)
    );
    let expected = format!(
        "SIP/2.0/UDP alice.example:5099;rport={};branch=z9hG4bKu1;received=127.0.0.1",
        a_addr.port()
    );
    assert_eq!(msg.top_via(), Some(expected.as_bytes()));
    // The response goes to received:rport (RFC 3581), not to alice.example:5099.
    let reply = Message::response_to(msg, 200, Some("t"));
    assert_eq!(
        sip_transport::response_destination(&reply, Transport::Udp, *from),
        Some(a_addr)
    );
    b.send_response(Instant::now(), Transport::Udp, *from, &reply);
    let got = events(&mut a, 1);
    let TransportEvent::Received { msg, from, .. } = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!((msg.status(), *from), (Some(200), b_addr));
    // Responses are not touched (RFC 3581 applies to requests).
    assert_eq!(msg.top_via(), Some(expected.as_bytes()));
}

#[test]
fn no_fill_when_disabled_or_matching() {
    let mut b = poller_with(|c| c.fill_received = false);
    let (_, b_addr) = b.listen(Transport::Udp, v4()).unwrap();
    let client = UdpSocket::bind(v4()).unwrap();
    let wire = request("OPTIONS", "z9hG4bKn1", "alice.example", "UDP", 0);
    client.send_to(&wire, b_addr).unwrap();
    let got = events(&mut b, 1);
    let TransportEvent::Received { msg, .. } = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(msg.to_vec(), wire, "untouched when fill_received is off");
}

#[test]
fn bad_datagrams_are_dropped_counted_and_answered_when_readable() {
    let (_, _, mut b, b_addr) = pair();
    let client = UdpSocket::bind(v4()).unwrap();
    let c_addr = client.local_addr().unwrap();
    // Readable request line and Via, broken Content-Length.
    let bad = b"INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;rport;branch=z9hG4bKb1\r\n\
        From: <sip:a@example.com>;tag=9\r\nTo: <sip:bob@example.com>\r\nCall-ID: bad1\r\nCSeq: 7 INVITE\r\n\
        Content-Length: 99999\r\n\r\nshort";
    client.send_to(bad, b_addr).unwrap();
    client.send_to(b"\x00\x01\x02 garbage", b_addr).unwrap();
    client.send_to(b"\r\n\r\n", b_addr).unwrap(); // keep-alive noise: ignored
    client
        .send_to(
            &request("OPTIONS", "z9hG4bKgood", "127.0.0.1", "UDP", 0),
            b_addr,
        )
        .unwrap();
    let got = events(&mut b, 3);
    assert_eq!(got.len(), 3, "{got:?}");
    let TransportEvent::BadMessage {
        from,
        error,
        reply_400: Some(reply),
        ..
    } = &got[0]
    else {
        panic!("{got:?}")
    };
    assert_eq!(*from, c_addr);
    assert_eq!(error.kind, ParseErrorKind::ContentLength);
    let reply = Message::parse(reply.clone()).unwrap();
    assert_eq!(reply.status(), Some(400));
    assert_eq!(reply.call_id(), Some(&b"bad1"[..]));
    assert_eq!(reply.cseq(), Some((7, &b"INVITE"[..])));
    assert!(matches!(
        &got[1],
        TransportEvent::BadMessage {
            reply_400: None,
            ..
        }
    ));
    let TransportEvent::Received { msg, .. } = &got[2] else {
        panic!("{got:?}")
    };
    assert_eq!(msg.branch(), Some(&b"z9hG4bKgood"[..]));
    assert_eq!(b.stats().udp_bad, 2);
    // The 400 goes back to the sender.
    b.send_response(Instant::now(), Transport::Udp, c_addr, &reply);
    let mut buf = [0u8; 2048];
    client
        .set_read_timeout(Some(std::time::Duration::from_secs(2)))
        .unwrap();
    let (n, _) = client.recv_from(&mut buf).unwrap();
    assert!(buf[..n].starts_with(b"SIP/2.0 400 "));
}

#[test]
fn request_without_usable_via_is_bad() {
    let (_, _, mut b, b_addr) = pair();
    let client = UdpSocket::bind(v4()).unwrap();
    client
        .send_to(
            b"OPTIONS sip:b@example.com SIP/2.0\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n",
            b_addr,
        )
        .unwrap();
    let got = events(&mut b, 1);
    let TransportEvent::BadMessage {
        error,
        reply_400: None,
        ..
    } = &got[0]
    else {
        panic!("{got:?}")
    };
    assert_eq!(error.kind, ParseErrorKind::MissingHeader);
}

#[test]
fn large_datagram_up_to_the_udp_limit() {
    let (mut a, _, mut b, b_addr) = pair();
    // 60,000-byte body: far above the MTU, within the 65,507-byte IPv4 UDP payload.
    let wire = request("MESSAGE", "z9hG4bKbig", "127.0.0.1", "UDP", 60_000);
    a.send(Instant::now(), Transport::Udp, b_addr, Bytes::from(wire));
    let got = events(&mut b, 1);
    let TransportEvent::Received { msg, .. } = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(msg.body().len(), 60_000);
}

#[test]
fn many_datagrams_beyond_the_read_budget() {
    let mut b = poller_with(|c| c.read_budget = 4);
    let (_, b_addr) = b.listen(Transport::Udp, v4()).unwrap();
    let client = UdpSocket::bind(v4()).unwrap();
    for i in 0..50 {
        client
            .send_to(
                &request("OPTIONS", &format!("z9hG4bK{i}"), "127.0.0.1", "UDP", 0),
                b_addr,
            )
            .unwrap();
    }
    let got = events(&mut b, 50);
    assert_eq!(received(&got).len(), 50);
}

#[test]
fn listeners_local_addresses_and_preset_socket() {
    let mut p = poller();
    let (_, any) = p
        .listen(Transport::Udp, "0.0.0.0:0".parse().unwrap())
        .unwrap();
    let (_, tcp) = p.listen(Transport::Tcp, v4()).unwrap();
    let std_socket = UdpSocket::bind(v4()).unwrap();
    let preset = std_socket.local_addr().unwrap();
    let (id, bound) = p.listen_udp_socket(std_socket).unwrap();
    assert_eq!(bound, preset);
    let all = p.local_addrs();
    assert!(
        all.contains(&(Transport::Udp, any))
            && all.contains(&(Transport::Tcp, tcp))
            && all.contains(&(Transport::Udp, preset))
    );
    // guess_localip: the unspecified address becomes the routed local IP.
    let dest: SocketAddr = "127.0.0.1:5060".parse().unwrap();
    assert_eq!(
        p.local_addr_for(Transport::Udp, dest),
        Some(SocketAddr::new(dest.ip(), any.port()))
    );
    assert_eq!(p.local_addr_for(Transport::Tcp, dest), Some(tcp));
    assert_eq!(
        p.local_addr_for(Transport::Udp, "[::1]:5060".parse().unwrap()),
        None
    );
    p.close_listener(id).unwrap();
    assert!(p.close_listener(id).is_err());
    assert!(matches!(
        p.listen(Transport::Tls, v4()),
        Err(sip_transport::TransportError::Unsupported(Transport::Tls))
    ));
    // Socket options through socket2.
    let mut q = poller_with(|c| {
        c.dscp = Some(46);
        c.recv_buffer = Some(1 << 18);
        c.send_buffer = Some(1 << 18);
    });
    q.listen(Transport::Udp, v4()).unwrap();
    q.listen(Transport::Tcp, v4()).unwrap();
    // A used port cannot be bound twice for UDP without SO_REUSEPORT.
    assert!(q.listen(Transport::Udp, preset).is_err() || q.listen(Transport::Udp, any).is_ok());
}

#[test]
fn waker_interrupts_poll() {
    let mut p = poller();
    let w = p.waker();
    let t = std::thread::spawn(move || w.wake().unwrap());
    let start = Instant::now();
    p.poll(Some(std::time::Duration::from_secs(10))).unwrap();
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    t.join().unwrap();
}

#[test]
fn send_without_listener_or_on_tls_reports() {
    let mut p = poller();
    let dest: SocketAddr = "127.0.0.1:9".parse().unwrap();
    p.send(
        Instant::now(),
        Transport::Udp,
        dest,
        Bytes::from_static(b"x"),
    );
    p.send(
        Instant::now(),
        Transport::Tls,
        dest,
        Bytes::from_static(b"x"),
    );
    let a = p.poll_event();
    let b = p.poll_event();
    assert!(
        matches!(a, Some(TransportEvent::Error { transport: Transport::Udp, destination, .. }) if destination == dest)
    );
    assert!(matches!(
        b,
        Some(TransportEvent::Error {
            transport: Transport::Tls,
            ..
        })
    ));
    let _ = HeaderName::Via;
}
