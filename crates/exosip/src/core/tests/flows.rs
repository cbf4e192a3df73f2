//! Call flows: set-up, BYE both ways, CANCEL, decline, in-dialog
//! requests, re-INVITE, rejections.

use std::time::Duration;

use sip_parser::{HeaderName, Message, Method};
use sip_sdp::Session;

use super::{A, ANSWER, B, OFFER, Pair};
use crate::event::EventKind;

#[test]
fn basic_call_with_sdp_and_bye_from_caller() {
    let mut p = Pair::new();
    let cid = p.invite();
    p.a.ua.set_reference(cid, Some(42)).unwrap();
    let inv = p.expect(false, EventKind::CallInvite);
    assert!(inv.cid.is_some() && inv.did.is_some() && inv.tid.is_some());
    assert_eq!(inv.request.as_ref().unwrap().body(), OFFER.as_bytes());
    let tid = inv.tid.unwrap();
    assert_eq!(
        p.b.ua.remote_sdp_from_tid(tid),
        Some(Session::parse(OFFER.as_bytes()).unwrap())
    );
    p.b_answer(tid, 180);
    let ring = p.expect(true, EventKind::CallRinging);
    assert_eq!(ring.reference, Some(42));
    assert!(ring.did.is_some());
    p.b_answer(tid, 200);
    let ans = p.expect(true, EventKind::CallAnswered);
    let did = ans.did.unwrap();
    assert_eq!(
        ans.did, ring.did,
        "the early dialog becomes the confirmed one"
    );
    assert_eq!(ans.status(), Some(200));
    assert_eq!(
        p.a.ua.remote_sdp(did),
        Some(Session::parse(ANSWER.as_bytes()).unwrap())
    );
    assert_eq!(
        p.a.ua.local_sdp(did),
        Some(Session::parse(OFFER.as_bytes()).unwrap())
    );
    let now = p.now;
    p.a.ua.send_ack(now, did, None).unwrap();
    let ack = p.expect(false, EventKind::CallAck);
    assert!(ack.ack.is_some());
    let bdid = ack.did.unwrap();
    assert_eq!(
        p.b.ua.remote_sdp(bdid),
        Some(Session::parse(OFFER.as_bytes()).unwrap())
    );
    assert_eq!(
        p.b.ua.local_sdp(bdid),
        Some(Session::parse(ANSWER.as_bytes()).unwrap())
    );
    // Only one 200 went out: the ACK stopped the retransmissions.
    p.run_for(Duration::from_secs(10));
    assert_eq!(p.count(B, "200 INVITE"), 1);
    let now = p.now;
    p.a.ua.terminate(now, cid, None).unwrap();
    let closed = p.expect(false, EventKind::CallClosed);
    assert_eq!(
        closed.request.as_ref().unwrap().method(),
        Some(&Method::Bye)
    );
    p.expect(false, EventKind::CallReleased);
    let bye_ok = p.expect(true, EventKind::CallMessageAnswered);
    assert_eq!(bye_ok.status(), Some(200));
    let rel = p.expect(true, EventKind::CallReleased);
    assert_eq!((rel.cid, rel.reference), (Some(cid), Some(42)));
    assert_eq!((p.a.ua.call_count(), p.b.ua.call_count()), (0, 0));
    assert_eq!((p.a.ua.dialog_count(), p.b.ua.dialog_count()), (0, 0));
}

#[test]
fn bye_from_callee() {
    let mut p = Pair::new();
    let (_, _, bcid, _) = p.establish();
    let now = p.now;
    p.b.ua.terminate(now, bcid, None).unwrap();
    p.expect(true, EventKind::CallClosed);
    p.expect(true, EventKind::CallReleased);
    p.expect(false, EventKind::CallMessageAnswered);
    p.expect(false, EventKind::CallReleased);
}

