//! The INVITE server transaction (IST), RFC 3261 section 17.2.1 as updated
//! by RFC 6026 section 7.1 (the Accepted state).

use std::time::Duration;

use bytes::Bytes;
use sip_parser::{Message, Method};

use super::{Stimulus, server_id};
use crate::ctx::Ctx;
use crate::error::TxnError;
use crate::event::TxnEvent;
use crate::timer::TimerKind;

/// The IST states (RFC 6026 figure 7, which replaces RFC 3261 figure 7):
///
/// ```text
///                                     |INVITE
///                                     |pass INV to TU
///                  INVITE             V send 100 if TU won't in 200 ms
///                  send response+------------+
///                      +--------|            |--------+ 101-199 from TU
///                      |        |            |        | send response
///                      +------->|            |<-------+
///                               | Proceeding |
///                               |            |--------+ Transport Err.
///                               |            |        | Inform TU
///                               |            |<-------+
///                               +------------+
///                  300-699 from TU |    |2xx from TU
///                  send response   |    |send response
///                   +--------------+    +------------+
///                   |                                |
///  INVITE           V          Timer G fires         |
///  send response +-----------+ send response         |
///       +--------|           |--------+              |
///       |        |           |        |              |
///       +------->| Completed |<-------+      INVITE  |  Transport Err.
///                |           |               -       |  Inform TU
///       +--------|           |----+          +-----+ |  +---+
///       |        +-----------+    | ACK      |     v v  |   v
///       |          ^   |          | -        |  +------------+
///       |          |   |          |          |  |            |---+ ACK
///       +----------+   |          |          +--|  Accepted  |   | to TU
///       Transport Err. |          |             |            |<--+
///       Inform TU      |          V             +------------+
///                      |      +-----------+        |  ^     |
///                      |      |           |        |  |     |
///                      |      | Confirmed |        |  +-----+
///                      |      |           |        |  2xx from TU
///        Timer H fires |      +-----------+        |  send response
///        -             |          |                |
///                      |          | Timer I fires  |
///                      |          | -              | Timer L fires
///                      |          V                | -
///                      |        +------------+     |
///                      |        |            |<----+
///                      +------->| Terminated |
///                               |            |
///                               +------------+
/// ```
///
/// A transport error in Proceeding or Completed informs the TU and
/// terminates (RFC 3261 section 17.2.4); in Accepted it informs the TU and
/// stays (RFC 6026 section 8.8: the TU owns 2xx retransmissions). Timer G
/// (unreliable only) starts at T1 and doubles up to T2; H is 64*T1; I is
/// T4 unreliable, zero reliable; L is 64*T1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Proceeding,
    Completed,
    Confirmed,
    Accepted,
    Terminated,
}

/// An INVITE server transaction.
#[derive(Debug)]
pub(crate) struct Ist {
    pub(crate) state: State,
    /// The INVITE, kept to build the automatic 100 Trying.
    request: Message,
    last: Option<Bytes>,
    interval: Duration,
    /// To tag of the final response (an RFC 2543 ACK must carry it).
    pub(crate) final_to_tag: Option<Box<[u8]>>,
}

impl Ist {
    pub(crate) fn new(request: Message) -> Self {
        Self {
            state: State::Proceeding,
            request,
            last: None,
            interval: Duration::ZERO,
            final_to_tag: None,
        }
    }

    fn send(&mut self, ctx: &mut Ctx<'_>, bytes: Bytes) {
        ctx.transmit(bytes.clone());
        self.last = Some(bytes);
    }

    fn send_trying(&mut self, ctx: &mut Ctx<'_>) {
        ctx.stop(TimerKind::Trying);
        let trying = Message::response_to(&self.request, 100, None).to_bytes();
        self.send(ctx, trying);
    }

