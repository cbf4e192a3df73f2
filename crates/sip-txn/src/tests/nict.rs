//! Non-INVITE client transaction: one test per arrow of RFC 3261 figure 6.

use sip_parser::{
    Message,
    Transport::{Tcp, Udp},
};

use super::util::*;
use crate::{ClientTxnId, TimerKind, TxnConfig};

fn trying(h: &mut H) -> (ClientTxnId, Message) {
    let req = request("OPTIONS", "z9hG4bKnict", Udp);
    let id = h.send(req.clone(), Udp);
    assert_eq!(h.drain(), ["> OPTIONS"]);
    (id, req)
}

#[test]
fn trying_request_from_tu_arms_e_f() {
    let mut h = H::new();
    let (id, _) = trying(&mut h);
    assert_eq!(h.deadline(id, TimerKind::E), Some(ms(500)));
    assert_eq!(h.deadline(id, TimerKind::F), Some(secs(32)));
}

#[test]
fn trying_timer_e_doubles_capped_at_t2_and_timer_f_ends() {
    let mut h = H::new();
    trying(&mut h);
    let want = tr(&[
        (500, "> OPTIONS"),
        (1500, "> OPTIONS"),
        (3500, "> OPTIONS"),
        (7500, "> OPTIONS"),
        (11500, "> OPTIONS"),
        (15500, "> OPTIONS"),
        (19500, "> OPTIONS"),
        (23500, "> OPTIONS"),
        (27500, "> OPTIONS"),
        (31500, "> OPTIONS"),
        (32000, "Timeout"),
        (32000, "Terminated"),
    ]);
    assert_eq!(h.run(secs(60)), want);
    assert!(h.layer.is_empty());
}

#[test]
fn trying_timer_f_on_reliable_transport_without_retransmits() {
    let mut h = H::new();
    h.send(request("OPTIONS", "z9hG4bKr", Tcp), Tcp);
    assert_eq!(
        h.run(secs(60)),
        tr(&[(0, "> OPTIONS"), (32000, "Timeout"), (32000, "Terminated")])
    );
}

#[test]
fn trying_transport_error() {
    let mut h = H::new();
    trying(&mut h);
    h.layer.transport_error(h.now, sa(UAS), Udp);
    assert_eq!(h.drain(), ["TransportError", "Terminated"]);
    assert_eq!(h.layer.next_deadline(), None);
}

#[test]
fn trying_1xx_goes_to_proceeding_where_e_is_t2() {
    let mut h = H::new();
    let (_, req) = trying(&mut h);
    h.run(ms(1600)); // E fired at 500 and 1500; next at 3500
    assert_eq!(h.rx(reply(&req, 100, "t"), Udp), ["Response 100"]);
    let want = tr(&[
        (3500, "> OPTIONS"),
        (7500, "> OPTIONS"),
        (11500, "> OPTIONS"),
        (15500, "> OPTIONS"),
    ]);
    assert_eq!(h.run(ms(16000)), want);
}

#[test]
fn trying_final_goes_to_completed_and_timer_k_is_t4() {
    let mut h = H::new();
    let (id, req) = trying(&mut h);
    h.run(ms(200));
    assert_eq!(h.rx(reply(&req, 200, "t"), Udp), ["Response 200"]);
    assert_eq!(h.deadline(id, TimerKind::E), None);
    assert_eq!(h.deadline(id, TimerKind::F), None);
    assert_eq!(h.run(secs(10)), tr(&[(5200, "Terminated")]));
}

#[test]
fn proceeding_1xx_to_tu() {
    let mut h = H::new();
    let (_, req) = trying(&mut h);
    h.rx(reply(&req, 100, "t"), Udp);
    assert_eq!(h.rx(reply(&req, 180, "t"), Udp), ["Response 180"]);
}

#[test]
fn proceeding_timer_f_and_transport_error() {
    let mut h = H::new();
    let (_, req) = trying(&mut h);
    h.rx(reply(&req, 100, "t"), Udp);
    let t = h.run(secs(40));
    assert_eq!(
        t[t.len() - 2..],
        tr(&[(32000, "Timeout"), (32000, "Terminated")])
    );

    let mut h = H::new();
    let (_, req) = trying(&mut h);
    h.rx(reply(&req, 100, "t"), Udp);
    h.layer.transport_error(h.now, sa(UAS), Udp);
    assert_eq!(h.drain(), ["TransportError", "Terminated"]);
}

#[test]
fn proceeding_final_goes_to_completed() {
    let mut h = H::new();
    let (id, req) = trying(&mut h);
    h.rx(reply(&req, 100, "t"), Udp);
    assert_eq!(h.rx(reply(&req, 404, "t"), Udp), ["Response 404"]);
    assert_eq!(h.deadline(id, TimerKind::K), Some(secs(5)));
}

#[test]
fn completed_absorbs_retransmissions_then_timer_k() {
    let mut h = H::new();
    let (_, req) = trying(&mut h);
    h.rx(reply(&req, 200, "t"), Udp);
    assert!(h.rx(reply(&req, 200, "t"), Udp).is_empty());
    assert!(h.rx(reply(&req, 100, "t"), Udp).is_empty());
    h.layer.transport_error(h.now, sa(UAS), Udp);
    assert!(h.drain().is_empty());
    assert_eq!(h.run(secs(6)), tr(&[(5000, "Terminated")]));
    assert_eq!(h.rx(reply(&req, 200, "t"), Udp), ["Stray 200"]);
}

#[test]
fn completed_timer_k_is_zero_on_reliable_transport() {
    let mut h = H::new();
    let req = request("REGISTER", "z9hG4bKr", Tcp);
    h.send(req.clone(), Tcp);
    h.drain();
    assert_eq!(
        h.rx(reply(&req, 200, "t"), Tcp),
        ["Response 200", "Terminated"]
    );
}

#[test]
fn t4_is_configurable() {
    let mut h = H::with(TxnConfig {
        t4: secs(1),
        ..TxnConfig::default()
    });
    let (_, req) = trying(&mut h);
    h.rx(reply(&req, 200, "t"), Udp);
    assert_eq!(h.run(secs(2)), tr(&[(1000, "Terminated")]));
}
