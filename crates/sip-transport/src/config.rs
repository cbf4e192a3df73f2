//! Transport settings (RFC 3261 section 18; socket options of eXosip's
//! `eXosip_set_option`).

use std::time::Duration;

use sip_parser::ParserConfig;

/// Settings of a [`Poller`](crate::Poller).
///
/// Every limit bounds memory or time: a peer that exceeds one loses its own
/// connection (or datagram), never the others.
#[derive(Debug, Clone)]
pub struct TransportConfig {
    /// Size above which a request meant for UDP goes over TCP instead
    /// (RFC 3261 section 18.1.1: 1300 bytes when the path MTU is unknown).
    /// Applied by [`Poller::send_request`](crate::Poller::send_request).
    pub mtu_threshold: usize,
    /// Most TCP connections open at once (incoming and outgoing together).
    /// When a new one would exceed it, the least recently active connection
    /// is closed first. Default 1024.
    pub max_connections: usize,
    /// A TCP connection with no traffic for this long is closed by
    /// [`Poller::handle_timeout`](crate::Poller::handle_timeout). Default
    /// 300 s (RFC 5626 section 4.4.1 keep-alives, every ~120 s, keep a
    /// flow open).
    pub idle_timeout: Duration,
    /// Most bytes queued for one connection that the kernel would not take
    /// yet; beyond it the connection is closed and an
    /// [`Error`](crate::TransportEvent::Error) reported. Default 1 MiB.
    pub max_write_queue: usize,
    /// Limits of the message parser and the TCP framer (RFC 3261 section
    /// 18.3); `max_message_size` is the oversized-message limit.
    pub parser: ParserConfig,
    /// `SO_RCVBUF` for new sockets; `None` keeps the system default.
    pub recv_buffer: Option<usize>,
    /// `SO_SNDBUF` for new sockets; `None` keeps the system default.
    pub send_buffer: Option<usize>,
    /// DSCP code point (0..=63) for outgoing packets: `IP_TOS` on IPv4,
    /// `IPV6_TCLASS` on IPv6 (eXosip `EXOSIP_OPT_SET_DSCP`, RFC 2474).
    pub dscp: Option<u8>,
    /// Add `received` and fill `rport` in the top Via of received requests
    /// (RFC 3261 section 18.2.1, RFC 3581 section 4). Default true.
    pub fill_received: bool,
    /// `SO_REUSEADDR` on listeners. Default true.
    pub reuse_addr: bool,
    /// `IPV6_V6ONLY` on IPv6 listeners: true keeps IPv4 out of an IPv6
    /// socket. Default true.
    pub ipv6_only: bool,
    /// Fairness budget: most datagrams (UDP) or 64 KiB reads (TCP) taken
    /// from one socket in one [`Poller::poll`](crate::Poller::poll) call; a
    /// socket with more waiting is served again on the next call, which
    /// then does not block. Default 256.
    pub read_budget: usize,
}

impl Default for TransportConfig {
    fn default() -> Self {
        Self {
            mtu_threshold: 1300,
            max_connections: 1024,
            idle_timeout: Duration::from_secs(300),
            max_write_queue: 1 << 20,
            parser: ParserConfig::default(),
            recv_buffer: None,
            send_buffer: None,
            dscp: None,
            fill_received: true,
            reuse_addr: true,
            ipv6_only: true,
            read_budget: 256,
        }
    }
}
