//! `Via` (RFC 3261 section 20.42 and 25.1; RFC 3581 rport; RFC 5118 section 4.5).

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

use super::scan::{ascii, number, skip_lws, token_at};
use super::{HeaderValue, Param, Params};
use crate::error::{ParseError, ParseErrorKind, Result};
use crate::uri::Host;
use crate::uri::host::{HostKind, scan_host};

/// One `Via` element: `sent-protocol LWS sent-by *( SEMI via-params )`
/// (RFC 3261 section 20.42 and 25.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Via<'a> {
    /// Protocol name, normally `SIP`.
    pub protocol: Cow<'a, str>,
    /// Protocol version, normally `2.0`.
    pub version: Cow<'a, str>,
    /// Transport token (`UDP`, `TCP`, `TLS`, `SCTP`, `WS`, or any other token;
    /// RFC 4475 section 3.1.1.10).
    pub transport: Cow<'a, str>,
    /// The sent-by host (an IPv6 reference keeps brackets when encoded).
    pub host: Host<'a>,
    /// The sent-by port.
    pub port: Option<u16>,
    /// Via parameters (`branch`, `received`, `rport`, `maddr`, `ttl`, others).
    pub params: Params<'a>,
}

impl<'a> Via<'a> {
    /// A `SIP/2.0/<transport> host[:port];branch=<branch>` value.
    pub fn new(transport: &'a str, host: Host<'a>, port: Option<u16>, branch: &'a str) -> Self {
        let mut params = Params::new();
        params.push(Param::new("branch", Some(Cow::Borrowed(branch))));
        Self {
            protocol: Cow::Borrowed("SIP"),
            version: Cow::Borrowed("2.0"),
            transport: Cow::Borrowed(transport),
            host,
            port,
            params,
        }
    }

    /// The `branch` parameter (RFC 3261 section 8.1.1.7).
    pub fn branch(&self) -> Option<&str> {
        self.params.str("branch")
    }

    /// The `received` parameter as written (RFC 3261 section 18.2.1).
    pub fn received(&self) -> Option<&str> {
        self.params.str("received")
    }

    /// The `received` address; IPv6 with or without brackets (RFC 5118 section 4.5).
    pub fn received_ip(&self) -> Option<IpAddr> {
        received_ip(self.received()?.as_bytes())
    }

    /// The `rport` parameter (RFC 3581): `None` if absent, `Some(None)` if
    /// present without a value (a request for it), `Some(Some(port))` if filled in.
    pub fn rport(&self) -> Option<Option<u16>> {
        self.params
            .value("rport")
            .map(|v| v.and_then(|p| p.parse().ok()))
    }

    /// The `maddr` parameter (RFC 3261 section 18.2.1).
    pub fn maddr(&self) -> Option<&str> {
        self.params.str("maddr")
    }

    /// The `ttl` parameter (0..=255).
    pub fn ttl(&self) -> Option<u8> {
        self.params.str("ttl")?.parse().ok()
    }

    /// Whether the transport is reliable (TCP, TLS, SCTP, TLS-SCTP, WS, WSS).
    pub fn is_reliable(&self) -> bool {
        !self.transport.eq_ignore_ascii_case("UDP") && !self.transport.eq_ignore_ascii_case("DTLS")
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> Via<'static> {
        Via {
            protocol: Cow::Owned(self.protocol.into_owned()),
            version: Cow::Owned(self.version.into_owned()),
            transport: Cow::Owned(self.transport.into_owned()),
            host: self.host.into_owned(),
            port: self.port,
            params: self.params.into_owned(),
        }
    }

    /// Parses the part before the parameters; returns it (with empty
    /// params) and the index where the parameters start.
    pub(crate) fn parse_head(s: &'a [u8]) -> Result<(Self, usize)> {
        let (head, i) = scan_head(s)?;
        let text = |(from, to): (usize, usize)| ascii(&s[from..to], from).map(Cow::Borrowed);
        let (kind, from, to) = head.host;
        let host_text = text((from, to))?;
        let host = match kind {
            HostKind::Domain => Host::Domain(host_text),
            HostKind::Ipv4 => Host::Ipv4(host_text),
            HostKind::Ipv6 => Host::Ipv6(host_text),
        };
        let via = Self {
            protocol: text(head.protocol)?,
            version: text(head.version)?,
            transport: text(head.transport)?,
            host,
            port: head.port,
            params: Params::new(),
        };
        Ok((via, i))
    }
}

