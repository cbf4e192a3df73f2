//! The non-INVITE client transaction (NICT), RFC 3261 section 17.1.2.

use std::time::Duration;

use bytes::Bytes;

use super::{Stimulus, client_id};
use crate::ctx::Ctx;
use crate::event::TxnEvent;
use crate::timer::TimerKind;

/// The NICT states (RFC 3261 figure 6):
///
/// ```text
///                                    |Request from TU
///                                    |send request
///                Timer E             V
///                send request  +-----------+
///                    +---------|           |-------------------+
///                    |         |  Trying   |  Timer F          |
///                    +-------->|           |  or Transport Err.|
///                              +-----------+  inform TU        |
///                 200-699         |  |                         |
///                 resp. to TU     |  |1xx                      |
///                 +---------------+  |resp. to TU              |
///                 |                  |                         |
///                 |   Timer E        V       Timer F           |
///                 |   send req +-----------+ or Transport Err. |
///                 |  +---------|           | inform TU         |
///                 |  |         |Proceeding |------------------>|
///                 |  +-------->|           |-----+             |
///                 |            +-----------+     |1xx          |
///                 |              |      ^        |resp to TU   |
///                 | 200-699      |      +--------+             |
///                 | resp. to TU  |                             |
///                 |              |                             |
///                 |              V                             |
///                 |            +-----------+                   |
///                 |            |           |                   |
///                 |            | Completed |                   |
///                 |            |           |                   |
///                 |            +-----------+                   |
///                 |              ^   |                         |
///                 |              |   | Timer K                 |
///                 +--------------+   | -                       |
///                                    |                         |
///                                    V                         |
///                              +-----------+                   |
///                              |           |                   |
///                              | Terminated|<------------------+
///                              |           |
///                              +-----------+
/// ```
///
/// Timer E (unreliable only) starts at T1 and doubles up to T2 in Trying,
/// and is T2 in Proceeding; Timer F is 64*T1; Timer K is T4 on unreliable
/// transports and zero (immediate) on reliable ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Trying,
    Proceeding,
    Completed,
    Terminated,
}

/// A non-INVITE client transaction.
#[derive(Debug)]
pub(crate) struct Nict {
    pub(crate) state: State,
    bytes: Bytes,
    interval: Duration,
    /// Whether the request was sent (a held CANCEL has not been yet).
    pub(crate) started: bool,
    /// For a CANCEL built by `cancel`: the INVITE it cancels.
    pub(crate) cancels: Option<crate::event::ClientTxnId>,
}

impl Nict {
    pub(crate) fn new(bytes: Bytes) -> Self {
        Self {
            state: State::Trying,
            bytes,
            interval: Duration::ZERO,
            started: false,
            cancels: None,
        }
    }

    /// One transition (the exhaustive match of RFC 3261 figure 6).
    pub(crate) fn step(&mut self, ctx: &mut Ctx<'_>, stimulus: Stimulus) {
        use State as S;
        use Stimulus as X;
        let id = client_id(ctx);
        match (self.state, stimulus) {
            (S::Trying, X::Start) if !self.started => {
                self.started = true;
                ctx.transmit(self.bytes.clone());
                if !ctx.reliable() {
                    self.interval = ctx.cfg.t1;
                    ctx.arm(TimerKind::E, self.interval);
                }
                ctx.arm(TimerKind::F, ctx.cfg.t1x64());
            }
            (S::Trying, X::Timer(TimerKind::E)) => {
                ctx.transmit(self.bytes.clone());
                self.interval = self.interval.saturating_mul(2).min(ctx.cfg.t2);
                ctx.arm(TimerKind::E, self.interval);
            }
            (S::Proceeding, X::Timer(TimerKind::E)) => {
                ctx.transmit(self.bytes.clone());
                ctx.arm(TimerKind::E, ctx.cfg.t2);
            }
            (S::Trying | S::Proceeding, X::Timer(TimerKind::F)) => {
                ctx.event(TxnEvent::Timeout { id: id.into() });
                self.state = S::Terminated;
            }
            (S::Trying | S::Proceeding, X::TransportError) => {
                ctx.event(TxnEvent::TransportError { id: id.into() });
                self.state = S::Terminated;
            }
            (S::Trying | S::Proceeding, X::Response(r)) if self.started => {
                if r.status().unwrap_or(0) < 200 {
                    self.state = S::Proceeding;
                } else {
                    ctx.stop(TimerKind::E);
                    ctx.stop(TimerKind::F);
                    if ctx.reliable() {
                        self.state = S::Terminated;
                    } else {
                        ctx.arm(TimerKind::K, ctx.cfg.t4);
                        self.state = S::Completed;
                    }
                }
                ctx.event(TxnEvent::Response {
                    id,
                    response: r,
                    retransmission: false,
                });
            }
            // A response to a held CANCEL that was never sent is forged or
            // misrouted; retransmitted responses are absorbed in Completed.
            (S::Trying | S::Proceeding | S::Completed, X::Response(_)) => {}
            (S::Completed, X::Timer(TimerKind::K)) => self.state = S::Terminated,
            // Nothing is sent in Completed, so there is nothing to fail.
            (S::Completed, X::TransportError) => {}
            // A second Start, stale timers, anything after Terminated.
            (S::Trying | S::Proceeding | S::Completed, X::Start | X::Timer(_))
            | (S::Terminated, _) => {
                tracing::trace!(state = ?self.state, "NICT: stimulus ignored");
            }
        }
    }
}
