//! TCP over 127.0.0.1: connect, reuse, framing across reads, keep-alives,
//! bad streams, idle timeout, connection cap, write queue cap, the
//! RFC 3261 section 18.1.1 size rule (RFC 3261 section 18, RFC 5626
//! section 4.4.1).

mod support;

use std::io::{ErrorKind, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use bytes::Bytes;
use sip_parser::{Message, ParseErrorKind};
use sip_transport::{Poller, Transport, TransportEvent};
use support::*;

fn server() -> (Poller, SocketAddr) {
    server_with(|_| {})
}

fn server_with(f: impl FnOnce(&mut sip_transport::TransportConfig)) -> (Poller, SocketAddr) {
    let mut b = poller_with(f);
    let (_, addr) = b.listen(Transport::Tcp, v4()).unwrap();
    (b, addr)
}

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_nodelay(true).unwrap();
    s
}

#[test]
fn connect_reuse_and_answer_on_the_same_connection() {
    let mut a = poller();
    let (mut b, b_addr) = server();
    let now = Instant::now();
    for i in 0..3 {
        let wire = request(
            "OPTIONS",
            &format!("z9hG4bKt{i}"),
            "alice.example",
            "TCP",
            10,
        );
        a.send(now, Transport::Tcp, b_addr, Bytes::from(wire));
    }
    let got = drive(&mut [&mut a, &mut b], |g| g[1].len() >= 3);
    let msgs = received(&got[1]);
    assert_eq!(msgs.len(), 3);
    let from = msgs[0].1;
    assert!(
        msgs.iter()
            .all(|(t, f, _)| *t == Transport::Tcp && *f == from),
        "one connection reused"
    );
    assert_eq!((a.connection_count(), a.stats().tcp_connected), (1, 1));
    // received is filled from the connection's source; answered on that connection.
    let req = &msgs[2].2;
    assert_eq!(
        req.top_via(),
        Some(
            format!(
                "SIP/2.0/TCP alice.example;rport={};branch=z9hG4bKt2;received=127.0.0.1",
                from.port()
            )
            .as_bytes()
        )
    );
    let reply = Message::response_to(req, 200, Some("x"));
    b.send_response(now, Transport::Tcp, from, &reply);
    let got = drive(&mut [&mut a, &mut b], |g| !g[0].is_empty());
    let TransportEvent::Received {
        msg,
        from: rf,
        transport,
        local,
        ..
    } = &got[0][0]
    else {
        panic!("{got:?}")
    };
    assert_eq!(
        (msg.status(), *rf, *transport),
        (Some(200), b_addr, Transport::Tcp)
    );
    assert_eq!(*local, from);
    assert_eq!(b.connection_count(), 1);
    // A request from B to A's address also reuses the accepted connection.
    b.send(
        now,
        Transport::Tcp,
        from,
        Bytes::from(request("OPTIONS", "z9hG4bKback", "b.example", "TCP", 0)),
    );
    let got = drive(&mut [&mut a, &mut b], |g| !g[0].is_empty());
    assert_eq!(received(&got[0]).len(), 1);
    assert_eq!(b.stats().tcp_connected, 0);
}

#[test]
fn message_split_across_many_reads() {
    let (mut b, b_addr) = server();
    let mut c = connect(b_addr);
    let wire = request("INVITE", "z9hG4bKsplit", "127.0.0.1", "TCP", 300);
    for chunk in wire.chunks(17) {
        c.write_all(chunk).unwrap();
        b.poll(Some(Duration::from_millis(2))).unwrap();
    }
    let got = events(&mut b, 1);
    let msgs = received(&got);
    assert_eq!(msgs.len(), 1, "{got:?}");
    assert_eq!(msgs[0].2.body(), &wire[wire.len() - 300..]);
    assert_eq!(msgs[0].2.branch(), Some(&b"z9hG4bKsplit"[..]));
}

