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
        let (kind, from, to, next) = scan_host(s, i)?;
        // Every byte `scan_host` accepts is ASCII.
        let text = core::str::from_utf8(&s[from..to]).map_err(|_| ParseError::uri(i, "a host"))?;
        let host = match kind {
            HostKind::Domain => Self::Domain(Cow::Borrowed(text)),
            HostKind::Ipv4 => Self::Ipv4(Cow::Borrowed(text)),
            HostKind::Ipv6 => Self::Ipv6(Cow::Borrowed(text)),
        };
        Ok((host, next))
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

/// What [`scan_host`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostKind {
    Domain,
    Ipv4,
    Ipv6,
}

/// Checks a host starting at `s[i]` without building it: returns its kind,
/// the span of its text (an IPv6 reference without brackets) and the index
/// after it. Stops at the first byte that cannot be part of a host. Every
/// byte of the text is ASCII.
pub(crate) fn scan_host(s: &[u8], i: usize) -> Result<(HostKind, usize, usize, usize)> {
    if s.get(i) == Some(&b'[') {
        let close = memchr::memchr(b']', &s[i..]).ok_or_else(|| ParseError::uri(s.len(), "']'"))?;
        ipv6_text(&s[i + 1..i + close]).ok_or_else(|| ParseError::uri(i + 1, "an IPv6 address"))?;
        return Ok((HostKind::Ipv6, i + 1, i + close, i + close + 1));
    }
    // One pass: the extent, whether it is all digits and dots, and whether
    // two dots follow each other.
    let mut j = i;
    let mut seen = 0u8;
    let mut double_dot = false;
    let mut prev = 0u8;
    while let Some(&b) = s.get(j) {
        let c = HOST_CLASS[b as usize];
        if c == 0 {
            break;
        }
        seen |= c;
        double_dot |= (c & prev) == DOT;
        prev = c;
        j += 1;
    }
    if j == i {
        return Err(ParseError::uri(i, "a host"));
    }
    let raw = &s[i..j];
    if seen & NAME == 0 {
        if ipv4(raw).is_none() {
            return Err(ParseError::uri(i, "an IPv4 address"));
        }
        return Ok((HostKind::Ipv4, i, j, j));
    }
    if raw[0] == b'.' || raw[0] == b'-' || double_dot {
        return Err(ParseError::uri(i, "a domain name"));
    }
    Ok((HostKind::Domain, i, j, j))
}

/// [`HOST_CLASS`] of a digit.
const DIGIT: u8 = 1;
/// [`HOST_CLASS`] of `.`.
const DOT: u8 = 2;
/// [`HOST_CLASS`] of a letter, `-` or `_`.
const NAME: u8 = 4;

/// The class of each byte in a host name or IPv4 address (0: not part of
/// one).
const HOST_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_digit() {
            DIGIT
        } else if b == b'.' {
            DOT
        } else if b.is_ascii_alphabetic() || b == b'-' || b == b'_' {
            NAME
        } else {
            0
        };
        i += 1;
    }
    t
};

/// Dotted-quad IPv4 (RFC 3261 `IPv4address`, 1 to 3 digits per part,
/// leading zeros allowed).
pub(crate) fn ipv4(s: &[u8]) -> Option<Ipv4Addr> {
    let mut parts = [0u8; 4];
    let mut n = 0;
    let mut value: u32 = 0;
    let mut digits = 0;
    for &b in s {
        if b == b'.' {
            if n == 3 || digits == 0 {
                return None;
            }
            parts[n] = value as u8;
            n += 1;
            value = 0;
            digits = 0;
        } else if b.is_ascii_digit() && digits < 3 {
            value = value * 10 + u32::from(b - b'0');
            if value > 255 {
                return None;
            }
            digits += 1;
        } else {
            return None;
        }
    }
    if n != 3 || digits == 0 {
        return None;
    }
    parts[3] = value as u8;
    Some(Ipv4Addr::from(parts))
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

/// Parses IPv6 text, tolerating the `:::` of RFC 5118 section 4.10: the
/// RFC 3261 ABNF (`hexpart ":" IPv4address`) lets `::` be followed by a
/// third `:` only right before an embedded IPv4 address.
fn parse_v6(s: &str) -> Option<Ipv6Addr> {
    if let Ok(a) = s.parse() {
        return Some(a);
    }
    let (head, v4) = s.split_once(":::")?;
    if v4.contains(':') || !v4.contains('.') {
        return None;
    }
    format!("{head}::{v4}").parse().ok()
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
