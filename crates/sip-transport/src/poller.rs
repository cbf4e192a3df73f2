//! The event loop: a `mio::Poll` that owns the listeners and connections
//! and turns readiness into [`TransportEvent`]s (RFC 3261 section 18).

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mio::{Events, Interest, Token};
use sip_parser::Transport;

use crate::config::TransportConfig;
use crate::connection::Connection;
use crate::error::TransportError;
use crate::event::{ListenerId, TransportEvent, TransportStats};
use crate::route_local::{listener_addr_for, same_family};

/// The token of the waker.
const WAKER: Token = Token(0);
/// Size of the receive buffer: the largest UDP datagram (RFC 3261 section 18.1.1).
pub(crate) const RECV_BUF: usize = 65_536;

/// A UDP listening socket.
#[derive(Debug)]
pub(crate) struct UdpListener {
    pub(crate) token: Token,
    pub(crate) socket: mio::net::UdpSocket,
    pub(crate) local: SocketAddr,
}

/// A TCP listening socket.
#[derive(Debug)]
pub(crate) struct TcpListener {
    pub(crate) token: Token,
    pub(crate) listener: mio::net::TcpListener,
    pub(crate) local: SocketAddr,
}

/// The SIP transport: UDP and TCP listeners, TCP connections, one
/// `mio::Poll` (RFC 3261 section 18).
///
/// # Call order
///
/// - setup: [`Poller::new`], [`Poller::listen`] (any number, UDP or TCP,
///   IPv4 or IPv6, port 0 for an ephemeral port), [`Poller::waker`];
/// - getters: [`Poller::local_addrs`], [`Poller::local_addr_for`],
///   [`Poller::connection_count`], [`Poller::stats`];
/// - commands: [`Poller::send`], [`Poller::send_request`] (RFC 3261
///   section 18.1.1 size rule), [`Poller::send_response`] (section
///   18.2.2 routing);
/// - input: [`Poller::poll`] waits for I/O and reads, then
///   [`Poller::handle_timeout`] closes idle connections;
/// - output: [`Poller::poll_event`] until `None`, then
///   [`Poller::poll_timeout`] for the next deadline.
///
/// To drive it from another event loop, register the poller's own file
/// descriptor ([`std::os::fd::AsRawFd`]) for readability there and call
/// `poll(Some(Duration::ZERO))` when it fires.
#[derive(Debug)]
pub struct Poller {
    pub(crate) config: TransportConfig,
    pub(crate) poll: mio::Poll,
    events: Events,
    waker: Arc<mio::Waker>,
    next_token: usize,
    pub(crate) udp: Vec<UdpListener>,
    pub(crate) tcp_listeners: Vec<TcpListener>,
    pub(crate) conns: HashMap<Token, Connection>,
    pub(crate) by_remote: HashMap<(Transport, SocketAddr), Token>,
    /// `(deadline, token)` of every connection (see `Connection::idle_key`).
    pub(crate) idle: BTreeSet<(Instant, Token)>,
    /// Sockets whose read budget ran out: served first by the next poll.
    pending_read: Vec<Token>,
    /// The UDP listener that last received from each remote, so that
    /// what goes back leaves from it (RFC 3581 section 4); bounded by
    /// `udp::MAX_UDP_PEERS`.
    pub(crate) udp_peers: HashMap<SocketAddr, Token>,
    pub(crate) out: VecDeque<TransportEvent>,
    pub(crate) buf: Vec<u8>,
    pub(crate) stats: TransportStats,
}

impl Poller {
    /// A poller with no listeners (RFC 3261 section 18).
    ///
    /// # Errors
    ///
    /// When the system cannot create the poll instance or the waker.
    pub fn new(config: TransportConfig) -> Result<Self, TransportError> {
        let poll = mio::Poll::new().map_err(TransportError::io("create poll", None))?;
        let waker = mio::Waker::new(poll.registry(), WAKER)
            .map_err(TransportError::io("create waker", None))?;
        Ok(Self {
            config,
            poll,
            events: Events::with_capacity(256),
            waker: Arc::new(waker),
            next_token: 1,
            udp: Vec::new(),
            tcp_listeners: Vec::new(),
            conns: HashMap::new(),
            by_remote: HashMap::new(),
            idle: BTreeSet::new(),
            pending_read: Vec::new(),
            udp_peers: HashMap::new(),
            out: VecDeque::new(),
            buf: vec![0; RECV_BUF],
            stats: TransportStats::default(),
        })
    }

