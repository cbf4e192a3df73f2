//! INVITE client transaction: one test per arrow of RFC 3261 figure 5
//! (with RFC 6026's Accepted state), exact instants on a virtual clock.

use sip_parser::{
    HeaderName, Message, Method,
    Transport::{Tcp, Udp},
};

use super::util::*;
use crate::{TimerKind, TxnConfig, TxnEvent};

fn calling(h: &mut H) -> (crate::ClientTxnId, Message) {
    let inv = request("INVITE", "z9hG4bKict", Udp);
    let id = h.send(inv.clone(), Udp);
    assert_eq!(h.drain(), ["> INVITE"]);
    (id, inv)
}

#[test]
fn calling_invite_from_tu_sends_and_arms_a_b() {
    let mut h = H::new();
    let (id, _) = calling(&mut h);
    assert_eq!(h.deadline(id, TimerKind::A), Some(ms(500)));
    assert_eq!(h.deadline(id, TimerKind::B), Some(secs(32)));
    assert_eq!(h.layer.len(), 1);
}

#[test]
fn calling_timer_a_doubles_without_cap_and_timer_b_ends_at_64_t1() {
    let mut h = H::new();
    calling(&mut h);
    let want = tr(&[
        (500, "> INVITE"),
        (1500, "> INVITE"),
        (3500, "> INVITE"),
        (7500, "> INVITE"),
        (15500, "> INVITE"),
        (31500, "> INVITE"),
        (32000, "Timeout"),
        (32000, "Terminated"),
    ]);
    assert_eq!(h.run(secs(100)), want);
    assert!(h.layer.is_empty());
}

#[test]
fn calling_timer_b_on_reliable_transport_without_retransmits() {
    let mut h = H::new();
    h.send(request("INVITE", "z9hG4bKr", Tcp), Tcp);
    assert_eq!(
        h.run(secs(100)),
        tr(&[(0, "> INVITE"), (32000, "Timeout"), (32000, "Terminated")])
    );
}

#[test]
fn timers_follow_t1() {
    let mut h = H::with(TxnConfig {
        t1: ms(100),
        ..TxnConfig::default()
    });
    calling(&mut h);
    let t = h.run(secs(10));
    let times: Vec<u128> = t.iter().map(|x| x.0).collect();
    assert_eq!(times, [100, 300, 700, 1500, 3100, 6300, 6400, 6400]);
}

#[test]
fn calling_transport_error_informs_tu() {
    let mut h = H::new();
    calling(&mut h);
    h.layer.transport_error(h.now, sa(UAS), Udp);
    assert_eq!(h.drain(), ["TransportError", "Terminated"]);
    assert!(h.layer.is_empty());
    assert_eq!(h.layer.next_deadline(), None);
    // Another transport or address fails nothing.
    let (_, _) = calling(&mut h);
    h.layer.transport_error(h.now, sa(UAS), Tcp);
    h.layer.transport_error(h.now, sa(UAC), Udp);
    assert!(h.drain().is_empty());
}

#[test]
fn calling_1xx_goes_to_proceeding_and_stops_retransmits() {
    let mut h = H::new();
    let (id, inv) = calling(&mut h);
    h.run(ms(600));
    assert_eq!(h.rx(reply(&inv, 100, "t"), Udp), ["Response 100"]);
    assert_eq!(h.deadline(id, TimerKind::A), None);
    assert_eq!(h.deadline(id, TimerKind::B), None);
    assert!(
        h.run(secs(300)).is_empty(),
        "Proceeding has no timer in a UA"
    );
    assert_eq!(h.layer.len(), 1);
}

#[test]
fn calling_2xx_goes_to_accepted_and_timer_m_ends_it() {
    let mut h = H::new();
    let (id, inv) = calling(&mut h);
    h.run(ms(100));
    assert_eq!(h.rx(reply(&inv, 200, "t"), Udp), ["Response 200"]);
    assert_eq!(h.deadline(id, TimerKind::M), Some(ms(32100)));
    assert_eq!(h.run(secs(40)), tr(&[(32100, "Terminated")]));
}

#[test]
fn calling_final_error_acks_and_completes() {
    let mut h = H::new();
    let (id, inv) = calling(&mut h);
    h.run(ms(100));
    assert_eq!(h.rx(reply(&inv, 486, "t"), Udp), ["> ACK", "Response 486"]);
    assert_eq!(h.deadline(id, TimerKind::D), Some(ms(32100)));
    assert_eq!(h.run(secs(40)), tr(&[(32100, "Terminated")]));
}

