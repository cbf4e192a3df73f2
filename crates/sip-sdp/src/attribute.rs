//! Typed `a=` attributes (RFC 8866 section 6, RFC 3605, RFC 5888, RFC 4568,
//! RFC 8839, RFC 8842, RFC 4733); unknown ones are kept verbatim.

use std::fmt;

use nom::bytes::complete::take_till1;
use nom::character::complete::{char, digit1, space1};
use nom::combinator::{all_consuming, map_res, opt};
use nom::sequence::preceded;
use nom::{IResult, Parser};

use crate::error::{ErrorKind, SdpError};
use crate::model::{AddrType, Connection};

/// Media direction attributes (RFC 8866 sections 6.7.1 to 6.7.4; RFC 3264 section 5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    /// `a=sendrecv`, the default.
    #[default]
    SendRecv,
    /// `a=sendonly`.
    SendOnly,
    /// `a=recvonly`.
    RecvOnly,
    /// `a=inactive`.
    Inactive,
}

impl Direction {
    /// The attribute name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SendRecv => "sendrecv",
            Self::SendOnly => "sendonly",
            Self::RecvOnly => "recvonly",
            Self::Inactive => "inactive",
        }
    }

    /// Parses an attribute name.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "sendrecv" => Some(Self::SendRecv),
            "sendonly" => Some(Self::SendOnly),
            "recvonly" => Some(Self::RecvOnly),
            "inactive" => Some(Self::Inactive),
            _ => None,
        }
    }

    /// True if this side sends media.
    pub fn sends(self) -> bool {
        matches!(self, Self::SendRecv | Self::SendOnly)
    }

    /// True if this side receives media.
    pub fn receives(self) -> bool {
        matches!(self, Self::SendRecv | Self::RecvOnly)
    }

    /// Builds a direction from send / receive flags.
    pub fn from_flags(send: bool, recv: bool) -> Self {
        match (send, recv) {
            (true, true) => Self::SendRecv,
            (true, false) => Self::SendOnly,
            (false, true) => Self::RecvOnly,
            (false, false) => Self::Inactive,
        }
    }

    /// The direction seen from the peer: sendonly <-> recvonly
    /// (the answer mirrors the offer, RFC 3264 section 6.1).
    pub fn reverse(self) -> Self {
        Self::from_flags(self.receives(), self.sends())
    }

    /// What both this and `other` allow.
    pub fn intersect(self, other: Self) -> Self {
        Self::from_flags(
            self.sends() && other.sends(),
            self.receives() && other.receives(),
        )
    }
}

/// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]`
/// (RFC 8866 section 6.6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rtpmap {
    /// RTP payload type, 0..=127.
    pub payload: u8,
    /// Encoding name as written (compare case-insensitively).
    pub encoding: String,
    /// Clock rate in Hz.
    pub clock_rate: u32,
    /// Encoding parameters: the channel count for audio.
    pub channels: Option<u32>,
}

/// `a=fmtp:<format> <format specific parameters>` (RFC 8866 section 6.15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fmtp {
    /// The format (payload type) it applies to.
    pub format: String,
    /// The parameters, verbatim.
    pub params: String,
}

impl Fmtp {
    /// The value of `name=value` in a `;`-separated parameter list.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.split(';').find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// `a=rtcp:<port> [<nettype> <addrtype> <address>]` (RFC 3605 section 2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rtcp {
    /// RTCP port.
    pub port: u16,
    /// RTCP address, when not the RTP one.
    pub connection: Option<Connection>,
}

/// `a=crypto:<tag> <crypto-suite> <key-params> [<session-params>]` (RFC 4568 section 9.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crypto {
    /// Tag, 1 to 9 digits.
    pub tag: u32,
    /// Crypto suite, e.g. `AES_CM_128_HMAC_SHA1_80`.
    pub suite: String,
    /// Key parameters, e.g. `inline:<key||salt>|2^20|1:32`, verbatim.
    pub key_params: String,
    /// Session parameters, e.g. `UNENCRYPTED_SRTCP`.
    pub session_params: Vec<String>,
}

/// `a=group:<semantics> <mid> ...` (RFC 5888 section 5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// `LS`, `FID`, `BUNDLE`, ...
    pub semantics: String,
    /// Identification tags of the grouped media.
    pub mids: Vec<String>,
}

