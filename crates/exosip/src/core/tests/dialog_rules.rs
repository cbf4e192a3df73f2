//! Dialog and INVITE rules an independent peer exercises: CANCEL that
//! crosses a final response (RFC 3261 section 9.2), re-INVITE timeout
//! (14.1, 12.2.1.2), an INVITE while the initial one is pending (14.1,
//! 14.2), BYE on an early dialog (15.1.2).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use sip_parser::{HeaderName, Method};

use super::{A, B, Pair};
use crate::event::EventKind;

#[test]
fn cancel_crossing_a_final_response_gets_200_rfc3261_9_2() {
    let mut p = Pair::new();
    let cid = p.invite();
    let inv = p.expect(false, EventKind::CallInvite);
    p.b_answer(inv.tid.unwrap(), 180);
    p.expect(true, EventKind::CallRinging);
    // The 486 and the CANCEL cross on the wire: B has answered and
    // released the call when the CANCEL arrives; its INVITE server
    // transaction still exists, so the CANCEL gets 200 (no effect).
    p.b_answer(inv.tid.unwrap(), 486);
    let now = p.now;
    p.a.ua.terminate(now, cid, None).unwrap();
    let f = p.expect(true, EventKind::CallRequestFailure);
    assert_eq!(f.status(), Some(486));
    p.run_for(Duration::from_secs(1));
    assert_eq!(p.count(A, "CANCEL"), 1, "answered: not retransmitted");
    assert_eq!(p.count(B, "200 CANCEL"), 1);
    assert_eq!(p.count(B, "487 INVITE"), 0);
}

#[test]
fn reinvite_timeout_ends_the_dialog_rfc3261_14_1() {
    let mut p = Pair::new();
    let (_, did, _, _) = p.establish();
    p.drop_if = Some(Box::new(|m, _| m.method() == Some(&Method::Invite)));
    let tid = p.a_request(did, Method::Invite);
    let f = p.expect(true, EventKind::CallRequestFailure);
    assert_eq!(f.tid, Some(tid));
    // No response at all to a re-INVITE: the UAC terminates the dialog
    // (14.1), as for a 408 or 481 (12.2.1.2).
    p.expect(true, EventKind::CallReleased);
    assert_eq!(p.a.ua.dialog_count(), 0);
    assert_eq!(p.a.ua.call_count(), 0);
}

#[test]
fn invite_in_an_early_dialog_gets_500_at_the_uas_rfc3261_14_2() {
    let mut p = Pair::new();
    p.invite();
    let inv = p.expect(false, EventKind::CallInvite);
    p.b_answer(inv.tid.unwrap(), 180);
    let ring = p.expect(true, EventKind::CallRinging);
    let did = ring.did.unwrap();
    // A UAC core must not send it (14.1: our INVITE is in progress)...
    let re = p.a.ua.build_request(did, Method::Invite).unwrap();
    let now = p.now;
    assert!(p.a.ua.send_request(now, did, re.clone()).is_err());
    // ...and a UAS that gets one before answering the first INVITE
    // returns 500 with Retry-After (14.2).
    let seen = Rc::new(RefCell::new(Vec::new()));
    let tap = Rc::clone(&seen);
    p.drop_if = Some(Box::new(move |m, _| {
        tap.borrow_mut().push(m.clone());
        false
    }));
    p.inject(true, re);
    p.run_for(Duration::from_millis(50));
    assert!(!p.has(false, EventKind::CallReinvite));
    let seen = seen.borrow();
    let resp = seen
        .iter()
        .find(|m| m.status() == Some(500))
        .expect("a 500 to the second INVITE");
    assert!(resp.header(HeaderName::RetryAfter).is_some());
}

