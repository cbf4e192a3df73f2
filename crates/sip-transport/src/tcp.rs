//! TCP: accepting, connecting, reading frames and writing queues
//! (RFC 3261 section 18.1.1, 18.2.2, 18.3; RFC 5626 section 4.4.1).
//!
//! Connections are keyed by `(transport, remote address)`, so a message to
//! a remote reuses the connection it came from or that was opened to it.
//! When opening or accepting one more connection would exceed
//! [`TransportConfig::max_connections`](crate::TransportConfig::max_connections),
//! the least recently active connection is closed first (LRU eviction: a
//! flood of new connections cannot lock out new traffic, and an active
//! connection outlives idle ones).

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use mio::{Interest, Token};
use sip_parser::{Frame, Transport};

use crate::connection::{ConnState, Connection, ReadOutcome};
use crate::event::TransportEvent;
use crate::poller::Poller;

/// The CRLF pong that answers a CRLFCRLF ping (RFC 5626 section 4.4.1).
const PONG: &[u8] = b"\r\n";

impl Poller {
    /// Accepts pending connections on TCP listener `i`; returns whether the
    /// backlog was drained within the budget.
    pub(crate) fn accept(&mut self, now: Instant, i: usize) -> bool {
        for _ in 0..self.config.read_budget.max(1) {
            let Some(l) = self.tcp_listeners.get(i) else {
                return true;
            };
            match l.listener.accept() {
                Ok((stream, remote)) => {
                    self.stats.tcp_accepted += 1;
                    if let Err(e) = crate::socket::stream_options(&stream, remote, &self.config) {
                        tracing::debug!(%e, %remote, "stream options");
                    }
                    let local = stream.local_addr().unwrap_or(l.local);
                    self.add_connection(now, stream, remote, local, ConnState::Open);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
                // A connection reset before it was accepted: the next one
                // may already wait (the poll is edge-triggered).
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::Interrupted | io::ErrorKind::ConnectionAborted
                    ) => {}
                Err(e) => {
                    // EMFILE and the like: keep the listener, try later.
                    tracing::warn!(%e, "accept failed");
                    return true;
                }
            }
        }
        false
    }

    /// Registers a new connection, evicting the least recently active one
    /// when the cap is reached. Returns its token, `None` if the cap is 0.
    fn add_connection(
        &mut self,
        now: Instant,
        mut stream: mio::net::TcpStream,
        remote: SocketAddr,
        local: SocketAddr,
        state: ConnState,
    ) -> Option<Token> {
        if self.config.max_connections == 0 {
            return None;
        }
        while self.conns.len() >= self.config.max_connections {
            let Some(victim) = self.least_recently_active() else {
                break;
            };
            tracing::debug!(
                ?victim,
                "connection cap reached: closing the least recently active"
            );
            self.stats.tcp_evicted += 1;
            self.close_unfinished(
                victim,
                io::ErrorKind::ConnectionAborted,
                "closed by the connection cap",
            );
        }
        let token = self.token();
        let mut interest = Interest::READABLE;
        if state == ConnState::Connecting {
            interest |= Interest::WRITABLE;
        }
        if let Err(e) = self.poll.registry().register(&mut stream, token, interest) {
            self.report(Transport::Tcp, remote, e);
            return None;
        }
        let deadline = now + self.config.idle_timeout;
        let conn = Connection::new(
            stream,
            remote,
            local,
            state,
            self.config.parser.clone(),
            now,
            deadline,
        );
        self.idle.insert((deadline, token));
        // A newer connection to the same remote takes over new sends.
        self.by_remote.insert((conn.transport, remote), token);
        self.conns.insert(token, conn);
        Some(token)
    }

    /// Sends on the connection to `destination`, opening one if needed.
    /// `udp_original` is the UDP form of a request moved here by size,
    /// resent over UDP if the connect fails (RFC 3261 section 18.1.1).
    pub(crate) fn send_tcp(
        &mut self,
        now: Instant,
        destination: SocketAddr,
        bytes: Bytes,
        udp_original: Option<Bytes>,
    ) {
        let token = match self.by_remote.get(&(Transport::Tcp, destination)) {
            Some(t) => *t,
            None => match mio::net::TcpStream::connect(destination) {
                Ok(stream) => {
                    self.stats.tcp_connected += 1;
                    if let Err(e) =
                        crate::socket::stream_options(&stream, destination, &self.config)
                    {
                        tracing::debug!(%e, %destination, "stream options");
                    }
                    let unspecified = SocketAddr::new(
                        if destination.is_ipv4() {
                            std::net::Ipv4Addr::UNSPECIFIED.into()
                        } else {
                            std::net::Ipv6Addr::UNSPECIFIED.into()
                        },
                        0,
                    );
                    match self.add_connection(
                        now,
                        stream,
                        destination,
                        unspecified,
                        ConnState::Connecting,
                    ) {
                        Some(t) => t,
                        None => {
                            return self.connect_failed(
                                destination,
                                udp_original,
                                io::Error::other("connection limit is 0"),
                            );
                        }
                    }
                }
                Err(e) => return self.connect_failed(destination, udp_original, e),
            },
        };
        let max = self.config.max_write_queue;
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        let connecting = conn.state == ConnState::Connecting;
        match udp_original {
            Some(original) if connecting => conn.udp_fallback.push(original),
            _ => conn.has_tcp_only = true,
        }
        let result = conn.send(bytes, max, now);
        self.after_write(token, result);
    }

