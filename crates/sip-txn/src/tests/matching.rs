//! Matching (RFC 3261 sections 17.1.3 and 17.2.3, RFC 2543 fallback),
//! CANCEL (section 9), command errors, and bad input.

use sip_parser::{Message, Method, Transport::Udp};

use super::util::*;
use crate::{Output, Target, TxnConfig, TxnError, TxnEvent, TxnLayer};

fn text(s: &str) -> Message {
    Message::parse(s.replace('\n', "\r\n").into_bytes()).unwrap()
}

fn retext(m: &Message, from: &str, to: &str) -> Message {
    Message::parse(
        String::from_utf8(m.to_vec())
            .unwrap()
            .replace(from, to)
            .into_bytes(),
    )
    .unwrap()
}

#[test]
fn response_matches_on_branch_and_cseq_method() {
    let mut h = H::new();
    let inv = request("INVITE", "z9hG4bKm", Udp);
    h.send(inv.clone(), Udp);
    h.drain();
    let other = request("INVITE", "z9hG4bKother", Udp);
    assert_eq!(h.rx(reply(&other, 180, "t"), Udp), ["Stray 180"]);
    // Same branch but CSeq method CANCEL: not the INVITE's response.
    let cancel_resp = text(
        "SIP/2.0 200 OK\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKm\nCall-ID: call-z9hG4bKm\nCSeq: 1 CANCEL\n\n",
    );
    assert_eq!(h.rx(cancel_resp, Udp), ["Stray 200"]);
    assert_eq!(h.rx(reply(&inv, 180, "t"), Udp), ["Response 180"]);
}

#[test]
fn request_matches_on_branch_sent_by_and_method() {
    let mut h = H::new();
    let inv = request("INVITE", "z9hG4bKs", Udp);
    h.rx(inv.clone(), Udp);
    // Same branch, sent-by differing only in case and an explicit default port.
    let same = retext(&inv, "192.0.2.1:5060", "192.0.2.1");
    assert_eq!(
        h.rx(same, Udp),
        ["> 100"],
        "matched: a retransmission gets 100 Trying at once"
    );
    // Another sent-by: another transaction.
    let other = retext(&inv, "192.0.2.1:5060", "192.0.2.7:5060");
    assert_eq!(h.rx(other, Udp), ["NewRequest INVITE"]);
    // Same branch, another method (not ACK/CANCEL mapping): another transaction.
    let bye = request("BYE", "z9hG4bKs", Udp);
    assert_eq!(h.rx(bye, Udp), ["NewRequest BYE"]);
    assert_eq!(h.layer.len(), 3);
}

#[test]
fn cancel_is_its_own_transaction_matched_to_its_invite() {
    let mut h = H::new();
    let inv = request("INVITE", "z9hG4bKc", Udp);
    h.rx(inv, Udp);
    let invite_id = h.last_new();
    let cancel = request("CANCEL", "z9hG4bKc", Udp);
    assert_eq!(h.rx(cancel.clone(), Udp), ["NewRequest CANCEL cancels"]);
    match h.last_events.last() {
        Some(TxnEvent::NewRequest { cancels, id, .. }) => {
            assert_eq!(*cancels, Some(invite_id));
            assert_ne!(*id, invite_id);
        }
        e => panic!("{e:?}"),
    }
    assert!(
        h.rx(cancel, Udp).is_empty(),
        "CANCEL retransmission absorbed by its NIST"
    );
    let orphan = request("CANCEL", "z9hG4bKnone", Udp);
    assert_eq!(h.rx(orphan, Udp), ["NewRequest CANCEL"]);
}

#[test]
fn ack_for_2xx_matches_no_transaction() {
    let mut h = H::new();
    let ack = request("ACK", "z9hG4bKfresh", Udp);
    assert_eq!(h.rx(ack, Udp), ["Ack"]);
    assert!(h.layer.is_empty());
}

const LEGACY_INVITE: &str = "INVITE sip:bob@b.example SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1:5060\n\
From: <sip:a@a.example>;tag=f\nTo: <sip:bob@b.example>\nCall-ID: legacy\nCSeq: 5 INVITE\n\n";

