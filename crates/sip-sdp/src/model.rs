//! The SDP data model (RFC 8866 section 5): a session description with its
//! session-level lines and its media descriptions.

use std::net::IpAddr;

use crate::attribute::{Attribute, Direction};
use crate::error::SdpError;

/// A whole session description (RFC 8866 section 5).
///
/// Fields follow the RFC's line order: `v o s i u e p c b t r z k a`, then the
/// media descriptions. Line types this crate does not know are kept in
/// [`Session::extra`] and written back before the `a=` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// `v=`, always 0 (RFC 8866 section 5.1).
    pub version: u32,
    /// `o=` (RFC 8866 section 5.2).
    pub origin: Origin,
    /// `s=` (RFC 8866 section 5.3); `-` when the body had none.
    pub name: String,
    /// `i=` (RFC 8866 section 5.4).
    pub info: Option<String>,
    /// `u=` (RFC 8866 section 5.5).
    pub uri: Option<String>,
    /// `e=` lines (RFC 8866 section 5.6).
    pub emails: Vec<String>,
    /// `p=` lines (RFC 8866 section 5.6).
    pub phones: Vec<String>,
    /// Session-level `c=` (RFC 8866 section 5.7).
    pub connection: Option<Connection>,
    /// `b=` lines (RFC 8866 section 5.8).
    pub bandwidths: Vec<Bandwidth>,
    /// `t=` lines with their `r=` lines (RFC 8866 sections 5.9 and 5.10);
    /// `t=0 0` when the body had none.
    pub times: Vec<Timing>,
    /// `z=` value, verbatim (RFC 8866 section 5.11).
    pub zone: Option<String>,
    /// `k=` value, verbatim (RFC 8866 section 5.12, obsolete but kept).
    pub key: Option<String>,
    /// Line types unknown to this crate, kept verbatim (RFC 8866 section 5).
    pub extra: Vec<ExtraLine>,
    /// Session-level `a=` lines (RFC 8866 section 5.13).
    pub attributes: Vec<Attribute>,
    /// Media descriptions, in order (RFC 8866 section 5.14).
    pub media: Vec<Media>,
}

/// The `o=` line (RFC 8866 section 5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// `<username>`, `-` when the host has no user ids.
    pub username: String,
    /// `<sess-id>`, a numeric string kept verbatim (it may exceed 64 bits).
    pub session_id: String,
    /// `<sess-version>`, incremented on every new offer (RFC 3264 section 8).
    pub session_version: u64,
    /// `<nettype>`, `IN`.
    pub net_type: String,
    /// `<addrtype>`.
    pub addr_type: AddrType,
    /// `<unicast-address>`: an address or a host name.
    pub address: String,
}

/// `IP4` / `IP6` address types (RFC 8866 section 5.7, RFC 5118 section 4.7).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AddrType {
    /// `IP4`.
    Ip4,
    /// `IP6`.
    Ip6,
    /// Any other token, kept verbatim.
    Other(String),
}

impl AddrType {
    /// The token as written on the line.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Ip4 => "IP4",
            Self::Ip6 => "IP6",
            Self::Other(s) => s,
        }
    }

    /// Parses the token (case-insensitively for IP4/IP6).
    pub fn from_token(s: &str) -> Self {
        if s.eq_ignore_ascii_case("IP4") {
            Self::Ip4
        } else if s.eq_ignore_ascii_case("IP6") {
            Self::Ip6
        } else {
            Self::Other(s.to_owned())
        }
    }

    /// The address type of an IP address.
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => Self::Ip4,
            IpAddr::V6(_) => Self::Ip6,
        }
    }
}

/// A `c=` line (RFC 8866 section 5.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// `<nettype>`, `IN`.
    pub net_type: String,
    /// `<addrtype>`.
    pub addr_type: AddrType,
    /// The address without its `/ttl/count` suffix (may be a host name).
    pub address: String,
    /// IPv4 multicast TTL (`/ttl`).
    pub ttl: Option<u32>,
    /// Number of multicast addresses (`/count`).
    pub count: Option<u32>,
}

