//! Fuzz the transaction layer: an arbitrary sequence of received messages
//! (raw bytes, or templates whose branch / method / status / CSeq the
//! fuzzer picks so that they collide with live transactions), TU commands
//! and time steps. Nothing may panic, every output queue drains, and the
//! layer never holds more transactions (or timers) than the inputs could
//! create.
#![no_main]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use sip_parser::{Message, Transport};
use sip_txn::{
    ClientTxnId, Input, Output, Received, ServerTxnId, Target, TxnConfig, TxnEvent, TxnLayer,
};

const METHODS: [&str; 6] = ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "invite"];
const STATUS: [u16; 8] = [100, 180, 200, 202, 301, 486, 487, 603];

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn take(&mut self, n: usize) -> &[u8] {
        let n = n.min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
}

fn template(
    method: &str,
    branch: u8,
    status: Option<u16>,
    cseq_method: &str,
    tag: u8,
    sent_by: u8,
) -> Option<Message> {
    let branch = if branch & 0x80 != 0 {
        format!("legacy{}", branch & 3)
    } else {
        format!("z9hG4bK{}", branch & 7)
    };
    let start = match status {
        Some(s) => format!("SIP/2.0 {s} X"),
        None => format!("{method} sip:b@10.0.0.2 SIP/2.0"),
    };
    let to_tag = if tag & 1 == 1 {
        format!(";tag=t{}", tag >> 5)
    } else {
        String::new()
    };
    let text = format!(
        "{start}\r\nVia: SIP/2.0/UDP 10.0.0.{}:5060;branch={branch}\r\nFrom: <sip:a@h>;tag=f\r\n\
To: <sip:b@h>{to_tag}\r\nCall-ID: c{}\r\nCSeq: {} {cseq_method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
        sent_by & 3,
        tag & 3,
        tag >> 6,
    );
    Message::parse(text.into_bytes()).ok()
}

fuzz_target!(|data: &[u8]| {
    let t0 = Instant::now();
    let mut now = t0;
    let mut layer = TxnLayer::new(TxnConfig::default(), t0);
    let peer: SocketAddr = "10.0.0.1:5060".parse().unwrap();
    let local: SocketAddr = "10.0.0.2:5060".parse().unwrap();
    let mut input = Bytes(data);
    let (mut clients, mut servers): (Vec<ClientTxnId>, Vec<ServerTxnId>) = (Vec::new(), Vec::new());
    let mut creations = 0usize;
    while let Some(op) = input.u8() {
        let arg = input.u8().unwrap_or(0);
        let arg2 = input.u8().unwrap_or(0);
        let transport = if op & 0x10 != 0 {
            Transport::Tcp
        } else {
            Transport::Udp
        };
        match op % 8 {
            0 => {
                now += Duration::from_millis(u64::from(arg) * 97 + u64::from(arg2) * 1013);
                layer.handle_input(Input::Timeout(now));
            }
            1 => {
                let raw = input.take(usize::from(arg) * 4).to_vec();
                if let Ok(msg) = Message::parse(raw) {
                    creations += 1;
                    layer.handle_input(Input::Receive(Received {
                        now,
                        transport,
                        from: peer,
                        local,
                        msg,
                    }));
                }
            }
            2 | 3 => {
                let status = (op % 8 == 3).then(|| STATUS[usize::from(arg2) % STATUS.len()]);
                let method = METHODS[usize::from(arg) % METHODS.len()];
                let cseq = METHODS[usize::from(arg >> 3) % METHODS.len()];
                let tag = input.u8().unwrap_or(0);
                if let Some(msg) = template(method, arg2, status, cseq, tag, arg >> 5) {
                    creations += 1;
                    layer.handle_input(Input::Receive(Received {
                        now,
                        transport,
                        from: peer,
                        local,
                        msg,
                    }));
                }
            }
            4 => {
                let method = METHODS[usize::from(arg) % METHODS.len()];
                if let Some(req) = template(method, arg2, None, method, 0, 0) {
                    let target = Target {
                        transport,
                        addr: peer,
                    };
                    if let Ok(id) = layer.send_request(now, req, target) {
                        creations += 1;
                        clients.push(id);
                    }
                }
            }
            5 => {
                if let Some(&id) = servers.get(usize::from(arg) % servers.len().max(1)) {
                    let resp = template(
                        "",
                        0,
                        Some(STATUS[usize::from(arg2) % STATUS.len()]),
                        "INVITE",
                        1,
                        0,
                    );
                    if let Some(resp) = resp {
                        let _ = layer.send_response(now, id, resp);
                    }
                }
            }
            6 => {
                if let Some(&id) = clients.get(usize::from(arg) % clients.len().max(1)) {
                    if layer.cancel(now, id).is_ok() {
                        creations += 1;
                    }
                }
            }
            _ => layer.transport_error(now, peer, transport),
        }
        loop {
            match layer.poll_output() {
                Output::Event(TxnEvent::NewRequest { id, .. }) => servers.push(id),
                Output::Timeout(at) => {
                    assert!(at + Duration::from_secs(1) >= now || at >= t0);
                    break;
                }
                Output::Idle => break,
                _ => {}
            }
        }
        let (timers, queued) = layer.footprint();
        assert_eq!(queued, 0);
        assert!(
            layer.len() <= creations,
            "{} live > {creations} created",
            layer.len()
        );
        assert!(
            timers <= 2 * layer.len(),
            "{timers} timers for {} transactions",
            layer.len()
        );
    }
});
