//! RFC 3264 offer/answer: building an answer from local capabilities
//! (section 6), an initial offer (section 5), and hold / resume re-offers
//! (section 8).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::net::{IpAddr, Ipv4Addr};

use crate::attribute::{Attribute, Crypto, Direction, Fmtp, Rtpmap};
use crate::codec::{Capabilities, Codec, CodecInfo, EventSet};
use crate::error::SdpError;
use crate::model::{AddrType, Connection, Media, MediaKind, Origin, Session, Timing};

/// SRTP suites we answer with SDES keys (RFC 4568 section 6.2, RFC 3711).
const SRTP_SUITES: [&str; 2] = ["AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32"];

/// Local parameters of an offer or an answer: address, ports, o= fields.
///
/// The same options serve [`answer`] and [`OfferBuilder`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerOptions {
    /// Our RTP address: the o= and c= address (RFC 8866 sections 5.2, 5.7).
    pub address: IpAddr,
    /// Our port per media type; a type with no port is rejected (RFC 3264 section 6).
    pub ports: Vec<(MediaKind, u16)>,
    /// o= `<sess-id>`; fresh for every new session (RFC 8866 section 5.2).
    pub session_id: String,
    /// o= `<sess-version>`.
    pub session_version: u64,
    /// o= `<username>`.
    pub username: String,
    /// What we want to do locally; the answer direction is the offer's
    /// mirrored and intersected with this (RFC 3264 section 6.1).
    pub direction: Direction,
    /// SDES key parameters (`inline:...`) for SRTP streams (RFC 4568);
    /// without them RTP/SAVP streams are rejected.
    pub srtp_key: Option<String>,
}

impl AnswerOptions {
    /// Options with audio on port 4000, video on 4002, a fresh session id,
    /// version 1, username `-`.
    pub fn new(address: IpAddr) -> Self {
        Self {
            address,
            ports: vec![(MediaKind::Audio, 4000), (MediaKind::Video, 4002)],
            session_id: fresh_session_id(),
            session_version: 1,
            username: "-".to_owned(),
            direction: Direction::SendRecv,
            srtp_key: None,
        }
    }

    /// Sets (or adds) the port of a media type (builder style).
    pub fn port(mut self, kind: MediaKind, port: u16) -> Self {
        self.ports.retain(|(k, _)| *k != kind);
        self.ports.push((kind, port));
        self
    }

    /// Sets the o= session id and version (builder style).
    pub fn session(mut self, id: &str, version: u64) -> Self {
        self.session_id = id.to_owned();
        self.session_version = version;
        self
    }

    /// Sets the o= username (builder style).
    pub fn username(mut self, name: &str) -> Self {
        self.username = name.to_owned();
        self
    }

    /// Sets the local direction (builder style).
    pub fn direction(mut self, d: Direction) -> Self {
        self.direction = d;
        self
    }

    /// Sets the SDES key parameters (builder style).
    pub fn srtp_key(mut self, key: &str) -> Self {
        self.srtp_key = Some(key.to_owned());
        self
    }

    /// Keeps the o= id and username of our previous SDP in this session and
    /// increments its version (RFC 3264 section 8).
    pub fn continuing(mut self, previous: &Session) -> Result<Self, SdpError> {
        self.session_id.clone_from(&previous.origin.session_id);
        self.username.clone_from(&previous.origin.username);
        self.session_version = previous
            .origin
            .session_version
            .checked_add(1)
            .ok_or(SdpError::VersionOverflow)?;
        Ok(self)
    }

    fn port_for(&self, kind: &MediaKind) -> Option<u16> {
        self.ports.iter().find(|(k, _)| k == kind).map(|(_, p)| *p)
    }

    fn skeleton(&self) -> Session {
        let origin = Origin {
            username: self.username.clone(),
            session_id: self.session_id.clone(),
            session_version: self.session_version,
            net_type: "IN".to_owned(),
            addr_type: AddrType::of(self.address),
            address: self.address.to_string(),
        };
        let mut s = Session::new(origin, "-");
        s.connection = Some(Connection::new(self.address));
        s.times = vec![Timing::default()];
        s
    }
}

impl Default for AnswerOptions {
    fn default() -> Self {
        Self::new(IpAddr::V4(Ipv4Addr::LOCALHOST))
    }
}

