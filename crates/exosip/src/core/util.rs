//! Small helpers of the UA core: tags, Call-IDs, branches (RFC 3261
//! sections 8.1.1.3, 8.1.1.4, 8.1.1.7) and address helpers.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use sip_parser::Transport;
use sip_parser::header::{Address, HeaderValue};
use sip_parser::uri::{Host, Uri};

/// The methods we answer in some state (Allow header, RFC 3261 section 20.5).
pub(crate) const ALLOW: &str =
    "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, PRACK, REFER, NOTIFY, MESSAGE";

fn random_hex(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes * 2);
    for _ in 0..bytes {
        s.push_str(&format!("{:02x}", rand::random::<u8>()));
    }
    s
}

/// A fresh From / To tag: 32 random bits at least (RFC 3261 section 19.3).
pub(crate) fn new_tag() -> String {
    random_hex(6)
}

/// A fresh Call-ID, globally unique (RFC 3261 section 8.1.1.4).
pub(crate) fn new_call_id(host: &str) -> String {
    format!("{}@{host}", random_hex(12))
}

/// A fresh RFC 3261 branch with the magic cookie (section 8.1.1.7).
pub(crate) fn new_branch() -> String {
    format!("z9hG4bK{}", random_hex(10))
}

/// An address header value without its tag parameter (the dialog's local
/// or remote URI, RFC 3261 section 12.1).
pub(crate) fn strip_tag(value: &[u8]) -> String {
    match Address::parse(value) {
        Ok(mut a) => {
            a.params.remove("tag");
            let mut out = Vec::new();
            a.encode(&mut out);
            String::from_utf8_lossy(&out).into_owned()
        }
        Err(_) => String::from_utf8_lossy(value).into_owned(),
    }
}

/// The URI of an address header value (`<sip:x>` or bare), as text.
pub(crate) fn address_uri(value: &[u8]) -> Option<String> {
    let a = Address::parse(value).ok()?;
    let mut out = Vec::new();
    a.uri.encode(&mut out);
    String::from_utf8(out).ok()
}

/// Where to send a request for `uri` (RFC 3263 without DNS): the host must
/// be an IP literal or `localhost`; port 5060 (5061 for sips) by default;
/// the transport from `;transport=`, else `default`.
pub(crate) fn resolve(uri: &str, default: Transport) -> Option<(Transport, SocketAddr)> {
    let parsed = Uri::parse(uri.as_bytes()).ok()?;
    let sip = parsed.as_sip()?;
    let transport = parsed
        .transport()
        .and_then(|t| Transport::from_bytes(t.as_bytes()))
        .unwrap_or(default);
    let ip: IpAddr = match &sip.host {
        Host::Ipv4(a) | Host::Ipv6(a) => a.parse().ok()?,
        Host::Domain(n) if n.eq_ignore_ascii_case("localhost") => IpAddr::V4(Ipv4Addr::LOCALHOST),
        Host::Domain(n) => n.parse().ok()?,
    };
    let port = parsed
        .port()
        .unwrap_or_else(|| if parsed.is_sips() { 5061 } else { 5060 });
    Some((transport, SocketAddr::new(ip, port)))
}

/// `host:port` for Via and Contact, IPv6 in brackets (RFC 5118).
pub(crate) fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Whether a Route / Record-Route value names a loose router (`;lr`, RFC 3261 section 16.12.1.1).
pub(crate) fn is_loose(route: &str) -> bool {
    Address::parse(route.as_bytes())
        .ok()
        .and_then(|a| a.uri.param("lr").map(|_| ()))
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_ip_literals_and_localhost_only() {
        assert_eq!(
            resolve("sip:bob@127.0.0.1:5070", Transport::Udp),
            Some((Transport::Udp, "127.0.0.1:5070".parse().unwrap()))
        );
        assert_eq!(
            resolve("sip:bob@localhost;transport=tcp", Transport::Udp),
            Some((Transport::Tcp, "127.0.0.1:5060".parse().unwrap()))
        );
        assert_eq!(
            resolve("sip:[::1]:5080", Transport::Udp),
            Some((Transport::Udp, "[::1]:5080".parse().unwrap()))
        );
        assert_eq!(resolve("sip:bob@example.com", Transport::Udp), None);
        assert_eq!(resolve("garbage", Transport::Udp), None);
        assert_eq!(resolve("", Transport::Udp), None);
    }

    #[test]
    fn strips_tags_and_reads_uris() {
        assert_eq!(
            strip_tag(b"Bob <sip:bob@h>;tag=12;x=1"),
            "Bob <sip:bob@h>;x=1"
        );
        assert_eq!(
            address_uri(b"Bob <sip:bob@h;lr>;tag=1").as_deref(),
            Some("sip:bob@h;lr")
        );
        assert!(is_loose("<sip:p.example.com;lr>"));
        assert!(!is_loose("<sip:p.example.com>"));
        assert_eq!(host_port("::1", 5060), "[::1]:5060");
        assert_ne!(new_tag(), new_tag());
        assert!(new_branch().starts_with("z9hG4bK"));
    }
}
