//! What goes in and out of the layer: inputs, transmits, events, ids
//! (the str0m `Input` / `Output` shape).

use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use sip_parser::{Message, Transport};

use crate::slab::Handle;

/// Handle of a client transaction (RFC 3261 section 17.1), valid until its
/// [`TxnEvent::Terminated`]; a stale handle never reaches a newer transaction.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct ClientTxnId(pub(crate) Handle);

/// Handle of a server transaction (RFC 3261 section 17.2), valid until its
/// [`TxnEvent::Terminated`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct ServerTxnId(pub(crate) Handle);

/// Either kind of transaction handle.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum TxnId {
    /// A client transaction (RFC 3261 section 17.1).
    Client(ClientTxnId),
    /// A server transaction (RFC 3261 section 17.2).
    Server(ServerTxnId),
}

impl From<ClientTxnId> for TxnId {
    fn from(id: ClientTxnId) -> Self {
        Self::Client(id)
    }
}

impl From<ServerTxnId> for TxnId {
    fn from(id: ServerTxnId) -> Self {
        Self::Server(id)
    }
}

/// An input to [`crate::TxnLayer::handle_input`].
// The shape is part of the API contract; an input is moved once, so the
// size difference does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Input {
    /// A message received by the transport (RFC 3261 section 18.1.2 / 18.2.1).
    Receive(Received),
    /// The clock reached this instant: fire the timers due (calling early
    /// is a harmless no-op).
    Timeout(Instant),
}

/// A message as received from the transport, with where it came from.
#[derive(Debug, Clone)]
pub struct Received {
    /// When it was received.
    pub now: Instant,
    /// The transport it arrived on.
    pub transport: Transport,
    /// The source address (RFC 3261 section 18.2.1: `received` / `rport`).
    pub from: SocketAddr,
    /// The local address it arrived at.
    pub local: SocketAddr,
    /// The parsed message.
    pub msg: Message,
}

/// Where a request goes: the transport and the resolved next-hop address
/// (RFC 3263 resolution is the caller's job).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target {
    /// Transport to send on.
    pub transport: Transport,
    /// Destination address.
    pub addr: SocketAddr,
}

/// Bytes to send (RFC 3261 section 18.1.1 / 18.2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// Transport to send on.
    pub transport: Transport,
    /// Destination address.
    pub destination: SocketAddr,
    /// The encoded message; retransmissions reuse the same buffer.
    pub bytes: Bytes,
}

/// An output of [`crate::TxnLayer::poll_output`].
#[derive(Debug, Clone)]
pub enum Output {
    /// Send these bytes.
    Transmit(Transmit),
    /// Tell the transaction user.
    Event(TxnEvent),
    /// Nothing queued; call `handle_input(Input::Timeout(at))` at this
    /// instant (or earlier, when other input arrives).
    Timeout(Instant),
    /// Nothing queued and no timer armed.
    Idle,
}

/// What the transaction layer tells its user (the TU: a UA core or
/// dialog layer). Events own their data and are `Send`.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub enum TxnEvent {
    /// A request that matched no transaction (RFC 3261 section 17.2.3): a
    /// server transaction `id` was created and the TU MUST answer it with
    /// [`crate::TxnLayer::send_response`] (RFC 3261 section 8.2); a
    /// transaction left unanswered lives until it is answered.
    NewRequest {
        /// The new server transaction.
        id: ServerTxnId,
        /// The request.
        request: Received,
        /// For a CANCEL: the INVITE server transaction it matches
        /// (RFC 3261 section 9.2), if one is live. The TU answers the
        /// CANCEL (200, or 481 when `None`) and the INVITE (487).
        cancels: Option<ServerTxnId>,
    },
    /// An ACK that matched no transaction, or an ACK matching an INVITE
    /// server transaction in the Accepted state (RFC 6026 section 8.7):
    /// the ACK for a 2xx, for the dialog layer.
    Ack {
        /// The ACK.
        request: Received,
    },
    /// A provisional or final response of client transaction `id`
    /// (RFC 3261 sections 17.1.1.2 and 17.1.2.2).
    Response {
        /// The client transaction.
        id: ClientTxnId,
        /// The response.
        response: Message,
        /// True for a 2xx whose To tag was already passed up for this
        /// transaction (a retransmission absorbed in the RFC 6026 Accepted
        /// state: the dialog layer re-sends its ACK). A 2xx with a new To
        /// tag (a forked answer) has `false`.
        retransmission: bool,
    },
    /// A response that matched no client transaction (RFC 3261 section
    /// 17.1.3), e.g. a 2xx retransmission after the INVITE transaction
    /// ended: the dialog layer re-ACKs it or drops it.
    StrayResponse {
        /// The response.
        response: Received,
    },
    /// Timer B, F or H fired (RFC 3261 sections 17.1.1.2, 17.1.2.2,
    /// 17.2.1): no response (client) or no ACK (server). A `Terminated`
    /// follows.
    Timeout {
        /// The transaction.
        id: TxnId,
    },
    /// The transport reported a failure for this transaction's destination
    /// (RFC 3261 sections 17.1.4 and 17.2.4). A `Terminated` follows.
    TransportError {
        /// The transaction.
        id: TxnId,
    },
    /// The transaction reached the Terminated state and is gone; its id is
    /// no longer valid. Every transaction ends with exactly one of these.
    Terminated {
        /// The transaction.
        id: TxnId,
    },
}
