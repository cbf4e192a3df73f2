//! Where a request goes and on which transport: the next hop of its URI
//! (RFC 3263 section 4.1 without DNS) and the request size rule of
//! RFC 3261 section 18.1.1, decided here, before the client transaction
//! exists, so a request moved to TCP gets a reliable transaction (no
//! Timer A / E retransmissions) and a top Via that says `TCP`.

use std::borrow::Cow;
use std::net::SocketAddr;

use sip_parser::header::{HeaderValue, Via};
use sip_parser::uri::Uri;
use sip_parser::{HeaderName, Message, Transport};
use sip_txn::Target;

use super::ua::Ua;
use super::util::resolve;
use crate::error::{Error, Result};

impl Ua {
    /// The request and its target for every request the core sends on its
    /// own (initial INVITE, in-dialog requests, the ACK for a 2xx): `hop`
    /// (the Request-URI or the first Route URI) resolved with `default` as
    /// the transport when the URI names none, then RFC 3261 section 18.1.1:
    /// a request that resolves to UDP without an explicit `transport=udp`,
    /// whose encoded size exceeds [`crate::Config::mtu_threshold`], goes
    /// over TCP when the UA has a TCP listener, with its top Via rewritten
    /// ([`Ua::via_for_tcp`]). Without a TCP listener, or when the top Via
    /// cannot be read, it stays on UDP.
    ///
    /// A CANCEL does not come here: it goes where its INVITE went
    /// (RFC 3261 section 9.1), the stored target of the INVITE.
    pub(crate) fn route_request(
        &self,
        req: Message,
        hop: &str,
        default: Transport,
    ) -> Result<(Message, Target)> {
        let (transport, addr) =
            resolve(hop, default).ok_or_else(|| Error::NoRoute(hop.to_owned()))?;
        let target = Target { transport, addr };
        if transport != Transport::Udp || names_transport(hop) || !self.too_big(&req) {
            return Ok((req, target));
        }
        let Some(tcp) = self.tcp_listener(addr) else {
            tracing::debug!(%addr, "large request stays on UDP: no TCP listener");
            return Ok((req, target));
        };
        match self.via_for_tcp(&req, tcp) {
            Some(via) => {
                let mut req = req;
                req.remove_top_via();
                req.prepend_header(HeaderName::Via, via);
                let target = Target {
                    transport: Transport::Tcp,
                    addr,
                };
                Ok((req, target))
            }
            None => Ok((req, target)),
        }
    }

    /// Whether `req` is over [`crate::Config::mtu_threshold`] bytes
    /// (RFC 3261 section 18.1.1; `None` or 0 never).
    fn too_big(&self, req: &Message) -> bool {
        match self.config.mtu_threshold {
            Some(limit) if limit > 0 => req.to_vec().len() > limit,
            _ => false,
        }
    }

    /// Our TCP listener for a destination: one of the same address family,
    /// else any.
    fn tcp_listener(&self, destination: SocketAddr) -> Option<SocketAddr> {
        let tcp = || {
            self.listeners
                .iter()
                .filter(|(t, _)| *t == Transport::Tcp)
                .map(|(_, a)| *a)
        };
        tcp()
            .find(|a| a.is_ipv4() == destination.is_ipv4())
            .or_else(|| tcp().next())
    }

    /// The top Via of `req` with transport `TCP` (RFC 3261 section 18.1.1:
    /// "the value in the top Via MUST be changed") and, when it differs,
    /// the port we advertise for TCP (the masqueraded port, else the port
    /// of listener `tcp`). Host, branch and parameters are kept. `None`
    /// when the top Via cannot be read.
    pub(crate) fn via_for_tcp(&self, req: &Message, tcp: SocketAddr) -> Option<Vec<u8>> {
        let mut via = <Via<'_> as HeaderValue<'_>>::parse(req.top_via()?).ok()?;
        via.transport = Cow::Borrowed(Transport::Tcp.as_str());
        let port = self.config.masquerade_port.unwrap_or_else(|| tcp.port());
        if via.port.unwrap_or(Transport::Tcp.default_port()) != port {
            via.port = Some(port);
        }
        let mut out = Vec::with_capacity(96);
        via.encode(&mut out);
        Some(out)
    }
}

/// Whether the URI names its transport (`;transport=`): then it is kept
/// whatever the size, as the application asked for it.
fn names_transport(uri: &str) -> bool {
    Uri::parse(uri.as_bytes())
        .ok()
        .is_some_and(|u| u.transport().is_some())
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use sip_parser::Message;

    use crate::config::Config;
    use crate::core::Ua;

    fn request(via: &str) -> Message {
        Message::parse(format!(
            "INVITE sip:b@127.0.0.1 SIP/2.0\r\nVia: {via}\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
        ))
        .unwrap()
    }

    #[test]
    fn top_via_gets_tcp_and_the_tcp_port_keeping_its_params() {
        let ua = Ua::new(Config::default(), Instant::now());
        let tcp = "127.0.0.1:5062".parse().unwrap();
        let via = ua
            .via_for_tcp(
                &request("SIP/2.0/UDP 127.0.0.1:5060;rport;branch=z9hG4bKx, SIP/2.0/UDP p:1"),
                tcp,
            )
            .unwrap();
        assert_eq!(via, b"SIP/2.0/TCP 127.0.0.1:5062;rport;branch=z9hG4bKx");
        // Same port: unchanged; no port and TCP on 5060: stays implicit.
        let via = ua
            .via_for_tcp(&request("SIP/2.0/UDP h:5062;branch=z9hG4bKy"), tcp)
            .unwrap();
        assert_eq!(via, b"SIP/2.0/TCP h:5062;branch=z9hG4bKy");
        let via = ua
            .via_for_tcp(
                &request("SIP/2.0/UDP h;branch=z9hG4bKz"),
                "127.0.0.1:5060".parse().unwrap(),
            )
            .unwrap();
        assert_eq!(via, b"SIP/2.0/TCP h;branch=z9hG4bKz");
    }

    #[test]
    fn masqueraded_port_wins_and_bad_vias_are_left_alone() {
        let ua = Ua::new(
            Config::default().masquerade("192.0.2.1", 7000),
            Instant::now(),
        );
        let tcp = "127.0.0.1:5062".parse().unwrap();
        let via = ua
            .via_for_tcp(&request("SIP/2.0/UDP 192.0.2.1:7000;branch=z9hG4bKx"), tcp)
            .unwrap();
        assert_eq!(via, b"SIP/2.0/TCP 192.0.2.1:7000;branch=z9hG4bKx");
        assert!(ua.via_for_tcp(&request("garbage"), tcp).is_none());
        assert!(ua.via_for_tcp(&request(""), tcp).is_none());
        let no_via =
            Message::parse(&b"OPTIONS sip:b@h SIP/2.0\r\nContent-Length: 0\r\n\r\n"[..]).unwrap();
        assert!(ua.via_for_tcp(&no_via, tcp).is_none());
    }
}
