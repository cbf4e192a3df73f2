//! Forking (RFC 3261 sections 12.1.2 and 13.2.2.4): several early
//! dialogs from one INVITE, one or more 2xx. The forking proxy is played
//! by hand-made responses fed to one UA core.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use sip_parser::{HeaderName, Message, Method, Transport};
use sip_txn::Received;

use crate::config::Config;
use crate::core::{Input, Output, Ua};
use crate::event::{Event, EventKind};

struct Solo {
    ua: Ua,
    now: Instant,
    sent: Vec<(SocketAddr, Message)>,
    events: Vec<Event>,
}

impl Solo {
    /// A UA listening on UDP 127.0.0.1:5060 with the default config.
    fn new() -> Self {
        let now = Instant::now();
        let mut ua = Ua::new(Config::default(), now);
        ua.add_listener(Transport::Udp, "127.0.0.1:5060".parse().unwrap());
        Self {
            ua,
            now,
            sent: Vec::new(),
            events: Vec::new(),
        }
    }

    fn drain(&mut self) {
        loop {
            match self.ua.poll_output() {
                Output::Transmit(t) => self
                    .sent
                    .push((t.destination, Message::parse(t.bytes).unwrap())),
                Output::Event(e) => self.events.push(e),
                _ => break,
            }
        }
    }

    fn advance(&mut self, d: Duration) {
        let end = self.now + d;
        while self.now < end {
            self.now += Duration::from_millis(500);
            self.ua.handle_input(Input::Timeout(self.now));
            self.drain();
        }
    }

    fn feed(&mut self, msg: Message) {
        self.now += Duration::from_millis(10);
        let msg = Message::parse(msg.to_vec()).unwrap();
        self.ua.handle_input(Input::Receive(Received {
            now: self.now,
            transport: Transport::Udp,
            from: "127.0.0.1:5070".parse().unwrap(),
            local: "127.0.0.1:5060".parse().unwrap(),
            msg,
        }));
        self.drain();
    }
}

fn response(invite: &Message, status: u16, tag: &str, contact_port: u16) -> Message {
    let mut r = Message::response_to(invite, status, Some(tag));
    r.push_header(
        HeaderName::Contact,
        format!("<sip:bob@127.0.0.1:{contact_port}>"),
    );
    r.push_header(HeaderName::RecordRoute, "<sip:127.0.0.1:5070;lr>");
    r
}

#[test]
fn two_early_dialogs_then_one_200_then_a_late_200() {
    let mut s = Solo::new();
    let inv =
        s.ua.build_initial_invite("sip:bob@127.0.0.1:5070", "sip:alice@127.0.0.1", None, None)
            .unwrap();
    let cid = s.ua.send_initial_invite(s.now, inv).unwrap();
    s.drain();
    let invite = s.sent.remove(0).1;
    assert_eq!(invite.method(), Some(&Method::Invite));

    s.feed(response(&invite, 180, "x", 5071));
    s.feed(response(&invite, 183, "y", 5072));
    let ring = s.events.remove(0);
    let prog = s.events.remove(0);
    assert_eq!(
        (ring.kind, prog.kind),
        (EventKind::CallRinging, EventKind::CallProceeding)
    );
    let (dx, dy) = (ring.did.unwrap(), prog.did.unwrap());
    assert_ne!(dx, dy, "one early dialog per To tag");
    assert_eq!(s.ua.dialog_count(), 2);

    s.feed(response(&invite, 200, "y", 5072));
    let ans = s.events.remove(0);
    assert_eq!(
        (ans.kind, ans.did, ans.cid),
        (EventKind::CallAnswered, Some(dy), Some(cid))
    );
    assert_eq!(s.ua.dialog_count(), 1, "the other early dialog is gone");
    let ack = s.ua.build_ack(dy).unwrap();
    // Route set from Record-Route, target from the 2xx Contact.
    assert_eq!(
        ack.request_uri_bytes(),
        Some(&b"sip:bob@127.0.0.1:5072"[..])
    );
    assert_eq!(
        ack.header(HeaderName::Route),
        Some(&b"<sip:127.0.0.1:5070;lr>"[..])
    );
    s.ua.send_ack(s.now, dy, Some(ack)).unwrap();
    s.drain();
    let (dest, ack) = s.sent.pop().unwrap();
    assert_eq!(
        dest,
        "127.0.0.1:5070".parse::<SocketAddr>().unwrap(),
        "sent to the loose router"
    );
    assert_eq!(ack.cseq(), Some((20, &b"ACK"[..])));

    // The 2xx retransmitted: the same ACK again, no new event.
    s.feed(response(&invite, 200, "y", 5072));
    assert!(s.events.is_empty());
    assert_eq!(s.sent.pop().unwrap().1.method(), Some(&Method::Ack));

    // A second fork answers too: a new confirmed dialog, reported.
    s.feed(response(&invite, 200, "x", 5071));
    let late = s.events.remove(0);
    assert_eq!(late.kind, EventKind::CallAnswered);
    let dx2 = late.did.unwrap();
    assert_ne!(dx2, dy);
    s.ua.send_ack(s.now, dx2, None).unwrap();
    s.ua.terminate(s.now, cid, Some(dx2)).unwrap();
    s.drain();
    let methods: Vec<_> = s
        .sent
        .iter()
        .filter_map(|(_, m)| m.method().cloned())
        .collect();
    assert_eq!(methods, vec![Method::Ack, Method::Bye]);
    assert_eq!(s.ua.dialog_count(), 2);
}