#[test]
fn two_messages_in_one_read() {
    let (mut b, b_addr) = server();
    let mut c = connect(b_addr);
    let mut both = request("OPTIONS", "z9hG4bK1", "127.0.0.1", "TCP", 5);
    both.extend(request("OPTIONS", "z9hG4bK2", "127.0.0.1", "TCP", 7));
    c.write_all(&both).unwrap();
    let got = events(&mut b, 2);
    let branches: Vec<_> = received(&got)
        .iter()
        .map(|(_, _, m)| m.branch().unwrap().to_vec())
        .collect();
    assert_eq!(branches, [b"z9hG4bK1".to_vec(), b"z9hG4bK2".to_vec()]);
}

#[test]
fn keep_alive_ping_gets_pong_and_pong_is_reported() {
    let (mut b, b_addr) = server();
    let mut c = connect(b_addr);
    c.write_all(b"\r\n\r\n").unwrap();
    let (bytes, eof) = client_read(&mut b, &mut c, 2);
    assert_eq!((bytes.as_slice(), eof), (&b"\r\n"[..], false));
    assert_eq!(b.stats().pings_answered, 1);
}

#[test]
fn outgoing_connection_reports_pongs() {
    // A listens with a raw server; B connects out (the flow's client side,
    // RFC 5626 section 4.4.1) and gets a CRLF pong, split or not.
    let server = std::net::TcpListener::bind(v4()).unwrap();
    let s_addr = server.local_addr().unwrap();
    let mut b = poller();
    b.send(
        Instant::now(),
        Transport::Tcp,
        s_addr,
        Bytes::from_static(b"\r\n\r\n"),
    );
    let accepted = {
        let mut found = None;
        server.set_nonblocking(true).unwrap();
        until(&mut b, |_| {
            if let Ok((s, _)) = server.accept() {
                found = Some(s);
            }
            found.is_some()
        });
        found
    };
    let mut peer = accepted.expect("connection accepted");
    let (ping, _) = {
        let mut buf = Vec::new();
        peer.set_nonblocking(true).unwrap();
        until(&mut b, |_| {
            let mut tmp = [0u8; 16];
            if let Ok(n) = std::io::Read::read(&mut peer, &mut tmp) {
                buf.extend_from_slice(&tmp[..n]);
            }
            buf.len() >= 4
        });
        (buf, ())
    };
    assert_eq!(ping, b"\r\n\r\n");
    peer.write_all(b"\r\n").unwrap();
    let got = events(&mut b, 1);
    assert!(
        matches!(got[0], TransportEvent::KeepAlivePong { from } if from == s_addr),
        "{got:?}"
    );
}

/// A bad stream closes its connection and only that one.
fn bad_stream_closes_only_it(b: &mut Poller, b_addr: SocketAddr, bad: &[u8], kind: ParseErrorKind) {
    let mut good = connect(b_addr);
    good.write_all(&request("OPTIONS", "z9hG4bKg1", "127.0.0.1", "TCP", 0))
        .unwrap();
    assert_eq!(received(&events(b, 1)).len(), 1);
    let mut bad_client = connect(b_addr);
    bad_client.write_all(bad).unwrap();
    let got = events(b, 2);
    assert!(
        got.iter().any(|e| matches!(e, TransportEvent::BadMessage { error, transport: Transport::Tcp, .. } if error.kind == kind)),
        "{got:?}"
    );
    assert!(got.iter().any(|e| matches!(e, TransportEvent::Error { error, .. } if error.kind() == ErrorKind::InvalidData)));
    let (_, eof) = client_read(b, &mut bad_client, usize::MAX);
    assert!(eof, "bad connection closed");
    assert_eq!(b.connection_count(), 1);
    good.write_all(&request("OPTIONS", "z9hG4bKg2", "127.0.0.1", "TCP", 0))
        .unwrap();
    assert_eq!(
        received(&events(b, 1)).len(),
        1,
        "other connection still served"
    );
    assert_eq!(b.stats().tcp_bad, 1);
}

#[test]
fn garbage_closes_that_connection_only() {
    let (mut b, b_addr) = server();
    bad_stream_closes_only_it(
        &mut b,
        b_addr,
        b"\x00\x01\x02garbage\r\n\r\n",
        ParseErrorKind::RequestLine,
    );
}

