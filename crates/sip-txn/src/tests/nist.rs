//! Non-INVITE server transaction: one test per arrow of RFC 3261 figure 8.

use sip_parser::{
    Message,
    Transport::{Tcp, Udp},
};

use super::util::*;
use crate::{ServerTxnId, TimerKind, TxnError};

fn trying(h: &mut H) -> (ServerTxnId, Message) {
    let req = request("BYE", "z9hG4bKnist", Udp);
    assert_eq!(h.rx(req.clone(), Udp), ["NewRequest BYE"]);
    (h.last_new(), req)
}

#[test]
fn request_passes_to_tu_and_retransmissions_are_absorbed_in_trying() {
    let mut h = H::new();
    let (_, req) = trying(&mut h);
    assert!(h.rx(req, Udp).is_empty());
    assert!(
        h.run(secs(100)).is_empty(),
        "no timer in Trying, no automatic response"
    );
    assert_eq!(h.layer.len(), 1);
}

#[test]
fn trying_1xx_from_tu_goes_to_proceeding() {
    let mut h = H::new();
    let (id, req) = trying(&mut h);
    assert_eq!(h.respond(id, reply(&req, 100, "t")), ["> 100"]);
    assert_eq!(
        h.rx(req.clone(), Udp),
        ["> 100"],
        "Proceeding re-sends the provisional"
    );
    assert_eq!(h.respond(id, reply(&req, 180, "t")), ["> 180"]);
    assert_eq!(h.rx(req, Udp), ["> 180"]);
}

#[test]
fn trying_final_goes_to_completed_timer_j() {
    let mut h = H::new();
    let (id, req) = trying(&mut h);
    h.run(ms(10));
    assert_eq!(h.respond(id, reply(&req, 200, "t")), ["> 200"]);
    assert_eq!(h.deadline(id, TimerKind::J), Some(ms(32010)));
    assert_eq!(
        h.rx(req.clone(), Udp),
        ["> 200"],
        "Completed re-sends the final"
    );
    assert_eq!(
        h.layer.send_response(h.now, id, reply(&req, 500, "t")),
        Err(TxnError::InvalidState)
    );
    assert_eq!(h.run(secs(40)), tr(&[(32010, "Terminated")]));
    assert_eq!(
        h.rx(req, Udp),
        ["NewRequest BYE"],
        "a late retransmission is a new request"
    );
}

#[test]
fn proceeding_final_goes_to_completed() {
    let mut h = H::new();
    let (id, req) = trying(&mut h);
    h.respond(id, reply(&req, 100, "t"));
    assert_eq!(h.respond(id, reply(&req, 481, "t")), ["> 481"]);
    assert_eq!(h.deadline(id, TimerKind::J), Some(secs(32)));
}

#[test]
fn proceeding_and_completed_transport_error() {
    let mut h = H::new();
    let (id, req) = trying(&mut h);
    h.respond(id, reply(&req, 100, "t"));
    h.layer.transport_error(h.now, sa(UAC), Udp);
    assert_eq!(h.drain(), ["TransportError", "Terminated"]);

    let mut h = H::new();
    let (id, req) = trying(&mut h);
    h.respond(id, reply(&req, 200, "t"));
    h.layer.transport_error(h.now, sa(UAC), Udp);
    assert_eq!(h.drain(), ["TransportError", "Terminated"]);
}

#[test]
fn completed_timer_j_is_zero_on_reliable_transport() {
    let mut h = H::new();
    let req = request("MESSAGE", "z9hG4bKt", Tcp);
    h.rx(req.clone(), Tcp);
    let id = h.last_new();
    assert_eq!(
        h.respond(id, reply(&req, 200, "t")),
        ["> 200", "Terminated"]
    );
    assert!(h.layer.is_empty());
}

#[test]
fn bad_responses_from_tu_are_refused() {
    let mut h = H::new();
    let (id, req) = trying(&mut h);
    assert_eq!(
        h.layer.send_response(h.now, id, req),
        Err(TxnError::NotAResponse)
    );
}