/// A fresh numeric o= session id (RFC 8866 section 5.2), from std's
/// per-process random hasher keys.
pub fn fresh_session_id() -> String {
    let h = RandomState::new().build_hasher().finish();
    (h >> 2).to_string()
}

/// The effective direction of media `index` of an SDP: its attribute, minus
/// receiving when the connection is the RFC 2543 hold address `0.0.0.0`
/// (RFC 3264 section 8.4).
pub(crate) fn effective_direction(s: &Session, index: usize) -> Direction {
    let d = s.media_direction(index);
    let held = s
        .connection_for(index)
        .is_some_and(Connection::is_hold_address);
    if held {
        d.intersect(Direction::SendOnly)
    } else {
        d
    }
}

/// Builds the answer to `offer` (RFC 3264 section 6): one m= line per
/// offered m= line, in order; port 0 with the offer's formats for rejected
/// streams; codecs matched by name, clock rate and channels with the
/// offer's payload numbers; telephone-event with its event list intersected;
/// directions mirrored; ptime echoed; the offer's `t=` (and `r=`, `z=`)
/// lines copied, as the time of a session cannot be negotiated.
///
/// Only the first stream of each media type is accepted.
pub fn answer(
    offer: &Session,
    caps: &Capabilities,
    opts: &AnswerOptions,
) -> Result<Session, SdpError> {
    let mut out = opts.skeleton();
    // "The t= line in the answer MUST equal that of the offer" (RFC 3264 section 6).
    if !offer.times.is_empty() {
        out.times.clone_from(&offer.times);
        out.zone.clone_from(&offer.zone);
    }
    let mut used: Vec<MediaKind> = Vec::new();
    for (i, m) in offer.media.iter().enumerate() {
        let accepted = if m.port == 0 || used.contains(&m.kind) {
            None
        } else {
            opts.port_for(&m.kind)
                .filter(|_| caps.supports(&m.kind))
                .and_then(|port| accept(m, port, effective_direction(offer, i), caps, opts))
        };
        match accepted {
            Some(a) => {
                used.push(m.kind.clone());
                out.media.push(a);
            }
            None => out
                .media
                .push(Media::new(m.kind.clone(), 0, &m.proto, m.formats.clone())),
        }
    }
    Ok(out)
}

fn choose_crypto(m: &Media, key: Option<&String>) -> Option<Option<Crypto>> {
    let proto = m.proto.to_ascii_uppercase();
    match proto.as_str() {
        "RTP/AVP" | "RTP/AVPF" => Some(None),
        "RTP/SAVP" | "RTP/SAVPF" => {
            let key = key?;
            m.attributes.iter().find_map(|a| match a {
                Attribute::Crypto(c)
                    if SRTP_SUITES.iter().any(|s| s.eq_ignore_ascii_case(&c.suite)) =>
                {
                    Some(Some(Crypto {
                        tag: c.tag,
                        suite: c.suite.clone(),
                        key_params: key.clone(),
                        session_params: Vec::new(),
                    }))
                }
                _ => None,
            })
        }
        _ => None,
    }
}