#[test]
fn oversized_message_closes_that_connection_only() {
    let (mut b, b_addr) =
        server_with(|c| c.parser = sip_parser::ParserConfig::default().max_message_size(2000));
    let big = request("MESSAGE", "z9hG4bKbig", "127.0.0.1", "TCP", 5000);
    bad_stream_closes_only_it(&mut b, b_addr, &big, ParseErrorKind::MessageTooLarge);
}

#[test]
fn peer_closing_mid_message_is_reported() {
    let (mut b, b_addr) = server();
    let mut c = connect(b_addr);
    let c_addr = c.local_addr().unwrap();
    let wire = request("OPTIONS", "z9hG4bKhalf", "127.0.0.1", "TCP", 100);
    c.write_all(&wire[..wire.len() / 2]).unwrap();
    drop(c);
    let got = events(&mut b, 1);
    assert!(
        matches!(&got[0], TransportEvent::Error { destination, error, .. } if *destination == c_addr && error.kind() == ErrorKind::UnexpectedEof),
        "{got:?}"
    );
    assert_eq!(b.connection_count(), 0);
    // A clean close between messages is not an error.
    let mut c = connect(b_addr);
    c.write_all(&wire).unwrap();
    drop(c);
    let mut got = Vec::new();
    assert!(until(&mut b, |p| {
        got.extend(std::iter::from_fn(|| p.poll_event()));
        !got.is_empty() && p.connection_count() == 0
    }));
    assert_eq!(got.len(), 1, "only the message, no error: {got:?}");
    assert!(matches!(got[0], TransportEvent::Received { .. }));
}

#[test]
fn idle_timeout_on_a_virtual_clock() {
    let idle = Duration::from_secs(30);
    let (mut b, b_addr) = server_with(|c| c.idle_timeout = idle);
    let mut c = connect(b_addr);
    c.write_all(&request("OPTIONS", "z9hG4bKi", "127.0.0.1", "TCP", 0))
        .unwrap();
    events(&mut b, 1);
    let start = Instant::now();
    assert_eq!(b.connection_count(), 1);
    let deadline = b.poll_timeout().unwrap();
    assert!(deadline <= start + idle && deadline > start);
    b.handle_timeout(start + idle - Duration::from_secs(5));
    assert_eq!(b.connection_count(), 1, "not idle yet");
    b.handle_timeout(start + idle + Duration::from_secs(1));
    assert_eq!(b.connection_count(), 0);
    assert_eq!(b.stats().tcp_idle_closed, 1);
    assert_eq!(b.poll_timeout(), None);
    let (_, eof) = client_read(&mut b, &mut c, usize::MAX);
    assert!(eof);
}

#[test]
fn activity_defers_the_idle_timeout() {
    let idle = Duration::from_secs(30);
    let (mut b, b_addr) = server_with(|c| c.idle_timeout = idle);
    let mut c = connect(b_addr);
    c.write_all(b"\r\n\r\n").unwrap();
    client_read(&mut b, &mut c, 2);
    let first = b.poll_timeout().unwrap();
    // Activity after the first deadline was filed (the ping above): an
    // early handle_timeout re-files it instead of closing.
    c.write_all(&request("OPTIONS", "z9hG4bKa", "127.0.0.1", "TCP", 0))
        .unwrap();
    events(&mut b, 1);
    b.handle_timeout(first);
    assert_eq!(b.connection_count(), 1, "recent activity keeps it open");
    assert!(b.poll_timeout().unwrap() > first);
}

