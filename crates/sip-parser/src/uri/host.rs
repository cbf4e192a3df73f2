//! The `host` of a SIP URI or Via sent-by (RFC 3261 section 25.1, RFC 5118).

use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::error::{ParseError, Result};

/// A host: domain name, IPv4 address or IPv6 reference (RFC 3261 section
/// 25.1 `host`, RFC 5118).
///
/// The text is kept as written (an IPv6 reference without its brackets), so
/// a value re-encodes byte for byte; [`Host::ip`] gives the address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host<'a> {
    /// A domain name (`hostname`), e.g. `example.com`.
    Domain(Cow<'a, str>),
    /// A dotted IPv4 address, e.g. `192.0.2.1`.
    Ipv4(Cow<'a, str>),
    /// An IPv6 address, stored without the brackets of the reference,
    /// e.g. `2001:db8::10`. The RFC 5118 section 4.10 form with three
    /// colons (`2001:db8:::192.0.2.1`) is tolerated.
    Ipv6(Cow<'a, str>),
}

impl<'a> Host<'a> {
    /// Parses a whole host (an IPv6 reference must carry its brackets).
    pub fn parse(s: &'a [u8]) -> Result<Self> {
        let (host, end) = Self::parse_prefix(s, 0)?;
        if end != s.len() {
            return Err(ParseError::uri(end, "end of host"));
        }
        Ok(host)
    }

    /// Parses a host starting at `s[i]`; returns it and the index after it.
    /// Stops at the first byte that cannot be part of a host.
    pub(crate) fn parse_prefix(s: &'a [u8], i: usize) -> Result<(Self, usize)> {
        if s.get(i) == Some(&b'[') {
            let close = s[i..]
                .iter()
                .position(|&b| b == b']')
                .ok_or_else(|| ParseError::uri(s.len(), "']'"))?;
            let inner = &s[i + 1..i + close];
            let text = ipv6_text(inner).ok_or_else(|| ParseError::uri(i + 1, "an IPv6 address"))?;
            return Ok((Self::Ipv6(Cow::Borrowed(text)), i + close + 1));
        }
        let len = s[i..]
            .iter()
            .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
            .count();
        if len == 0 {
            return Err(ParseError::uri(i, "a host"));
        }
        let raw = &s[i..i + len];
        // Only ASCII was accepted above.
        let text = core::str::from_utf8(raw).map_err(|_| ParseError::uri(i, "a host"))?;
        if raw.iter().all(|b| b.is_ascii_digit() || *b == b'.') {
            if ipv4(raw).is_none() {
                return Err(ParseError::uri(i, "an IPv4 address"));
            }
            return Ok((Self::Ipv4(Cow::Borrowed(text)), i + len));
        }
        if raw[0] == b'.' || raw[0] == b'-' || raw.windows(2).any(|w| w == b"..") {
            return Err(ParseError::uri(i, "a domain name"));
        }
        Ok((Self::Domain(Cow::Borrowed(text)), i + len))
    }

    /// The host text as written (without IPv6 brackets).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Domain(s) | Self::Ipv4(s) | Self::Ipv6(s) => s,
        }
    }

    /// The IP address, if the host is an IPv4 or IPv6 literal.
    pub fn ip(&self) -> Option<IpAddr> {
        match self {
            Self::Domain(_) => None,
            Self::Ipv4(s) => ipv4(s.as_bytes()).map(IpAddr::V4),
            Self::Ipv6(s) => parse_v6(s).map(IpAddr::V6),
        }
    }

    /// Whether this is an IPv6 reference (encoded with brackets).
    pub fn is_ipv6(&self) -> bool {
        matches!(self, Self::Ipv6(_))
    }

    /// Appends the host (IPv6 inside brackets) to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Self::Ipv6(s) => {
                out.push(b'[');
                out.extend_from_slice(s.as_bytes());
                out.push(b']');
            }
            Self::Domain(s) | Self::Ipv4(s) => out.extend_from_slice(s.as_bytes()),
        }
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> Host<'static> {
        match self {
            Self::Domain(s) => Host::Domain(Cow::Owned(s.into_owned())),
            Self::Ipv4(s) => Host::Ipv4(Cow::Owned(s.into_owned())),
            Self::Ipv6(s) => Host::Ipv6(Cow::Owned(s.into_owned())),
        }
    }
}

impl From<IpAddr> for Host<'static> {
    fn from(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(a) => Self::Ipv4(Cow::Owned(a.to_string())),
            IpAddr::V6(a) => Self::Ipv6(Cow::Owned(a.to_string())),
        }
    }
}

impl fmt::Display for Host<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ipv6(s) => write!(f, "[{s}]"),
            Self::Domain(s) | Self::Ipv4(s) => f.write_str(s),
        }
    }
}

/// Dotted-quad IPv4 (RFC 3261 `IPv4address`, 1 to 3 digits per part,
/// leading zeros allowed).
pub(crate) fn ipv4(s: &[u8]) -> Option<Ipv4Addr> {
    let mut parts = [0u8; 4];
    let mut n = 0;
    for part in s.split(|&b| b == b'.') {
        if n == 4 || part.is_empty() || part.len() > 3 {
            return None;
        }
        let v = crate::lex::parse_u64(part, 255)?;
        parts[n] = v as u8;
        n += 1;
    }
    (n == 4).then(|| Ipv4Addr::from(parts))
}

/// Validates an IPv6 address (no brackets); returns it as text.
pub(crate) fn ipv6_text(s: &[u8]) -> Option<&str> {
    if s.len() < 2
        || !s
            .iter()
            .all(|b| b.is_ascii_hexdigit() || *b == b':' || *b == b'.')
    {
        return None;
    }
    let text = core::str::from_utf8(s).ok()?;
    parse_v6(text).map(|_| text)
}

/// Parses IPv6 text, tolerating the `:::` of RFC 5118 section 4.10.
fn parse_v6(s: &str) -> Option<Ipv6Addr> {
    if let Ok(a) = s.parse() {
        return Some(a);
    }
    if s.contains(":::") && !s.contains("::::") {
        return s.replacen(":::", "::", 1).parse().ok();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        let ok: &[(&[u8], &str, bool)] = &[
            (b"example.com", "example.com", false),
            (b"192.0.2.1", "192.0.2.1", true),
            (b"[2001:db8::10]", "2001:db8::10", true),
            (b"[2001:db8:::192.0.2.1]", "2001:db8:::192.0.2.1", true),
            (b"[::ffff:192.0.2.2]", "::ffff:192.0.2.2", true),
            (b"a_b.example", "a_b.example", false),
        ];
        for (input, text, ip) in ok {
            let h = Host::parse(input).unwrap();
            assert_eq!(h.as_str(), *text);
            assert_eq!(h.ip().is_some(), *ip, "{text}");
            let mut out = Vec::new();
            h.encode(&mut out);
            assert_eq!(&out[..], *input);
        }
        let bad: &[&[u8]] = &[
            b"",
            b"[2001:db8::10",
            b"[]",
            b"[zz::1]",
            b"256.1.1.1",
            b"1.2.3",
            b"1.2.3.4.5",
            b".example",
            b"a..b",
            b"ex ample",
            b"\xff",
        ];
        for input in bad {
            assert!(
                Host::parse(input).is_err(),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }
}
