//! Two contexts over real UDP sockets on 127.0.0.1: a whole call with
//! ringing, answer, ACK, INFO and BYE; then a clean quit.

use std::time::Duration;

use exosip::{Config, Context, Event, EventKind, Method, Transport};

fn next(ctx: &Context, kind: EventKind) -> Event {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        if let Some(e) = ctx.event_wait(Duration::from_millis(200)) {
            if e.kind == kind {
                return e;
            }
        }
    }
    panic!("no {kind:?} within 5 s");
}

#[test]
fn call_between_two_contexts_over_udp() {
    let a = Context::start(Config::default()).unwrap();
    let b = Context::start(Config::default()).unwrap();
    a.listen(Transport::Udp, "127.0.0.1:0".parse().unwrap())
        .unwrap();
    let bport = b
        .listen(Transport::Udp, "127.0.0.1:0".parse().unwrap())
        .unwrap();
    assert_ne!(bport.port(), 0, "port 0 picks one and reports it");

    let to = format!("sip:bob@{bport}");
    let inv = a
        .build_initial_invite(&to, "sip:alice@127.0.0.1", None, None)
        .unwrap();
    let cid = a.send_initial_invite(inv).unwrap();
    a.set_reference(cid, Some(7)).unwrap();

    let ev = next(&b, EventKind::CallInvite);
    let tid = ev.tid.unwrap();
    b.send_answer(tid, 180, None).unwrap();
    assert_eq!(next(&a, EventKind::CallRinging).reference, Some(7));
    b.send_answer(tid, 200, None).unwrap();
    let ans = next(&a, EventKind::CallAnswered);
    let did = ans.did.unwrap();
    a.send_ack(did, None).unwrap();
    next(&b, EventKind::CallAck);

    let info = a.build_request(did, Method::Info).unwrap();
    a.send_request(did, info).unwrap();
    let m = next(&b, EventKind::CallMessageNew);
    b.send_answer(m.tid.unwrap(), 200, None).unwrap();
    next(&a, EventKind::CallMessageAnswered);

    a.terminate(cid, None).unwrap();
    next(&b, EventKind::CallClosed);
    next(&a, EventKind::CallReleased);
    next(&b, EventKind::CallReleased);

    // Acting from another thread works; quit joins the worker.
    let a = std::sync::Arc::new(a);
    let a2 = std::sync::Arc::clone(&a);
    std::thread::spawn(move || assert!(a2.build_request(did, Method::Info).is_err()))
        .join()
        .unwrap();
    a.quit();
    assert!(matches!(
        a.build_answer(tid, 200),
        Err(exosip::Error::Closed)
    ));
    b.quit();
}
