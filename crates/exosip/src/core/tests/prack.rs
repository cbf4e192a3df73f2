//! RFC 3262 flows on the virtual clock: reliable provisionals, their
//! retransmission, PRACK matching, the 2xx held for a PRACK, 100rel in
//! Require / Supported.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use sip_parser::{HeaderName, Message};

use super::{A, ANSWER, B, Pair};
use crate::config::Config;
use crate::event::EventKind;
use crate::ids::{CallId, TransactionId};

/// Records every message on the wire (nothing is lost).
fn tap(p: &mut Pair) -> Rc<RefCell<Vec<Message>>> {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = Rc::clone(&seen);
    p.drop_if = Some(Box::new(move |m, _| {
        s.borrow_mut().push(m.clone());
        false
    }));
    seen
}

/// A calls B with `Require` / `Supported` as given; returns B's INVITE tid.
fn invite_with(p: &mut Pair, require: Option<&str>) -> (CallId, TransactionId) {
    let mut inv =
        p.a.ua
            .build_initial_invite("sip:bob@127.0.0.1:5070", "sip:alice@127.0.0.1", None, None)
            .unwrap();
    assert_eq!(
        inv.header(HeaderName::Supported),
        Some(&b"100rel"[..]),
        "eXosip advertises 100rel"
    );
    if let Some(r) = require {
        inv.push_header(HeaderName::Require, r);
    }
    let now = p.now;
    let cid = p.a.ua.send_initial_invite(now, inv).unwrap();
    let ev = p.expect(false, EventKind::CallInvite);
    (cid, ev.tid.unwrap())
}

/// B sends a 1xx that asks for reliability (`Require: 100rel`).
fn b_reliable(p: &mut Pair, tid: TransactionId, status: u16, sdp: bool) {
    let mut m = p.b.ua.build_answer(tid, status).unwrap();
    m.push_header(HeaderName::Require, "100rel");
    if sdp {
        m.set_body_with_type(ANSWER, "application/sdp");
    }
    let now = p.now;
    p.b.ua.send_answer(now, tid, status, Some(m)).unwrap();
}

fn manual() -> Pair {
    Pair::with_config(
        Config::default().automatic_actions(false),
        Config::default(),
    )
}

#[test]
fn reliable_180_is_pracked_then_answered() {
    let mut p = Pair::new();
    let (_, tid) = invite_with(&mut p, None);
    b_reliable(&mut p, tid, 180, false);
    let ring = p.expect(true, EventKind::CallRinging);
    let r = ring.response.unwrap();
    assert_eq!(r.header(HeaderName::Require), Some(&b"100rel"[..]));
    let rseq: u32 = std::str::from_utf8(r.header(HeaderName::RSeq).unwrap())
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..1 << 31).contains(&rseq));
    let ok = p.expect(true, EventKind::CallMessageAnswered);
    let prack = ok.request.unwrap();
    assert_eq!(
        prack.header(HeaderName::RAck),
        Some(format!("{rseq} 20 INVITE").as_bytes())
    );
    assert_eq!(ok.did, ring.did);
    // A second reliable provisional takes the next RSeq.
    b_reliable(&mut p, tid, 183, false);
    let prog = p.expect(true, EventKind::CallProceeding);
    let next = prog.response.unwrap();
    assert_eq!(
        next.header(HeaderName::RSeq),
        Some((rseq + 1).to_string().as_bytes())
    );
    p.expect(true, EventKind::CallMessageAnswered);
    p.b_answer(tid, 200);
    let ans = p.expect(true, EventKind::CallAnswered);
    let now = p.now;
    p.a.ua.send_ack(now, ans.did.unwrap(), None).unwrap();
    p.expect(false, EventKind::CallAck);
    p.run_for(Duration::from_secs(10));
    assert_eq!(p.count(B, "180 INVITE"), 1, "PRACKed: never retransmitted");
    assert_eq!((p.count(A, "PRACK"), p.count(B, "200 PRACK")), (2, 2));
}

