//! INVITE server transaction: one test per arrow of RFC 6026 figure 7
//! (which replaces RFC 3261 figure 7).

use sip_parser::{
    Message,
    Transport::{Tcp, Udp},
};

use super::util::*;
use crate::{ServerTxnId, TimerKind, TxnConfig, TxnEvent};

fn proceeding(h: &mut H) -> (ServerTxnId, Message) {
    let inv = request("INVITE", "z9hG4bKist", Udp);
    assert_eq!(h.rx(inv.clone(), Udp), ["NewRequest INVITE"]);
    (h.last_new(), inv)
}

fn ack(inv: &Message, tag: &str) -> Message {
    let text = String::from_utf8(inv.to_vec())
        .unwrap()
        .replace("CSeq: 1 INVITE", "CSeq: 1 ACK");
    let text = text.replacen("INVITE", "ACK", 1).replace(
        "To: <sip:bob@b.example>",
        &format!("To: <sip:bob@b.example>;tag={tag}"),
    );
    Message::parse(text.into_bytes()).unwrap()
}

#[test]
fn invite_passes_to_tu_and_100_after_200ms() {
    let mut h = H::new();
    proceeding(&mut h);
    assert_eq!(h.run(secs(5)), tr(&[(200, "> 100")]));
}

#[test]
fn no_automatic_100_when_tu_answers_in_time_or_when_disabled() {
    let mut h = H::new();
    let (id, inv) = proceeding(&mut h);
    h.run(ms(150));
    assert_eq!(h.respond(id, reply(&inv, 180, "t")), ["> 180"]);
    assert!(h.run(secs(5)).is_empty());

    let mut h = H::with(TxnConfig {
        auto_trying: false,
        ..TxnConfig::default()
    });
    proceeding(&mut h);
    assert!(h.run(secs(5)).is_empty());
}

#[test]
fn proceeding_invite_retransmission_resends_last_provisional() {
    let mut h = H::new();
    let (id, inv) = proceeding(&mut h);
    h.run(ms(300)); // the automatic 100 went out
    assert_eq!(h.rx(inv.clone(), Udp), ["> 100"]);
    h.respond(id, reply(&inv, 180, "t"));
    assert_eq!(h.rx(inv, Udp), ["> 180"]);
}

#[test]
fn proceeding_1xx_from_tu_is_sent_to_18_2_2_destination() {
    let mut h = H::new();
    let (id, inv) = proceeding(&mut h);
    h.layer
        .send_response(h.now, id, reply(&inv, 183, "t"))
        .unwrap();
    let crate::Output::Transmit(t) = h.layer.poll_output() else {
        panic!()
    };
    assert_eq!((t.destination, t.transport), (sa(UAC), Udp));
}

#[test]
fn proceeding_transport_error() {
    let mut h = H::new();
    let (id, inv) = proceeding(&mut h);
    h.respond(id, reply(&inv, 180, "t"));
    h.layer.transport_error(h.now, sa(UAC), Udp);
    assert_eq!(h.drain(), ["TransportError", "Terminated"]);
    assert_eq!(
        h.layer.send_response(h.now, id, reply(&inv, 200, "t")),
        Err(crate::TxnError::UnknownTransaction)
    );
}

#[test]
fn proceeding_final_error_completes_timer_g_capped_at_t2_then_timer_h() {
    let mut h = H::new();
    let (id, inv) = proceeding(&mut h);
    assert_eq!(h.respond(id, reply(&inv, 486, "t")), ["> 486"]);
    let want = tr(&[
        (500, "> 486"),
        (1500, "> 486"),
        (3500, "> 486"),
        (7500, "> 486"),
        (11500, "> 486"),
        (15500, "> 486"),
        (19500, "> 486"),
        (23500, "> 486"),
        (27500, "> 486"),
        (31500, "> 486"),
        (32000, "Timeout"),
        (32000, "Terminated"),
    ]);
    assert_eq!(h.run(secs(60)), want);
}