/// The spans of a Via's `sent-protocol LWS sent-by` (all ASCII).
pub(crate) struct ViaHead {
    protocol: (usize, usize),
    version: (usize, usize),
    transport: (usize, usize),
    host: (HostKind, usize, usize),
    port: Option<u16>,
}

/// Checks the part of a Via before its parameters without building it;
/// returns its spans and the index where the parameters start.
pub(crate) fn scan_head(s: &[u8]) -> Result<(ViaHead, usize)> {
    let p_end = token_at(s, 0, "a protocol name")?;
    let v = slash(s, p_end)?;
    let v_end = token_at(s, v, "a protocol version")?;
    let t = slash(s, v_end)?;
    let t_end = token_at(s, t, "a transport")?;
    let h = skip_lws(s, t_end);
    if h == t_end {
        return Err(ParseError::value(t_end, "LWS before sent-by"));
    }
    let (kind, from, to, mut i) =
        scan_host(s, h).map_err(|e| ParseError::value(e.offset, e.expected))?;
    let c = skip_lws(s, i);
    let mut port = None;
    if s.get(c) == Some(&b':') {
        let p = skip_lws(s, c + 1);
        let (n, end) = number(s, p, 65535, "a port number (0..=65535)")?;
        port = Some(n as u16);
        i = end;
    }
    let head = ViaHead {
        protocol: (0, p_end),
        version: (v, v_end),
        transport: (t, t_end),
        host: (kind, from, to),
        port,
    };
    Ok((head, i))
}

fn slash(s: &[u8], i: usize) -> Result<usize> {
    let j = skip_lws(s, i);
    if s.get(j) != Some(&b'/') {
        return Err(ParseError::value(j, "'/'"));
    }
    Ok(skip_lws(s, j + 1))
}

/// IPv4, IPv6 or bracketed IPv6 (RFC 3261 `via-received`, RFC 5118 section 4.5).
fn received_ip(v: &[u8]) -> Option<IpAddr> {
    if let Some(a) = crate::uri::host::ipv4(v) {
        return Some(IpAddr::V4(a));
    }
    let inner = v
        .strip_prefix(b"[")
        .and_then(|r| r.strip_suffix(b"]"))
        .unwrap_or(v);
    let h = crate::uri::host::ipv6_text(inner)?;
    Host::Ipv6(Cow::Borrowed(h)).ip()
}

/// Checks the typed via-params (RFC 3261 section 25.1 `via-params`);
/// `name` and `value` are the raw bytes of one parameter.
pub(crate) fn check_via_param(name: &[u8], value: Option<&[u8]>, off: usize) -> Result<()> {
    let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
    let (ok, what) = match name.len() {
        3 if is(b"ttl") => {
            if value.and_then(|v| crate::lex::parse_u64(v, 255)).is_none() {
                return Err(ParseError::new(
                    ParseErrorKind::Overflow,
                    off,
                    "ttl 0..=255",
                ));
            }
            (true, "")
        }
        5 if is(b"rport") => (
            value.is_none_or(|v| crate::lex::parse_u64(v, 65535).is_some()),
            "rport port number",
        ),
        5 if is(b"maddr") => (
            value.is_some_and(|v| matches!(scan_host(v, 0), Ok((_, _, _, end)) if end == v.len())),
            "maddr host",
        ),
        6 if is(b"branch") => (value.is_some_and(crate::lex::is_token_str), "branch token"),
        8 if is(b"received") => (value.and_then(received_ip).is_some(), "received IP address"),
        _ => (true, ""),
    };
    if ok {
        Ok(())
    } else {
        Err(ParseError::value(off, what))
    }
}

impl<'a> HeaderValue<'a> for Via<'a> {
    fn parse(value: &'a [u8]) -> Result<Self> {
        let (mut via, i) = Self::parse_head(value)?;
        Params::scan_generic(value, i, |name, v, off| {
            check_via_param(name.as_bytes(), v.map(str::as_bytes), off)?;
            via.params.push(Param {
                name: Cow::Borrowed(name),
                value: v.map(Cow::Borrowed),
            });
            Ok(())
        })?;
        Ok(via)
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.protocol.as_bytes());
        out.push(b'/');
        out.extend_from_slice(self.version.as_bytes());
        out.push(b'/');
        out.extend_from_slice(self.transport.as_bytes());
        out.push(b' ');
        self.host.encode(out);
        if let Some(p) = self.port {
            out.push(b':');
            out.extend_from_slice(p.to_string().as_bytes());
        }
        self.params.encode(out);
    }
}