#[test]
fn cancel_before_answer_gives_487() {
    let mut p = Pair::new();
    let cid = p.invite();
    let inv = p.expect(false, EventKind::CallInvite);
    p.b_answer(inv.tid.unwrap(), 180);
    p.expect(true, EventKind::CallRinging);
    let now = p.now;
    p.a.ua.terminate(now, cid, None).unwrap();
    p.expect(false, EventKind::CallCancelled);
    p.expect(false, EventKind::CallReleased);
    let fail = p.expect(true, EventKind::CallRequestFailure);
    assert_eq!(fail.status(), Some(487));
    p.expect(true, EventKind::CallReleased);
    assert_eq!(p.count(A, "CANCEL"), 1);
    assert_eq!(p.count(B, "200 CANCEL"), 1);
    // Answering the cancelled INVITE is refused.
    let now = p.now;
    assert!(
        p.b.ua
            .send_answer(now, inv.tid.unwrap(), 200, None)
            .is_err()
    );
}

#[test]
fn cancel_racing_the_200_is_acked_then_byed() {
    let mut p = Pair::new();
    let cid = p.invite();
    let inv = p.expect(false, EventKind::CallInvite);
    p.b_answer(inv.tid.unwrap(), 180);
    p.expect(true, EventKind::CallRinging);
    // Both at the same instant: the 200 and the CANCEL cross on the wire.
    p.b_answer(inv.tid.unwrap(), 200);
    let now = p.now;
    p.a.ua.terminate(now, cid, None).unwrap();
    p.expect(false, EventKind::CallAck);
    p.expect(false, EventKind::CallClosed);
    p.expect(false, EventKind::CallReleased);
    p.expect(true, EventKind::CallReleased);
    assert!(
        !p.has(true, EventKind::CallAnswered),
        "the application asked to cancel"
    );
    assert_eq!(p.count(A, "ACK"), 1);
    assert_eq!(p.count(A, "BYE"), 1);
}

#[test]
fn callee_declines_with_603() {
    let mut p = Pair::new();
    p.invite();
    let inv = p.expect(false, EventKind::CallInvite);
    let now = p.now;
    p.b.ua.terminate(now, inv.cid.unwrap(), None).unwrap();
    p.expect(false, EventKind::CallReleased);
    let f = p.expect(true, EventKind::CallGlobalFailure);
    assert_eq!(f.status(), Some(603));
    p.expect(true, EventKind::CallReleased);
    // The non-2xx ACK is the transaction layer's: no ACK event, no leftovers.
    p.run_for(Duration::from_secs(40));
    assert!(!p.has(false, EventKind::CallAck));
    assert_eq!((p.a.ua.call_count(), p.b.ua.call_count()), (0, 0));
}

#[test]
fn info_dtmf_and_options_in_dialog() {
    let mut p = Pair::new();
    let (_, did, _, _) = p.establish();
    let mut info = p.a.ua.build_request(did, Method::Info).unwrap();
    info.set_body_with_type("Signal=5\r\nDuration=160\r\n", "application/dtmf-relay");
    let now = p.now;
    let tid = p.a.ua.send_request(now, did, info).unwrap();
    let new = p.expect(false, EventKind::CallMessageNew);
    let req = new.request.unwrap();
    assert_eq!(req.method(), Some(&Method::Info));
    assert!(req.content_type_is("application/dtmf-relay"));
    let now = p.now;
    p.b.ua
        .send_answer(now, new.tid.unwrap(), 200, None)
        .unwrap();
    let ok = p.expect(true, EventKind::CallMessageAnswered);
    assert_eq!(ok.tid, Some(tid));
    // OPTIONS answered 200 by default when auto answers are on.
    p.b.ua.config.auto_answer_in_dialog = true;
    p.a_request(did, Method::Options);
    p.expect(false, EventKind::CallMessageNew);
    let ok = p.expect(true, EventKind::CallMessageAnswered);
    let resp = ok.response.unwrap();
    // RFC 3261 section 11.2: Allow, Accept and Supported in the answer.
    assert!(resp.header(HeaderName::Allow).is_some());
    assert_eq!(
        resp.header(HeaderName::Accept),
        Some(&b"application/sdp"[..])
    );
    assert!(resp.header(HeaderName::Supported).is_some());
}