    /// One transition (the exhaustive match of RFC 6026 figure 7).
    pub(crate) fn step(&mut self, ctx: &mut Ctx<'_>, stimulus: Stimulus) -> Result<(), TxnError> {
        use State as S;
        use Stimulus as X;
        let id = server_id(ctx);
        match (self.state, stimulus) {
            (S::Proceeding, X::Start) => {
                if ctx.cfg.auto_trying {
                    ctx.arm(TimerKind::Trying, ctx.cfg.trying_delay);
                }
            }
            (S::Proceeding, X::Timer(TimerKind::Trying)) => {
                if self.last.is_none() {
                    self.send_trying(ctx);
                }
            }
            (S::Proceeding, X::Request(r)) => {
                if r.msg.method() == Some(&Method::Ack) {
                    tracing::debug!("IST: ACK before a final response dropped");
                } else if let Some(last) = &self.last {
                    ctx.transmit(last.clone());
                } else if ctx.cfg.auto_trying {
                    self.send_trying(ctx);
                }
            }
            (S::Proceeding, X::Tu(resp)) => {
                ctx.stop(TimerKind::Trying);
                match resp.status {
                    100..=199 => self.send(ctx, resp.bytes),
                    200..=299 => {
                        self.send(ctx, resp.bytes);
                        self.final_to_tag = resp.to_tag;
                        ctx.arm(TimerKind::L, ctx.cfg.t1x64());
                        self.state = S::Accepted;
                    }
                    _ => {
                        self.send(ctx, resp.bytes);
                        self.final_to_tag = resp.to_tag;
                        if !ctx.reliable() {
                            self.interval = ctx.cfg.t1;
                            ctx.arm(TimerKind::G, self.interval);
                        }
                        ctx.arm(TimerKind::H, ctx.cfg.t1x64());
                        self.state = S::Completed;
                    }
                }
            }
            (S::Proceeding | S::Completed, X::TransportError) => {
                ctx.event(TxnEvent::TransportError { id: id.into() });
                self.state = S::Terminated;
            }
            (S::Completed, X::Request(r)) => {
                if r.msg.method() == Some(&Method::Ack) {
                    ctx.stop(TimerKind::G);
                    ctx.stop(TimerKind::H);
                    if ctx.reliable() {
                        self.state = S::Terminated;
                    } else {
                        ctx.arm(TimerKind::I, ctx.cfg.t4);
                        self.state = S::Confirmed;
                    }
                } else if let Some(last) = &self.last {
                    ctx.transmit(last.clone());
                }
            }
            (S::Completed, X::Timer(TimerKind::G)) => {
                if let Some(last) = &self.last {
                    ctx.transmit(last.clone());
                }
                self.interval = self.interval.saturating_mul(2).min(ctx.cfg.t2);
                ctx.arm(TimerKind::G, self.interval);
            }
            (S::Completed, X::Timer(TimerKind::H)) => {
                ctx.event(TxnEvent::Timeout { id: id.into() });
                self.state = S::Terminated;
            }
            (S::Confirmed, X::Timer(TimerKind::I)) | (S::Accepted, X::Timer(TimerKind::L)) => {
                self.state = S::Terminated;
            }
            // ACK and INVITE retransmissions are absorbed in Confirmed.
            (S::Confirmed, X::Request(_) | X::TransportError) => {}
            (S::Accepted, X::Request(r)) => {
                // RFC 6026 section 7.1: a matching ACK goes to the TU; a
                // retransmitted INVITE is absorbed (the TU re-sends the 2xx).
                if r.msg.method() == Some(&Method::Ack) {
                    ctx.event(TxnEvent::Ack { request: r });
                }
            }
            (S::Accepted, X::Tu(resp)) if (200..300).contains(&resp.status) => {
                self.send(ctx, resp.bytes)
            }
            (S::Accepted, X::TransportError) => {
                ctx.event(TxnEvent::TransportError { id: id.into() })
            }
            (S::Completed | S::Confirmed | S::Accepted, X::Tu(_)) => {
                return Err(TxnError::InvalidState);
            }
            // A second Start, stale timers, anything after Terminated.
            (S::Proceeding | S::Completed | S::Confirmed | S::Accepted, X::Start | X::Timer(_)) => {
                tracing::trace!(state = ?self.state, "IST: stimulus ignored");
            }
            (S::Terminated, X::Tu(_)) => return Err(TxnError::UnknownTransaction),
            (S::Terminated, _) => {}
        }
        Ok(())
    }
}
