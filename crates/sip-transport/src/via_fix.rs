//! `received` and `rport` on the top Via of a received request (RFC 3261
//! section 18.2.1, RFC 3581 section 4).

use std::borrow::Cow;
use std::net::{IpAddr, SocketAddr};

use sip_parser::header::{HeaderValue, Params, Via};
use sip_parser::{HeaderName, Message, ParseError, ParseErrorKind};

/// Fills the top Via of a received request (RFC 3261 section 18.2.1,
/// RFC 3581 section 4):
///
/// - adds `received=<source IP>` when the sent-by host is not that IP
///   (a domain name, or another address);
/// - when the Via carries `rport` without a value, sets it to the source
///   port and adds `received` even if the sent-by IP matches (RFC 3581
///   section 4 requires both);
/// - replaces a `received` the sender put there itself when it is not the
///   source IP (responses go to `received`, section 18.2.2: a forged one
///   would reflect them to another host).
///
/// Only the top Via value changes; other Via values, on the same line or
/// not, are kept in place. Returns whether the message changed; an
/// unmodified message keeps its zero-copy encoding.
///
/// # Errors
///
/// [`ParseErrorKind::MissingHeader`] when there is no Via, or the Via
/// parse error when the top Via is malformed: such a request cannot be
/// answered (RFC 3261 section 8.1.1.7).
pub fn fill_received(msg: &mut Message, source: SocketAddr) -> Result<bool, ParseError> {
    let rewritten = {
        let top = msg.top_via().ok_or(ParseError::new(
            ParseErrorKind::MissingHeader,
            0,
            "a Via header",
        ))?;
        let mut via = <Via<'_> as HeaderValue<'_>>::parse(top).map_err(|mut e| {
            e.header = Some(HeaderName::Via);
            e
        })?;
        let source_ip = source.ip().to_canonical();
        // A client sends `rport` without a value (RFC 3581 section 3); a
        // value it put there itself would steer our responses to another
        // port, so any `rport` is (re)filled with the real source port.
        let wants_rport = match via.rport() {
            Some(None) => true,
            Some(Some(port)) => port != source.port(),
            None => false,
        };
        let sent_by_differs = via.host.ip().map(|ip| ip.to_canonical()) != Some(source_ip);
        // A `received` the sender put there itself would steer our
        // responses (RFC 3261 section 18.2.2) to any address: it must
        // hold the source address, whatever the sent-by says.
        let forged_received = via
            .params
            .value("received")
            .is_some_and(|_| via.received_ip().map(|ip| ip.to_canonical()) != Some(source_ip));
        if !sent_by_differs && !wants_rport && !forged_received {
            return Ok(false);
        }
        set_param(&mut via.params, "received", received_text(source_ip));
        if wants_rport {
            set_param(&mut via.params, "rport", source.port().to_string());
        }
        let mut out = Vec::with_capacity(top.len() + 48);
        via.encode(&mut out);
        out
    };
    msg.remove_top_via();
    msg.prepend_header(HeaderName::Via, &rewritten);
    Ok(true)
}

/// `received` holds an IPv4 address or an IPv6 address without brackets
/// (RFC 3261 section 25.1 `via-received`, RFC 5118 section 4.5).
fn received_text(ip: IpAddr) -> String {
    ip.to_string()
}

