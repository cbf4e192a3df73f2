//! Where a response goes, from its top Via (RFC 3261 section 18.2.2,
//! RFC 3581 section 4).

use std::net::{IpAddr, SocketAddr};

use sip_parser::header::{HeaderValue, Via};
use sip_parser::{Message, Transport};

/// The destination of `response`, sent on `transport` for a request that
/// came from `source` (RFC 3261 section 18.2.2, RFC 3581 section 4):
///
/// - reliable transport: `source`, the connection the request came on;
/// - UDP with `maddr` in the top Via: that address and the sent-by port
///   (or 5060);
/// - UDP with `received`: that address and the `rport` value if filled,
///   else the sent-by port (or 5060);
/// - UDP otherwise: the sent-by address and port (or 5060).
///
/// `None` when the top Via is missing or malformed, or when the address
/// is a domain name (`maddr` or sent-by) that needs an RFC 3263 section 6
/// lookup, which is the caller's.
pub fn response_destination(
    response: &Message,
    transport: Transport,
    source: SocketAddr,
) -> Option<SocketAddr> {
    if transport.is_reliable() {
        return Some(source);
    }
    let via = top_via(response)?;
    let port = via.port.unwrap_or_else(|| transport.default_port());
    if let Some(maddr) = via.maddr() {
        let ip = parse_ip(maddr)?;
        return Some(SocketAddr::new(ip, port));
    }
    if let Some(ip) = via.received_ip() {
        let port = via.rport().flatten().unwrap_or(port);
        return Some(SocketAddr::new(ip, port));
    }
    let port = via.rport().flatten().unwrap_or(port);
    via.host.ip().map(|ip| SocketAddr::new(ip, port))
}

/// Where to open a new connection for a response on a reliable transport
/// when the request's connection is gone (RFC 3261 section 18.2.2): the
/// `received` address, else the sent-by address, with the sent-by port or
/// the transport's default port. `None` if the Via is missing or malformed,
/// or names a host that needs a lookup.
pub fn reconnect_destination(response: &Message, transport: Transport) -> Option<SocketAddr> {
    let via = top_via(response)?;
    let port = via.port.unwrap_or_else(|| transport.default_port());
    let ip = via.received_ip().or_else(|| via.host.ip())?;
    Some(SocketAddr::new(ip, port))
}

fn top_via(msg: &Message) -> Option<Via<'_>> {
    <Via<'_> as HeaderValue<'_>>::parse(msg.top_via()?).ok()
}

fn parse_ip(s: &str) -> Option<IpAddr> {
    let inner = s
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(s);
    inner.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(via: &str) -> Message {
        let wire = format!(
            "SIP/2.0 200 OK\r\nVia: {via}\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        );
        Message::parse(wire.into_bytes()).unwrap()
    }

    fn a(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn udp_rules() {
        let src = a("198.51.100.7:40000");
        let d = |via| response_destination(&resp(via), Transport::Udp, src);
        assert_eq!(
            d("SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK1"),
            Some(a("192.0.2.1:5070"))
        );
        assert_eq!(
            d("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1"),
            Some(a("192.0.2.1:5060"))
        );
        assert_eq!(
            d("SIP/2.0/UDP pc.example:5070;branch=z9hG4bK1;received=198.51.100.7"),
            Some(a("198.51.100.7:5070"))
        );
        assert_eq!(
            d("SIP/2.0/UDP pc.example:5070;rport=40000;branch=z9hG4bK1;received=198.51.100.7"),
            Some(a("198.51.100.7:40000"))
        );
        assert_eq!(
            d(
                "SIP/2.0/UDP pc.example:5070;branch=z9hG4bK1;maddr=239.255.255.1;received=198.51.100.7"
            ),
            Some(a("239.255.255.1:5070"))
        );
        assert_eq!(
            d("SIP/2.0/UDP [2001:db8::2];branch=z9hG4bK1;received=[2001:db8::3]"),
            Some(a("[2001:db8::3]:5060"))
        );
        assert_eq!(d("SIP/2.0/UDP pc.example;branch=z9hG4bK1"), None);
        assert_eq!(
            d("SIP/2.0/UDP pc.example;branch=z9hG4bK1;maddr=mcast.example"),
            None
        );
        assert_eq!(d("garbage"), None);
    }

    #[test]
    fn reliable_rules() {
        let src = a("198.51.100.7:40000");
        let m = resp("SIP/2.0/TCP pc.example;branch=z9hG4bK1;received=198.51.100.7");
        assert_eq!(response_destination(&m, Transport::Tcp, src), Some(src));
        assert_eq!(
            reconnect_destination(&m, Transport::Tcp),
            Some(a("198.51.100.7:5060"))
        );
        assert_eq!(
            reconnect_destination(&m, Transport::Tls),
            Some(a("198.51.100.7:5061"))
        );
        let m = resp("SIP/2.0/TCP 192.0.2.9:5080;branch=z9hG4bK1");
        assert_eq!(
            reconnect_destination(&m, Transport::Tcp),
            Some(a("192.0.2.9:5080"))
        );
        let m = Message::parse(&b"SIP/2.0 200 OK\r\nCall-ID: c\r\n\r\n"[..]).unwrap();
        assert_eq!(reconnect_destination(&m, Transport::Tcp), None);
        assert_eq!(response_destination(&m, Transport::Udp, src), None);
    }
}
