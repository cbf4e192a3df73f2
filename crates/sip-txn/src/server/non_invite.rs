//! The non-INVITE server transaction (NIST), RFC 3261 section 17.2.2.

use bytes::Bytes;

use super::{Stimulus, server_id};
use crate::ctx::Ctx;
use crate::error::TxnError;
use crate::event::TxnEvent;
use crate::timer::TimerKind;

/// The NIST states (RFC 3261 figure 8):
///
/// ```text
///                                   |Request received
///                                   |pass to TU
///                                   V
///                             +-----------+
///                             |           |
///                             | Trying    |-------------+
///                             |           |             |
///                             +-----------+             |200-699 from TU
///                                   |                   |send response
///                                   |1xx from TU        |
///                                   |send response      |
///                                   |                   |
///                Request            V      1xx from TU  |
///                send response+-----------+send response|
///                    +--------|           |--------+    |
///                    |        | Proceeding|        |    |
///                    +------->|           |<-------+    |
///             +<--------------|           |             |
///             |Trnsprt Err    +-----------+             |
///             |Inform TU            |                   |
///             |                     |                   |
///             |                     |200-699 from TU    |
///             |                     |send response      |
///             |  Request            V                   |
///             |  send response+-----------+             |
///             |      +--------|           |             |
///             |      |        | Completed |<------------+
///             |      +------->|           |
///             +<--------------|           |
///             |Trnsprt Err    +-----------+
///             |Inform TU            |
///             |                     |Timer J fires
///             |                     |-
///             |                     |
///             |                     V
///             |               +-----------+
///             |               |           |
///             +-------------->| Terminated|
///                             |           |
///                             +-----------+
/// ```
///
/// Timer J is 64*T1 on unreliable transports and zero (immediate) on
/// reliable ones. Retransmitted requests are absorbed in Trying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Trying,
    Proceeding,
    Completed,
    Terminated,
}

/// A non-INVITE server transaction.
#[derive(Debug)]
pub(crate) struct Nist {
    pub(crate) state: State,
    last: Option<Bytes>,
}

impl Nist {
    pub(crate) const fn new() -> Self {
        Self {
            state: State::Trying,
            last: None,
        }
    }

    /// One transition (the exhaustive match of RFC 3261 figure 8).
    pub(crate) fn step(&mut self, ctx: &mut Ctx<'_>, stimulus: Stimulus) -> Result<(), TxnError> {
        use State as S;
        use Stimulus as X;
        let id = server_id(ctx);
        match (self.state, stimulus) {
            (S::Trying, X::Request(_)) | (_, X::Start) => {}
            (S::Proceeding | S::Completed, X::Request(_)) => {
                if let Some(last) = &self.last {
                    ctx.transmit(last.clone());
                }
            }
            (S::Trying | S::Proceeding, X::Tu(resp)) => {
                ctx.transmit(resp.bytes.clone());
                self.last = Some(resp.bytes);
                if resp.status < 200 {
                    self.state = S::Proceeding;
                } else if ctx.reliable() {
                    self.state = S::Terminated;
                } else {
                    ctx.arm(TimerKind::J, ctx.cfg.t1x64());
                    self.state = S::Completed;
                }
            }
            (S::Completed, X::Tu(_)) => return Err(TxnError::InvalidState),
            (S::Completed, X::Timer(TimerKind::J)) => self.state = S::Terminated,
            (S::Proceeding | S::Completed, X::TransportError) => {
                ctx.event(TxnEvent::TransportError { id: id.into() });
                self.state = S::Terminated;
            }
            // Nothing was sent in Trying, so nothing can fail; stale timers.
            (S::Trying, X::TransportError)
            | (S::Trying | S::Proceeding | S::Completed, X::Timer(_)) => {
                tracing::trace!(state = ?self.state, "NIST: stimulus ignored");
            }
            (S::Terminated, X::Tu(_)) => return Err(TxnError::UnknownTransaction),
            (S::Terminated, _) => {}
        }
        Ok(())
    }
}