#[test]
fn reinvite_hold_updates_the_session_and_failure_keeps_it() {
    let mut p = Pair::new();
    let (_, did, _, bdid) = p.establish();
    let held = Session::parse(OFFER.as_bytes())
        .unwrap()
        .hold(sip_sdp::HoldMode::SendOnly)
        .unwrap();
    let mut re = p.a.ua.build_request(did, Method::Invite).unwrap();
    re.set_body_with_type(held.to_string(), "application/sdp");
    let now = p.now;
    p.a.ua.send_request(now, did, re).unwrap();
    let ev = p.expect(false, EventKind::CallReinvite);
    assert_eq!(ev.did, Some(bdid));
    p.b_answer(ev.tid.unwrap(), 200);
    let ans = p.expect(true, EventKind::CallAnswered);
    assert_eq!(ans.did, Some(did));
    let now = p.now;
    p.a.ua.send_ack(now, did, None).unwrap();
    p.expect(false, EventKind::CallAck);
    assert_eq!(p.a.ua.local_sdp(did), Some(held.clone()));
    assert_eq!(p.b.ua.remote_sdp(bdid), Some(held.clone()));
    // A second re-INVITE refused with 488: the held session stays.
    let mut re = p.a.ua.build_request(did, Method::Invite).unwrap();
    re.set_body_with_type(OFFER, "application/sdp");
    let now = p.now;
    p.a.ua.send_request(now, did, re).unwrap();
    let ev = p.expect(false, EventKind::CallReinvite);
    p.b_answer(ev.tid.unwrap(), 488);
    let f = p.expect(true, EventKind::CallRequestFailure);
    assert_eq!(f.status(), Some(488));
    assert_eq!(p.a.ua.local_sdp(did), Some(held.clone()));
    assert_eq!(p.b.ua.remote_sdp(bdid), Some(held));
    assert_eq!(p.a.ua.dialog_count(), 1);
}

#[test]
fn glare_gets_491_and_the_retry_succeeds() {
    let mut p = Pair::new();
    let (_, did, _, bdid) = p.establish();
    let ra = p.a.ua.build_request(did, Method::Invite).unwrap();
    let rb = p.b.ua.build_request(bdid, Method::Invite).unwrap();
    let now = p.now;
    p.a.ua.send_request(now, did, ra).unwrap();
    p.b.ua.send_request(now, bdid, rb).unwrap();
    let fa = p.expect(true, EventKind::CallRequestFailure);
    let fb = p.expect(false, EventKind::CallRequestFailure);
    assert_eq!((fa.status(), fb.status()), (Some(491), Some(491)));
    // B does not own the Call-ID: it retries within 2 s, A after 2.1 s.
    let reinv = p.expect(true, EventKind::CallReinvite);
    p.a.ua
        .send_answer(p.now, reinv.tid.unwrap(), 200, None)
        .unwrap();
    p.expect(false, EventKind::CallAnswered);
    let now = p.now;
    p.b.ua.send_ack(now, bdid, None).unwrap();
    p.expect(true, EventKind::CallAck);
    let reinv = p.expect(false, EventKind::CallReinvite);
    p.b.ua
        .send_answer(p.now, reinv.tid.unwrap(), 200, None)
        .unwrap();
    p.expect(true, EventKind::CallAnswered);
}