/// One `a=` line (RFC 8866 section 5.13).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attribute {
    /// `a=rtpmap` (RFC 8866 section 6.6).
    Rtpmap(Rtpmap),
    /// `a=fmtp` (RFC 8866 section 6.15).
    Fmtp(Fmtp),
    /// `a=ptime` in milliseconds (RFC 8866 section 6.4).
    Ptime(u32),
    /// `a=maxptime` in milliseconds (RFC 8866 section 6.5).
    MaxPtime(u32),
    /// `a=sendrecv|sendonly|recvonly|inactive` (RFC 8866 section 6.7).
    Direction(Direction),
    /// `a=rtcp` (RFC 3605).
    Rtcp(Rtcp),
    /// `a=rtcp-mux` (RFC 5761 section 5.1.1).
    RtcpMux,
    /// `a=mid` (RFC 5888 section 4).
    Mid(String),
    /// `a=group` (RFC 5888 section 5).
    Group(Group),
    /// `a=crypto` (RFC 4568 section 9.1).
    Crypto(Crypto),
    /// `a=candidate` value, verbatim (RFC 8839 section 5.1).
    Candidate(String),
    /// `a=setup` value, verbatim (RFC 4145 section 4).
    Setup(String),
    /// `a=fingerprint` value, verbatim (RFC 8122 section 5).
    Fingerprint(String),
    /// Any other attribute, verbatim: `a=<name>` or `a=<name>:<value>`.
    Other {
        /// Attribute name.
        name: String,
        /// Value after the first `:`, if any.
        value: Option<String>,
    },
}

impl Attribute {
    /// The attribute name as written before `:`.
    pub fn name(&self) -> &str {
        match self {
            Self::Rtpmap(_) => "rtpmap",
            Self::Fmtp(_) => "fmtp",
            Self::Ptime(_) => "ptime",
            Self::MaxPtime(_) => "maxptime",
            Self::Direction(d) => d.as_str(),
            Self::Rtcp(_) => "rtcp",
            Self::RtcpMux => "rtcp-mux",
            Self::Mid(_) => "mid",
            Self::Group(_) => "group",
            Self::Crypto(_) => "crypto",
            Self::Candidate(_) => "candidate",
            Self::Setup(_) => "setup",
            Self::Fingerprint(_) => "fingerprint",
            Self::Other { name, .. } => name,
        }
    }

    /// Parses the value of an `a=` line; `line` is used for errors.
    pub(crate) fn parse(value: &str, line: usize) -> Result<Self, SdpError> {
        let (name, arg) = match value.split_once(':') {
            Some((n, v)) => (n, Some(v)),
            None => (value, None),
        };
        let err = |kind| SdpError::syntax(line, kind);
        let attr = match (name, arg) {
            ("rtpmap", Some(v)) => {
                Self::Rtpmap(parse_rtpmap(v).ok_or_else(|| err(ErrorKind::BadRtpmap))?)
            }
            ("fmtp", Some(v)) => Self::Fmtp(parse_fmtp(v).ok_or_else(|| err(ErrorKind::BadFmtp))?),
            ("ptime", Some(v)) => Self::Ptime(parse_ms(v).ok_or_else(|| err(ErrorKind::BadPtime))?),
            ("maxptime", Some(v)) => {
                Self::MaxPtime(parse_ms(v).ok_or_else(|| err(ErrorKind::BadPtime))?)
            }
            ("rtcp", Some(v)) => Self::Rtcp(parse_rtcp(v).ok_or_else(|| err(ErrorKind::BadRtcp))?),
            ("rtcp-mux", None) => Self::RtcpMux,
            ("mid", Some(v)) => Self::Mid(v.to_owned()),
            ("group", Some(v)) => match parse_group(v) {
                Some(g) => Self::Group(g),
                None => other(name, arg),
            },
            ("crypto", Some(v)) => match parse_crypto(v) {
                Some(c) => Self::Crypto(c),
                None => other(name, arg),
            },
            ("candidate", Some(v)) => Self::Candidate(v.to_owned()),
            ("setup", Some(v)) => Self::Setup(v.to_owned()),
            ("fingerprint", Some(v)) => Self::Fingerprint(v.to_owned()),
            (n, None) => match Direction::from_name(n) {
                Some(d) => Self::Direction(d),
                None => other(name, arg),
            },
            _ => other(name, arg),
        };
        Ok(attr)
    }
}

