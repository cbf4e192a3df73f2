//! Criterion benchmarks of the transaction layer (sip-txn), in memory on a
//! virtual clock:
//! - complete transactions per second through a client and a server layer:
//!   INVITE / 180 / 200 / ACK, and OPTIONS / 200 (each message encoded by
//!   the sender and parsed by the receiver, as on the wire; the clock then
//!   jumps past Timers D/K/J/L/M so both layers are empty again);
//! - the cost of `poll_output` and of firing one timer with 100,000 live
//!   transactions.

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sip_parser::{Message, Method, Transport};
use sip_txn::{Input, Output, Received, Target, TxnConfig, TxnEvent, TxnLayer};

struct Pair {
    now: Instant,
    uac: TxnLayer,
    uas: TxnLayer,
    a: SocketAddr,
    b: SocketAddr,
    n: u64,
}

fn request(method: &str, n: u64) -> Message {
    let text = format!(
        "{method} sip:bob@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK{n:x}\r\nMax-Forwards: 70\r\n\
From: <sip:alice@10.0.0.1>;tag=a{n}\r\nTo: <sip:bob@10.0.0.2>\r\nCall-ID: {n}@10.0.0.1\r\nCSeq: 1 {method}\r\n\
Contact: <sip:alice@10.0.0.1>\r\nContent-Length: 0\r\n\r\n"
    );
    Message::parse(text.into_bytes()).expect("valid request")
}

impl Pair {
    fn new() -> Self {
        let now = Instant::now();
        Self {
            now,
            uac: TxnLayer::new(TxnConfig::default(), now),
            uas: TxnLayer::new(TxnConfig::default(), now),
            a: "10.0.0.1:5060".parse().unwrap(),
            b: "10.0.0.2:5060".parse().unwrap(),
            n: 0,
        }
    }

    /// Moves every transmit of `from` to `to` (parsed, as a transport
    /// would) and returns the events `from` produced.
    fn pump(&mut self, client_side: bool) -> Vec<TxnEvent> {
        let (from, to, src, dst) = if client_side {
            (&mut self.uac, &mut self.uas, self.a, self.b)
        } else {
            (&mut self.uas, &mut self.uac, self.b, self.a)
        };
        let mut events = Vec::new();
        loop {
            match from.poll_output() {
                Output::Transmit(t) => {
                    let msg = Message::parse(t.bytes).expect("own output parses");
                    let rx = Received {
                        now: self.now,
                        transport: Transport::Udp,
                        from: src,
                        local: dst,
                        msg,
                    };
                    to.handle_input(Input::Receive(rx));
                }
                Output::Event(e) => events.push(e),
                Output::Timeout(_) | Output::Idle => return events,
            }
        }
    }

    fn finish(&mut self) {
        self.now += Duration::from_secs(40);
        self.uac.handle_input(Input::Timeout(self.now));
        self.uas.handle_input(Input::Timeout(self.now));
        self.pump(true);
        self.pump(false);
        debug_assert!(self.uac.is_empty() && self.uas.is_empty());
    }

    fn invite_200_ack(&mut self) {
        self.n += 1;
        let target = Target {
            transport: Transport::Udp,
            addr: self.b,
        };
        self.uac
            .send_request(self.now, request("INVITE", self.n), target)
            .unwrap();
        self.pump(true);
        for e in self.pump(false) {
            if let TxnEvent::NewRequest { id, request, .. } = e {
                let ringing = Message::response_to(&request.msg, 180, Some("b1"));
                self.uas.send_response(self.now, id, ringing).unwrap();
                let ok = Message::response_to(&request.msg, 200, Some("b1"));
                self.uas.send_response(self.now, id, ok).unwrap();
            }
        }
        for e in self.pump(false) {
            if let TxnEvent::Response { response, .. } = e {
                if response.status() == Some(200) {
                    let mut ack = request("ACK", self.n + (1 << 40));
                    ack.set_header(sip_parser::HeaderName::To, response.to_header().unwrap());
                    self.uac.send_stateless(
                        self.now,
                        ack,
                        Target {
                            transport: Transport::Udp,
                            addr: self.b,
                        },
                    );
                }
            }
        }
        let acked = self.pump(true);
        black_box(acked);
        self.pump(false);
        self.finish();
    }

    fn options_200(&mut self) {
        self.n += 1;
        let target = Target {
            transport: Transport::Udp,
            addr: self.b,
        };
        self.uac
            .send_request(self.now, request("OPTIONS", self.n), target)
            .unwrap();
        self.pump(true);
        for e in self.pump(false) {
            if let TxnEvent::NewRequest { id, request, .. } = e {
                let ok = Message::response_to(&request.msg, 200, Some("b1"));
                self.uas.send_response(self.now, id, ok).unwrap();
            }
        }
        black_box(self.pump(false));
        black_box(self.pump(true));
        self.finish();
    }
}

fn transactions(c: &mut Criterion) {
    let mut g = c.benchmark_group("txn");
    g.throughput(Throughput::Elements(1));
    let mut pair = Pair::new();
    g.bench_function("invite_180_200_ack", |b| b.iter(|| pair.invite_200_ack()));
    let mut pair = Pair::new();
    g.bench_function("options_200", |b| b.iter(|| pair.options_200()));
    g.finish();
}

/// Tops `layer` up to `live` transactions (half INVITE, half OPTIONS),
/// sent 100 us apart from the layer's current time.
fn fill(layer: &mut TxnLayer, next: &mut u64, live: usize) {
    let target = Target {
        transport: Transport::Udp,
        addr: "10.0.0.2:5060".parse().unwrap(),
    };
    let base = layer.now();
    let mut i = 0;
    while layer.len() < live {
        *next += 1;
        i += 1;
        let method = if *next % 2 == 0 {
            Method::Invite
        } else {
            Method::Options
        };
        let now = base + Duration::from_micros(i * 100);
        layer
            .send_request(now, request(method.as_str(), *next), target)
            .unwrap();
    }
    while let Output::Transmit(_) = layer.poll_output() {}
}

fn at_scale(c: &mut Criterion) {
    const LIVE: usize = 100_000;
    let mut layer = TxnLayer::new(TxnConfig::default(), Instant::now());
    let mut next = 0;
    fill(&mut layer, &mut next, LIVE);
    assert_eq!(layer.len(), LIVE);

    let mut g = c.benchmark_group("txn_100k_live");
    g.bench_function("poll_output", |b| b.iter(|| black_box(layer.poll_output())));
    // Fire the next timer each iteration: a retransmission and its re-arm,
    // or a Timer B/F timeout and the removal. When timeouts have thinned
    // the population by 10 %, it is topped up outside the measured time.
    g.bench_function("fire_next_timer", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut start = Instant::now();
            for _ in 0..iters {
                if layer.len() < LIVE * 9 / 10 {
                    total += start.elapsed();
                    fill(&mut layer, &mut next, LIVE);
                    start = Instant::now();
                }
                let Output::Timeout(at) = layer.poll_output() else {
                    panic!("a deadline")
                };
                layer.handle_input(Input::Timeout(at));
                loop {
                    match layer.poll_output() {
                        Output::Timeout(_) | Output::Idle => break,
                        o => {
                            black_box(o);
                        }
                    }
                }
            }
            total + start.elapsed()
        })
    });
    g.finish();
}

criterion_group!(benches, transactions, at_scale);
criterion_main!(benches);