impl fmt::Display for Via<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::with_capacity(64);
        self.encode(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn via(s: &str) -> Via<'_> {
        let v = <Via<'_> as HeaderValue<'_>>::parse(s.as_bytes())
            .unwrap_or_else(|e| panic!("{s}: {e}"));
        let mut out = Vec::new();
        v.encode(&mut out);
        assert_eq!(<Via<'_> as HeaderValue<'_>>::parse(&out).unwrap(), v);
        v
    }

    #[test]
    fn good() {
        let v = via("SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK776asdhds;rport");
        assert_eq!(v.transport, "UDP");
        assert_eq!(v.host.as_str(), "pc33.example.com");
        assert_eq!(v.port, Some(5060));
        assert_eq!(v.branch(), Some("z9hG4bK776asdhds"));
        assert_eq!(v.rport(), Some(None));
        assert!(!v.is_reliable());
        // RFC 4475 3.1.1.1 wsinv
        let v = via("SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw");
        assert_eq!(v.host.ip(), Some("192.0.2.2".parse().unwrap()));
        let v = via("SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8");
        assert_eq!(v.branch(), Some("z9hG4bK9ikj8"));
        // RFC 4475 3.1.1.10 transports
        assert_eq!(
            via("SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en").transport,
            "UNKNOWN"
        );
        assert!(via("SIP/2.0/SCTP t2.example.com;branch=x").is_reliable());
        // RFC 5118
        let v = via(
            "SIP/2.0/UDP [2001:db8::9:1]:6050;branch=z9hG4bKas3-111;rport=5060;ttl=16;maddr=[::1]",
        );
        assert!(v.host.is_ipv6());
        assert_eq!(v.port, Some(6050));
        assert_eq!(v.rport(), Some(Some(5060)));
        assert_eq!(v.ttl(), Some(16));
        for r in ["2001:db8::9:255", "[2001:db8::9:255]", "192.0.2.200"] {
            let s = format!("SIP/2.0/UDP [2001:db8::9:1];received={r};branch=z9hG4bKas3");
            assert!(via(&s).received_ip().is_some(), "{r}");
        }
        assert_eq!(via("SIP/2.0/TCP sip33.example.com").params.len(), 0);
        assert_eq!(via("SIP/2.0/UDP host : 5070").port, Some(5070));
    }

    #[test]
    fn built() {
        let v = Via::new(
            "TCP",
            Host::Domain("a.example".into()),
            Some(5061),
            "z9hG4bK1",
        );
        assert_eq!(v.to_string(), "SIP/2.0/TCP a.example:5061;branch=z9hG4bK1");
        assert_eq!(v.clone().into_owned(), v);
    }

    #[test]
    fn bad() {
        let bad: &[&[u8]] = &[
            b"",
            b"SIP/2.0/UDP",
            b"SIP/2.0/UDP ",
            b"SIP/2.0 UDP host",
            b"SIP/2.0/UDPhost",
            b"SIP/2.0/UDP 192.0.2.15;;",
            b"SIP/2.0/UDP 192.0.2.15;",
            b"SIP/2.0/UDP host;branch=x;;",
            b"SIP/2.0/UDP host:",
            b"SIP/2.0/UDP host:70000",
            b"SIP/2.0/UDP host:5060x",
            b"SIP/2.0/UDP 2001:db8::1",
            b"SIP/2.0/UDP [2001:db8::1",
            b"SIP/2.0/UDP host;received=example.com",
            b"SIP/2.0/UDP host;ttl=256",
            b"SIP/2.0/UDP host;rport=x",
            b"SIP/2.0/UDP host;branch",
            b"SIP/2.0/UDP host extra",
            b"SIP/2.0/UDP h\xffst",
        ];
        for input in bad {
            assert!(
                <Via<'_> as HeaderValue<'_>>::parse(input).is_err(),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }
}
