//! Where responses and pongs go when a connection is gone or a peer closes
//! (RFC 3261 section 18.2.2, RFC 3581 section 4, RFC 5626 section 4.4.1),
//! over 127.0.0.1 with bounded waits.

mod support;

use std::io::Write;
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use bytes::Bytes;
use sip_parser::Message;
use sip_transport::{Transport, TransportEvent};
use support::*;

/// RFC 3261 section 18.2.2: a response on a reliable transport whose
/// connection is closed goes on a new connection to the `received` address
/// and the sent-by port, not to the closed connection's (ephemeral) source
/// port. This is the path the transaction layer takes: its destination is
/// the request's source (`Poller::send`).
#[test]
fn tcp_response_after_close_reconnects_to_sent_by_port() {
    let mut a = poller();
    let (_, a_addr) = a.listen(Transport::Tcp, v4()).unwrap();
    let mut b = poller();
    let (_, b_addr) = b.listen(Transport::Tcp, v4()).unwrap();
    let mut c = TcpStream::connect(b_addr).unwrap();
    let via = format!("127.0.0.1:{}", a_addr.port());
    c.write_all(&request("OPTIONS", "z9hG4bKgone", &via, "TCP", 0))
        .unwrap();
    drop(c);
    let mut got = Vec::new();
    assert!(until(&mut b, |p| {
        got.extend(std::iter::from_fn(|| p.poll_event()));
        !got.is_empty() && p.connection_count() == 0
    }));
    let [(Transport::Tcp, from, req)] = &received(&got)[..] else {
        panic!("{got:?}")
    };
    let reply = Message::response_to(req, 200, Some("t"));
    b.send(Instant::now(), Transport::Tcp, *from, reply.to_bytes());
    let got = drive(&mut [&mut a, &mut b], |g| {
        !g[0].is_empty() || !g[1].is_empty()
    });
    assert!(got[1].is_empty(), "no transport error at B: {got:?}");
    let msgs = received(&got[0]);
    assert_eq!(msgs.len(), 1, "{got:?}");
    assert_eq!(msgs[0].2.status(), Some(200));
}

/// A CRLF pong right before the peer closes is a pong (RFC 5626 section
/// 4.4.1), not half a message: no `UnexpectedEof` error, which the
/// transaction layer would take as a transport failure of every
/// transaction to that peer.
#[test]
fn pong_then_close_is_not_a_transport_error() {
    let server = std::net::TcpListener::bind(v4()).unwrap();
    let s_addr = server.local_addr().unwrap();
    let mut b = poller();
    b.send(
        Instant::now(),
        Transport::Tcp,
        s_addr,
        Bytes::from_static(b"\r\n\r\n"),
    );
    server.set_nonblocking(true).unwrap();
    let mut accepted = None;
    until(&mut b, |_| {
        if let Ok((s, _)) = server.accept() {
            accepted = Some(s);
        }
        accepted.is_some()
    });
    let mut peer = accepted.expect("connection accepted");
    peer.write_all(b"\r\n").unwrap();
    drop(peer);
    let mut got = Vec::new();
    assert!(until(&mut b, |p| {
        got.extend(std::iter::from_fn(|| p.poll_event()));
        p.connection_count() == 0
    }));
    assert!(
        got.iter()
            .all(|e| matches!(e, TransportEvent::KeepAlivePong { from } if *from == s_addr)),
        "{got:?}"
    );
    assert_eq!(got.len(), 1, "the pong is reported: {got:?}");
}

/// A message followed by the single CRLF that RFC 3261 section 7.5 allows,
/// then a clean close: not a close mid-message.
#[test]
fn trailing_crlf_then_close_is_not_a_transport_error() {
    let mut b = poller();
    let (_, b_addr) = b.listen(Transport::Tcp, v4()).unwrap();
    let mut c = TcpStream::connect(b_addr).unwrap();
    let mut wire = request("OPTIONS", "z9hG4bKcrlf", "127.0.0.1", "TCP", 0);
    wire.extend_from_slice(b"\r\n");
    c.write_all(&wire).unwrap();
    drop(c);
    let mut got = Vec::new();
    assert!(until(&mut b, |p| {
        got.extend(std::iter::from_fn(|| p.poll_event()));
        !got.is_empty() && p.connection_count() == 0
    }));
    assert_eq!(got.len(), 1, "only the message: {got:?}");
    assert!(matches!(got[0], TransportEvent::Received { .. }));
}

/// RFC 3581 section 4: the response is sent from the address and port the
/// request was received on, so that it passes the client's NAT binding.
#[test]
fn udp_response_leaves_from_the_receiving_socket() {
    let mut b = poller();
    let (_, first) = b.listen(Transport::Udp, v4()).unwrap();
    let (_, second) = b.listen(Transport::Udp, v4()).unwrap();
    assert_ne!(first, second);
    let client = UdpSocket::bind(v4()).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let c_addr = client.local_addr().unwrap();
    let via = format!("127.0.0.1:{}", c_addr.port());
    client
        .send_to(&request("OPTIONS", "z9hG4bKsym", &via, "UDP", 0), second)
        .unwrap();
    let got = events(&mut b, 1);
    let [(Transport::Udp, from, req)] = &received(&got)[..] else {
        panic!("{got:?}")
    };
    assert_eq!(*from, c_addr);
    let reply = Message::response_to(req, 200, Some("t"));
    b.send(Instant::now(), Transport::Udp, *from, reply.to_bytes());
    let mut buf = [0u8; 4096];
    let (n, src): (usize, SocketAddr) = client.recv_from(&mut buf).unwrap();
    assert!(n > 0);
    assert_eq!(src, second, "answered from the socket the request reached");
}
