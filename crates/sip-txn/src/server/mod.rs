//! Server transactions (RFC 3261 section 17.2) and where their responses
//! go (section 18.2.2, RFC 3581).

pub(crate) mod invite;
pub(crate) mod non_invite;

use std::net::{IpAddr, SocketAddr};

use bytes::Bytes;
use sip_parser::header::Via;
use sip_parser::{HeaderName, Message, Transport};

use crate::ctx::Ctx;
use crate::error::TxnError;
use crate::event::{Received, ServerTxnId, Target, TxnId};
use crate::key::ServerKey;
use crate::timer::{TimerKind, TimerTable};

/// A server transaction in the layer's slab.
#[derive(Debug)]
pub(crate) struct ServerTxn {
    pub(crate) key: ServerKey,
    pub(crate) reply: Target,
    pub(crate) timers: TimerTable,
    pub(crate) machine: ServerMachine,
}

/// Which RFC machine runs the transaction.
#[derive(Debug)]
pub(crate) enum ServerMachine {
    /// INVITE server transaction (section 17.2.1).
    Invite(invite::Ist),
    /// Non-INVITE server transaction (section 17.2.2).
    NonInvite(non_invite::Nist),
}

impl ServerMachine {
    pub(crate) fn is_terminated(&self) -> bool {
        match self {
            Self::Invite(m) => m.state == invite::State::Terminated,
            Self::NonInvite(m) => m.state == non_invite::State::Terminated,
        }
    }
}

/// What drives a server machine (figures 7 and 8).
#[derive(Debug)]
pub(crate) enum Stimulus {
    /// The request created the transaction and went up to the TU.
    Start,
    /// A request matched the transaction (section 17.2.3): a retransmission,
    /// or for an INVITE transaction an ACK.
    Request(Received),
    /// The TU sends a response.
    Tu(TuResponse),
    /// A timer fired.
    Timer(TimerKind),
    /// The transport failed to reach the response destination (17.2.4).
    TransportError,
}

/// A response from the TU, encoded once.
#[derive(Debug)]
pub(crate) struct TuResponse {
    pub(crate) status: u16,
    pub(crate) bytes: Bytes,
    pub(crate) to_tag: Option<Box<[u8]>>,
}

impl TuResponse {
    pub(crate) fn new(resp: &Message) -> Result<Self, TxnError> {
        let status = resp
            .status()
            .filter(|s| (100..700).contains(s))
            .ok_or(TxnError::NotAResponse)?;
        Ok(Self {
            status,
            bytes: resp.to_bytes(),
            to_tag: resp.to_tag().map(Into::into),
        })
    }
}

/// The id of the server transaction a step runs for.
pub(crate) fn server_id(ctx: &Ctx<'_>) -> ServerTxnId {
    match ctx.id {
        TxnId::Server(id) => id,
        // The layer builds the context of a server machine from its own id.
        TxnId::Client(_) => unreachable!("server machine stepped with a client id"),
    }
}

/// Where responses to `req` go (RFC 3261 section 18.2.2 with RFC 3581):
/// on a reliable transport, back to the source (the same connection);
/// else to `maddr` if it is an IP address, else to the `received`
/// address (the source address when absent, section 18.2.1) at the `rport`
/// (filled or requested) or the sent-by port. `None` without a usable Via.
pub(crate) fn reply_target(req: &Received) -> Option<Target> {
    let via = req.msg.typed::<Via<'_>>(HeaderName::Via)?.ok()?;
    if req.transport.is_reliable() {
        return Some(Target {
            transport: req.transport,
            addr: req.from,
        });
    }
    let default =
        Transport::from_bytes(via.transport.as_bytes()).map_or(5060, Transport::default_port);
    let sent_by_port = via.port.unwrap_or(default);
    if let Some(ip) = via
        .maddr()
        .and_then(|m| m.trim_matches(['[', ']']).parse::<IpAddr>().ok())
    {
        return Some(Target {
            transport: req.transport,
            addr: SocketAddr::new(ip, sent_by_port),
        });
    }
    let ip = via.received_ip().unwrap_or_else(|| req.from.ip());
    let port = match via.rport() {
        Some(Some(p)) => p,
        Some(None) => req.from.port(),
        None => sent_by_port,
    };
    Some(Target {
        transport: req.transport,
        addr: SocketAddr::new(ip, port),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rx(via: &str, transport: Transport) -> Received {
        let text = format!(
            "OPTIONS sip:b@h SIP/2.0\r\nVia: {via}\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n"
        );
        Received {
            now: crate::tests::util::origin(),
            transport,
            from: "192.0.2.9:40000".parse().unwrap(),
            local: "192.0.2.1:5060".parse().unwrap(),
            msg: Message::parse(text.into_bytes()).unwrap(),
        }
    }

    fn dest(via: &str) -> Option<SocketAddr> {
        reply_target(&rx(via, Transport::Udp)).map(|t| t.addr)
    }

    #[test]
    fn section_18_2_2() {
        let a = |s: &str| Some(s.parse::<SocketAddr>().unwrap());
        assert_eq!(
            dest("SIP/2.0/UDP host.example;branch=z9hG4bK1"),
            a("192.0.2.9:5060")
        );
        assert_eq!(
            dest("SIP/2.0/UDP host.example:5070;branch=z9hG4bK1"),
            a("192.0.2.9:5070")
        );
        assert_eq!(
            dest("SIP/2.0/UDP h:5070;received=198.51.100.1;branch=z"),
            a("198.51.100.1:5070")
        );
        assert_eq!(
            dest("SIP/2.0/UDP h:5070;rport;branch=z"),
            a("192.0.2.9:40000")
        );
        assert_eq!(
            dest("SIP/2.0/UDP h;rport=1234;received=198.51.100.1"),
            a("198.51.100.1:1234")
        );
        assert_eq!(
            dest("SIP/2.0/UDP h:5080;maddr=239.1.1.1"),
            a("239.1.1.1:5080")
        );
        assert_eq!(dest("SIP/2.0/TLS h"), a("192.0.2.9:5061"));
        let tcp = reply_target(&rx("SIP/2.0/TCP h:5070", Transport::Tcp)).unwrap();
        assert_eq!(
            (tcp.transport, tcp.addr),
            (Transport::Tcp, "192.0.2.9:40000".parse().unwrap())
        );
        assert_eq!(dest("garbage"), None);
    }
}
