//! The effects a state machine step may have: transmit, tell the TU, arm
//! or stop a timer. Machines see only this, never the whole layer.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sip_parser::Transport;

use crate::config::TxnConfig;
use crate::event::{Output, Target, Transmit, TxnEvent, TxnId};
use crate::timer::{TimerKind, TimerTable, Timers};

/// Transactions by the destination they send to, so that a transport
/// error reaches exactly them (RFC 3261 sections 17.1.4 and 17.2.4).
pub(crate) type DestIndex = HashMap<(Transport, SocketAddr), BTreeSet<TxnId>>;

/// One step's view of the layer.
pub(crate) struct Ctx<'a> {
    pub(crate) now: Instant,
    pub(crate) cfg: &'a TxnConfig,
    pub(crate) id: TxnId,
    /// Where this transaction sends (the request target or the response
    /// destination of RFC 3261 section 18.2.2).
    pub(crate) target: Target,
    pub(crate) out: &'a mut VecDeque<Output>,
    pub(crate) timers: &'a mut Timers,
    pub(crate) table: &'a mut TimerTable,
    pub(crate) dests: &'a mut DestIndex,
}

impl Ctx<'_> {
    /// Whether the transport is reliable: no retransmit timers, zero waits.
    pub(crate) fn reliable(&self) -> bool {
        self.target.transport.is_reliable()
    }

    /// Queues `bytes` for the target.
    pub(crate) fn transmit(&mut self, bytes: Bytes) {
        let key = (self.target.transport, self.target.addr);
        self.dests.entry(key).or_default().insert(self.id);
        self.out.push_back(Output::Transmit(Transmit {
            transport: self.target.transport,
            destination: self.target.addr,
            bytes,
        }));
    }

    /// Queues an event for the TU.
    pub(crate) fn event(&mut self, ev: TxnEvent) {
        self.out.push_back(Output::Event(ev));
    }

    /// Arms `kind` to fire `after` from now.
    pub(crate) fn arm(&mut self, kind: TimerKind, after: Duration) {
        self.timers.arm(self.table, self.id, kind, self.now, after);
    }

    /// Stops `kind`.
    pub(crate) fn stop(&mut self, kind: TimerKind) {
        self.timers.stop(self.table, self.id, kind);
    }
}
