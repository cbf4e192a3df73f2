//! Timer-driven flows: 2xx retransmission until the ACK, lost ACK,
//! missing ACK, lost BYE response, no answer at all.

use std::time::Duration;

use super::{A, B, Pair};
use crate::event::EventKind;

#[test]
fn lost_ack_is_recovered_by_the_2xx_retransmission() {
    let mut p = Pair::new();
    let mut acks = 0;
    p.drop_if = Some(Box::new(move |m, _| {
        if m.method() == Some(&sip_parser::Method::Ack) {
            acks += 1;
            return acks == 1;
        }
        false
    }));
    p.invite();
    let inv = p.expect(false, EventKind::CallInvite);
    p.b_answer(inv.tid.unwrap(), 200);
    let ans = p.expect(true, EventKind::CallAnswered);
    let t0 = p.now;
    let now = p.now;
    p.a.ua.send_ack(now, ans.did.unwrap(), None).unwrap();
    p.expect(false, EventKind::CallAck);
    // Retransmitted after T1 (500 ms); A re-sent its ACK for it.
    assert_eq!(p.count(B, "200 INVITE"), 2);
    assert_eq!(p.count(A, "ACK"), 2);
    assert!(p.now - t0 >= Duration::from_millis(490) && p.now - t0 < Duration::from_millis(600));
    p.run_for(Duration::from_secs(40));
    assert_eq!(p.count(B, "200 INVITE"), 2);
    assert!(!p.has(false, EventKind::CallClosed));
}

#[test]
fn missing_ack_ends_the_call_with_bye_after_64_t1() {
    let mut p = Pair::new();
    p.drop_if = Some(Box::new(|m, _| {
        m.method() == Some(&sip_parser::Method::Ack)
    }));
    p.invite();
    let inv = p.expect(false, EventKind::CallInvite);
    p.b_answer(inv.tid.unwrap(), 200);
    let ans = p.expect(true, EventKind::CallAnswered);
    let t0 = p.now;
    let now = p.now;
    p.a.ua.send_ack(now, ans.did.unwrap(), None).unwrap();
    let closed = p.expect(false, EventKind::CallClosed);
    assert_eq!(closed.text, "no ACK for the 2xx");
    let waited = p.now - t0;
    assert!(
        waited >= Duration::from_secs(31) && waited <= Duration::from_secs(33),
        "{waited:?}"
    );
    // 500 ms, 1, 2, 4, 4, 4 ... s: 1 + 10 retransmissions in 32 s.
    let n = p.count(B, "200 INVITE");
    assert!((9..=12).contains(&n), "{n} 2xx sent");
    p.expect(true, EventKind::CallClosed);
    p.expect(false, EventKind::CallReleased);
    p.expect(true, EventKind::CallReleased);
}

#[test]
fn lost_bye_response_still_releases_the_call() {
    let mut p = Pair::new();
    let (cid, _, _, _) = p.establish();
    p.drop_if = Some(Box::new(|m, _| {
        m.status() == Some(200) && m.cseq().is_some_and(|c| c.1 == b"BYE")
    }));
    let now = p.now;
    p.a.ua.terminate(now, cid, None).unwrap();
    p.expect(false, EventKind::CallClosed);
    let t0 = p.now;
    let f = p.expect(true, EventKind::CallMessageRequestFailure);
    assert_eq!(f.text, "timeout");
    assert!(p.now - t0 >= Duration::from_secs(31), "Timer F is 64*T1");
    p.expect(true, EventKind::CallReleased);
    assert_eq!(p.a.ua.call_count(), 0);
}

#[test]
fn unanswered_invite_is_no_answer_after_timer_b() {
    let mut p = Pair::new();
    p.drop_if = Some(Box::new(|m, from| {
        from == B.parse().unwrap() || m.method() == Some(&sip_parser::Method::Invite)
    }));
    let cid = p.invite();
    let t0 = p.now;
    let ev = p.expect(true, EventKind::CallNoAnswer);
    assert_eq!(ev.cid, Some(cid));
    assert!(p.now - t0 >= Duration::from_secs(32));
    p.expect(true, EventKind::CallReleased);
}
