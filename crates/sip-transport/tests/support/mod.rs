//! Shared helpers of the loopback tests: message builders and a bounded
//! driver that polls pollers until a condition holds (waits for I/O; no
//! sleeps).
#![allow(dead_code, unreachable_pub)]

use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use sip_transport::{Poller, Transport, TransportConfig, TransportEvent};

/// Most poll rounds and the total time a wait may take.
const ROUNDS: usize = 400;
const DEADLINE: Duration = Duration::from_secs(5);

pub fn v4() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

pub fn v6() -> SocketAddr {
    "[::1]:0".parse().unwrap()
}

/// Whether ::1 can be bound here (IPv6 tests are skipped otherwise).
pub fn ipv6_available() -> bool {
    std::net::UdpSocket::bind("[::1]:0").is_ok()
}

pub fn poller() -> Poller {
    Poller::new(TransportConfig::default()).unwrap()
}

pub fn poller_with(f: impl FnOnce(&mut TransportConfig)) -> Poller {
    let mut c = TransportConfig::default();
    f(&mut c);
    Poller::new(c).unwrap()
}

/// A request with a body of `body_len` bytes; the Via sent-by is `via`.
pub fn request(method: &str, branch: &str, via: &str, transport: &str, body_len: usize) -> Vec<u8> {
    let body = "x".repeat(body_len);
    format!(
        "{method} sip:bob@example.com SIP/2.0\r\n\
         Via: SIP/2.0/{transport} {via};rport;branch={branch}\r\n\
         Max-Forwards: 70\r\n\
         From: Alice <sip:alice@example.com>;tag=1928301774\r\n\
         To: Bob <sip:bob@example.com>\r\n\
         Call-ID: {branch}@example.com\r\n\
         CSeq: 1 {method}\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Polls every poller in turn until `done` holds for the events collected
/// so far (one list per poller), or the bounds run out.
pub fn drive(
    pollers: &mut [&mut Poller],
    mut done: impl FnMut(&[Vec<TransportEvent>]) -> bool,
) -> Vec<Vec<TransportEvent>> {
    let start = Instant::now();
    let mut got: Vec<Vec<TransportEvent>> = pollers.iter().map(|_| Vec::new()).collect();
    for _ in 0..ROUNDS {
        if done(&got) || start.elapsed() > DEADLINE {
            break;
        }
        for (p, out) in pollers.iter_mut().zip(got.iter_mut()) {
            p.poll(Some(Duration::from_millis(5))).unwrap();
            while let Some(e) = p.poll_event() {
                out.push(e);
            }
        }
    }
    got
}

/// Drives one poller until it has `n` events.
pub fn events(p: &mut Poller, n: usize) -> Vec<TransportEvent> {
    drive(&mut [p], |g| g[0].len() >= n).pop().unwrap()
}

/// Drives `p` until `check` holds (or the bounds run out); returns whether it held.
pub fn until(p: &mut Poller, mut check: impl FnMut(&mut Poller) -> bool) -> bool {
    let start = Instant::now();
    for _ in 0..ROUNDS {
        if check(p) {
            return true;
        }
        if start.elapsed() > DEADLINE {
            break;
        }
        p.poll(Some(Duration::from_millis(5))).unwrap();
    }
    check(p)
}

/// The received messages among `events`, with their transport and source.
pub fn received(events: &[TransportEvent]) -> Vec<(Transport, SocketAddr, sip_parser::Message)> {
    events
        .iter()
        .filter_map(|e| match e {
            TransportEvent::Received {
                transport,
                from,
                msg,
                ..
            } => Some((*transport, *from, msg.clone())),
            _ => None,
        })
        .collect()
}

/// Reads from a raw client while driving the poller, until `n` bytes came,
/// EOF, or the bounds run out. Returns the bytes and whether EOF was seen.
pub fn client_read(p: &mut Poller, client: &mut TcpStream, n: usize) -> (Vec<u8>, bool) {
    client.set_nonblocking(true).unwrap();
    let mut out = Vec::new();
    let mut eof = false;
    let mut buf = [0u8; 65536];
    until(p, |_| {
        loop {
            match client.read(&mut buf) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(k) => out.extend_from_slice(&buf[..k]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                // A reset counts as closed.
                Err(_) => {
                    eof = true;
                    break;
                }
            }
        }
        eof || out.len() >= n
    });
    (out, eof)
}
