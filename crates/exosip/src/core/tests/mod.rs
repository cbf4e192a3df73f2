//! Whole call flows between two UA cores on a virtual clock (the quinn
//! `Pair` pattern): no sockets, no threads, no sleeps.

mod dialog_rules;
mod flows;
mod forking;
mod lossy;
mod mtu;
mod prack;
mod timers;
mod transfer;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sip_parser::{Message, Method, Transport};
use sip_txn::Received;

use super::{Input, Output, Ua};
use crate::config::Config;
use crate::event::{Event, EventKind};
use crate::ids::{CallId, DialogId, TransactionId};

/// One side of the pair.
pub(super) struct Node {
    pub(super) ua: Ua,
    pub(super) addr: SocketAddr,
    pub(super) events: VecDeque<Event>,
    pub(super) deadline: Option<Instant>,
}

type Filter = Box<dyn FnMut(&Message, SocketAddr) -> bool>;

/// Two UAs joined by a lossless network with a fixed latency; `drop_if`
/// loses chosen messages.
pub(super) struct Pair {
    pub(super) now: Instant,
    pub(super) a: Node,
    pub(super) b: Node,
    in_flight: VecDeque<(Instant, SocketAddr, SocketAddr, Bytes)>,
    pub(super) drop_if: Option<Filter>,
    /// Every message delivered or dropped: (from, summary).
    pub(super) wire: Vec<(SocketAddr, String, bool)>,
    latency: Duration,
}

pub(super) const A: &str = "127.0.0.1:5060";
pub(super) const B: &str = "127.0.0.1:5070";

pub(super) const OFFER: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n";
pub(super) const ANSWER: &str = "v=0\r\no=- 2 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\n";

fn summary(m: &Message) -> String {
    match (m.method(), m.status()) {
        (Some(meth), _) => meth.as_str().to_owned(),
        (None, Some(s)) => format!(
            "{s} {}",
            String::from_utf8_lossy(m.cseq().map(|c| c.1).unwrap_or_default())
        ),
        _ => "?".into(),
    }
}

impl Pair {
    pub(super) fn new() -> Self {
        Self::with_config(Config::default(), Config::default())
    }

    pub(super) fn with_config(ca: Config, cb: Config) -> Self {
        let now = Instant::now();
        let node = |c: Config, addr: &str| {
            let addr: SocketAddr = addr.parse().unwrap();
            let mut ua = Ua::new(c, now);
            ua.add_listener(Transport::Udp, addr);
            Node {
                ua,
                addr,
                events: VecDeque::new(),
                deadline: None,
            }
        };
        Self {
            now,
            a: node(ca, A),
            b: node(cb, B),
            in_flight: VecDeque::new(),
            drop_if: None,
            wire: Vec::new(),
            latency: Duration::from_millis(5),
        }
    }

    fn drain_node(
        node: &mut Node,
        now: Instant,
        latency: Duration,
        out: &mut VecDeque<(Instant, SocketAddr, SocketAddr, Bytes)>,
    ) {
        node.deadline = None;
        loop {
            match node.ua.poll_output() {
                Output::Transmit(t) => {
                    out.push_back((now + latency, node.addr, t.destination, t.bytes))
                }
                Output::Event(e) => node.events.push_back(e),
                Output::Timeout(t) => {
                    node.deadline = Some(t);
                    break;
                }
                Output::Idle => break,
            }
        }
    }

    pub(super) fn drain(&mut self) {
        Self::drain_node(&mut self.a, self.now, self.latency, &mut self.in_flight);
        Self::drain_node(&mut self.b, self.now, self.latency, &mut self.in_flight);
    }

    /// Delivers due messages, or advances the clock to the next delivery
    /// or deadline. Returns false when nothing is left to do.
    pub(super) fn step(&mut self) -> bool {
        self.drain();
        let due: Vec<_> = {
            let now = self.now;
            let (d, rest): (Vec<_>, Vec<_>) = self.in_flight.drain(..).partition(|m| m.0 <= now);
            self.in_flight = rest.into();
            d
        };
        if !due.is_empty() {
            for (_, from, to, bytes) in due {
                let Ok(msg) = Message::parse(bytes) else {
                    continue;
                };
                let lost = self.drop_if.as_mut().is_some_and(|f| f(&msg, from));
                self.wire.push((from, summary(&msg), lost));
                if lost {
                    continue;
                }
                let node = if to == self.a.addr {
                    &mut self.a
                } else if to == self.b.addr {
                    &mut self.b
                } else {
                    continue;
                };
                node.ua.handle_input(Input::Receive(Received {
                    now: self.now,
                    transport: Transport::Udp,
                    from,
                    local: to,
                    msg,
                }));
            }
            self.drain();
            return true;
        }
        let next = [
            self.in_flight.iter().map(|m| m.0).min(),
            self.a.deadline,
            self.b.deadline,
        ]
        .into_iter()
        .flatten()
        .min();
        let Some(next) = next else { return false };
        self.now = self.now.max(next);
        let now = self.now;
        self.a.ua.handle_input(Input::Timeout(now));
        self.b.ua.handle_input(Input::Timeout(now));
        true
    }

