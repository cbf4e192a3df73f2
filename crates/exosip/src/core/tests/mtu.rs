//! RFC 3261 section 18.1.1 in the UA core: a request over
//! `Config::mtu_threshold` bytes that resolves to UDP goes over TCP, with
//! a `TCP` top Via and a reliable client transaction (no Timer A).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use sip_parser::{HeaderName, Message, Method, Transport};
use sip_txn::Transmit;

use super::{A, B, OFFER, Pair};
use crate::config::Config;
use crate::core::{Input, Output, Ua};
use crate::event::EventKind;

const TCP: &str = "127.0.0.1:5062";

/// An SDP offer well over 1300 bytes.
fn big_offer() -> String {
    let mut sdp = OFFER.to_owned();
    for i in 0..40 {
        sdp.push_str(&format!("a=x-padding-{i}:0123456789abcdef0123456789\r\n"));
    }
    assert!(sdp.len() > 1400);
    sdp
}

fn ua(config: Config, tcp: bool) -> Ua {
    let mut ua = Ua::new(config, Instant::now());
    ua.add_listener(Transport::Udp, A.parse().unwrap());
    if tcp {
        ua.add_listener(Transport::Tcp, TCP.parse().unwrap());
    }
    ua
}

/// Sends an INVITE to `to` with `body`, then runs the clock for 10 s
/// (no answer); returns every transmit.
fn invite(ua: &mut Ua, to: &str, body: &str) -> Vec<Transmit> {
    let mut inv = ua
        .build_initial_invite(to, "<sip:alice@127.0.0.1>", None, None)
        .unwrap();
    inv.set_body_with_type(body, "application/sdp");
    let start = Instant::now();
    ua.send_initial_invite(start, inv).unwrap();
    let mut sent = Vec::new();
    for _ in 0..100 {
        match ua.poll_output() {
            Output::Transmit(t) => sent.push(t),
            Output::Event(_) => {}
            Output::Timeout(t) if t <= start + Duration::from_secs(10) => {
                ua.handle_input(Input::Timeout(t));
            }
            Output::Timeout(_) | Output::Idle => break,
        }
    }
    sent
}

fn top_via(t: &Transmit) -> String {
    let m = Message::parse(t.bytes.clone()).unwrap();
    String::from_utf8_lossy(m.top_via().unwrap()).into_owned()
}

#[test]
fn large_invite_goes_over_tcp_without_retransmissions() {
    let mut ua = ua(Config::default(), true);
    let sent = invite(&mut ua, "sip:bob@127.0.0.1:5070", &big_offer());
    assert_eq!(sent.len(), 1, "no Timer A retransmission over TCP");
    let t = &sent[0];
    assert!(t.bytes.len() > 1300);
    assert_eq!(t.transport, Transport::Tcp);
    assert_eq!(t.destination, B.parse::<SocketAddr>().unwrap());
    let via = top_via(t);
    assert!(
        via.starts_with("SIP/2.0/TCP 127.0.0.1:5062;rport;branch=z9hG4bK"),
        "{via}"
    );
    // The Contact stays as built: the dialog goes on over UDP.
    let m = Message::parse(t.bytes.clone()).unwrap();
    assert_eq!(m.contact_header(), Some(&b"<sip:alice@127.0.0.1:5060>"[..]));
}

#[test]
fn explicit_transport_udp_small_requests_and_no_tcp_listener_stay_on_udp() {
    let cases = [
        (true, "<sip:bob@127.0.0.1:5070;transport=udp>", big_offer()),
        (true, "sip:bob@127.0.0.1:5070", OFFER.to_owned()),
        (false, "sip:bob@127.0.0.1:5070", big_offer()),
    ];
    for (tcp, to, body) in cases {
        let mut ua = ua(Config::default(), tcp);
        let sent = invite(&mut ua, to, &body);
        // Timer A: 500 ms, 1 s, 2 s, 4 s within 10 s.
        assert!(sent.len() >= 4, "{to}: {} transmits", sent.len());
        for t in &sent {
            assert_eq!(t.transport, Transport::Udp, "{to}");
            assert!(top_via(t).starts_with("SIP/2.0/UDP 127.0.0.1:5060"), "{to}");
        }
    }
}