    fn connect_failed(
        &mut self,
        destination: SocketAddr,
        udp_original: Option<Bytes>,
        error: io::Error,
    ) {
        match udp_original {
            Some(original) => self.send_udp(destination, &original),
            None => self.report(Transport::Tcp, destination, error),
        }
    }

    /// Updates WRITABLE interest after a write, or closes on failure.
    fn after_write(&mut self, token: Token, result: io::Result<()>) {
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        if let Err(e) = result {
            let remote = conn.remote;
            self.close(token);
            self.report(Transport::Tcp, remote, e);
            return;
        }
        let want = conn.queued() > 0 || conn.state == ConnState::Connecting;
        if want != conn.writable_interest {
            let interest = if want {
                Interest::READABLE | Interest::WRITABLE
            } else {
                Interest::READABLE
            };
            conn.writable_interest = want;
            if let Err(e) = self
                .poll
                .registry()
                .reregister(&mut conn.stream, token, interest)
            {
                tracing::debug!(%e, "reregister");
            }
        }
    }

    /// Handles readiness of a connection; returns false when its read
    /// budget ran out with data left.
    pub(crate) fn connection_ready(
        &mut self,
        now: Instant,
        token: Token,
        readable: bool,
        writable: bool,
    ) -> bool {
        let Some(conn) = self.conns.get_mut(&token) else {
            return true;
        };
        if conn.state == ConnState::Connecting {
            match conn.check_connect() {
                Ok(true) => {
                    conn.udp_fallback.clear();
                    conn.last_activity = now;
                    let result = conn.flush(now);
                    self.after_write(token, result);
                }
                Ok(false) => return true,
                Err(e) => {
                    self.connection_refused(token, e);
                    return true;
                }
            }
        } else if writable {
            let result = conn.flush(now);
            self.after_write(token, result);
        }
        if readable {
            self.read_connection(now, token)
        } else {
            true
        }
    }

    /// An outgoing connect failed: requests moved from UDP by size go over
    /// UDP after all (RFC 3261 section 18.1.1); anything else queued is
    /// reported as a transport error.
    fn connection_refused(&mut self, token: Token, error: io::Error) {
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        let remote = conn.remote;
        let fallback = std::mem::take(&mut conn.udp_fallback);
        let report = conn.has_tcp_only || fallback.is_empty();
        self.close(token);
        for original in fallback {
            self.send_udp(remote, &original);
        }
        if report {
            self.report(Transport::Tcp, remote, error);
        }
    }

    /// Reads and frames what the connection has (up to the budget).
    fn read_connection(&mut self, now: Instant, token: Token) -> bool {
        for _ in 0..self.config.read_budget.max(1) {
            let Some(conn) = self.conns.get_mut(&token) else {
                return true;
            };
            match conn.read_once(&mut self.buf, now) {
                Ok(ReadOutcome::Data) => {
                    if !self.drain_frames(now, token) {
                        return true;
                    }
                }
                Ok(ReadOutcome::WouldBlock) => {
                    // Only the side that sends pings gets pongs: on an
                    // accepted connection a lone CRLF may be half a ping
                    // split across reads, so it waits for more.
                    if conn.outgoing && conn.take_idle_pong() {
                        self.out
                            .push_back(TransportEvent::KeepAlivePong { from: conn.remote });
                    }
                    return true;
                }
                Ok(ReadOutcome::Eof) => {
                    // A lone CRLF left at the end is a pong (outgoing side)
                    // or the CRLF RFC 3261 section 7.5 allows after a
                    // message, not half a message (RFC 5626 section 4.4.1).
                    if conn.take_idle_pong() && conn.outgoing {
                        self.out
                            .push_back(TransportEvent::KeepAlivePong { from: conn.remote });
                    }
                    let (remote, partial, queued) = (conn.remote, conn.partial(), conn.queued());
                    self.close(token);
                    // Half a message received, or bytes of ours still
                    // queued that will never leave: the transactions
                    // waiting on this peer must hear of it now rather
                    // than at Timer B / F.
                    let why = if partial > 0 {
                        Some("connection closed mid-message")
                    } else if queued > 0 {
                        Some("connection closed with unsent data")
                    } else {
                        None
                    };
                    if let Some(why) = why {
                        let e = io::Error::new(io::ErrorKind::UnexpectedEof, why);
                        self.report(Transport::Tcp, remote, e);
                    }
                    return true;
                }
                Err(e) => {
                    let remote = conn.remote;
                    self.close(token);
                    self.report(Transport::Tcp, remote, e);
                    return true;
                }
            }
        }
        false
    }