#[test]
fn proceeding_1xx_to_tu() {
    let mut h = H::new();
    let (_, inv) = calling(&mut h);
    h.rx(reply(&inv, 180, "t"), Udp);
    assert_eq!(h.rx(reply(&inv, 183, "t"), Udp), ["Response 183"]);
    assert_eq!(h.rx(reply(&inv, 180, "t"), Udp), ["Response 180"]);
}

#[test]
fn proceeding_2xx_goes_to_accepted() {
    let mut h = H::new();
    let (id, inv) = calling(&mut h);
    h.rx(reply(&inv, 180, "t"), Udp);
    assert_eq!(h.rx(reply(&inv, 200, "t"), Udp), ["Response 200"]);
    assert_eq!(h.deadline(id, TimerKind::M), Some(secs(32)));
}

#[test]
fn proceeding_final_error_acks_per_17_1_1_3() {
    let mut h = H::new();
    let (_, inv) = calling(&mut h);
    h.rx(reply(&inv, 180, "t"), Udp);
    h.layer.handle_input(crate::Input::Receive(h.received(
        reply(&inv, 603, "t"),
        Udp,
        UAS,
    )));
    let crate::Output::Transmit(ack) = h.layer.poll_output() else {
        panic!("ACK first")
    };
    assert_eq!(ack.destination, sa(UAS));
    let ack = Message::parse(ack.bytes).unwrap();
    assert_eq!(ack.method(), Some(&Method::Ack));
    assert_eq!(ack.branch(), inv.branch());
    assert_eq!(ack.to_tag(), Some(&b"t"[..]));
    assert_eq!(ack.cseq(), Some((1, &b"ACK"[..])));
    assert_eq!(ack.header(HeaderName::CallId), inv.call_id());
    assert_eq!(h.drain(), ["Response 603"]);
}

#[test]
fn proceeding_transport_error() {
    let mut h = H::new();
    let (_, inv) = calling(&mut h);
    h.rx(reply(&inv, 180, "t"), Udp);
    h.layer.transport_error(h.now, sa(UAS), Udp);
    assert_eq!(h.drain(), ["TransportError", "Terminated"]);
}

#[test]
fn completed_retransmitted_final_re_sends_ack_only() {
    let mut h = H::new();
    let (_, inv) = calling(&mut h);
    h.rx(reply(&inv, 404, "t"), Udp);
    h.run(secs(1));
    assert_eq!(h.rx(reply(&inv, 404, "t"), Udp), ["> ACK"]);
    assert_eq!(h.rx(reply(&inv, 180, "t"), Udp), Vec::<String>::new());
}

#[test]
fn completed_timer_d_is_zero_on_reliable_transport() {
    let mut h = H::new();
    let inv = request("INVITE", "z9hG4bKr", Tcp);
    h.send(inv.clone(), Tcp);
    h.drain();
    assert_eq!(
        h.rx(reply(&inv, 500, "t"), Tcp),
        ["> ACK", "Response 500", "Terminated"]
    );
    assert!(h.layer.is_empty());
}

#[test]
fn completed_transport_error() {
    let mut h = H::new();
    let (_, inv) = calling(&mut h);
    h.rx(reply(&inv, 404, "t"), Udp);
    h.layer.transport_error(h.now, sa(UAS), Udp);
    assert_eq!(h.drain(), ["TransportError", "Terminated"]);
}

#[test]
fn accepted_2xx_goes_to_tu_flagged() {
    let mut h = H::new();
    let (_, inv) = calling(&mut h);
    h.rx(reply(&inv, 200, "t"), Udp);
    assert_eq!(h.rx(reply(&inv, 200, "t"), Udp), ["Response 200 rtx"]);
    // A forked 2xx (new To tag) is a new answer, not a retransmission.
    assert_eq!(h.rx(reply(&inv, 200, "u"), Udp), ["Response 200"]);
    assert_eq!(h.rx(reply(&inv, 200, "u"), Udp), ["Response 200 rtx"]);
    // Non-2xx and provisional responses are absorbed; nothing is sent.
    assert!(h.rx(reply(&inv, 180, "t"), Udp).is_empty());
    assert!(h.rx(reply(&inv, 486, "t"), Udp).is_empty());
    h.layer.transport_error(h.now, sa(UAS), Udp);
    assert!(h.drain().is_empty());
}

#[test]
fn after_termination_2xx_is_stray() {
    let mut h = H::new();
    let (_, inv) = calling(&mut h);
    h.rx(reply(&inv, 200, "t"), Udp);
    h.run(secs(33));
    assert!(h.layer.is_empty());
    assert_eq!(h.rx(reply(&inv, 200, "t"), Udp), ["Stray 200"]);
    assert!(matches!(
        h.last_events.last(),
        Some(TxnEvent::StrayResponse { .. })
    ));
}