#[test]
fn garbage_and_stray_responses_do_not_disturb() {
    let mut s = Solo::new();
    // A response to nothing, a 2xx for an unknown dialog, an ACK for nothing.
    let stray = Message::parse(
        &b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKnope\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\nCall-ID: zz\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"[..],
    )
    .unwrap();
    s.feed(stray);
    let ack = Message::parse(
        &b"ACK sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKq\r\nFrom: <sip:b@h>;tag=2\r\nTo: <sip:a@h>;tag=1\r\nCall-ID: zz\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"[..],
    )
    .unwrap();
    s.feed(ack);
    assert!(s.events.is_empty());
    assert!(
        s.sent.iter().all(|(_, m)| m.is_request()),
        "nothing answered"
    );
    assert_eq!(s.ua.call_count(), 0);
}

#[test]
fn rfc2543_invite_without_contact_is_accepted_with_from_as_target() {
    let mut s = Solo::new();
    // RFC 4475 section 3.4.1: no Contact, no From tag, no branch cookie.
    let no_contact = Message::parse(
        &b"INVITE sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070\r\nFrom: <sip:b@127.0.0.1:5070>\r\nTo: <sip:a@h>\r\nCall-ID: nc\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"[..],
    )
    .unwrap();
    s.feed(no_contact);
    assert_eq!(s.ua.call_count(), 1);
    let invite = s
        .events
        .iter()
        .find(|e| e.kind == EventKind::CallInvite)
        .expect("CallInvite");
    assert!(invite.did.is_some(), "an early dialog");
    let tid = invite.tid.expect("a transaction");
    s.ua.send_answer(s.now, tid, 486, None).expect("answer");
    s.drain();
    let statuses: Vec<_> = s.sent.iter().filter_map(|(_, m)| m.status()).collect();
    assert!(statuses.contains(&486), "{statuses:?}");
    assert!(!statuses.contains(&400), "{statuses:?}");
}

#[test]
fn a_request_the_application_never_answers_is_ended_after_64_t1() {
    let mut s = Solo::new();
    let options = Message::parse(
        &b"OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKopt1\r\nFrom: <sip:b@h>;tag=2\r\nTo: <sip:a@h>\r\nCall-ID: opt\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"[..],
    )
    .unwrap();
    s.feed(options);
    assert_eq!(s.events.len(), 1, "reported to the application");
    assert_eq!(s.ua.transaction_count(), 1);
    s.advance(Duration::from_secs(31));
    assert!(
        s.sent.iter().all(|(_, m)| m.status().is_none()),
        "not answered yet"
    );
    s.advance(Duration::from_secs(2));
    let statuses: Vec<_> = s.sent.iter().filter_map(|(_, m)| m.status()).collect();
    assert_eq!(statuses, vec![500]);
    // Timer J (64*T1 on UDP) then ends the server transaction.
    s.advance(Duration::from_secs(33));
    assert_eq!(s.ua.transaction_count(), 0);
}