    /// Takes every whole frame out of the connection's framer; returns
    /// false if the connection was closed (bad stream or write failure).
    fn drain_frames(&mut self, now: Instant, token: Token) -> bool {
        loop {
            let Some(conn) = self.conns.get_mut(&token) else {
                return false;
            };
            let (remote, local, transport) = (conn.remote, conn.local, conn.transport);
            match conn.next_frame() {
                Ok(None) => return true,
                Ok(Some(Frame::Message(msg))) => {
                    self.stats.tcp_received += 1;
                    self.deliver(now, transport, remote, local, msg);
                }
                Ok(Some(Frame::Ping)) => {
                    self.stats.pings_answered += 1;
                    let max = self.config.max_write_queue;
                    let result = conn.send(Bytes::from_static(PONG), max, now);
                    self.after_write(token, result);
                }
                Ok(Some(Frame::Pong)) => {
                    // On an accepted connection a single CRLF is the one
                    // RFC 3261 section 7.5 lets precede a message.
                    if self.conns.get(&token).is_some_and(|c| c.outgoing) {
                        self.out
                            .push_back(TransportEvent::KeepAlivePong { from: remote });
                    }
                }
                Err(error) => {
                    tracing::debug!(%remote, %error, "bad stream: closing the connection");
                    self.stats.tcp_bad += 1;
                    self.close(token);
                    self.out.push_back(TransportEvent::BadMessage {
                        now,
                        transport,
                        from: remote,
                        local,
                        error,
                        reply_400: None,
                    });
                    let e = io::Error::new(io::ErrorKind::InvalidData, error);
                    self.report(transport, remote, e);
                    return false;
                }
            }
        }
    }

    /// Closes a connection and forgets it everywhere.
    pub(crate) fn close(&mut self, token: Token) {
        let Some(mut conn) = self.conns.remove(&token) else {
            return;
        };
        let _ = self.poll.registry().deregister(&mut conn.stream);
        self.idle.remove(&(conn.idle_key, token));
        let key = (conn.transport, conn.remote);
        if self.by_remote.get(&key) == Some(&token) {
            self.by_remote.remove(&key);
        }
    }

    /// Closes a connection on a local decision (idle timeout, cap); when it
    /// was still connecting or had bytes queued, those sends failed and an
    /// `Error` of `kind` is reported for its remote.
    pub(crate) fn close_unfinished(
        &mut self,
        token: Token,
        kind: io::ErrorKind,
        why: &'static str,
    ) {
        let Some(conn) = self.conns.get(&token) else {
            return;
        };
        let unfinished = conn.state == ConnState::Connecting || conn.queued() > 0;
        let (transport, remote) = (conn.transport, conn.remote);
        self.close(token);
        if unfinished {
            self.report(transport, remote, io::Error::new(kind, why));
        }
    }

    /// Closes the connection to `remote`, if any (e.g. a flow the UA no
    /// longer needs). Returns whether one was open.
    pub fn close_connection(&mut self, transport: Transport, remote: SocketAddr) -> bool {
        match self.by_remote.get(&(transport, remote)) {
            Some(&t) => {
                self.close(t);
                true
            }
            None => false,
        }
    }

    /// If the connection at the idle set's head was active since it was
    /// filed, files it again under its real deadline and returns true;
    /// false when its deadline is real (it is idle since `idle_key`).
    pub(crate) fn refresh_idle(&mut self, token: Token) -> bool {
        let Some(conn) = self.conns.get_mut(&token) else {
            self.idle.retain(|(_, t)| *t != token);
            return true;
        };
        let real = conn.last_activity + self.config.idle_timeout;
        if real <= conn.idle_key {
            return false;
        }
        self.idle.remove(&(conn.idle_key, token));
        conn.idle_key = real;
        self.idle.insert((real, token));
        true
    }

    /// The connection idle the longest, refreshing stale entries first.
    fn least_recently_active(&mut self) -> Option<Token> {
        for _ in 0..=self.conns.len() {
            let &(_, token) = self.idle.first()?;
            if !self.refresh_idle(token) {
                return Some(token);
            }
        }
        self.idle.first().map(|(_, t)| *t)
    }
}