#[test]
fn proceeding_2xx_goes_to_accepted_timer_l() {
    let mut h = H::new();
    let (id, inv) = proceeding(&mut h);
    h.run(ms(100));
    assert_eq!(h.respond(id, reply(&inv, 200, "t")), ["> 200"]);
    assert_eq!(h.deadline(id, TimerKind::L), Some(ms(32100)));
    assert_eq!(h.run(secs(40)), tr(&[(32100, "Terminated")]));
}

#[test]
fn completed_invite_retransmission_resends_final() {
    let mut h = H::new();
    let (id, inv) = proceeding(&mut h);
    h.respond(id, reply(&inv, 404, "t"));
    assert_eq!(h.rx(inv, Udp), ["> 404"]);
    assert_eq!(
        h.layer
            .send_response(h.now, id, reply(&request("INVITE", "x", Udp), 200, "t")),
        Err(crate::TxnError::InvalidState)
    );
}

#[test]
fn completed_ack_confirms_then_timer_i_is_t4() {
    let mut h = H::new();
    let (id, inv) = proceeding(&mut h);
    h.respond(id, reply(&inv, 404, "t"));
    h.run(ms(700));
    assert!(
        h.rx(ack(&inv, "t"), Udp).is_empty(),
        "ACK of a non-2xx is absorbed"
    );
    assert_eq!(h.deadline(id, TimerKind::G), None);
    assert_eq!(h.deadline(id, TimerKind::H), None);
    assert_eq!(h.deadline(id, TimerKind::I), Some(ms(5700)));
    // Confirmed absorbs ACK and INVITE retransmissions.
    assert!(h.rx(ack(&inv, "t"), Udp).is_empty());
    assert!(h.rx(inv, Udp).is_empty());
    h.layer.transport_error(h.now, sa(UAC), Udp);
    assert!(h.drain().is_empty());
    assert_eq!(h.run(secs(10)), tr(&[(5700, "Terminated")]));
}

#[test]
fn completed_ack_terminates_at_once_on_reliable_transport() {
    let mut h = H::new();
    let inv = request("INVITE", "z9hG4bKt", Tcp);
    h.rx(inv.clone(), Tcp);
    let id = h.last_new();
    assert_eq!(h.respond(id, reply(&inv, 480, "t")), ["> 480"]);
    assert_eq!(h.deadline(id, TimerKind::G), None, "no Timer G on TCP");
    assert_eq!(h.deadline(id, TimerKind::H), Some(secs(32)));
    assert_eq!(h.rx(ack(&inv, "t"), Tcp), ["Terminated"]);
}

#[test]
fn completed_transport_error() {
    let mut h = H::new();
    let (id, inv) = proceeding(&mut h);
    h.respond(id, reply(&inv, 404, "t"));
    h.layer.transport_error(h.now, sa(UAC), Udp);
    assert_eq!(h.drain(), ["TransportError", "Terminated"]);
}

#[test]
fn accepted_arrows() {
    let mut h = H::new();
    let (id, inv) = proceeding(&mut h);
    h.respond(id, reply(&inv, 200, "t"));
    // INVITE retransmission absorbed (the TU retransmits the 2xx).
    assert!(h.rx(inv.clone(), Udp).is_empty());
    // 2xx from TU: sent.
    assert_eq!(h.respond(id, reply(&inv, 200, "t")), ["> 200"]);
    // Non-2xx refused.
    assert_eq!(
        h.layer.send_response(h.now, id, reply(&inv, 486, "t")),
        Err(crate::TxnError::InvalidState)
    );
    // A matching ACK goes to the TU.
    assert_eq!(h.rx(ack(&inv, "t"), Udp), ["Ack"]);
    // Transport error: inform the TU, stay (RFC 6026).
    h.layer.transport_error(h.now, sa(UAC), Udp);
    assert_eq!(h.drain(), ["TransportError"]);
    assert_eq!(h.layer.len(), 1);
    assert_eq!(h.run(secs(40)), tr(&[(32000, "Terminated")]));
    assert!(matches!(
        h.last_events.last(),
        Some(TxnEvent::Terminated { .. })
    ));
}