#[test]
fn rfc2543_fallback_matches_invite_and_its_ack() {
    let mut h = H::new();
    let inv = text(LEGACY_INVITE);
    assert_eq!(h.rx(inv.clone(), Udp), ["NewRequest INVITE"]);
    let id = h.last_new();
    assert_eq!(
        h.rx(inv.clone(), Udp),
        ["> 100"],
        "retransmission matched without a branch"
    );
    h.respond(id, reply(&inv, 486, "srv"));
    assert_eq!(h.rx(inv, Udp), ["> 486"]);
    // An ACK whose To tag is not the one we sent does not match.
    let wrong = text(
        &LEGACY_INVITE
            .replace("INVITE sip", "ACK sip")
            .replace("5 INVITE", "5 ACK")
            .replace("To: <sip:bob@b.example>", "To: <sip:bob@b.example>;tag=zzz"),
    );
    assert_eq!(h.rx(wrong, Udp), ["Ack"]);
    let ack = text(
        &LEGACY_INVITE
            .replace("INVITE sip", "ACK sip")
            .replace("5 INVITE", "5 ACK")
            .replace("To: <sip:bob@b.example>", "To: <sip:bob@b.example>;tag=srv"),
    );
    assert!(h.rx(ack, Udp).is_empty(), "matched: Completed -> Confirmed");
    assert_eq!(h.run(secs(10)), tr(&[(5000, "Terminated")]));
    // A CANCEL under RFC 2543 rules finds its INVITE.
    let mut h = H::new();
    h.rx(text(LEGACY_INVITE), Udp);
    let cancel = text(
        &LEGACY_INVITE
            .replace("INVITE sip", "CANCEL sip")
            .replace("5 INVITE", "5 CANCEL"),
    );
    assert_eq!(h.rx(cancel, Udp), ["NewRequest CANCEL cancels"]);
}

#[test]
fn bad_input_never_panics() {
    let mut h = H::new();
    // No Via: nothing can be answered; dropped.
    assert!(
        h.rx(
            text("OPTIONS sip:b@h SIP/2.0\nCall-ID: c\nCSeq: 1 OPTIONS\n\n"),
            Udp
        )
        .is_empty()
    );
    // Legacy without CSeq: dropped.
    assert!(
        h.rx(text("OPTIONS sip:b@h SIP/2.0\nVia: SIP/2.0/UDP h\n\n"), Udp)
            .is_empty()
    );
    // Unparseable Via: dropped.
    assert!(
        h.rx(
            text("OPTIONS sip:b@h SIP/2.0\nVia: ???\nCSeq: 1 OPTIONS\n\n"),
            Udp
        )
        .is_empty()
    );
    // Responses without branch or CSeq: stray.
    assert_eq!(h.rx(text("SIP/2.0 200 OK\n\n"), Udp), ["Stray 200"]);
    assert_eq!(
        h.rx(
            text("SIP/2.0 200 OK\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\nCSeq: x\n\n"),
            Udp
        ),
        ["Stray 200"]
    );
    // Timeouts in the past or far future, on an empty layer.
    h.layer.handle_input(crate::Input::Timeout(h.t0));
    h.layer
        .handle_input(crate::Input::Timeout(h.t0 + secs(1 << 30)));
    assert!(matches!(h.layer.poll_output(), Output::Idle));
    assert!(h.layer.is_empty());
}

#[test]
fn send_request_errors() {
    let mut h = H::new();
    let t = Target {
        transport: Udp,
        addr: sa(UAS),
    };
    let now = h.now;
    let l = &mut h.layer;
    assert_eq!(
        l.send_request(now, request("ACK", "z9hG4bK1", Udp), t),
        Err(TxnError::AckNeedsNoTransaction)
    );
    let inv = request("INVITE", "z9hG4bK1", Udp);
    assert_eq!(
        l.send_request(now, reply(&inv, 200, "t"), t),
        Err(TxnError::NotARequest)
    );
    let no_via = text("OPTIONS sip:b@h SIP/2.0\nCSeq: 1 OPTIONS\n\n");
    assert_eq!(l.send_request(now, no_via, t), Err(TxnError::MissingBranch));
    let bad_cseq =
        text("OPTIONS sip:b@h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bKq\nCSeq: 1 INVITE\n\n");
    assert_eq!(l.send_request(now, bad_cseq, t), Err(TxnError::BadCSeq));
    l.send_request(now, inv.clone(), t).unwrap();
    assert_eq!(l.send_request(now, inv, t), Err(TxnError::DuplicateBranch));
}

#[test]
fn send_stateless_just_transmits() {
    let mut h = H::new();
    h.layer.send_stateless(
        h.now,
        request("ACK", "z9hG4bK2xx", Udp),
        Target {
            transport: Udp,
            addr: sa(UAS),
        },
    );
    assert_eq!(h.drain(), ["> ACK"]);
    assert!(h.layer.is_empty());
}