/// Sets a parameter in place (or appends it), keeping the others' order.
fn set_param(params: &mut Params<'_>, name: &'static str, value: String) {
    match params
        .0
        .iter_mut()
        .find(|p| p.name.eq_ignore_ascii_case(name))
    {
        Some(p) => p.value = Some(Cow::Owned(value)),
        None => params.0.push(sip_parser::header::Param::new(
            name,
            Some(Cow::Owned(value)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(via: &str) -> Message {
        let wire = format!(
            "OPTIONS sip:b@example.com SIP/2.0\r\nVia: {via}\r\nVia: SIP/2.0/UDP proxy.example;branch=z9hG4bKp\r\n\
             Call-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        );
        Message::parse(wire.into_bytes()).unwrap()
    }

    fn src(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    fn vias(m: &Message) -> Vec<String> {
        m.values(HeaderName::Via)
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect()
    }

    #[test]
    fn rport_with_a_sender_value_is_replaced_by_the_source_port() {
        let mut m = req("SIP/2.0/UDP 192.0.2.9:5060;rport=9;branch=z9hG4bK1");
        assert!(fill_received(&mut m, "192.0.2.9:40000".parse().unwrap()).unwrap());
        assert_eq!(
            m.top_via(),
            Some(&b"SIP/2.0/UDP 192.0.2.9:5060;rport=40000;branch=z9hG4bK1;received=192.0.2.9"[..])
        );
        let mut same = req("SIP/2.0/UDP 192.0.2.9:5060;rport=40000;branch=z9hG4bK1");
        assert!(!fill_received(&mut same, "192.0.2.9:40000".parse().unwrap()).unwrap());
    }

    #[test]
    fn same_ip_without_rport_is_untouched() {
        let mut m = req("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1");
        assert_eq!(fill_received(&mut m, src("192.0.2.1:5060")), Ok(false));
        assert!(!m.is_modified());
    }

    #[test]
    fn domain_gets_received() {
        let mut m = req("SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1");
        assert_eq!(fill_received(&mut m, src("192.0.2.4:5070")), Ok(true));
        assert_eq!(
            vias(&m),
            [
                "SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1;received=192.0.2.4",
                "SIP/2.0/UDP proxy.example;branch=z9hG4bKp"
            ]
        );
        assert_eq!(m.branch(), Some(&b"z9hG4bK1"[..]));
    }

    #[test]
    fn rport_filled_in_place_with_received_even_if_same_ip() {
        let mut m = req(
            "SIP/2.0/UDP 192.0.2.1:5060;rport;branch=z9hG4bK1, SIP/2.0/UDP second.example;branch=z9hG4bK2",
        );
        assert_eq!(fill_received(&mut m, src("192.0.2.1:40000")), Ok(true));
        assert_eq!(
            vias(&m),
            [
                "SIP/2.0/UDP 192.0.2.1:5060;rport=40000;branch=z9hG4bK1;received=192.0.2.1",
                "SIP/2.0/UDP second.example;branch=z9hG4bK2",
                "SIP/2.0/UDP proxy.example;branch=z9hG4bKp",
            ]
        );
        let reparsed = Message::parse(m.to_bytes()).unwrap();
        assert_eq!(vias(&reparsed), vias(&m));
    }

    #[test]
    fn ipv6_and_mapped_sources() {
        let mut m = req("SIP/2.0/UDP [2001:db8::1];branch=z9hG4bK1;rport");
        fill_received(&mut m, src("[::1]:5062")).unwrap();
        assert_eq!(
            vias(&m)[0],
            "SIP/2.0/UDP [2001:db8::1];branch=z9hG4bK1;rport=5062;received=::1"
        );
        // A v4-mapped source on a dual-stack socket compares as IPv4.
        let mut m = req("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1");
        assert_eq!(
            fill_received(&mut m, src("[::ffff:192.0.2.1]:5060")),
            Ok(false)
        );
    }

    #[test]
    fn received_from_the_sender_is_replaced_by_the_source() {
        let mut m = req("SIP/2.0/UDP 192.0.2.1:5060;received=203.0.113.9;branch=z9hG4bK1");
        assert_eq!(fill_received(&mut m, src("192.0.2.1:5060")), Ok(true));
        assert_eq!(
            vias(&m)[0],
            "SIP/2.0/UDP 192.0.2.1:5060;received=192.0.2.1;branch=z9hG4bK1"
        );
        // One that already holds the source is left alone.
        let mut m = req("SIP/2.0/UDP 192.0.2.1:5060;received=192.0.2.1;branch=z9hG4bK1");
        assert_eq!(fill_received(&mut m, src("192.0.2.1:5060")), Ok(false));
    }

    #[test]
    fn bad_or_missing_via() {
        let mut m = req("SIP/2.0/UDP [2001:db8::1;branch=z9hG4bK1");
        assert!(fill_received(&mut m, src("127.0.0.1:1")).is_err());
        let mut m = Message::parse(&b"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n"[..]).unwrap();
        assert_eq!(
            fill_received(&mut m, src("127.0.0.1:1")).unwrap_err().kind,
            ParseErrorKind::MissingHeader
        );
    }
}
