//! UDP: one datagram is one message (RFC 3261 section 18.1.1, 18.2.1,
//! 18.3); bad datagrams are dropped, counted and reported.

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use sip_parser::{Message, Transport};

use crate::bad_request::reply_for;
use crate::event::TransportEvent;
use crate::poller::Poller;
use crate::route_local::same_family;

/// Most remotes whose receiving UDP listener is remembered (RFC 3581
/// section 4 symmetric responses); past it the memory starts over.
pub(crate) const MAX_UDP_PEERS: usize = 4096;

impl Poller {
    /// Reads datagrams from UDP listener `i` until it would block or the
    /// read budget is spent; returns whether the socket was drained.
    pub(crate) fn read_udp(&mut self, now: Instant, i: usize) -> bool {
        for _ in 0..self.config.read_budget.max(1) {
            let Some(listener) = self.udp.get(i) else {
                return true;
            };
            let (local, token) = (listener.local, listener.token);
            match listener.socket.recv_from(&mut self.buf) {
                Ok((n, from)) => {
                    self.remember_udp_peer(from, token);
                    let data = Bytes::copy_from_slice(self.buf.get(..n).unwrap_or_default());
                    self.handle_datagram(now, from, local, data);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    // ICMP errors reported on the socket (Linux may report a
                    // refused earlier send); nothing to read, go on.
                    tracing::debug!(%e, %local, "UDP receive error");
                }
            }
        }
        false
    }

    /// Parses one datagram (RFC 3261 section 18.3: on UDP, Content-Length
    /// if present bounds the body) and hands it up.
    fn handle_datagram(&mut self, now: Instant, from: SocketAddr, local: SocketAddr, data: Bytes) {
        self.stats.udp_received += 1;
        // Keep-alive noise (CRLFs, RFC 5626 section 3.5.1) and empty datagrams.
        if data.iter().all(|b| matches!(b, b'\r' | b'\n')) {
            return;
        }
        match Message::parse_with(data.clone(), &self.config.parser) {
            Ok(msg) => self.deliver(now, Transport::Udp, from, local, msg),
            Err(error) => {
                self.stats.udp_bad += 1;
                tracing::debug!(%from, %error, "bad datagram dropped");
                let reply_400 = reply_for(&data, &error, from);
                self.out.push_back(TransportEvent::BadMessage {
                    now,
                    transport: Transport::Udp,
                    from,
                    local,
                    error,
                    reply_400,
                });
            }
        }
    }

    /// Notes that `listener` received from `from` (only when there is a
    /// choice of listeners).
    fn remember_udp_peer(&mut self, from: SocketAddr, listener: mio::Token) {
        if self.udp.len() < 2 {
            return;
        }
        if self.udp_peers.len() >= MAX_UDP_PEERS && !self.udp_peers.contains_key(&from) {
            self.udp_peers.clear();
        }
        self.udp_peers.insert(from, listener);
    }

    /// Sends one datagram from the UDP listener that last received from
    /// `destination` (RFC 3581 section 4: a response leaves from where its
    /// request arrived), else from the first one of its address family.
    pub(crate) fn send_udp(&mut self, destination: SocketAddr, bytes: &[u8]) {
        let remembered = self
            .udp_peers
            .get(&destination)
            .and_then(|t| self.udp.iter().find(|l| l.token == *t));
        let first = || self.udp.iter().find(|l| same_family(l.local, destination));
        let Some(listener) = remembered.or_else(first) else {
            self.report(
                Transport::Udp,
                destination,
                io::Error::new(
                    io::ErrorKind::AddrNotAvailable,
                    "no UDP listener of that address family",
                ),
            );
            return;
        };
        let result = loop {
            match listener.socket.send_to(bytes, destination) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other,
            }
        };
        match result {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                // No room in the socket buffer: UDP is lossy, the
                // transaction layer retransmits (RFC 3261 section 17.1.1.2).
                self.stats.udp_send_failed += 1;
            }
            Err(e) => {
                self.stats.udp_send_failed += 1;
                self.report(Transport::Udp, destination, e);
            }
        }
    }
}