#[test]
fn cancel_is_held_until_a_provisional_response() {
    let mut h = H::new();
    let inv = request("INVITE", "z9hG4bKcx", Udp);
    let id = h.send(inv.clone(), Udp);
    h.drain();
    let cid = h.layer.cancel(h.now, id).unwrap();
    assert!(h.drain().is_empty(), "no CANCEL before a provisional (9.1)");
    assert_eq!(h.layer.cancel(h.now, id), Ok(cid), "idempotent");
    assert_eq!(h.layer.len(), 2);
    h.run(ms(600));
    assert_eq!(
        h.rx(reply(&inv, 180, "t"), Udp),
        ["Response 180", "> CANCEL"]
    );
    // The CANCEL's own NICT retransmits on Timer E.
    assert_eq!(h.run(ms(1200)), tr(&[(1100, "> CANCEL")]));
    let cancel_req = request("CANCEL", "z9hG4bKcx", Udp);
    assert_eq!(h.rx(reply(&cancel_req, 200, "t"), Udp), ["Response 200"]);
    assert_eq!(h.rx(reply(&inv, 487, "t"), Udp), ["> ACK", "Response 487"]);
    assert_eq!(h.layer.cancel(h.now, id), Err(TxnError::AlreadyFinal));
}

#[test]
fn held_cancel_is_dropped_by_a_final_response_or_timeout() {
    let mut h = H::new();
    let inv = request("INVITE", "z9hG4bKcy", Udp);
    let id = h.send(inv.clone(), Udp);
    h.drain();
    h.layer.cancel(h.now, id).unwrap();
    assert_eq!(
        h.rx(reply(&inv, 200, "t"), Udp),
        ["Response 200", "Terminated"]
    );
    assert_eq!(h.layer.len(), 1);

    let mut h = H::new();
    let id = h.send(request("INVITE", "z9hG4bKcz", Udp), Udp);
    h.drain();
    h.layer.cancel(h.now, id).unwrap();
    let t = h.run(secs(40));
    assert_eq!(
        t[t.len() - 3..],
        tr(&[
            (32000, "Timeout"),
            (32000, "Terminated"),
            (32000, "Terminated")
        ])
    );
    assert!(h.layer.is_empty());
}

#[test]
fn cancel_errors() {
    let mut h = H::new();
    let id = h.send(request("OPTIONS", "z9hG4bKo", Udp), Udp);
    assert_eq!(h.layer.cancel(h.now, id), Err(TxnError::NotInvite));
    h.layer.transport_error(h.now, sa(UAS), Udp);
    h.drain();
    assert_eq!(h.layer.cancel(h.now, id), Err(TxnError::UnknownTransaction));
}

#[test]
fn stale_ids_never_reach_new_transactions() {
    let mut h = H::new();
    let (a, b) = (
        request("BYE", "z9hG4bKa", Udp),
        request("BYE", "z9hG4bKb", Udp),
    );
    h.rx(a.clone(), Udp);
    let old = h.last_new();
    h.layer.transport_error(h.now, sa(UAC), Udp); // nothing sent yet: no effect
    h.respond(old, reply(&a, 200, "t"));
    h.run(secs(33));
    h.rx(b.clone(), Udp);
    let new = h.last_new();
    assert_ne!(old, new);
    assert_eq!(
        h.layer.send_response(h.now, old, reply(&b, 200, "t")),
        Err(TxnError::UnknownTransaction)
    );
}

#[test]
fn many_live_transactions_keep_the_earliest_deadline() {
    let t0 = origin();
    let mut l = TxnLayer::new(TxnConfig::default(), t0);
    let t = Target {
        transport: Udp,
        addr: sa(UAS),
    };
    for i in 0..5_000u64 {
        let now = t0 + ms(i);
        l.send_request(
            now,
            request(Method::Options.as_str(), &format!("z9hG4bK{i}"), Udp),
            t,
        )
        .unwrap();
    }
    assert_eq!(l.len(), 5_000);
    let mut sent = 0;
    let next = loop {
        match l.poll_output() {
            Output::Transmit(_) => sent += 1,
            Output::Timeout(at) => break at,
            o => panic!("{o:?}"),
        }
    };
    assert_eq!(sent, 5_000);
    assert_eq!(next, t0 + ms(500));
    l.handle_input(crate::Input::Timeout(t0 + secs(100)));
    while !matches!(l.poll_output(), Output::Idle) {}
    assert!(l.is_empty());
    assert_eq!(l.footprint(), (0, 0));
}
