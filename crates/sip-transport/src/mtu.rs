//! The request size rule of RFC 3261 section 18.1.1: a request larger than
//! the path MTU allowance goes over TCP, and its top Via says so.

use std::borrow::Cow;
use std::net::SocketAddr;

use bytes::Bytes;
use sip_parser::header::{HeaderValue, Via};
use sip_parser::{HeaderName, Message, Transport};

use crate::poller::Poller;
use crate::route_local::same_family;

/// The TCP form of a UDP request: the top Via's transport becomes `TCP`
/// and, when the sent-by port is a UDP listener's port and the TCP
/// listener of that family listens on another one, the TCP port.
/// `None` when `bytes` is not a request with a readable top Via: it then
/// stays on UDP.
pub(crate) fn switch_to_tcp(
    poller: &Poller,
    bytes: &Bytes,
    destination: SocketAddr,
) -> Option<Bytes> {
    let mut msg = Message::parse_with(bytes.clone(), &poller.config.parser).ok()?;
    if !msg.is_request() {
        return None;
    }
    let rewritten = {
        let mut via = <Via<'_> as HeaderValue<'_>>::parse(msg.top_via()?).ok()?;
        via.transport = Cow::Borrowed(Transport::Tcp.as_str());
        let sent_port = via.port.unwrap_or(Transport::Udp.default_port());
        let family = |a: &SocketAddr| same_family(*a, destination);
        let udp_port_matches = poller
            .udp
            .iter()
            .any(|l| family(&l.local) && l.local.port() == sent_port);
        if let Some(tcp) = poller.tcp_listeners.iter().find(|l| family(&l.local)) {
            if udp_port_matches && tcp.local.port() != sent_port {
                via.port = Some(tcp.local.port());
            }
        }
        let mut out = Vec::with_capacity(96);
        via.encode(&mut out);
        out
    };
    msg.remove_top_via();
    msg.prepend_header(HeaderName::Via, &rewritten);
    Some(msg.to_bytes())
}