    pub(crate) fn token(&mut self) -> Token {
        self.next_token += 1;
        Token(self.next_token)
    }

    /// Listens on `addr` (port 0 picks an ephemeral port) with UDP or TCP
    /// (RFC 3261 section 18.2.1: a server listens on both); returns the
    /// listener and its bound address.
    ///
    /// # Errors
    ///
    /// [`TransportError::Unsupported`] for TLS, SCTP, WS and WSS (TLS is a
    /// later addition); [`TransportError::Io`] when binding fails.
    pub fn listen(
        &mut self,
        transport: Transport,
        addr: SocketAddr,
    ) -> Result<(ListenerId, SocketAddr), TransportError> {
        let token = self.token();
        let bound = match transport {
            Transport::Udp => {
                let socket = crate::socket::udp(addr, &self.config)
                    .map_err(TransportError::io("bind UDP", Some(addr)))?;
                self.add_udp(token, socket, addr)?
            }
            Transport::Tcp => {
                let mut listener = crate::socket::tcp_listener(addr, &self.config)
                    .map_err(TransportError::io("listen TCP", Some(addr)))?;
                let local = listener
                    .local_addr()
                    .map_err(TransportError::io("local_addr", Some(addr)))?;
                self.poll
                    .registry()
                    .register(&mut listener, token, Interest::READABLE)
                    .map_err(TransportError::io("register", Some(addr)))?;
                self.tcp_listeners.push(TcpListener {
                    token,
                    listener,
                    local,
                });
                local
            }
            other => return Err(TransportError::Unsupported(other)),
        };
        tracing::debug!(%transport, %bound, "listening");
        Ok((ListenerId(token.0), bound))
    }

    /// Adopts an already bound UDP socket (eXosip `eXosip_set_socket`); it
    /// is made non-blocking.
    ///
    /// # Errors
    ///
    /// [`TransportError::Io`] when the socket cannot be set up.
    pub fn listen_udp_socket(
        &mut self,
        socket: std::net::UdpSocket,
    ) -> Result<(ListenerId, SocketAddr), TransportError> {
        socket
            .set_nonblocking(true)
            .map_err(TransportError::io("set_nonblocking", None))?;
        let local = socket
            .local_addr()
            .map_err(TransportError::io("local_addr", None))?;
        let token = self.token();
        let bound = self.add_udp(token, mio::net::UdpSocket::from_std(socket), local)?;
        Ok((ListenerId(token.0), bound))
    }

    fn add_udp(
        &mut self,
        token: Token,
        mut socket: mio::net::UdpSocket,
        addr: SocketAddr,
    ) -> Result<SocketAddr, TransportError> {
        let local = socket
            .local_addr()
            .map_err(TransportError::io("local_addr", Some(addr)))?;
        self.poll
            .registry()
            .register(&mut socket, token, Interest::READABLE)
            .map_err(TransportError::io("register", Some(addr)))?;
        self.udp.push(UdpListener {
            token,
            socket,
            local,
        });
        // Datagrams may already be waiting (a pre-bound socket).
        self.pending_read.push(token);
        Ok(local)
    }

    /// Stops a listener. Connections it accepted stay open.
    ///
    /// # Errors
    ///
    /// [`TransportError::UnknownListener`] when no listener has that id.
    pub fn close_listener(&mut self, id: ListenerId) -> Result<(), TransportError> {
        let token = Token(id.0);
        if let Some(i) = self.udp.iter().position(|l| l.token == token) {
            let mut l = self.udp.swap_remove(i);
            let _ = self.poll.registry().deregister(&mut l.socket);
        } else if let Some(i) = self.tcp_listeners.iter().position(|l| l.token == token) {
            let mut l = self.tcp_listeners.swap_remove(i);
            let _ = self.poll.registry().deregister(&mut l.listener);
        } else {
            return Err(TransportError::UnknownListener);
        }
        self.pending_read.retain(|t| *t != token);
        self.udp_peers.retain(|_, t| *t != token);
        Ok(())
    }

    /// A waker that makes a blocked [`Poller::poll`] return, from any
    /// thread (eXosip `eXosip_wakeup_event`).
    pub fn waker(&self) -> Arc<mio::Waker> {
        Arc::clone(&self.waker)
    }