impl Connection {
    /// An `IN IP4` / `IN IP6` connection for a unicast address.
    pub fn new(ip: IpAddr) -> Self {
        Self {
            net_type: "IN".to_owned(),
            addr_type: AddrType::of(ip),
            address: ip.to_string(),
            ttl: None,
            count: None,
        }
    }

    /// The address as an IP address, if it is one (not a host name).
    pub fn ip(&self) -> Option<IpAddr> {
        self.address.parse().ok()
    }

    /// True for the RFC 2543 hold address `0.0.0.0` (or `::`), the old hold
    /// form RFC 3264 section 8.4 tells us to understand.
    pub fn is_hold_address(&self) -> bool {
        self.ip().is_some_and(|ip| ip.is_unspecified())
    }
}

/// A `b=<bwtype>:<bandwidth>` line (RFC 8866 section 5.8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bandwidth {
    /// `CT`, `AS`, `TIAS`, ... kept verbatim.
    pub kind: String,
    /// The value (kbit/s for CT and AS, bit/s for TIAS).
    pub value: u64,
}

/// A `t=` line and its `r=` lines (RFC 8866 sections 5.9 and 5.10).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Timing {
    /// Start time (NTP seconds), 0 for unbounded.
    pub start: u64,
    /// Stop time (NTP seconds), 0 for unbounded.
    pub stop: u64,
    /// `r=` values, verbatim.
    pub repeats: Vec<String>,
}

/// A line of a type this crate does not know, kept verbatim (RFC 8866 section 5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraLine {
    /// The type letter.
    pub kind: char,
    /// The value after `=`.
    pub value: String,
}

/// The `<media>` field of an m= line (RFC 8866 section 5.14).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// `audio`.
    Audio,
    /// `video`.
    Video,
    /// `text`.
    Text,
    /// `application`.
    Application,
    /// `message`.
    Message,
    /// `image` (T.38 fax).
    Image,
    /// Any other token, kept verbatim.
    Other(String),
}

impl MediaKind {
    /// The token as written on the line.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Audio => "audio",
            Self::Video => "video",
            Self::Text => "text",
            Self::Application => "application",
            Self::Message => "message",
            Self::Image => "image",
            Self::Other(s) => s,
        }
    }

    /// Parses the token (case-insensitively for the registered ones).
    pub fn from_token(s: &str) -> Self {
        const KNOWN: [(&str, MediaKind); 6] = [
            ("audio", MediaKind::Audio),
            ("video", MediaKind::Video),
            ("text", MediaKind::Text),
            ("application", MediaKind::Application),
            ("message", MediaKind::Message),
            ("image", MediaKind::Image),
        ];
        KNOWN
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
            .map_or_else(|| Self::Other(s.to_owned()), |(_, kind)| kind.clone())
    }
}

/// A media description: the m= line and its i c b k a lines (RFC 8866 section 5.14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// `<media>`.
    pub kind: MediaKind,
    /// `<port>`; 0 means the stream is rejected or disabled (RFC 3264 section 5.1).
    pub port: u16,
    /// `/<number of ports>`.
    pub port_count: Option<u16>,
    /// `<proto>`, e.g. `RTP/AVP`, `RTP/SAVP`, `udptl`.
    pub proto: String,
    /// `<fmt>` list: RTP payload type numbers or other tokens.
    pub formats: Vec<String>,
    /// `i=` (RFC 8866 section 5.4).
    pub info: Option<String>,
    /// Media-level `c=` lines (RFC 8866 section 5.7; several for layered multicast).
    pub connections: Vec<Connection>,
    /// `b=` lines (RFC 8866 section 5.8).
    pub bandwidths: Vec<Bandwidth>,
    /// `k=` value (RFC 8866 section 5.12).
    pub key: Option<String>,
    /// Line types unknown to this crate, kept verbatim.
    pub extra: Vec<ExtraLine>,
    /// `a=` lines (RFC 8866 section 5.13).
    pub attributes: Vec<Attribute>,
}