fn other(name: &str, value: Option<&str>) -> Attribute {
    Attribute::Other {
        name: name.to_owned(),
        value: value.map(str::to_owned),
    }
}

fn rtpmap_fields(i: &str) -> IResult<&str, (u8, &str, u32, Option<u32>)> {
    let (i, (pt, _, enc, _, rate, ch)) = (
        map_res(digit1, str::parse::<u8>),
        space1,
        take_till1(|c: char| c == '/' || c == ' '),
        char('/'),
        map_res(digit1, str::parse::<u32>),
        opt(preceded(char('/'), map_res(digit1, str::parse::<u32>))),
    )
        .parse(i)?;
    Ok((i, (pt, enc, rate, ch)))
}

fn parse_rtpmap(v: &str) -> Option<Rtpmap> {
    let (_, (payload, enc, clock_rate, channels)) =
        all_consuming(rtpmap_fields).parse(v.trim()).ok()?;
    (payload <= 127).then(|| Rtpmap {
        payload,
        encoding: enc.to_owned(),
        clock_rate,
        channels,
    })
}

fn parse_fmtp(v: &str) -> Option<Fmtp> {
    let v = v.trim_start();
    let (format, params) = v.split_once([' ', '\t']).unwrap_or((v, ""));
    (!format.is_empty()).then(|| Fmtp {
        format: format.to_owned(),
        params: params.trim().to_owned(),
    })
}

/// Milliseconds; a fractional part (`20.0`) is accepted and dropped.
fn parse_ms(v: &str) -> Option<u32> {
    let v = v.trim();
    let int = v.split_once('.').map_or(v, |(i, frac)| {
        if frac.bytes().all(|b| b.is_ascii_digit()) {
            i
        } else {
            ""
        }
    });
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    int.parse().ok()
}

fn parse_rtcp(v: &str) -> Option<Rtcp> {
    let mut it = v.split_ascii_whitespace();
    let port = it.next()?.parse().ok()?;
    let connection = match (it.next(), it.next(), it.next()) {
        (None, _, _) => None,
        (Some(net), Some(at), Some(addr)) => Some(Connection {
            net_type: net.to_owned(),
            addr_type: AddrType::from_token(at),
            address: addr.to_owned(),
            ttl: None,
            count: None,
        }),
        _ => return None,
    };
    if it.next().is_some() {
        return None;
    }
    Some(Rtcp { port, connection })
}

fn parse_group(v: &str) -> Option<Group> {
    let mut it = v.split_ascii_whitespace();
    let semantics = it.next()?.to_owned();
    Some(Group {
        semantics,
        mids: it.map(str::to_owned).collect(),
    })
}

fn parse_crypto(v: &str) -> Option<Crypto> {
    let mut it = v.split_ascii_whitespace();
    let tag_s = it.next()?;
    if tag_s.is_empty() || tag_s.len() > 9 || !tag_s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let tag = tag_s.parse().ok()?;
    let suite = it.next()?.to_owned();
    let key_params = it.next()?.to_owned();
    Some(Crypto {
        tag,
        suite,
        key_params,
        session_params: it.map(str::to_owned).collect(),
    })
}