fn accept(
    m: &Media,
    port: u16,
    offer_dir: Direction,
    caps: &Capabilities,
    opts: &AnswerOptions,
) -> Option<Media> {
    let crypto = choose_crypto(m, opts.srtp_key.as_ref())?;
    // Formats keep the offer's exact tokens (RFC 3264 section 6.1); a
    // payload type listed twice is answered once.
    let mut offered: Vec<(&str, CodecInfo)> = Vec::new();
    for f in &m.formats {
        if let Some(c) = m
            .codec(f)
            .filter(|c| offered.iter().all(|(_, o)| o.payload != c.payload))
        {
            offered.push((f.as_str(), c));
        }
    }
    let chosen: Vec<(&str, &CodecInfo, &Codec)> = offered
        .iter()
        .filter(|(_, c)| !c.is_telephone_event())
        .filter_map(|(f, c)| caps.find(&m.kind, c).map(|local| (*f, c, local)))
        .collect();
    if chosen.is_empty() {
        return None;
    }
    let mut a = Media::new(m.kind.clone(), port, &m.proto, Vec::new());
    for (f, c, local) in &chosen {
        push_codec(&mut a, f, c, local.fmtp.as_deref().or(c.fmtp.as_deref()));
    }
    // telephone-event at the clock rate of a chosen codec (RFC 4733 section 2.1).
    if let Some(local_te) = caps
        .codecs
        .iter()
        .find(|c| c.media == m.kind && c.is_telephone_event())
    {
        let ours = local_te
            .fmtp
            .as_deref()
            .and_then(EventSet::parse)
            .unwrap_or_else(|| EventSet::range(0, 15));
        for (f, te) in offered.iter().filter(|(_, c)| c.is_telephone_event()) {
            if !chosen.iter().any(|(_, c, _)| c.clock_rate == te.clock_rate) {
                continue;
            }
            // RFC 4733 section 2.4.1: without an event list the offerer
            // supports events 0-15 (the DTMF digits and flash).
            let theirs = te
                .fmtp
                .as_deref()
                .and_then(EventSet::parse)
                .unwrap_or_else(|| EventSet::range(0, 15));
            let events = theirs.intersect(ours);
            if !events.is_empty() {
                push_codec(&mut a, f, te, Some(&events.to_list()));
            }
        }
    }
    for attr in &m.attributes {
        match attr {
            Attribute::Ptime(_) | Attribute::MaxPtime(_) | Attribute::Mid(_) => {
                a.attributes.push(attr.clone())
            }
            Attribute::RtcpMux if caps.rtcp_mux => a.attributes.push(Attribute::RtcpMux),
            _ => {}
        }
    }
    if let Some(c) = crypto {
        a.attributes.push(Attribute::Crypto(c));
    }
    a.attributes.push(Attribute::Direction(
        offer_dir.reverse().intersect(opts.direction),
    ));
    Some(a)
}

fn push_codec(m: &mut Media, format: &str, c: &CodecInfo, fmtp: Option<&str>) {
    let format = format.to_owned();
    m.attributes.push(Attribute::Rtpmap(Rtpmap {
        payload: c.payload,
        encoding: c.name.clone(),
        clock_rate: c.clock_rate,
        channels: (c.channels != 1).then_some(c.channels),
    }));
    if let Some(p) = fmtp.filter(|p| !p.is_empty()) {
        m.attributes.push(Attribute::Fmtp(Fmtp {
            format: format.clone(),
            params: p.to_owned(),
        }));
    }
    m.formats.push(format);
}

/// Builds an initial offer from local capabilities (RFC 3264 section 5):
/// one m= line per media type that has both codecs and a port.
#[derive(Debug, Clone)]
pub struct OfferBuilder<'a> {
    caps: &'a Capabilities,
    opts: AnswerOptions,
}

impl<'a> OfferBuilder<'a> {
    /// An offer of `caps` with the local parameters of `opts`.
    pub fn new(caps: &'a Capabilities, opts: AnswerOptions) -> Self {
        Self { caps, opts }
    }

    /// The offer.
    pub fn build(&self) -> Session {
        let mut out = self.opts.skeleton();
        let mut kinds: Vec<&MediaKind> = Vec::new();
        for c in &self.caps.codecs {
            if !kinds.contains(&&c.media) {
                kinds.push(&c.media);
            }
        }
        for kind in kinds {
            let Some(port) = self.opts.port_for(kind) else {
                continue;
            };
            let proto = if self.opts.srtp_key.is_some() {
                "RTP/SAVP"
            } else {
                "RTP/AVP"
            };
            let mut m = Media::new(kind.clone(), port, proto, Vec::new());
            for c in self.caps.codecs.iter().filter(|c| &c.media == kind) {
                let info = CodecInfo {
                    payload: c.payload,
                    name: c.name.clone(),
                    clock_rate: c.clock_rate,
                    channels: c.channels,
                    fmtp: None,
                };
                push_codec(&mut m, &c.payload.to_string(), &info, c.fmtp.as_deref());
            }
            if let (Some(ms), MediaKind::Audio) = (self.caps.ptime, kind) {
                m.attributes.push(Attribute::Ptime(ms));
            }
            if self.caps.rtcp_mux {
                m.attributes.push(Attribute::RtcpMux);
            }
            if let Some(key) = &self.opts.srtp_key {
                m.attributes.push(Attribute::Crypto(Crypto {
                    tag: 1,
                    suite: SRTP_SUITES[0].to_owned(),
                    key_params: key.clone(),
                    session_params: Vec::new(),
                }));
            }
            m.attributes.push(Attribute::Direction(self.opts.direction));
            out.media.push(m);
        }
        out
    }
}

