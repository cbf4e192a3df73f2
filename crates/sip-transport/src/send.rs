//! Sending and handing up: the transmit side of RFC 3261 section 18.1.1
//! (size rule) and 18.2.2 (response routing), and the receive side's
//! RFC 3581 step.

use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use bytes::Bytes;
use sip_parser::{Message, Transport};

use crate::event::TransportEvent;
use crate::mtu::switch_to_tcp;
use crate::poller::Poller;
use crate::response_route::{reconnect_destination, response_destination};
use crate::via_fix::fill_received;

impl Poller {
    /// Sends `bytes` to `destination` over exactly `transport` (RFC 3261
    /// section 18.1.1 / 18.2.2 once the destination is chosen). On TCP, an
    /// open connection to `destination` (outgoing, or accepted from it) is
    /// reused, otherwise one is opened; bytes are queued while it connects.
    /// A response whose connection to `destination` is closed goes on a
    /// connection to its top Via's `received` (or sent-by) address and
    /// sent-by port instead (RFC 3261 section 18.2.2; the closed
    /// connection's source port is not listening). On UDP it leaves from
    /// the listener that last received from `destination` (RFC 3581
    /// section 4).
    /// Failures come back as [`TransportEvent::Error`]; a UDP datagram the
    /// kernel has no room for is dropped and counted (the transaction
    /// layer retransmits).
    pub fn send(
        &mut self,
        now: Instant,
        transport: Transport,
        destination: SocketAddr,
        bytes: Bytes,
    ) {
        match transport {
            Transport::Udp => self.send_udp(destination, &bytes),
            Transport::Tcp => {
                let destination = self.stream_destination(Transport::Tcp, destination, &bytes);
                self.send_tcp(now, destination, bytes, None);
            }
            other => self.report(
                other,
                destination,
                io::Error::new(
                    io::ErrorKind::Unsupported,
                    format!("transport {other} is not supported"),
                ),
            ),
        }
    }

    /// Sends a request (RFC 3261 section 18.1.1): on UDP, a request larger
    /// than [`TransportConfig::mtu_threshold`](crate::TransportConfig::mtu_threshold) goes over TCP instead, with
    /// the top Via's transport (and, when the UDP and TCP listeners' ports
    /// differ, sent-by port) rewritten; if that connection is refused or
    /// reset before it opens, the original request is sent over UDP after
    /// all. Returns the transport used: a caller that gets `Tcp` treats the
    /// transaction as reliable (no retransmissions, RFC 3261 section 17).
    ///
    /// Use [`Poller::send`] instead for a target that is explicitly UDP
    /// only (e.g. `;transport=udp`), which the size rule does not override.
    pub fn send_request(
        &mut self,
        now: Instant,
        transport: Transport,
        destination: SocketAddr,
        bytes: Bytes,
    ) -> Transport {
        if transport == Transport::Udp && bytes.len() > self.config.mtu_threshold {
            if let Some(tcp_bytes) = switch_to_tcp(self, &bytes, destination) {
                self.stats.mtu_switched += 1;
                self.send_tcp(now, destination, tcp_bytes, Some(bytes));
                return Transport::Tcp;
            }
        }
        self.send(now, transport, destination, bytes);
        transport
    }

    /// Sends a response for a request that came from `source` over
    /// `transport` (RFC 3261 section 18.2.2): on a reliable transport, on
    /// the request's connection while it is open, else on a connection to
    /// the top Via's `received` (or sent-by) address and sent-by port; on
    /// UDP, to [`response_destination`]. When no address can be derived
    /// (the Via names a host that needs a lookup) an
    /// [`TransportEvent::Error`] is reported for `source`.
    pub fn send_response(
        &mut self,
        now: Instant,
        transport: Transport,
        source: SocketAddr,
        response: &Message,
    ) {
        let destination =
            if transport.is_reliable() && !self.by_remote.contains_key(&(transport, source)) {
                reconnect_destination(response, transport)
            } else {
                response_destination(response, transport, source)
            };
        match destination {
            Some(d) => self.send(now, transport, d, response.to_bytes()),
            None => self.report(
                transport,
                source,
                io::Error::new(
                    io::ErrorKind::AddrNotAvailable,
                    "no address in the response's top Via",
                ),
            ),
        }
    }

    /// Where `bytes` go on reliable `transport` (RFC 3261 section 18.2.2):
    /// `destination` while a connection to it is open, or when `bytes` are
    /// not a response; else the response's reconnect address when its top
    /// Via gives one.
    fn stream_destination(
        &self,
        transport: Transport,
        destination: SocketAddr,
        bytes: &Bytes,
    ) -> SocketAddr {
        if self.by_remote.contains_key(&(transport, destination)) {
            return destination;
        }
        match Message::parse_with(bytes.clone(), &self.config.parser) {
            Ok(msg) if msg.is_response() => {
                reconnect_destination(&msg, transport).unwrap_or(destination)
            }
            _ => destination,
        }
    }

    /// Hands a received message up, filling `received` / `rport` on a
    /// request first (RFC 3581 section 4); a request whose top Via is
    /// missing or malformed cannot be answered and becomes a `BadMessage`.
    pub(crate) fn deliver(
        &mut self,
        now: Instant,
        transport: Transport,
        from: SocketAddr,
        local: SocketAddr,
        mut msg: Message,
    ) {
        if msg.is_request() && self.config.fill_received {
            if let Err(error) = fill_received(&mut msg, from) {
                self.out.push_back(TransportEvent::BadMessage {
                    now,
                    transport,
                    from,
                    local,
                    error,
                    reply_400: None,
                });
                return;
            }
        }
        self.out.push_back(TransportEvent::Received {
            now,
            transport,
            from,
            local,
            msg,
        });
    }

    pub(crate) fn report(
        &mut self,
        transport: Transport,
        destination: SocketAddr,
        error: io::Error,
    ) {
        tracing::debug!(%transport, %destination, %error, "transport error");
        self.out.push_back(TransportEvent::Error {
            transport,
            destination,
            error,
        });
    }
}
