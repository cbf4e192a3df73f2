//! Timers of RFC 3261 section 17 (table 4) and RFC 6026 (L, M).
//!
//! Each transaction keeps a small [`TimerTable`] of armed deadlines (the
//! quinn `TimerTable`); the layer keeps every armed deadline in one ordered
//! set keyed by `(Instant, TxnId, TimerKind)`, so the next deadline is the
//! first element (O(log n)) and arming or stopping a timer is O(log n).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::event::TxnId;

/// A transaction timer, named as in RFC 3261 section 17 and RFC 6026.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum TimerKind {
    /// INVITE request retransmit interval, unreliable transports only (17.1.1.2).
    A,
    /// INVITE transaction timeout, 64*T1 (17.1.1.2).
    B,
    /// Wait time for response retransmits, 32 s unreliable / 0 reliable (17.1.1.2).
    D,
    /// Non-INVITE request retransmit interval, unreliable only (17.1.2.2).
    E,
    /// Non-INVITE transaction timeout, 64*T1 (17.1.2.2).
    F,
    /// INVITE response retransmit interval, unreliable only (17.2.1).
    G,
    /// Wait time for ACK receipt, 64*T1 (17.2.1).
    H,
    /// Wait time for ACK retransmits, T4 unreliable / 0 reliable (17.2.1).
    I,
    /// Wait time for non-INVITE request retransmits, 64*T1 / 0 (17.2.2).
    J,
    /// Wait time for non-INVITE response retransmits, T4 / 0 (17.1.2.2).
    K,
    /// Wait time in the server Accepted state, 64*T1 (RFC 6026 section 8.7).
    L,
    /// Wait time in the client Accepted state, 64*T1 (RFC 6026 section 8.4).
    M,
    /// The 200 ms after which an INVITE server transaction sends 100 Trying
    /// itself if the TU has not answered (RFC 3261 section 17.2.1).
    Trying,
}

impl TimerKind {
    const COUNT: usize = 13;

    const fn slot(self) -> usize {
        self as usize
    }
}

/// The armed deadlines of one transaction, indexed by kind.
#[derive(Debug, Default, Clone)]
pub(crate) struct TimerTable([Option<Instant>; TimerKind::COUNT]);

impl TimerTable {
    pub(crate) fn get(&self, kind: TimerKind) -> Option<Instant> {
        self.0[kind.slot()]
    }
}

/// Every armed deadline of the layer, ordered.
#[derive(Debug, Default)]
pub(crate) struct Timers {
    set: BTreeSet<(Instant, TxnId, TimerKind)>,
}

impl Timers {
    /// Arms `kind` for `id` at `now + after`, replacing an armed one. A
    /// deadline past the end of `Instant` is never reached and is not armed.
    pub(crate) fn arm(
        &mut self,
        table: &mut TimerTable,
        id: TxnId,
        kind: TimerKind,
        now: Instant,
        after: Duration,
    ) {
        self.stop(table, id, kind);
        if let Some(at) = now.checked_add(after) {
            table.0[kind.slot()] = Some(at);
            self.set.insert((at, id, kind));
        }
    }

    /// Stops `kind` for `id` if it is armed.
    pub(crate) fn stop(&mut self, table: &mut TimerTable, id: TxnId, kind: TimerKind) {
        if let Some(at) = table.0[kind.slot()].take() {
            self.set.remove(&(at, id, kind));
        }
    }

    /// Stops every timer of `id`.
    pub(crate) fn stop_all(&mut self, table: &mut TimerTable, id: TxnId) {
        for kind in KINDS {
            self.stop(table, id, kind);
        }
    }

    /// The earliest armed deadline.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.set.first().map(|&(at, _, _)| at)
    }

    /// Removes and returns the earliest timer due at `now`. The caller
    /// clears the slot in the transaction's table with [`TimerTable`].
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<(TxnId, TimerKind)> {
        let &(at, id, kind) = self.set.first()?;
        if at > now {
            return None;
        }
        self.set.pop_first();
        Some((id, kind))
    }

    /// Clears a fired timer's slot in the table (after [`Timers::pop_due`]).
    pub(crate) fn fired(table: &mut TimerTable, kind: TimerKind) {
        table.0[kind.slot()] = None;
    }

    /// Number of armed timers (for tests and the fuzz target).
    pub(crate) fn len(&self) -> usize {
        self.set.len()
    }
}

const KINDS: [TimerKind; TimerKind::COUNT] = [
    TimerKind::A,
    TimerKind::B,
    TimerKind::D,
    TimerKind::E,
    TimerKind::F,
    TimerKind::G,
    TimerKind::H,
    TimerKind::I,
    TimerKind::J,
    TimerKind::K,
    TimerKind::L,
    TimerKind::M,
    TimerKind::Trying,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{ClientTxnId, TxnId};
    use crate::slab::Slab;

    #[test]
    fn ordered_and_stoppable() {
        let mut slab = Slab::new();
        let id = TxnId::Client(ClientTxnId(slab.insert(())));
        let t0 = crate::tests::util::origin();
        let mut timers = Timers::default();
        let mut table = TimerTable::default();
        timers.arm(&mut table, id, TimerKind::B, t0, Duration::from_secs(32));
        timers.arm(&mut table, id, TimerKind::A, t0, Duration::from_millis(500));
        assert_eq!(timers.next(), Some(t0 + Duration::from_millis(500)));
        timers.arm(&mut table, id, TimerKind::A, t0, Duration::from_secs(1));
        assert_eq!(timers.len(), 2);
        assert_eq!(timers.pop_due(t0), None);
        assert_eq!(
            timers.pop_due(t0 + Duration::from_secs(1)),
            Some((id, TimerKind::A))
        );
        Timers::fired(&mut table, TimerKind::A);
        timers.stop_all(&mut table, id);
        assert_eq!(timers.next(), None);
        assert_eq!(table.get(TimerKind::B), None);
        // A deadline beyond the end of time is not armed (no panic).
        timers.arm(&mut table, id, TimerKind::F, t0, Duration::MAX);
        assert_eq!(timers.len(), 0);
    }
}
