//! Test helpers: messages, a virtual clock driver, and a compact trace of
//! outputs as `(milliseconds since t0, "what")`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use sip_parser::{Message, Transport};

use crate::{
    ClientTxnId, Input, Output, Received, ServerTxnId, Target, TxnConfig, TxnEvent, TxnId, TxnLayer,
};

pub(crate) const UAC: &str = "192.0.2.1:5060";
pub(crate) const UAS: &str = "192.0.2.2:5060";

pub(crate) fn sa(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

pub(crate) fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

pub(crate) fn ms(m: u64) -> Duration {
    Duration::from_millis(m)
}

/// A request from the UAC at 192.0.2.1:5060, Via transport `t`.
pub(crate) fn request(method: &str, branch: &str, t: Transport) -> Message {
    let text = format!(
        "{method} sip:bob@192.0.2.2 SIP/2.0\r\nVia: SIP/2.0/{t} 192.0.2.1:5060;branch={branch}\r\n\
Max-Forwards: 70\r\nFrom: <sip:alice@a.example>;tag=ft\r\nTo: <sip:bob@b.example>\r\n\
Call-ID: call-{branch}\r\nCSeq: 1 {method}\r\nContent-Length: 0\r\n\r\n"
    );
    Message::parse(text.into_bytes()).unwrap()
}

/// A response to `req` (To tag `tag` unless 100), as received off the wire.
pub(crate) fn reply(req: &Message, code: u16, tag: &str) -> Message {
    Message::parse(Message::response_to(req, code, Some(tag)).to_bytes()).unwrap()
}

/// One line per output: `> INVITE`, `> 180` for transmits, event names.
pub(crate) fn describe(o: &Output) -> String {
    match o {
        Output::Transmit(t) => match Message::parse(t.bytes.clone()) {
            Ok(m) => match (m.method(), m.status()) {
                (Some(method), _) => format!("> {}", method.as_str()),
                (_, Some(s)) => format!("> {s}"),
                _ => "> ?".into(),
            },
            Err(_) => "> garbage".into(),
        },
        Output::Event(e) => match e {
            TxnEvent::NewRequest {
                request, cancels, ..
            } => {
                let m = request.msg.method().map_or("?", |m| m.as_str()).to_owned();
                if cancels.is_some() {
                    format!("NewRequest {m} cancels")
                } else {
                    format!("NewRequest {m}")
                }
            }
            TxnEvent::Ack { .. } => "Ack".into(),
            TxnEvent::Response {
                response,
                retransmission,
                ..
            } => {
                let s = response.status().unwrap_or(0);
                if *retransmission {
                    format!("Response {s} rtx")
                } else {
                    format!("Response {s}")
                }
            }
            TxnEvent::StrayResponse { response } => {
                format!("Stray {}", response.msg.status().unwrap_or(0))
            }
            TxnEvent::Timeout { .. } => "Timeout".into(),
            TxnEvent::TransportError { .. } => "TransportError".into(),
            TxnEvent::Terminated { .. } => "Terminated".into(),
        },
        Output::Timeout(_) => "Timeout?".into(),
        Output::Idle => "Idle".into(),
    }
}

/// A layer on a virtual clock.
pub(crate) struct H {
    pub(crate) layer: TxnLayer,
    pub(crate) t0: Instant,
    pub(crate) now: Instant,
    pub(crate) last_events: Vec<TxnEvent>,
}

/// The origin of the virtual clock. Tests only: `Instant` has no other
/// constructor; the layer itself never reads a clock.
pub(crate) fn origin() -> Instant {
    Instant::now()
}

impl H {
    pub(crate) fn new() -> Self {
        Self::with(TxnConfig::default())
    }

    pub(crate) fn with(cfg: TxnConfig) -> Self {
        let t0 = origin();
        Self {
            layer: TxnLayer::new(cfg, t0),
            t0,
            now: t0,
            last_events: Vec::new(),
        }
    }

    /// Drives the clock to `t0 + until`, firing every timer on the way;
    /// returns what came out, stamped in ms since t0.
    pub(crate) fn run(&mut self, until: Duration) -> Vec<(u128, String)> {
        let end = self.t0 + until;
        let mut got = Vec::new();
        loop {
            match self.layer.poll_output() {
                Output::Timeout(at) if at <= end => {
                    self.now = self.now.max(at);
                    self.layer.handle_input(Input::Timeout(self.now));
                }
                Output::Timeout(_) | Output::Idle => break,
                o => {
                    got.push(((self.now - self.t0).as_millis(), describe(&o)));
                    if let Output::Event(e) = o {
                        self.last_events.push(e);
                    }
                }
            }
        }
        self.now = self.now.max(end);
        got
    }

    /// Drains outputs at the current instant only.
    pub(crate) fn drain(&mut self) -> Vec<String> {
        let until = self.now - self.t0;
        self.run(until).into_iter().map(|(_, s)| s).collect()
    }

    pub(crate) fn received(&self, msg: Message, t: Transport, from: &str) -> Received {
        Received {
            now: self.now,
            transport: t,
            from: sa(from),
            local: sa(UAC),
            msg,
        }
    }

    /// A message arrives now from `from`.
    pub(crate) fn rx_from(&mut self, msg: Message, t: Transport, from: &str) -> Vec<String> {
        let r = self.received(msg, t, from);
        self.layer.handle_input(Input::Receive(r));
        self.drain()
    }

    /// A response arrives from the UAS / a request from the UAC.
    pub(crate) fn rx(&mut self, msg: Message, t: Transport) -> Vec<String> {
        let from = if msg.is_response() { UAS } else { UAC };
        self.rx_from(msg, t, from)
    }

    pub(crate) fn send(&mut self, req: Message, t: Transport) -> ClientTxnId {
        self.layer
            .send_request(
                self.now,
                req,
                Target {
                    transport: t,
                    addr: sa(UAS),
                },
            )
            .unwrap()
    }

    pub(crate) fn respond(&mut self, id: ServerTxnId, resp: Message) -> Vec<String> {
        self.layer.send_response(self.now, id, resp).unwrap();
        self.drain()
    }

    /// The id of the last NewRequest event seen.
    pub(crate) fn last_new(&self) -> ServerTxnId {
        self.last_events
            .iter()
            .rev()
            .find_map(|e| match e {
                TxnEvent::NewRequest { id, .. } => Some(*id),
                _ => None,
            })
            .expect("a NewRequest")
    }

    pub(crate) fn deadline(
        &self,
        id: impl Into<TxnId>,
        kind: crate::TimerKind,
    ) -> Option<Duration> {
        self.layer.deadline(id.into(), kind).map(|at| at - self.t0)
    }
}

/// `(ms, what)` pairs from literals.
pub(crate) fn tr(v: &[(u128, &str)]) -> Vec<(u128, String)> {
    v.iter().map(|&(t, s)| (t, s.to_owned())).collect()
}
