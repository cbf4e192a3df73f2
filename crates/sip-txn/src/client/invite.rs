//! The INVITE client transaction (ICT), RFC 3261 section 17.1.1 as
//! updated by RFC 6026 section 7.2 (the Accepted state).

use std::time::Duration;

use bytes::Bytes;
use sip_parser::Message;

use super::{Stimulus, build_ack, client_id};
use crate::ctx::Ctx;
use crate::event::{ClientTxnId, TxnEvent};
use crate::timer::TimerKind;

/// The ICT states (RFC 3261 figure 5, with RFC 6026 figure 5's Accepted):
///
/// ```text
///                                |INVITE from TU
///              Timer A fires     |INVITE sent
///              Reset A,          V                      Timer B fires
///              INVITE sent +-----------+                or Transport Err.
///                +---------|           |---------------+inform TU
///                |         |  Calling  |               |
///                +-------->|           |-------------->|
///                          +-----------+ 2xx           |
///                             |  |       2xx to TU     |
///                             |  |1xx                  |
///     300-699 +---------------+  |1xx to TU            |
///    ACK sent |                  |                     |
/// resp. to TU |  1xx             V                     |
///             |  1xx to TU  -----------+               |
///             |  +---------|           |               |
///             |  |         |Proceeding |-------------->|
///             |  +-------->|           | 2xx           |
///             |            +-----------+ 2xx to TU     |
///             |       300-699    |                     |
///             |       ACK sent,  |                     |
///             |       resp. to TU|                     |
///             |                  |                     |      NOTE:
///             |  300-699         V                     |
///             |  ACK sent  +-----------+Transport Err. |  transitions
///             |  +---------|           |Inform TU      |  labeled with
///             |  |         | Completed |-------------->|  the event
///             |  +-------->|           |               |  over the action
///             |            +-----------+               |  to take
///             |              ^   |                     |
///             |              |   | Timer D fires       |
///             +--------------+   | -                   |
///                                |                     |
///                                V                     |
///             2xx      +-----------+ Timer M fires     |
///             2xx to TU|           |-------------+     |
///            +---------| Accepted  |             |     |
///            |         |           |<------------+-----+
///            +-------->+-----------+ (from Calling/Proceeding on 2xx)
///                                    |
///                                    V
///                             +-----------+
///                             | Terminated|
///                             +-----------+
/// ```
///
/// Timer A (T1, doubling, unreliable transports only) retransmits the
/// INVITE in Calling; Timer B (64*T1) ends Calling; Timer D (32 s
/// unreliable, 0 reliable) ends Completed; Timer M (64*T1) ends Accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Calling,
    Proceeding,
    Completed,
    Accepted,
    Terminated,
}

/// An INVITE client transaction.
#[derive(Debug)]
pub(crate) struct Ict {
    pub(crate) state: State,
    /// The INVITE, kept to build the ACK (17.1.1.3) and a CANCEL (9.1).
    pub(crate) request: Message,
    bytes: Bytes,
    ack: Option<Bytes>,
    interval: Duration,
    tags_2xx: Vec<Box<[u8]>>,
    /// The CANCEL client transaction for this INVITE, and whether it is
    /// still held back waiting for a provisional response (section 9.1).
    pub(crate) cancel: Option<(ClientTxnId, bool)>,
}

impl Ict {
    pub(crate) fn new(request: Message, bytes: Bytes) -> Self {
        Self {
            state: State::Calling,
            request,
            bytes,
            ack: None,
            interval: Duration::ZERO,
            tags_2xx: Vec::new(),
            cancel: None,
        }
    }

    /// One transition (the exhaustive match of RFC 3261 figure 5).
    pub(crate) fn step(&mut self, ctx: &mut Ctx<'_>, stimulus: Stimulus) {
        use State as S;
        use Stimulus as X;
        let id = client_id(ctx);
        match (self.state, stimulus) {
            (S::Calling, X::Start) => {
                ctx.transmit(self.bytes.clone());
                if !ctx.reliable() {
                    self.interval = ctx.cfg.t1;
                    ctx.arm(TimerKind::A, self.interval);
                }
                ctx.arm(TimerKind::B, ctx.cfg.t1x64());
            }
            (S::Calling, X::Timer(TimerKind::A)) => {
                ctx.transmit(self.bytes.clone());
                self.interval = self.interval.saturating_mul(2);
                ctx.arm(TimerKind::A, self.interval);
            }
            (S::Calling, X::Timer(TimerKind::B)) => {
                ctx.event(TxnEvent::Timeout { id: id.into() });
                self.state = S::Terminated;
            }
            (S::Calling | S::Proceeding, X::TransportError) | (S::Completed, X::TransportError) => {
                ctx.event(TxnEvent::TransportError { id: id.into() });
                self.state = S::Terminated;
            }
            (S::Calling | S::Proceeding, X::Response(r)) => {
                ctx.stop(TimerKind::A);
                ctx.stop(TimerKind::B);
                match r.status().unwrap_or(0) {
                    100..=199 => self.state = S::Proceeding,
                    200..=299 => {
                        self.tags_2xx.push(r.to_tag().unwrap_or_default().into());
                        ctx.arm(TimerKind::M, ctx.cfg.t1x64());
                        self.state = S::Accepted;
                    }
                    _ => {
                        self.ack = build_ack(&self.request, &r);
                        if let Some(ack) = &self.ack {
                            ctx.transmit(ack.clone());
                        }
                        if ctx.reliable() {
                            self.state = S::Terminated;
                        } else {
                            ctx.arm(TimerKind::D, ctx.cfg.timer_d);
                            self.state = S::Completed;
                        }
                    }
                }
                ctx.event(TxnEvent::Response {
                    id,
                    response: r,
                    retransmission: false,
                });
            }
            (S::Completed, X::Response(r)) => {
                // A retransmitted final response: re-send the ACK, do not
                // tell the TU (section 17.1.1.2).
                if r.status().is_some_and(|s| s >= 300) {
                    if let Some(ack) = &self.ack {
                        ctx.transmit(ack.clone());
                    }
                }
            }
            (S::Completed, X::Timer(TimerKind::D)) | (S::Accepted, X::Timer(TimerKind::M)) => {
                self.state = S::Terminated;
            }
            (S::Accepted, X::Response(r)) => {
                // RFC 6026 section 7.2: every 2xx goes to the TU, which ACKs
                // it; anything else is absorbed.
                if r.status().is_some_and(|s| (200..300).contains(&s)) {
                    let tag: Box<[u8]> = r.to_tag().unwrap_or_default().into();
                    let retransmission = self.tags_2xx.contains(&tag);
                    if !retransmission {
                        self.tags_2xx.push(tag);
                    }
                    ctx.event(TxnEvent::Response {
                        id,
                        response: r,
                        retransmission,
                    });
                }
            }
            // Nothing is sent in Accepted, so there is nothing to fail.
            (S::Accepted, X::TransportError) => {}
            // Stale timers of a left state, a second Start, or anything
            // after Terminated: dropped.
            (S::Calling | S::Proceeding | S::Completed | S::Accepted, X::Start | X::Timer(_))
            | (S::Terminated, _) => {
                tracing::trace!(state = ?self.state, "ICT: stimulus ignored");
            }
        }
    }
}