#[test]
fn invite_in_an_early_dialog_gets_491_at_the_uac_rfc3261_14_2() {
    let mut p = Pair::new();
    p.invite();
    let inv = p.expect(false, EventKind::CallInvite);
    p.b_answer(inv.tid.unwrap(), 180);
    p.expect(true, EventKind::CallRinging);
    let bdid = inv.did.unwrap();
    let re = p.b.ua.build_request(bdid, Method::Invite).unwrap();
    let now = p.now;
    assert!(p.b.ua.send_request(now, bdid, re.clone()).is_err());
    // A's own INVITE is in progress on this dialog: 491 (14.2).
    p.inject(false, re);
    p.run_for(Duration::from_millis(50));
    assert!(!p.has(true, EventKind::CallReinvite));
    assert_eq!(p.count(A, "491 INVITE"), 1);
}

#[test]
fn bye_on_an_early_dialog_closes_then_releases_rfc3261_15_1_2() {
    let mut p = Pair::new();
    p.invite();
    let inv = p.expect(false, EventKind::CallInvite);
    p.b_answer(inv.tid.unwrap(), 180);
    let ring = p.expect(true, EventKind::CallRinging);
    // The caller may BYE an early dialog; the callee answers 200 and 487.
    let tid = p.a_request(ring.did.unwrap(), Method::Bye);
    p.run_for(Duration::from_millis(50));
    assert_eq!(p.count(B, "200 BYE"), 1);
    assert_eq!(p.count(B, "487 INVITE"), 1);
    let kinds: Vec<EventKind> = p.b.events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [EventKind::CallClosed, EventKind::CallReleased]);
    let closed = &p.b.events[0];
    assert_eq!(
        closed.request.as_ref().and_then(|r| r.method().cloned()),
        Some(Method::Bye)
    );
    assert_eq!(closed.cid, inv.cid);
    let ok = p.expect(true, EventKind::CallMessageAnswered);
    assert_eq!(ok.tid, Some(tid));
    let f = p.expect(true, EventKind::CallRequestFailure);
    assert_eq!(f.status(), Some(487));
    p.expect(true, EventKind::CallReleased);
}

#[test]
fn transport_error_in_a_dialog_is_a_503_not_an_end_rfc3261_8_1_3_1() {
    let mut p = Pair::new();
    let (_, did, _, _) = p.establish();
    let re = p.a_request(did, Method::Invite);
    let info = p.a_request(did, Method::Info);
    let now = p.now;
    let destination = p.b.addr;
    p.a.ua.handle_input(crate::core::Input::TransportError {
        now,
        transport: sip_parser::Transport::Udp,
        destination,
    });
    p.drain();
    let f = p.expect(true, EventKind::CallRequestFailure);
    assert_eq!((f.tid, f.text.as_str()), (Some(re), "transport error"));
    let f = p.expect(true, EventKind::CallMessageRequestFailure);
    assert_eq!(f.tid, Some(info));
    // Unlike a timeout (408), a 503 leaves the dialog and lets a new
    // re-INVITE go.
    assert_eq!(p.a.ua.dialog_count(), 1);
    assert!(!p.has(true, EventKind::CallReleased));
    let re = p.a.ua.build_request(did, Method::Invite).unwrap();
    assert!(p.a.ua.send_request(now, did, re).is_ok());
}

#[test]
fn transport_error_on_the_initial_invite_is_a_server_failure_rfc3261_8_1_3_1() {
    let mut p = Pair::new();
    // B is unreachable: nothing it sends or receives arrives.
    p.drop_if = Some(Box::new(|_, _| true));
    let cid = p.invite();
    p.run_for(Duration::from_millis(100));
    let now = p.now;
    p.a.ua.handle_input(super::super::Input::TransportError {
        now,
        transport: sip_parser::Transport::Udp,
        destination: B.parse().unwrap(),
    });
    let e = p.expect(true, EventKind::CallServerFailure);
    assert_eq!(e.cid, Some(cid));
    assert!(e.text.contains("503"), "{}", e.text);
    p.expect(true, EventKind::CallReleased);
    assert!(!p.has(true, EventKind::CallNoAnswer));
}