    /// Runs for `d` of virtual time (or until nothing is left to do).
    pub(super) fn run_for(&mut self, d: Duration) {
        let end = self.now + d;
        while self.now < end {
            let next = [
                self.in_flight.iter().map(|m| m.0).min(),
                self.a.deadline,
                self.b.deadline,
            ]
            .into_iter()
            .flatten()
            .min();
            if next.is_none_or(|n| n > end) && self.in_flight.iter().all(|m| m.0 > self.now) {
                self.drain();
                let next = [
                    self.in_flight.iter().map(|m| m.0).min(),
                    self.a.deadline,
                    self.b.deadline,
                ]
                .into_iter()
                .flatten()
                .min();
                if next.is_none_or(|n| n > end) {
                    self.now = end;
                    self.a.ua.handle_input(Input::Timeout(end));
                    self.b.ua.handle_input(Input::Timeout(end));
                    self.drain();
                    return;
                }
            }
            if !self.step() {
                break;
            }
        }
    }

    /// Steps until side `a` (true) or `b` has an event of `kind`; returns it.
    pub(super) fn expect(&mut self, on_a: bool, kind: EventKind) -> Event {
        let mut more = true;
        for _ in 0..100_000 {
            let node = if on_a { &mut self.a } else { &mut self.b };
            if let Some(pos) = node.events.iter().position(|e| e.kind == kind) {
                return node.events.remove(pos).unwrap();
            }
            if !more {
                break;
            }
            more = self.step();
        }
        let node = if on_a { &self.a } else { &self.b };
        panic!(
            "no {kind:?} on {}; events: {:?}",
            if on_a { "a" } else { "b" },
            node.events.iter().map(|e| e.kind).collect::<Vec<_>>()
        );
    }

    /// Whether side `a` / `b` has queued an event of `kind` (without stepping).
    pub(super) fn has(&self, on_a: bool, kind: EventKind) -> bool {
        let node = if on_a { &self.a } else { &self.b };
        node.events.iter().any(|e| e.kind == kind)
    }

    /// Count of wire messages matching `summary` sent by `from`.
    pub(super) fn count(&self, from: &str, what: &str) -> usize {
        let from: SocketAddr = from.parse().unwrap();
        self.wire
            .iter()
            .filter(|(f, s, _)| *f == from && s == what)
            .count()
    }

    /// A places a call to B with an SDP offer.
    pub(super) fn invite(&mut self) -> CallId {
        let mut inv = self
            .a
            .ua
            .build_initial_invite(
                "sip:bob@127.0.0.1:5070",
                "Alice <sip:alice@127.0.0.1>",
                None,
                Some("test"),
            )
            .unwrap();
        inv.set_body_with_type(OFFER, "application/sdp");
        let now = self.now;
        self.a.ua.send_initial_invite(now, inv).unwrap()
    }

    /// B answers `tid` with `status` (200 carries the SDP answer).
    pub(super) fn b_answer(&mut self, tid: TransactionId, status: u16) {
        let mut ans = self.b.ua.build_answer(tid, status).unwrap();
        if (200..300).contains(&status) {
            ans.set_body_with_type(ANSWER, "application/sdp");
        }
        let now = self.now;
        self.b.ua.send_answer(now, tid, status, Some(ans)).unwrap();
    }

    /// A full call set-up: returns (cid on a, did on a, cid on b, did on b).
    pub(super) fn establish(&mut self) -> (CallId, DialogId, CallId, DialogId) {
        let cid = self.invite();
        let inv = self.expect(false, EventKind::CallInvite);
        let tid = inv.tid.unwrap();
        self.b_answer(tid, 180);
        self.expect(true, EventKind::CallRinging);
        self.b_answer(tid, 200);
        let ans = self.expect(true, EventKind::CallAnswered);
        let did = ans.did.unwrap();
        let now = self.now;
        self.a.ua.send_ack(now, did, None).unwrap();
        let ack = self.expect(false, EventKind::CallAck);
        (cid, did, inv.cid.unwrap(), ack.did.unwrap())
    }

    /// Hands `msg` to side `b` (true) or `a` as if it came from the other
    /// side, bypassing the sender's UA core (for requests a conforming core
    /// refuses to send).
    pub(super) fn inject(&mut self, to_b: bool, msg: Message) {
        let (node, from) = if to_b {
            (&mut self.b, self.a.addr)
        } else {
            (&mut self.a, self.b.addr)
        };
        let msg = Message::parse(msg.to_vec()).unwrap();
        self.wire.push((from, summary(&msg), false));
        node.ua.handle_input(Input::Receive(Received {
            now: self.now,
            transport: Transport::Udp,
            from,
            local: node.addr,
            msg,
        }));
        self.drain();
    }

    /// A sends `method` in its dialog; returns the tid.
    pub(super) fn a_request(&mut self, did: DialogId, method: Method) -> TransactionId {
        let req = self.a.ua.build_request(did, method).unwrap();
        let now = self.now;
        self.a.ua.send_request(now, did, req).unwrap()
    }
}