    /// Waits up to `timeout` (forever if `None`) for I/O, then reads what is
    /// readable (up to [`TransportConfig::read_budget`] units per socket;
    /// the rest is read by the next call, which then does not block),
    /// accepts connections and writes queued bytes. Results come out of
    /// [`Poller::poll_event`]. `now` is read once, after the wait.
    ///
    /// # Errors
    ///
    /// Only when the system poll itself fails (an interrupted wait is not
    /// an error).
    pub fn poll(&mut self, timeout: Option<Duration>) -> Result<(), TransportError> {
        let timeout = if self.pending_read.is_empty() {
            timeout
        } else {
            Some(Duration::ZERO)
        };
        match self.poll.poll(&mut self.events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(TransportError::io("poll", None)(e)),
        }
        let now = Instant::now();
        let mut ready: Vec<(Token, bool, bool)> = self
            .events
            .iter()
            .map(|e| {
                (
                    e.token(),
                    e.is_readable() || e.is_read_closed() || e.is_error(),
                    e.is_writable() || e.is_write_closed(),
                )
            })
            .collect();
        for t in std::mem::take(&mut self.pending_read) {
            ready.push((t, true, false));
        }
        for (token, readable, writable) in ready {
            if token == WAKER {
                continue;
            }
            self.dispatch(now, token, readable, writable);
        }
        Ok(())
    }

    fn dispatch(&mut self, now: Instant, token: Token, readable: bool, writable: bool) {
        if let Some(i) = self.udp.iter().position(|l| l.token == token) {
            if readable && !self.read_udp(now, i) {
                self.pending_read.push(token);
            }
        } else if let Some(i) = self.tcp_listeners.iter().position(|l| l.token == token) {
            if !self.accept(now, i) {
                self.pending_read.push(token);
            }
        } else if self.conns.contains_key(&token)
            && !self.connection_ready(now, token, readable, writable)
        {
            self.pending_read.push(token);
        }
    }

    /// The next event, `None` when there are no more.
    pub fn poll_event(&mut self) -> Option<TransportEvent> {
        self.out.pop_front()
    }

    /// The local address a message to `destination` over `transport` would
    /// come from, for Via sent-by and Contact (eXosip
    /// `eXosip_guess_localip`, RFC 3261 section 18.1.1): the matching
    /// listener's address, its unspecified IP replaced by the routed local
    /// IP. `None` without a listener of that transport and address family.
    pub fn local_addr_for(
        &self,
        transport: Transport,
        destination: SocketAddr,
    ) -> Option<SocketAddr> {
        let listener = self
            .local_addrs()
            .into_iter()
            .find(|(t, a)| *t == transport && same_family(*a, destination))?
            .1;
        listener_addr_for(listener, destination)
    }

    /// Every listener's transport and bound address.
    pub fn local_addrs(&self) -> Vec<(Transport, SocketAddr)> {
        let udp = self.udp.iter().map(|l| (Transport::Udp, l.local));
        udp.chain(self.tcp_listeners.iter().map(|l| (Transport::Tcp, l.local)))
            .collect()
    }

    /// Open TCP connections (connecting, incoming and outgoing).
    pub fn connection_count(&self) -> usize {
        self.conns.len()
    }

    /// Whether a connection to `remote` over `transport` is open (RFC 3261
    /// section 18.2.2 reuse).
    pub fn has_connection(&self, transport: Transport, remote: SocketAddr) -> bool {
        self.by_remote.contains_key(&(transport, remote))
    }

    /// Counters of received, dropped and closed.
    pub fn stats(&self) -> TransportStats {
        self.stats
    }

    /// Closes idle connections whose deadline passed (no read or write for
    /// [`TransportConfig::idle_timeout`]). A connect that did not complete
    /// in that time, or bytes that could not be written, are reported as a
    /// `TimedOut` [`TransportEvent::Error`]. May be called early: nothing
    /// happens then. Costs O(log n) per connection looked at.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(&(deadline, token)) = self.idle.first() {
            if deadline > now {
                break;
            }
            if !self.refresh_idle(token) {
                tracing::debug!(?token, "idle timeout");
                self.stats.tcp_idle_closed += 1;
                self.close_unfinished(
                    token,
                    io::ErrorKind::TimedOut,
                    "idle timeout with sends pending",
                );
            }
        }
    }

    /// The earliest idle deadline; it may be early (activity is recorded
    /// lazily), in which case [`Poller::handle_timeout`] just files it
    /// again.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.idle.first().map(|(d, _)| *d)
    }
}

#[cfg(unix)]
impl std::os::fd::AsRawFd for Poller {
    /// The poll instance's descriptor: readable when an event is waiting,
    /// for nesting this poller in another event loop.
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.poll.as_raw_fd()
    }
}