impl Media {
    /// A media description with no lines but the m= line.
    pub fn new(kind: MediaKind, port: u16, proto: &str, formats: Vec<String>) -> Self {
        Self {
            kind,
            port,
            port_count: None,
            proto: proto.to_owned(),
            formats,
            info: None,
            connections: Vec::new(),
            bandwidths: Vec::new(),
            key: None,
            extra: Vec::new(),
            attributes: Vec::new(),
        }
    }

    /// The media-level direction attribute, if any (RFC 8866 section 6.7).
    pub fn direction_attribute(&self) -> Option<Direction> {
        direction_in(&self.attributes)
    }

    /// Replaces (or adds) the direction attribute (RFC 8866 section 6.7).
    pub fn set_direction(&mut self, dir: Direction) {
        self.attributes
            .retain(|a| !matches!(a, Attribute::Direction(_)));
        self.attributes.push(Attribute::Direction(dir));
    }

    /// True when the port is 0: the stream is rejected (RFC 3264 section 6).
    pub fn is_rejected(&self) -> bool {
        self.port == 0
    }

    /// True for RTP profiles (`RTP/AVP`, `RTP/SAVP`, `UDP/TLS/RTP/SAVPF`, ...).
    pub fn is_rtp(&self) -> bool {
        self.proto.to_ascii_uppercase().contains("RTP/")
    }
}

/// The first direction attribute of a list.
pub(crate) fn direction_in(attrs: &[Attribute]) -> Option<Direction> {
    attrs.iter().find_map(|a| match a {
        Attribute::Direction(d) => Some(*d),
        _ => None,
    })
}

impl Session {
    /// A session with `v=0`, the given origin and name, and nothing else
    /// (RFC 8866 section 5: v=, o= and s= are the mandatory lines; add
    /// `t=` before encoding).
    pub fn new(origin: Origin, name: impl Into<String>) -> Self {
        Self {
            version: 0,
            origin,
            name: name.into(),
            info: None,
            uri: None,
            emails: Vec::new(),
            phones: Vec::new(),
            connection: None,
            bandwidths: Vec::new(),
            times: Vec::new(),
            zone: None,
            key: None,
            extra: Vec::new(),
            attributes: Vec::new(),
            media: Vec::new(),
        }
    }

    /// The direction of media section `index`: its own attribute, else the
    /// session-level one, else `sendrecv` (RFC 8866 section 6.7).
    pub fn media_direction(&self, index: usize) -> Direction {
        self.media
            .get(index)
            .and_then(Media::direction_attribute)
            .or_else(|| direction_in(&self.attributes))
            .unwrap_or(Direction::SendRecv)
    }

    /// Increments the o= session version, as every new offer of the same
    /// session must (RFC 3264 section 8).
    pub fn bump_version(&mut self) -> Result<(), SdpError> {
        self.origin.session_version = self
            .origin
            .session_version
            .checked_add(1)
            .ok_or(SdpError::VersionOverflow)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_kind_tokens() {
        assert_eq!(MediaKind::from_token("Audio"), MediaKind::Audio);
        assert_eq!(MediaKind::from_token("foo").as_str(), "foo");
        assert_eq!(MediaKind::Image.as_str(), "image");
    }

    #[test]
    fn hold_address() {
        let c = Connection::new("0.0.0.0".parse().unwrap());
        assert!(c.is_hold_address());
        assert!(!Connection::new("192.0.2.1".parse().unwrap()).is_hold_address());
        assert_eq!(AddrType::from_token("ip6"), AddrType::Ip6);
    }

    #[test]
    fn direction_replaced() {
        let mut m = Media::new(MediaKind::Audio, 4000, "RTP/AVP", vec!["0".into()]);
        m.set_direction(Direction::SendOnly);
        m.set_direction(Direction::Inactive);
        assert_eq!(m.direction_attribute(), Some(Direction::Inactive));
        assert_eq!(m.attributes.len(), 1);
        assert!(m.is_rtp());
    }
}
