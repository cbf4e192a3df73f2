//! Transfer and termination flows: REFER answered 202 with its NOTIFYs,
//! Refer-To with Replaces, find_by_replaces, terminate with a Reason.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use sip_parser::{HeaderName, Message, Method};

use super::{A, B, Pair};
use crate::core::refer::refer_to_of;
use crate::event::EventKind;

fn tap(p: &mut Pair) -> Rc<RefCell<Vec<Message>>> {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = Rc::clone(&seen);
    p.drop_if = Some(Box::new(move |m, _| {
        s.borrow_mut().push(m.clone());
        false
    }));
    seen
}

fn sent(seen: &Rc<RefCell<Vec<Message>>>, method: Method) -> Message {
    seen.borrow()
        .iter()
        .find(|m| m.method() == Some(&method))
        .cloned()
        .unwrap_or_else(|| panic!("no {method:?} on the wire"))
}

#[test]
fn refer_is_accepted_and_notified_with_sipfrag() {
    let mut p = Pair::new();
    let (_, did, _, bdid) = p.establish();
    let target =
        "sip:carol@127.0.0.1:5080?Replaces=abc%40h%3Bto-tag%3D7%3Bfrom-tag%3D9%3Bearly-only";
    let refer = p.a.ua.build_refer(did, target).unwrap();
    let now = p.now;
    let tid = p.a.ua.send_request(now, did, refer).unwrap();
    let new = p.expect(false, EventKind::CallMessageNew);
    assert_eq!(new.request.as_ref().unwrap().method(), Some(&Method::Refer));
    assert_eq!(new.status(), Some(202), "answered before it is reported");
    let acc = p.expect(true, EventKind::CallMessageAnswered);
    assert_eq!((acc.tid, acc.status()), (Some(tid), Some(202)));
    let rt = p.b.ua.refer_to(bdid).unwrap();
    assert_eq!(rt.uri, "sip:carol@127.0.0.1:5080");
    let rep = rt.replaces.unwrap();
    assert_eq!(rep.call_id, "abc@h");
    assert_eq!((rep.to_tag(), rep.from_tag()), (Some("7"), Some("9")));
    assert!(rep.early_only());

    let now = p.now;
    p.b.ua
        .transfer_send_notify(now, bdid, "active;expires=60", "SIP/2.0 100 Trying\r\n")
        .unwrap();
    let n = p.expect(true, EventKind::CallMessageNew);
    let notify = n.request.unwrap();
    assert_eq!(notify.method(), Some(&Method::Notify));
    let refer_cseq = new.request.unwrap().cseq().unwrap().0;
    assert_eq!(
        notify.header(HeaderName::Event),
        Some(format!("refer;id={refer_cseq}").as_bytes())
    );
    assert_eq!(
        notify.header(HeaderName::SubscriptionState),
        Some(&b"active;expires=60"[..])
    );
    assert!(notify.content_type_is("message/sipfrag"));
    assert_eq!(notify.body(), b"SIP/2.0 100 Trying\r\n");
    let now = p.now;
    p.a.ua.send_answer(now, n.tid.unwrap(), 200, None).unwrap();
    p.expect(false, EventKind::CallMessageAnswered);

    let now = p.now;
    p.b.ua
        .transfer_send_notify(now, bdid, "terminated;reason=noresource", "SIP/2.0 200 OK")
        .unwrap();
    p.expect(true, EventKind::CallMessageNew);
    assert!(p.b.ua.refer_to(bdid).is_none(), "subscription over");
    let now = p.now;
    assert!(
        p.b.ua
            .transfer_send_notify(now, bdid, "active", "SIP/2.0 200 OK")
            .is_err()
    );
    assert!(
        p.a.ua
            .transfer_send_notify(now, did, "active", "SIP/2.0 200 OK")
            .is_err(),
        "A received no REFER"
    );
    assert!(p.a.ua.build_refer(did, "<<<").is_err());
}

#[test]
fn refer_without_refer_to_is_400() {
    let mut p = Pair::new();
    let (_, did, _, bdid) = p.establish();
    let refer = p.a.ua.build_request(did, Method::Refer).unwrap();
    let now = p.now;
    p.a.ua.send_request(now, did, refer).unwrap();
    let f = p.expect(true, EventKind::CallMessageRequestFailure);
    assert_eq!(f.status(), Some(400));
    assert!(!p.has(false, EventKind::CallMessageNew));
    assert!(p.b.ua.refer_to(bdid).is_none());
    assert_eq!(p.b.ua.dialog_count(), 1);
}