/// How to put a call on hold (RFC 3264 section 8.4, RFC 6337 section 5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldMode {
    /// `a=sendonly` (from sendrecv) or `a=inactive` (from recvonly).
    SendOnly,
    /// `a=inactive`.
    Inactive,
}

impl Session {
    /// A hold re-offer from our previous SDP: every active stream becomes
    /// sendonly or inactive, the o= version is incremented (RFC 3264 section 8.4).
    pub fn hold(&self, mode: HoldMode) -> Result<Self, SdpError> {
        let target = match mode {
            HoldMode::SendOnly => Direction::SendOnly,
            HoldMode::Inactive => Direction::Inactive,
        };
        self.redirect(|d| d.intersect(target))
    }

    /// A resume re-offer: every active stream becomes sendrecv, the o=
    /// version is incremented (RFC 3264 section 8.4).
    pub fn resume(&self) -> Result<Self, SdpError> {
        self.redirect(|_| Direction::SendRecv)
    }

    fn redirect(&self, f: impl Fn(Direction) -> Direction) -> Result<Self, SdpError> {
        let mut s = self.clone();
        s.bump_version()?;
        let dirs: Vec<Direction> = (0..s.media.len()).map(|i| s.media_direction(i)).collect();
        s.attributes
            .retain(|a| !matches!(a, Attribute::Direction(_)));
        for (m, d) in s.media.iter_mut().zip(dirs) {
            if m.port != 0 {
                m.set_direction(f(d));
            }
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n\
m=audio 5000 RTP/AVP 18 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:30\r\na=sendonly\r\n\
m=video 5002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n";

    fn opts() -> AnswerOptions {
        AnswerOptions::new("198.51.100.7".parse().unwrap()).session("42", 1)
    }

    #[test]
    fn answer_basic() {
        let offer = Session::parse(OFFER.as_bytes()).unwrap();
        let a = answer(&offer, &Capabilities::default_audio(), &opts()).unwrap();
        assert_eq!(
            a.to_string(),
            "v=0\r\no=- 42 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\n\
m=audio 4000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:30\r\na=recvonly\r\n\
m=video 0 RTP/AVP 96\r\n"
        );
    }

    #[test]
    fn no_common_codec_rejects() {
        let offer = Session::parse(OFFER.replace("18 8 101", "18 101").as_bytes()).unwrap();
        let a = answer(&offer, &Capabilities::default_audio(), &opts()).unwrap();
        assert_eq!(a.media[0].port, 0);
        assert_eq!(a.media[0].formats, ["18", "101"]);
    }

    #[test]
    fn answer_keeps_offer_format_tokens() {
        // Found by the sdp_answer fuzz target: `000` is payload 0.
        let offer = Session::parse(
            b"v=0\r\no=- 1 1 IN IP4 a\r\nc=IN IP4 192.0.2.1\r\nm=audio 5 RTP/AVP 000\r\n",
        )
        .unwrap();
        let a = answer(&offer, &Capabilities::default_audio(), &opts()).unwrap();
        assert_eq!(a.media[0].formats, ["000"]);
        assert!(crate::negotiate(&offer, &a).is_ok());
    }

    #[test]
    fn offer_then_hold_and_resume() {
        let caps = Capabilities::default_audio().ptime(20);
        let offer = OfferBuilder::new(&caps, opts()).build();
        assert_eq!(offer.media.len(), 1);
        assert_eq!(offer.media[0].formats, ["0", "8", "9", "111", "101"]);
        let held = offer.hold(HoldMode::SendOnly).unwrap();
        assert_eq!(held.origin.session_version, 2);
        assert_eq!(held.media_direction(0), Direction::SendOnly);
        let back = held.resume().unwrap();
        assert_eq!(back.origin.session_version, 3);
        assert_eq!(back.media_direction(0), Direction::SendRecv);
        let reparsed = Session::parse(back.to_string().as_bytes()).unwrap();
        assert_eq!(reparsed, back);
    }

    #[test]
    fn continuing_increments() {
        let prev = answer(
            &Session::parse(OFFER.as_bytes()).unwrap(),
            &Capabilities::default_audio(),
            &opts(),
        )
        .unwrap();
        let o = AnswerOptions::default().continuing(&prev).unwrap();
        assert_eq!((o.session_id.as_str(), o.session_version), ("42", 2));
        assert_ne!(fresh_session_id(), fresh_session_id());
    }
}