#[test]
fn a_zero_or_absent_threshold_disables_the_rule() {
    for limit in [None, Some(0)] {
        let mut ua = ua(Config::default().mtu_threshold(limit), true);
        let sent = invite(&mut ua, "sip:bob@127.0.0.1:5070", &big_offer());
        assert!(sent.iter().all(|t| t.transport == Transport::Udp));
        assert!(sent.len() >= 4);
    }
    let mut ua = ua(Config::default().mtu_threshold(Some(200)), true);
    let sent = invite(&mut ua, "sip:bob@127.0.0.1:5070", "");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].transport, Transport::Tcp);
}

/// Moves A's outputs to the wire like `Pair::drain`, returning its transmits.
fn take_a(p: &mut Pair) -> Vec<Transmit> {
    let mut sent = Vec::new();
    loop {
        match p.a.ua.poll_output() {
            Output::Transmit(t) => {
                p.in_flight.push_back((
                    p.now + p.latency,
                    p.a.addr,
                    t.destination,
                    t.bytes.clone(),
                ));
                sent.push(t);
            }
            Output::Event(e) => p.a.events.push_back(e),
            Output::Timeout(t) => {
                p.a.deadline = Some(t);
                break;
            }
            Output::Idle => break,
        }
    }
    sent
}

/// B answers the next in-dialog request 200 after `delay`.
fn b_answers(p: &mut Pair, delay: Duration) {
    let new = p.expect(false, EventKind::CallMessageNew);
    p.run_for(delay);
    let now = p.now;
    p.b.ua
        .send_answer(now, new.tid.unwrap(), 200, None)
        .unwrap();
}

#[test]
fn call_set_up_by_a_large_invite_goes_on_over_udp() {
    let mut p = Pair::new();
    p.a.ua.add_listener(Transport::Tcp, TCP.parse().unwrap());
    let mut inv =
        p.a.ua
            .build_initial_invite(
                "sip:bob@127.0.0.1:5070",
                "<sip:alice@127.0.0.1>",
                None,
                None,
            )
            .unwrap();
    inv.set_body_with_type(big_offer(), "application/sdp");
    let now = p.now;
    p.a.ua.send_initial_invite(now, inv).unwrap();
    let sent = take_a(&mut p);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].transport, Transport::Tcp);
    let inv = p.expect(false, EventKind::CallInvite);
    p.b_answer(inv.tid.unwrap(), 200);
    let ans = p.expect(true, EventKind::CallAnswered);
    let did = ans.did.unwrap();
    let now = p.now;
    p.a.ua.send_ack(now, did, None).unwrap();
    let sent = take_a(&mut p);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].transport, Transport::Udp, "the small ACK");
    assert!(top_via(&sent[0]).starts_with("SIP/2.0/UDP 127.0.0.1:5060"));
    p.expect(false, EventKind::CallAck);
    // A small INFO stays on UDP, a large one moves to TCP.
    let now = p.now;
    let info = p.a.ua.build_request(did, Method::Info).unwrap();
    p.a.ua.send_request(now, did, info).unwrap();
    let sent = take_a(&mut p);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].transport, Transport::Udp);
    b_answers(&mut p, Duration::ZERO);
    p.expect(true, EventKind::CallMessageAnswered);
    let mut info = p.a.ua.build_request(did, Method::Info).unwrap();
    info.set_body_with_type(big_offer(), "application/sdp");
    info.set_header(HeaderName::Subject, "large");
    let now = p.now;
    p.a.ua.send_request(now, did, info).unwrap();
    let sent = take_a(&mut p);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].transport, Transport::Tcp);
    assert!(top_via(&sent[0]).starts_with("SIP/2.0/TCP 127.0.0.1:5062"));
    // B answers after 2 s: over UDP Timer E would have fired 2 times.
    b_answers(&mut p, Duration::from_secs(2));
    p.expect(true, EventKind::CallMessageAnswered);
    assert_eq!(p.count(A, "INFO"), 2, "no Timer E retransmission");
}