#[test]
fn connection_cap_closes_the_least_recently_active() {
    let (mut b, b_addr) = server_with(|c| c.max_connections = 2);
    let mut clients = Vec::new();
    for i in 0..3 {
        let mut c = connect(b_addr);
        c.write_all(&request(
            "OPTIONS",
            &format!("z9hG4bKcap{i}"),
            "127.0.0.1",
            "TCP",
            0,
        ))
        .unwrap();
        assert_eq!(received(&events(&mut b, 1)).len(), 1);
        clients.push(c);
    }
    assert_eq!(b.connection_count(), 2);
    assert_eq!(b.stats().tcp_evicted, 1);
    let (_, eof) = client_read(&mut b, &mut clients[0], usize::MAX);
    assert!(eof, "the oldest connection was closed");
    clients[2]
        .write_all(&request("OPTIONS", "z9hG4bKnew", "127.0.0.1", "TCP", 0))
        .unwrap();
    assert_eq!(received(&events(&mut b, 1)).len(), 1);
}

#[test]
fn write_queue_overflow_closes_and_reports() {
    let (mut b, b_addr) = server_with(|c| {
        c.max_write_queue = 64 * 1024;
        c.send_buffer = Some(4096);
    });
    // A client with a small receive window that never reads.
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    sock.set_recv_buffer_size(4096).unwrap();
    sock.connect(&b_addr.into()).unwrap();
    let mut c: TcpStream = sock.into();
    let c_addr = c.local_addr().unwrap();
    c.write_all(&request("OPTIONS", "z9hG4bKq", "127.0.0.1", "TCP", 0))
        .unwrap();
    events(&mut b, 1);
    let big = Bytes::from(vec![b'x'; 16 * 1024]);
    let mut overflowed = false;
    for _ in 0..400 {
        b.send(Instant::now(), Transport::Tcp, c_addr, big.clone());
        if let Some(TransportEvent::Error {
            destination, error, ..
        }) = b.poll_event()
        {
            assert_eq!(destination, c_addr);
            assert_eq!(error.kind(), ErrorKind::Other);
            overflowed = true;
            break;
        }
    }
    assert!(overflowed, "the queue cap was hit");
    assert_eq!(b.connection_count(), 0);
}

#[test]
fn refused_connection_is_reported_with_its_destination() {
    // A port with nothing listening: bind, learn the port, close.
    let dest = std::net::TcpListener::bind(v4())
        .unwrap()
        .local_addr()
        .unwrap();
    let mut a = poller();
    a.send(
        Instant::now(),
        Transport::Tcp,
        dest,
        Bytes::from_static(b"OPTIONS sip:x SIP/2.0\r\n\r\n"),
    );
    let got = events(&mut a, 1);
    assert!(
        matches!(&got[0], TransportEvent::Error { transport: Transport::Tcp, destination, error } if *destination == dest && error.kind() == ErrorKind::ConnectionRefused),
        "{got:?}"
    );
    assert_eq!(a.connection_count(), 0);
}

