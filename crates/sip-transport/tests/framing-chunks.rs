//! Property: the TCP transport's framing (RFC 3261 section 18.3) gives the
//! same messages, and answers the same pings (RFC 5626 section 4.4.1),
//! whatever the chunk boundaries of a valid stream.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sip_transport::{Transport, TransportEvent};
use support::*;

#[derive(Debug, Clone)]
enum Unit {
    Message {
        method: usize,
        body: usize,
        compact: bool,
    },
    Ping,
}

fn unit() -> impl Strategy<Value = Unit> {
    prop_oneof![
        2 => (0usize..4, 0usize..300, any::<bool>()).prop_map(|(method, body, compact)| Unit::Message { method, body, compact }),
        1 => Just(Unit::Ping),
    ]
}

fn encode(units: &[Unit]) -> (Vec<u8>, Vec<Vec<u8>>, usize) {
    const METHODS: [&str; 4] = ["INVITE", "OPTIONS", "MESSAGE", "BYE"];
    let (mut stream, mut msgs, mut pings) = (Vec::new(), Vec::new(), 0);
    for (i, u) in units.iter().enumerate() {
        match u {
            Unit::Message {
                method,
                body,
                compact,
            } => {
                let m = METHODS[*method];
                let cl = if *compact { "l" } else { "Content-Length" };
                let body = "b".repeat(*body);
                let wire = format!(
                    "{m} sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK{i}\r\n\
                     From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: c{i}\r\n\
                     CSeq: {i} {m}\r\n{cl}: {}\r\n\r\n{body}",
                    body.len()
                );
                stream.extend_from_slice(wire.as_bytes());
                msgs.push(wire.into_bytes());
            }
            Unit::Ping => {
                stream.extend_from_slice(b"\r\n\r\n");
                pings += 1;
            }
        }
    }
    (stream, msgs, pings)
}

#[test]
fn same_messages_whatever_the_chunking() {
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        prop::collection::vec(unit(), 1..8),
        prop::collection::vec(prop_oneof![3 => 1usize..5, 1 => 1usize..200], 1..40),
    );
    runner
        .run(&strategy, |(units, cuts)| {
            let (stream, expected, pings) = encode(&units);
            let mut b = poller();
            let (_, addr) = b.listen(Transport::Tcp, v4()).unwrap();
            let mut c = TcpStream::connect(addr).unwrap();
            c.set_nodelay(true).unwrap();
            // Write the stream cut at the generated sizes (cycled), letting
            // the poller read between writes.
            let mut rest = &stream[..];
            for n in cuts.iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let (chunk, tail) = rest.split_at((*n).min(rest.len()));
                c.write_all(chunk).unwrap();
                rest = tail;
                b.poll(Some(Duration::from_millis(1))).unwrap();
            }
            let mut got = Vec::new();
            let mut pongs = Vec::new();
            c.set_nonblocking(true).unwrap();
            let start = Instant::now();
            while (got.len() < expected.len() || pongs.len() < 2 * pings)
                && start.elapsed() < Duration::from_secs(3)
            {
                b.poll(Some(Duration::from_millis(5))).unwrap();
                while let Some(e) = b.poll_event() {
                    match e {
                        TransportEvent::Received { msg, .. } => got.push(msg.to_vec()),
                        other => panic!("unexpected {other:?}"),
                    }
                }
                let mut buf = [0u8; 64];
                while let Ok(n @ 1..) = c.read(&mut buf) {
                    pongs.extend_from_slice(&buf[..n]);
                }
            }
            prop_assert_eq!(&got, &expected);
            prop_assert_eq!(pongs, b"\r\n".repeat(pings));
            prop_assert_eq!(b.stats().pings_answered, pings as u64);
            Ok(())
        })
        .unwrap();
}