#[test]
fn reliable_180_is_retransmitted_until_the_prack() {
    let mut p = manual();
    let (_, tid) = invite_with(&mut p, None);
    b_reliable(&mut p, tid, 180, false);
    let ring = p.expect(true, EventKind::CallRinging);
    let t0 = p.now;
    // T1 doubling: sent at 0, 0.5, 1.5 and 3.5 s.
    p.run_for(Duration::from_millis(3600));
    assert_eq!(p.count(B, "180 INVITE"), 4);
    assert!(
        !p.has(true, EventKind::CallRinging),
        "retransmissions are not reported again"
    );
    let did = ring.did.unwrap();
    let prack = p.a.ua.build_prack(did).unwrap();
    let now = p.now;
    p.a.ua.send_prack(now, did, prack).unwrap();
    assert!(p.a.ua.build_prack(did).is_err(), "nothing left to PRACK");
    p.expect(true, EventKind::CallMessageAnswered);
    p.run_for(Duration::from_secs(20));
    assert_eq!(p.count(B, "180 INVITE"), 4);
    assert!(p.now - t0 > Duration::from_secs(20));
    assert!(!p.has(true, EventKind::CallServerFailure));
}

#[test]
fn no_prack_within_64_t1_rejects_the_invite() {
    let mut p = manual();
    let (cid, tid) = invite_with(&mut p, None);
    b_reliable(&mut p, tid, 180, false);
    p.expect(true, EventKind::CallRinging);
    let t0 = p.now;
    let f = p.expect(true, EventKind::CallServerFailure);
    assert_eq!(f.status(), Some(500));
    assert!(p.now - t0 >= Duration::from_secs(32));
    // 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s.
    assert_eq!(p.count(B, "180 INVITE"), 7);
    assert_eq!(p.expect(true, EventKind::CallReleased).cid, Some(cid));
    p.expect(false, EventKind::CallReleased);
}

#[test]
fn prack_with_a_wrong_rack_gets_481() {
    let mut p = manual();
    let (_, tid) = invite_with(&mut p, None);
    b_reliable(&mut p, tid, 180, false);
    let did = p.expect(true, EventKind::CallRinging).did.unwrap();
    let mut bad = p.a.ua.build_prack(did).unwrap();
    bad.set_header(HeaderName::RAck, "1 20 INVITE");
    let now = p.now;
    p.a.ua.send_prack(now, did, bad).unwrap();
    let f = p.expect(true, EventKind::CallMessageRequestFailure);
    assert_eq!(f.status(), Some(481));
    assert_eq!(p.a.ua.dialog_count(), 1, "a 481 to PRACK keeps the dialog");
    let good = p.a.ua.build_prack(did).unwrap();
    let now = p.now;
    p.a.ua.send_prack(now, did, good).unwrap();
    assert_eq!(
        p.expect(true, EventKind::CallMessageAnswered).status(),
        Some(200)
    );
    // Garbage RAck: a malformed request, 400 (RFC 3261 section 8.2.2), no panic.
    let mut junk =
        p.a.ua
            .build_request(did, sip_parser::Method::Prack)
            .unwrap();
    junk.push_header(HeaderName::RAck, "x y");
    let now = p.now;
    p.a.ua.send_request(now, did, junk).unwrap();
    assert_eq!(
        p.expect(true, EventKind::CallMessageRequestFailure)
            .status(),
        Some(400)
    );
}

#[test]
fn the_2xx_waits_for_the_prack_of_a_provisional_with_sdp() {
    let mut p = manual();
    let (_, tid) = invite_with(&mut p, None);
    b_reliable(&mut p, tid, 183, true);
    let prog = p.expect(true, EventKind::CallProceeding);
    let did = prog.did.unwrap();
    assert!(p.a.ua.remote_sdp(did).is_some(), "early media SDP");
    // A second reliable 1xx is queued, then the 2xx is held.
    b_reliable(&mut p, tid, 180, false);
    p.b_answer(tid, 200);
    p.run_for(Duration::from_millis(100));
    assert_eq!(p.count(B, "200 INVITE"), 0);
    assert_eq!(
        p.count(B, "180 INVITE"),
        0,
        "a final response drops queued 1xx"
    );
    let prack = p.a.ua.build_prack(did).unwrap();
    let now = p.now;
    p.a.ua.send_prack(now, did, prack).unwrap();
    let ans = p.expect(true, EventKind::CallAnswered);
    assert_eq!(ans.did, Some(did));
    assert_eq!(p.count(B, "200 PRACK"), 1);
    let now = p.now;
    assert!(
        p.b.ua.send_answer(now, tid, 200, None).is_err(),
        "answered once"
    );
}