#[test]
fn replaces_built_by_one_side_finds_the_dialog_on_the_other() {
    let mut p = Pair::new();
    let (_, did, bcid, bdid) = p.establish();
    // A would send this in a REFER to a third party (another dialog).
    let value = p.a.ua.replacing_refer_to(did).unwrap();
    let refer = Message::parse(
        format!("REFER sip:x@h SIP/2.0\r\nRefer-To: {value}\r\nContent-Length: 0\r\n\r\n")
            .into_bytes(),
    )
    .unwrap();
    let rt = refer_to_of(&refer).unwrap();
    assert_eq!(rt.uri, "sip:bob@127.0.0.1:5070", "B is called");
    let rep = rt.replaces.unwrap();
    let (c, t, f) = (
        rep.call_id.to_string(),
        rep.to_tag().unwrap().to_owned(),
        rep.from_tag().unwrap().to_owned(),
    );
    assert_eq!(
        p.b.ua.find_by_replaces(&c, &t, &f, false),
        Some((bcid, bdid))
    );
    assert_eq!(
        p.b.ua.find_by_replaces(&c, &t, &f, true),
        None,
        "early-only"
    );
    assert_eq!(
        p.b.ua.find_by_replaces(&c, &f, &t, false),
        None,
        "tags swapped"
    );
    assert_eq!(p.b.ua.find_by_replaces("nope", &t, &f, false), None);
    assert!(
        p.a.ua
            .replacing_refer_to(crate::ids::DialogId(999))
            .is_err()
    );
}

#[test]
fn early_dialogs_are_replaceable_only_by_their_caller() {
    let mut p = Pair::new();
    let cid = p.invite();
    let inv = p.expect(false, EventKind::CallInvite);
    p.b_answer(inv.tid.unwrap(), 180);
    let ring = p.expect(true, EventKind::CallRinging);
    let r = ring.response.unwrap();
    let call_id = String::from_utf8(r.call_id().unwrap().to_vec()).unwrap();
    let a_tag = String::from_utf8(r.from_tag().unwrap().to_vec()).unwrap();
    let b_tag = String::from_utf8(r.to_tag().unwrap().to_vec()).unwrap();
    // On A (the caller) the local tag is the From tag.
    assert_eq!(
        p.a.ua.find_by_replaces(&call_id, &a_tag, &b_tag, true),
        Some((cid, ring.did.unwrap()))
    );
    // B did not initiate its early dialog: 481.
    assert_eq!(
        p.b.ua.find_by_replaces(&call_id, &b_tag, &a_tag, false),
        None
    );
}

#[test]
fn bye_carries_the_reason() {
    let mut p = Pair::new();
    let seen = tap(&mut p);
    let (cid, _, _, _) = p.establish();
    let now = p.now;
    assert!(p.a.ua.terminate_with_reason(now, cid, None, "").is_err());
    p.a.ua
        .terminate_with_reason(now, cid, None, "SIP;cause=200;text=\"done\"")
        .unwrap();
    let closed = p.expect(false, EventKind::CallClosed);
    assert_eq!(
        closed.request.unwrap().header(HeaderName::Reason),
        Some(&b"SIP;cause=200;text=\"done\""[..])
    );
    p.expect(true, EventKind::CallReleased);
    assert_eq!(sent(&seen, Method::Bye).method(), Some(&Method::Bye));
}

#[test]
fn cancel_carries_the_reason_even_before_a_provisional() {
    for early in [true, false] {
        let mut p = Pair::new();
        let seen = tap(&mut p);
        let cid = p.invite();
        if early {
            // Nothing received yet: the CANCEL waits for the first 1xx (9.1).
            let now = p.now;
            p.a.ua
                .terminate_with_reason(now, cid, None, "Q.850;cause=16")
                .unwrap();
            assert_eq!(p.count(A, "CANCEL"), 0);
        } else {
            let inv = p.expect(false, EventKind::CallInvite);
            p.b_answer(inv.tid.unwrap(), 180);
            p.expect(true, EventKind::CallRinging);
            let now = p.now;
            p.a.ua
                .terminate_with_reason(now, cid, None, "Q.850;cause=16")
                .unwrap();
        }
        p.expect(false, EventKind::CallCancelled);
        let f = p.expect(true, EventKind::CallRequestFailure);
        assert_eq!(f.status(), Some(487));
        p.expect(true, EventKind::CallReleased);
        p.run_for(Duration::from_secs(1));
        assert_eq!(p.count(A, "CANCEL"), 1);
        assert_eq!(p.count(B, "200 CANCEL"), 1);
        assert_eq!(
            sent(&seen, Method::Cancel).header(HeaderName::Reason),
            Some(&b"Q.850;cause=16"[..])
        );
    }
}

#[test]
fn a_callee_declines_with_a_reason() {
    let mut p = Pair::new();
    p.invite();
    let inv = p.expect(false, EventKind::CallInvite);
    let now = p.now;
    p.b.ua
        .terminate_with_reason(now, inv.cid.unwrap(), None, "SIP;cause=603")
        .unwrap();
    let f = p.expect(true, EventKind::CallGlobalFailure);
    assert_eq!(
        f.response.unwrap().header(HeaderName::Reason),
        Some(&b"SIP;cause=603"[..])
    );
}