#[test]
fn large_request_falls_over_to_tcp() {
    let mut a = poller();
    let (_, a_udp) = a.listen(Transport::Udp, v4()).unwrap();
    let mut b = poller();
    let (_, b_addr) = b.listen(Transport::Udp, v4()).unwrap();
    b.listen(Transport::Tcp, b_addr).unwrap();
    let via = a_udp.to_string();
    let small = request("OPTIONS", "z9hG4bKsmall", &via, "UDP", 100);
    let large = request("INVITE", "z9hG4bKlarge", &via, "UDP", 1500);
    let now = Instant::now();
    assert_eq!(
        a.send_request(now, Transport::Udp, b_addr, Bytes::from(small)),
        Transport::Udp
    );
    assert_eq!(
        a.send_request(now, Transport::Udp, b_addr, Bytes::from(large.clone())),
        Transport::Tcp
    );
    // Explicitly UDP-only: `send` keeps it on UDP.
    a.send(now, Transport::Udp, b_addr, Bytes::from(large));
    let got = drive(&mut [&mut a, &mut b], |g| g[1].len() >= 3);
    let msgs = received(&got[1]);
    assert_eq!(msgs.len(), 3, "{got:?}");
    let by_branch = |b: &[u8]| {
        msgs.iter()
            .filter(|(_, _, m)| m.branch() == Some(b))
            .map(|(t, _, m)| (*t, m.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(by_branch(b"z9hG4bKsmall")[0].0, Transport::Udp);
    let large = by_branch(b"z9hG4bKlarge");
    let (tcp, udp): (Vec<_>, Vec<_>) = large.iter().partition(|(t, _)| *t == Transport::Tcp);
    assert_eq!((tcp.len(), udp.len()), (1, 1));
    // The top Via now says TCP (RFC 3261 section 18.1.1).
    assert!(
        tcp[0].1.top_via().unwrap().starts_with(b"SIP/2.0/TCP "),
        "{:?}",
        String::from_utf8_lossy(tcp[0].1.top_via().unwrap())
    );
    assert_eq!(a.stats().mtu_switched, 1);
}

#[test]
fn large_request_goes_back_to_udp_when_tcp_is_refused() {
    let mut a = poller();
    let (_, a_udp) = a.listen(Transport::Udp, v4()).unwrap();
    let mut b = poller();
    let (_, b_addr) = b.listen(Transport::Udp, v4()).unwrap(); // no TCP listener
    let large = request("INVITE", "z9hG4bKretry", &a_udp.to_string(), "UDP", 1500);
    assert_eq!(
        a.send_request(Instant::now(), Transport::Udp, b_addr, Bytes::from(large)),
        Transport::Tcp
    );
    let got = drive(&mut [&mut a, &mut b], |g| !g[1].is_empty());
    let msgs = received(&got[1]);
    assert_eq!(msgs.len(), 1, "{got:?}");
    assert_eq!(msgs[0].0, Transport::Udp);
    assert!(msgs[0].2.top_via().unwrap().starts_with(b"SIP/2.0/UDP "));
    assert!(
        got[0]
            .iter()
            .all(|e| !matches!(e, TransportEvent::Error { .. })),
        "no error: retried over UDP"
    );
}

#[test]
fn ping_split_in_two_reads_is_still_a_ping() {
    let (mut b, b_addr) = server();
    let mut c = connect(b_addr);
    c.write_all(b"\r\n").unwrap();
    // Let it be accepted and read (a few bounded polls), then check nothing came out.
    for _ in 0..20 {
        b.poll(Some(Duration::from_millis(5))).unwrap();
    }
    let got: Vec<_> = std::iter::from_fn(|| b.poll_event()).collect();
    assert!(
        got.is_empty(),
        "a lone CRLF from a client waits for more: {got:?}"
    );
    assert_eq!(b.connection_count(), 1);
    c.write_all(b"\r\n").unwrap();
    let (bytes, _) = client_read(&mut b, &mut c, 2);
    assert_eq!(bytes, b"\r\n");
}

#[test]
fn idle_close_with_queued_bytes_reports_timeout() {
    // Bytes the peer never took (or a connect that never completed) are
    // not dropped silently when the idle timeout closes the connection.
    let idle = Duration::from_secs(10);
    let (mut b, b_addr) = server_with(|c| {
        c.idle_timeout = idle;
        c.send_buffer = Some(4096);
    });
    let sock = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    sock.set_recv_buffer_size(4096).unwrap();
    sock.connect(&b_addr.into()).unwrap();
    let mut c: TcpStream = sock.into();
    let c_addr = c.local_addr().unwrap();
    c.write_all(&request("OPTIONS", "z9hG4bKto", "127.0.0.1", "TCP", 0))
        .unwrap();
    events(&mut b, 1);
    // Fill the peer's window so bytes stay queued (under the queue cap).
    let chunk = Bytes::from(vec![b'x'; 8 * 1024]);
    for _ in 0..40 {
        b.send(Instant::now(), Transport::Tcp, c_addr, chunk.clone());
    }
    assert!(b.poll_event().is_none(), "under the cap: no error yet");
    b.handle_timeout(Instant::now() + 2 * idle);
    assert_eq!(b.connection_count(), 0);
    let got: Vec<_> = std::iter::from_fn(|| b.poll_event()).collect();
    assert!(
        matches!(&got[..], [TransportEvent::Error { destination, error, .. }] if *destination == c_addr && error.kind() == ErrorKind::TimedOut),
        "{got:?}"
    );
}