#[test]
fn requests_a_uas_must_reject() {
    let mut p = Pair::new();
    let (_, did, _, _) = p.establish();
    // Unsupported Require: 420 with Unsupported.
    let mut info = p.a.ua.build_request(did, Method::Info).unwrap();
    info.push_header(HeaderName::Require, "foo");
    let now = p.now;
    p.a.ua.send_request(now, did, info).unwrap();
    let f = p.expect(true, EventKind::CallMessageRequestFailure);
    assert_eq!(f.status(), Some(420));
    assert_eq!(
        f.response.unwrap().header(HeaderName::Unsupported),
        Some(&b"foo"[..])
    );
    // A re-INVITE with a body that is not SDP: 415, and the dialog lives on.
    let mut re = p.a.ua.build_request(did, Method::Invite).unwrap();
    re.set_body_with_type("hello", "text/plain");
    let now = p.now;
    p.a.ua.send_request(now, did, re).unwrap();
    let f = p.expect(true, EventKind::CallRequestFailure);
    assert_eq!(f.status(), Some(415));
    assert_eq!(p.a.ua.dialog_count(), 1);
    // A request for an unknown dialog: 481.
    let mut bad = p.a.ua.build_request(did, Method::Info).unwrap();
    bad.set_header(HeaderName::To, "<sip:bob@127.0.0.1:5070>;tag=nosuchtag");
    let now = p.now;
    p.a.ua.send_request(now, did, bad).unwrap();
    let f = p.expect(true, EventKind::CallMessageRequestFailure);
    assert_eq!(f.status(), Some(481));
    // 481 ends the dialog (RFC 3261 section 12.2.1.2).
    assert_eq!(p.a.ua.dialog_count(), 0);
}

#[test]
fn api_misuse_is_an_error_not_a_panic() {
    let mut p = Pair::new();
    let now = p.now;
    let bogus_tid = crate::ids::TransactionId(999);
    assert!(p.a.ua.build_answer(bogus_tid, 200).is_err());
    assert!(p.a.ua.send_answer(now, bogus_tid, 200, None).is_err());
    assert!(
        p.a.ua
            .build_request(crate::ids::DialogId(5), Method::Info)
            .is_err()
    );
    assert!(p.a.ua.terminate(now, crate::ids::CallId(77), None).is_err());
    assert!(
        p.a.ua
            .build_initial_invite("not a uri", "sip:a@127.0.0.1", None, None)
            .is_err()
    );
    assert!(
        p.a.ua
            .build_initial_invite("sip:bob@example.com", "sip:a@127.0.0.1", None, None)
            .is_err()
    );
    let not_invite = Message::request(Method::Options, "sip:b@127.0.0.1");
    assert!(p.a.ua.send_initial_invite(now, not_invite).is_err());
    let (_, did, _, _) = p.establish();
    assert!(p.a.ua.build_request(did, Method::Ack).is_err());
    let inv = p.a.ua.build_request(did, Method::Invite).unwrap();
    let inv2 = p.a.ua.build_request(did, Method::Invite).unwrap();
    let now = p.now;
    p.a.ua.send_request(now, did, inv).unwrap();
    assert!(
        p.a.ua.send_request(now, did, inv2).is_err(),
        "one INVITE at a time (14.1)"
    );
}

#[test]
fn state_is_bounded_after_many_calls() {
    let mut p = Pair::new();
    for i in 0..40 {
        let (cid, did, _, _) = p.establish();
        if i % 2 == 0 {
            let now = p.now;
            p.a.ua.terminate(now, cid, Some(did)).unwrap();
        } else {
            // An INFO that the application never answers, then BYE: the
            // INFO gets 487 when the dialog ends (RFC 3261 section 15.1.2).
            let _ = p.a_request(did, Method::Info);
            p.expect(false, EventKind::CallMessageNew);
            let now = p.now;
            p.a.ua.terminate(now, cid, Some(did)).unwrap();
        }
        p.expect(false, EventKind::CallClosed);
        p.expect(true, EventKind::CallReleased);
    }
    assert_eq!(p.count("127.0.0.1:5070", "487 INFO"), 20);
    // Past every transaction timer (64*T1 = 32 s), nothing is left.
    p.run_for(Duration::from_secs(40));
    for ua in [&p.a.ua, &p.b.ua] {
        assert_eq!(ua.call_count(), 0);
        assert_eq!(ua.dialog_count(), 0);
        assert_eq!(ua.transaction_count(), 0);
    }
}
