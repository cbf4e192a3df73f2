//! What the transport hands up: received messages, bad input, transport
//! failures (RFC 3261 section 18.1.2, 18.2.1, 18.4).

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use sip_parser::{Message, ParseError, Transport};

/// A listening socket of a [`Poller`](crate::Poller) (RFC 3261 section
/// 18.2.1: a server listens on UDP and TCP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ListenerId(pub(crate) usize);

/// One output of [`Poller::poll_event`](crate::Poller::poll_event).
///
/// Events own their data and are `Send`.
#[non_exhaustive]
#[derive(Debug)]
pub enum TransportEvent {
    /// A whole message arrived (RFC 3261 section 18.1.2 and 18.2.1). A
    /// request already carries `received` / `rport` in its top Via when
    /// [`TransportConfig::fill_received`](crate::TransportConfig::fill_received)
    /// is set (RFC 3581 section 4).
    Received {
        /// When the poll that read it woke up.
        now: Instant,
        /// UDP or TCP.
        transport: Transport,
        /// The peer's address: where a response goes back to on a reliable
        /// transport (RFC 3261 section 18.2.2).
        from: SocketAddr,
        /// The local address: a UDP listener's bound address (its IP may be
        /// unspecified), or the TCP connection's own address.
        local: SocketAddr,
        /// The message.
        msg: Message,
    },
    /// Bytes that are not a SIP message (RFC 3261 section 18.3: a bad
    /// datagram is dropped; a bad stream closes its connection).
    BadMessage {
        /// When the poll that read it woke up.
        now: Instant,
        /// UDP or TCP.
        transport: Transport,
        /// The peer's address.
        from: SocketAddr,
        /// The local address (as in `Received`).
        local: SocketAddr,
        /// Why the bytes do not parse.
        error: ParseError,
        /// For a UDP datagram whose request line and top Via could be read
        /// (and which is not an ACK): a ready 400 response (505 for a bad
        /// SIP version, RFC 3261 section 8.2.2), with Via (received/rport
        /// filled), From, To, Call-ID and CSeq copied when readable. Send it
        /// with [`Poller::send_response`](crate::Poller::send_response)
        /// after parsing it, or to
        /// [`response_destination`](crate::response_destination).
        reply_400: Option<Bytes>,
    },
    /// A transport failure concerning `destination`: connection refused,
    /// reset, unreachable, closed mid-message, write queue overflow
    /// (RFC 3261 section 18.4: the transaction layer treats it as a
    /// transport error, section 17.1.4).
    Error {
        /// The transport of the failed send or connection.
        transport: Transport,
        /// The remote address concerned.
        destination: SocketAddr,
        /// The system error (or `Other` with a message for a local limit).
        error: io::Error,
    },
    /// A single CRLF pong arrived on a connection (RFC 5626 section 4.4.1).
    KeepAlivePong {
        /// The peer's address.
        from: SocketAddr,
    },
}

/// Counters of what was dropped or done, for logs and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransportStats {
    /// Datagrams received.
    pub udp_received: u64,
    /// Datagrams dropped because they did not parse.
    pub udp_bad: u64,
    /// Datagrams that could not be sent (buffer full, unreachable).
    pub udp_send_failed: u64,
    /// Messages received on TCP connections.
    pub tcp_received: u64,
    /// Connections closed because of garbage or an oversized message.
    pub tcp_bad: u64,
    /// Connections accepted.
    pub tcp_accepted: u64,
    /// Outgoing connections started.
    pub tcp_connected: u64,
    /// Connections closed by the idle timeout.
    pub tcp_idle_closed: u64,
    /// Connections closed to stay under `max_connections`.
    pub tcp_evicted: u64,
    /// CRLFCRLF pings answered with a CRLF pong.
    pub pings_answered: u64,
    /// Requests moved from UDP to TCP by size (RFC 3261 section 18.1.1).
    pub mtu_switched: u64,
}