#[test]
fn require_100rel_is_accepted_and_other_tags_get_420() {
    let mut p = Pair::new();
    let seen = tap(&mut p);
    let (_, tid) = invite_with(&mut p, Some("100rel"));
    // The application sends a plain 180: it is reliable by default.
    let now = p.now;
    p.b.ua.send_answer(now, tid, 180, None).unwrap();
    p.expect(true, EventKind::CallRinging);
    p.expect(true, EventKind::CallMessageAnswered);
    let ring = seen
        .borrow()
        .iter()
        .find(|m| m.status() == Some(180))
        .cloned()
        .unwrap();
    assert_eq!(ring.header(HeaderName::Require), Some(&b"100rel"[..]));
    assert!(ring.header(HeaderName::RSeq).is_some());

    // A Require naming something else: 420 with Unsupported.
    let mut p = Pair::new();
    let mut inv =
        p.a.ua
            .build_initial_invite("sip:bob@127.0.0.1:5070", "sip:alice@127.0.0.1", None, None)
            .unwrap();
    inv.push_header(HeaderName::Require, "100rel, timer");
    let now = p.now;
    p.a.ua.send_initial_invite(now, inv).unwrap();
    let f = p.expect(true, EventKind::CallRequestFailure);
    assert_eq!(f.status(), Some(420));
    assert_eq!(
        f.response.unwrap().header(HeaderName::Unsupported),
        Some(&b"timer"[..])
    );
    assert!(!p.has(false, EventKind::CallInvite));

    // A UA configured without 100rel rejects Require: 100rel.
    let mut p = Pair::with_config(Config::default(), Config::default().supported(&[]));
    let mut inv =
        p.a.ua
            .build_initial_invite("sip:bob@127.0.0.1:5070", "sip:alice@127.0.0.1", None, None)
            .unwrap();
    inv.push_header(HeaderName::Require, "100rel");
    let now = p.now;
    p.a.ua.send_initial_invite(now, inv).unwrap();
    let f = p.expect(true, EventKind::CallRequestFailure);
    assert_eq!(
        f.response.unwrap().header(HeaderName::Unsupported),
        Some(&b"100rel"[..])
    );
}

#[test]
fn without_100rel_in_the_invite_provisionals_stay_unreliable() {
    let mut p = Pair::new();
    let seen = tap(&mut p);
    let mut inv =
        p.a.ua
            .build_initial_invite("sip:bob@127.0.0.1:5070", "sip:alice@127.0.0.1", None, None)
            .unwrap();
    inv.remove_header(HeaderName::Supported);
    let now = p.now;
    p.a.ua.send_initial_invite(now, inv).unwrap();
    let tid = p.expect(false, EventKind::CallInvite).tid.unwrap();
    b_reliable(&mut p, tid, 180, false);
    p.expect(true, EventKind::CallRinging);
    p.run_for(Duration::from_secs(2));
    assert_eq!(p.count(A, "PRACK"), 0);
    assert_eq!(p.count(B, "180 INVITE"), 1);
    assert!(
        seen.borrow()
            .iter()
            .all(|m| m.header(HeaderName::RSeq).is_none())
    );
}

#[test]
fn rseq_gaps_and_old_rseqs_are_dropped_by_the_uac() {
    let mut p = Pair::new();
    let seen = tap(&mut p);
    let (_, tid) = invite_with(&mut p, None);
    b_reliable(&mut p, tid, 180, false);
    p.expect(true, EventKind::CallRinging);
    p.expect(true, EventKind::CallMessageAnswered);
    let ring = seen
        .borrow()
        .iter()
        .find(|m| m.status() == Some(180))
        .cloned()
        .unwrap();
    let rseq: u32 = std::str::from_utf8(ring.header(HeaderName::RSeq).unwrap())
        .unwrap()
        .parse()
        .unwrap();
    for (n, reported) in [(rseq + 2, false), (rseq, false), (rseq + 1, true)] {
        let mut m = ring.clone();
        m.set_header(HeaderName::RSeq, n.to_string());
        let now = p.now;
        p.a.ua
            .handle_input(crate::core::Input::Receive(sip_txn::Received {
                now,
                transport: sip_parser::Transport::Udp,
                from: B.parse().unwrap(),
                local: A.parse().unwrap(),
                msg: Message::parse(m.to_vec()).unwrap(),
            }));
        p.run_for(Duration::from_millis(50));
        assert_eq!(p.has(true, EventKind::CallRinging), reported, "RSeq {n}");
    }
    assert_eq!(p.count(A, "PRACK"), 2, "only in-order RSeqs are PRACKed");
}
