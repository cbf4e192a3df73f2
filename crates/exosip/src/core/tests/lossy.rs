//! Whole calls over a lossy network on the virtual clock: retransmissions
//! (Timers A and E, the UA core's 2xx retransmission, the re-sent ACK)
//! carry every call through, and nothing is left behind.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::Pair;
use crate::event::EventKind;

/// Runs `calls` calls (INVITE, 180, 200 with SDP, ACK, BYE) with each
/// message lost with probability `loss`; returns the wire log size.
fn run(seed: u64, loss: f64, calls: usize) -> usize {
    let mut p = Pair::new();
    let mut rng = StdRng::seed_from_u64(seed);
    p.drop_if = Some(Box::new(move |_, _| rng.random_bool(loss)));
    for _ in 0..calls {
        let cid = p.invite();
        let inv = p.expect(false, EventKind::CallInvite);
        let tid = inv.tid.expect("tid");
        p.b_answer(tid, 180);
        p.b_answer(tid, 200);
        let ans = p.expect(true, EventKind::CallAnswered);
        let did = ans.did.expect("did");
        let now = p.now;
        p.a.ua.send_ack(now, did, None).expect("ACK");
        p.expect(false, EventKind::CallAck);
        let now = p.now;
        p.a.ua.terminate(now, cid, Some(did)).expect("BYE");
        p.expect(false, EventKind::CallClosed);
        p.expect(true, EventKind::CallReleased);
        p.expect(false, EventKind::CallReleased);
        // Events this test does not wait for (Ringing, the BYE's answer).
        p.a.events.clear();
        p.b.events.clear();
    }
    // Past every transaction timer, both sides are empty.
    p.run_for(Duration::from_secs(40));
    for ua in [&p.a.ua, &p.b.ua] {
        assert_eq!(ua.call_count(), 0);
        assert_eq!(ua.dialog_count(), 0);
        assert_eq!(ua.transaction_count(), 0);
    }
    p.wire.len()
}

#[test]
fn calls_complete_without_loss() {
    let sent = run(1, 0.0, 50);
    // INVITE 180 200 ACK BYE 200 (the answer comes before 100 Trying is
    // due), nothing retransmitted.
    assert_eq!(sent, 50 * 6);
}

#[test]
fn calls_complete_at_10_percent_loss() {
    for seed in 0..4 {
        let sent = run(seed, 0.10, 50);
        assert!(sent > 50 * 6, "losses must cause retransmissions");
    }
}

#[test]
fn calls_complete_at_25_percent_loss() {
    for seed in 10..12 {
        run(seed, 0.25, 30);
    }
}
