//! One TCP connection: the stream, its framer (RFC 3261 section 18.3) and
//! its write queue.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use mio::net::TcpStream;
use sip_parser::{Frame, Framer, ParseError, ParserConfig, Transport};

/// Connection state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConnState {
    /// An outgoing connect in progress: writes are queued.
    Connecting,
    /// Connected (or accepted).
    Open,
}

/// What one read did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadOutcome {
    /// Bytes were read and pushed into the framer.
    Data,
    /// The peer closed its side.
    Eof,
    /// Nothing more to read now.
    WouldBlock,
}

/// A TCP connection with its framer and write queue.
#[derive(Debug)]
pub(crate) struct Connection {
    pub(crate) stream: TcpStream,
    pub(crate) transport: Transport,
    pub(crate) remote: SocketAddr,
    /// Our side's address (the unspecified address until connected).
    pub(crate) local: SocketAddr,
    pub(crate) state: ConnState,
    /// Opened by us: the flow's client side, which sends pings and gets
    /// pongs (RFC 5626 section 4.4.1); an accepted connection gets pings.
    pub(crate) outgoing: bool,
    framer: Framer,
    queue: VecDeque<Bytes>,
    queued: usize,
    /// Last read or write.
    pub(crate) last_activity: Instant,
    /// The deadline this connection is filed under in the idle set; may be
    /// earlier than `last_activity + idle_timeout` (refreshed lazily).
    pub(crate) idle_key: Instant,
    /// Whether WRITABLE interest is registered.
    pub(crate) writable_interest: bool,
    /// The UDP bytes of requests moved to TCP by size, to retry over UDP if
    /// the connect fails (RFC 3261 section 18.1.1).
    pub(crate) udp_fallback: Vec<Bytes>,
    /// Whether a message not covered by `udp_fallback` was queued.
    pub(crate) has_tcp_only: bool,
}

impl Connection {
    pub(crate) fn new(
        stream: TcpStream,
        remote: SocketAddr,
        local: SocketAddr,
        state: ConnState,
        parser: ParserConfig,
        now: Instant,
        idle_key: Instant,
    ) -> Self {
        Self {
            stream,
            transport: Transport::Tcp,
            remote,
            local,
            state,
            outgoing: state == ConnState::Connecting,
            framer: Framer::new(parser),
            queue: VecDeque::new(),
            queued: 0,
            last_activity: now,
            idle_key,
            writable_interest: state == ConnState::Connecting,
            udp_fallback: Vec::new(),
            has_tcp_only: false,
        }
    }

    /// Queues `bytes` and, when connected, writes as much as the kernel
    /// takes. `Err` when the queue would exceed `max_queue` bytes (the
    /// caller closes the connection) or the write fails.
    pub(crate) fn send(&mut self, bytes: Bytes, max_queue: usize, now: Instant) -> io::Result<()> {
        if self.queued.saturating_add(bytes.len()) > max_queue {
            return Err(io::Error::other("write queue full"));
        }
        self.queued += bytes.len();
        self.queue.push_back(bytes);
        if self.state == ConnState::Open {
            self.flush(now)
        } else {
            Ok(())
        }
    }

    /// Writes queued bytes until the queue is empty or the kernel would
    /// block (a partial write keeps the rest at the queue's head).
    pub(crate) fn flush(&mut self, now: Instant) -> io::Result<()> {
        while let Some(front) = self.queue.front_mut() {
            match self.stream.write(front) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.last_activity = now;
                    self.queued -= n;
                    if n == front.len() {
                        self.queue.pop_front();
                    } else {
                        *front = front.slice(n..);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Bytes waiting to be written.
    pub(crate) fn queued(&self) -> usize {
        self.queued
    }

    /// Reads once into `buf` and pushes what came into the framer.
    pub(crate) fn read_once(&mut self, buf: &mut [u8], now: Instant) -> io::Result<ReadOutcome> {
        loop {
            return match self.stream.read(buf) {
                Ok(0) => Ok(ReadOutcome::Eof),
                Ok(n) => {
                    self.last_activity = now;
                    self.framer.push(buf.get(..n).unwrap_or_default());
                    Ok(ReadOutcome::Data)
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(ReadOutcome::WouldBlock),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => Err(e),
            };
        }
    }

    /// The next whole frame; an error means the stream cannot be
    /// resynchronised and the connection must close.
    pub(crate) fn next_frame(&mut self) -> Result<Option<Frame>, ParseError> {
        self.framer.next_frame()
    }

    /// A lone CRLF left once the socket is drained is a pong (RFC 5626
    /// section 4.4.1).
    pub(crate) fn take_idle_pong(&mut self) -> bool {
        self.framer.take_idle_pong()
    }

    /// Bytes of an incomplete message held by the framer.
    pub(crate) fn partial(&self) -> usize {
        self.framer.buffered()
    }

    /// Checks an outgoing connect on a readiness event: `Ok(true)` when
    /// connected, `Ok(false)` when still in progress, `Err` when it failed
    /// (refused, unreachable, timed out).
    pub(crate) fn check_connect(&mut self) -> io::Result<bool> {
        if let Some(e) = self.stream.take_error()? {
            return Err(e);
        }
        match self.stream.peer_addr() {
            Ok(_) => {
                self.state = ConnState::Open;
                if let Ok(local) = self.stream.local_addr() {
                    self.local = local;
                }
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(false),
            Err(e) => Err(e),
        }
    }
}