impl fmt::Display for Connection {
    /// `<nettype> <addrtype> <address>[/ttl][/count]` (RFC 8866 section 5.7).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.net_type,
            self.addr_type.as_str(),
            self.address
        )?;
        if let Some(ttl) = self.ttl {
            write!(f, "/{ttl}")?;
        }
        if let Some(n) = self.count {
            write!(f, "/{n}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Attribute {
    /// The value of the `a=` line, without `a=` and line ending.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rtpmap(r) => {
                write!(f, "rtpmap:{} {}/{}", r.payload, r.encoding, r.clock_rate)?;
                match r.channels {
                    Some(c) => write!(f, "/{c}"),
                    None => Ok(()),
                }
            }
            Self::Fmtp(x) if x.params.is_empty() => write!(f, "fmtp:{}", x.format),
            Self::Fmtp(x) => write!(f, "fmtp:{} {}", x.format, x.params),
            Self::Ptime(ms) => write!(f, "ptime:{ms}"),
            Self::MaxPtime(ms) => write!(f, "maxptime:{ms}"),
            Self::Direction(d) => f.write_str(d.as_str()),
            Self::Rtcp(r) => match &r.connection {
                Some(c) => write!(f, "rtcp:{} {c}", r.port),
                None => write!(f, "rtcp:{}", r.port),
            },
            Self::RtcpMux => f.write_str("rtcp-mux"),
            Self::Mid(m) => write!(f, "mid:{m}"),
            Self::Group(g) => {
                write!(f, "group:{}", g.semantics)?;
                g.mids.iter().try_for_each(|m| write!(f, " {m}"))
            }
            Self::Crypto(c) => {
                write!(f, "crypto:{} {} {}", c.tag, c.suite, c.key_params)?;
                c.session_params.iter().try_for_each(|p| write!(f, " {p}"))
            }
            Self::Candidate(v) => write!(f, "candidate:{v}"),
            Self::Setup(v) => write!(f, "setup:{v}"),
            Self::Fingerprint(v) => write!(f, "fingerprint:{v}"),
            Self::Other {
                name,
                value: Some(v),
            } => write!(f, "{name}:{v}"),
            Self::Other { name, value: None } => f.write_str(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Attribute {
        Attribute::parse(s, 1).expect(s)
    }

    #[test]
    fn rtpmap_forms() {
        let Attribute::Rtpmap(r) = p("rtpmap:111 opus/48000/2") else {
            panic!("not rtpmap")
        };
        assert_eq!(
            (r.payload, r.encoding.as_str(), r.clock_rate, r.channels),
            (111, "opus", 48000, Some(2))
        );
        assert_eq!(p("rtpmap:0 PCMU/8000").to_string(), "rtpmap:0 PCMU/8000");
        let e = Attribute::parse("rtpmap:200 X/8000", 7).unwrap_err();
        assert_eq!(e, SdpError::syntax(7, ErrorKind::BadRtpmap));
        assert!(Attribute::parse("rtpmap:0 PCMU", 1).is_err());
        assert!(Attribute::parse("rtpmap:0PCMU/8000", 1).is_err());
    }

    #[test]
    fn fmtp_and_params() {
        let Attribute::Fmtp(f) = p("fmtp:111 minptime=10; useinbandfec=1") else {
            panic!("not fmtp")
        };
        assert_eq!(f.param("useinbandfec"), Some("1"));
        assert_eq!(f.param("x"), None);
        assert_eq!(p("fmtp:101 0-16").to_string(), "fmtp:101 0-16");
    }

    #[test]
    fn simple_attributes() {
        assert_eq!(p("ptime:20"), Attribute::Ptime(20));
        assert_eq!(p("ptime:20.0"), Attribute::Ptime(20));
        assert!(Attribute::parse("ptime:abc", 1).is_err());
        assert_eq!(p("sendonly"), Attribute::Direction(Direction::SendOnly));
        assert_eq!(p("rtcp-mux"), Attribute::RtcpMux);
        assert_eq!(
            p("rtcp:53020 IN IP4 126.16.64.4").to_string(),
            "rtcp:53020 IN IP4 126.16.64.4"
        );
        assert!(Attribute::parse("rtcp:53020 IN", 1).is_err());
        assert_eq!(p("x-foo:bar:baz").to_string(), "x-foo:bar:baz");
        assert_eq!(p("group:BUNDLE 0 1").to_string(), "group:BUNDLE 0 1");
    }

    #[test]
    fn crypto_typed() {
        let a = p(
            "crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32",
        );
        let Attribute::Crypto(c) = &a else {
            panic!("not crypto")
        };
        assert_eq!(c.tag, 1);
        assert_eq!(c.suite, "AES_CM_128_HMAC_SHA1_80");
        assert!(matches!(p("crypto:x"), Attribute::Other { .. }));
    }

    #[test]
    fn direction_algebra() {
        assert_eq!(Direction::SendOnly.reverse(), Direction::RecvOnly);
        assert_eq!(Direction::Inactive.reverse(), Direction::Inactive);
        assert_eq!(
            Direction::SendRecv.intersect(Direction::RecvOnly),
            Direction::RecvOnly
        );
    }
}
