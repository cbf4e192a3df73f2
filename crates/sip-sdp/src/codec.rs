//! Codecs: the static RTP payload table (RFC 3551 section 6), format
//! resolution on a media section, local capabilities, and telephone-event
//! lists (RFC 4733 section 2.4).

use crate::attribute::Attribute;
use crate::model::{Media, MediaKind};

/// The static payload types of RFC 3551 section 6, table 4 and 5:
/// `(payload type, encoding name, clock rate, channels)`.
const STATIC: &[(u8, &str, u32, Option<u32>)] = &[
    (0, "PCMU", 8000, Some(1)),
    (3, "GSM", 8000, Some(1)),
    (4, "G723", 8000, Some(1)),
    (5, "DVI4", 8000, Some(1)),
    (6, "DVI4", 16000, Some(1)),
    (7, "LPC", 8000, Some(1)),
    (8, "PCMA", 8000, Some(1)),
    (9, "G722", 8000, Some(1)),
    (10, "L16", 44100, Some(2)),
    (11, "L16", 44100, Some(1)),
    (12, "QCELP", 8000, Some(1)),
    (13, "CN", 8000, Some(1)),
    (14, "MPA", 90000, None),
    (15, "G728", 8000, Some(1)),
    (16, "DVI4", 11025, Some(1)),
    (17, "DVI4", 22050, Some(1)),
    (18, "G729", 8000, Some(1)),
    (25, "CelB", 90000, None),
    (26, "JPEG", 90000, None),
    (28, "nv", 90000, None),
    (31, "H261", 90000, None),
    (32, "MPV", 90000, None),
    (33, "MP2T", 90000, None),
    (34, "H263", 90000, None),
];

/// The encoding name of telephone events (RFC 4733 section 7.1.1).
pub const TELEPHONE_EVENT: &str = "telephone-event";

/// One format of a media section, resolved from its `a=rtpmap` or from the
/// static payload table (RFC 3551 section 6), with its `a=fmtp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecInfo {
    /// RTP payload type.
    pub payload: u8,
    /// Encoding name as written.
    pub name: String,
    /// Clock rate in Hz.
    pub clock_rate: u32,
    /// Channel count (1 when not given, RFC 8866 section 6.6).
    pub channels: u32,
    /// `a=fmtp` parameters for this payload type.
    pub fmtp: Option<String>,
}

impl CodecInfo {
    /// True for `telephone-event` (RFC 4733).
    pub fn is_telephone_event(&self) -> bool {
        self.name.eq_ignore_ascii_case(TELEPHONE_EVENT)
    }
}

impl Media {
    /// The `a=rtpmap` of a payload type (RFC 8866 section 6.6).
    pub fn rtpmap(&self, payload: u8) -> Option<&crate::Rtpmap> {
        self.attributes.iter().find_map(|a| match a {
            Attribute::Rtpmap(r) if r.payload == payload => Some(r),
            _ => None,
        })
    }

    /// The `a=fmtp` parameters of a format (RFC 8866 section 6.15).
    pub fn fmtp(&self, format: &str) -> Option<&str> {
        self.attributes.iter().find_map(|a| match a {
            Attribute::Fmtp(f) if f.format == format => Some(f.params.as_str()),
            _ => None,
        })
    }

    /// The `a=ptime` value (RFC 8866 section 6.4).
    pub fn ptime(&self) -> Option<u32> {
        self.attributes.iter().find_map(|a| match a {
            Attribute::Ptime(p) => Some(*p),
            _ => None,
        })
    }

    /// Resolves one format: its rtpmap, else the static table (RFC 3551).
    /// `None` for non-numeric formats and unknown dynamic ones.
    pub fn codec(&self, format: &str) -> Option<CodecInfo> {
        let payload: u8 = format.parse().ok().filter(|&p| p <= 127)?;
        let (name, clock_rate, channels) = match self.rtpmap(payload) {
            Some(r) => (r.encoding.clone(), r.clock_rate, r.channels.unwrap_or(1)),
            None => {
                let &(_, n, rate, ch) = STATIC.iter().find(|s| s.0 == payload)?;
                (n.to_owned(), rate, ch.unwrap_or(1))
            }
        };
        Some(CodecInfo {
            payload,
            name,
            clock_rate,
            channels,
            fmtp: self.fmtp(format).map(str::to_owned),
        })
    }

    /// All formats that resolve to a codec, in m= line order.
    pub fn codecs(&self) -> Vec<CodecInfo> {
        self.formats.iter().filter_map(|f| self.codec(f)).collect()
    }
}

/// A codec the local side supports (for offers and answers, RFC 3264).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codec {
    /// Media type it belongs to.
    pub media: MediaKind,
    /// Encoding name (matched case-insensitively).
    pub name: String,
    /// Clock rate in Hz.
    pub clock_rate: u32,
    /// Channel count (opus is 2, RFC 7587 section 7).
    pub channels: u32,
    /// Payload type used in our own offers: the static one, or a dynamic one (96..=127).
    pub payload: u8,
    /// `a=fmtp` parameters we offer; in answers the offer's fmtp is echoed
    /// unless this is set (telephone-event uses it as its event list).
    pub fmtp: Option<String>,
}

impl Codec {
    /// A codec description.
    pub fn new(media: MediaKind, name: &str, clock_rate: u32, channels: u32, payload: u8) -> Self {
        Self {
            media,
            name: name.to_owned(),
            clock_rate,
            channels,
            payload,
            fmtp: None,
        }
    }

    /// Sets the fmtp parameters.
    pub fn with_fmtp(mut self, fmtp: &str) -> Self {
        self.fmtp = Some(fmtp.to_owned());
        self
    }

    /// True when the offered format is this codec: same name
    /// (case-insensitive), clock rate and channel count (RFC 3264 section 6.1).
    pub fn matches(&self, c: &CodecInfo) -> bool {
        self.name.eq_ignore_ascii_case(&c.name)
            && self.clock_rate == c.clock_rate
            && self.channels == c.channels
    }

    /// True for `telephone-event` (RFC 4733).
    pub fn is_telephone_event(&self) -> bool {
        self.name.eq_ignore_ascii_case(TELEPHONE_EVENT)
    }

    /// True when the payload type is one of RFC 3551's static ones.
    pub fn is_static(&self) -> bool {
        self.payload < 96 && STATIC.iter().any(|s| s.0 == self.payload)
    }
}

/// What the local side can send and receive, in preference order
/// (RFC 3264 sections 5 and 6).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// Codecs in preference order; telephone-event entries included.
    pub codecs: Vec<Codec>,
    /// Default `a=ptime` for our offers.
    pub ptime: Option<u32>,
    /// Accept `a=rtcp-mux` when offered (RFC 5761).
    pub rtcp_mux: bool,
}

impl Capabilities {
    /// No codecs; add them with [`Capabilities::codec`].
    pub fn new() -> Self {
        Self::default()
    }

    /// PCMU/8000 (0), PCMA/8000 (8), G722/8000 (9), opus/48000/2 (111) and
    /// telephone-event/8000 (101, events `0-16`); no video.
    pub fn default_audio() -> Self {
        let a = MediaKind::Audio;
        Self::new()
            .codec(Codec::new(a.clone(), "PCMU", 8000, 1, 0))
            .codec(Codec::new(a.clone(), "PCMA", 8000, 1, 8))
            .codec(Codec::new(a.clone(), "G722", 8000, 1, 9))
            .codec(Codec::new(a.clone(), "opus", 48000, 2, 111))
            .codec(Codec::new(a, TELEPHONE_EVENT, 8000, 1, 101).with_fmtp("0-16"))
    }

    /// Adds a codec (builder style).
    pub fn codec(mut self, codec: Codec) -> Self {
        self.codecs.push(codec);
        self
    }

    /// Sets the offered ptime (builder style).
    pub fn ptime(mut self, ms: u32) -> Self {
        self.ptime = Some(ms);
        self
    }

    /// Accepts rtcp-mux (builder style).
    pub fn rtcp_mux(mut self, on: bool) -> Self {
        self.rtcp_mux = on;
        self
    }

    /// True if any codec is of this media type.
    pub fn supports(&self, kind: &MediaKind) -> bool {
        self.codecs.iter().any(|c| &c.media == kind)
    }

    /// The local codec matching an offered one.
    pub fn find(&self, kind: &MediaKind, c: &CodecInfo) -> Option<&Codec> {
        self.codecs
            .iter()
            .find(|x| &x.media == kind && x.matches(c))
    }
}

/// A set of telephone events 0..=255 (RFC 4733 section 2.4.1 fmtp lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EventSet([u64; 4]);

impl EventSet {
    /// Parses `0-15,66,70`; `None` if malformed.
    pub fn parse(list: &str) -> Option<Self> {
        let mut set = Self::default();
        for item in list.split(',').map(str::trim) {
            let (lo, hi) = match item.split_once('-') {
                Some((a, b)) => (a.trim().parse::<u8>().ok()?, b.trim().parse::<u8>().ok()?),
                None => {
                    let v = item.parse::<u8>().ok()?;
                    (v, v)
                }
            };
            if lo > hi {
                return None;
            }
            set = set.union(Self::range(lo, hi));
        }
        Some(set)
    }

    /// The events `lo..=hi`.
    pub fn range(lo: u8, hi: u8) -> Self {
        let mut set = Self::default();
        for e in lo..=hi {
            set.0[usize::from(e / 64)] |= 1 << (e % 64);
        }
        set
    }

    /// Events in both sets.
    pub fn intersect(self, other: Self) -> Self {
        Self(std::array::from_fn(|i| self.0[i] & other.0[i]))
    }

    /// Events in either set.
    pub fn union(self, other: Self) -> Self {
        Self(std::array::from_fn(|i| self.0[i] | other.0[i]))
    }

    /// True if no event is in the set.
    pub fn is_empty(self) -> bool {
        self.0 == [0; 4]
    }

    fn contains(self, e: u16) -> bool {
        e < 256 && self.0[usize::from(e / 64)] & (1 << (e % 64)) != 0
    }

    /// The list in canonical form: ranges and single events, `,`-separated.
    pub fn to_list(self) -> String {
        let mut out = String::new();
        let mut e = 0u16;
        while e < 256 {
            if !self.contains(e) {
                e += 1;
                continue;
            }
            let start = e;
            while self.contains(e + 1) {
                e += 1;
            }
            if !out.is_empty() {
                out.push(',');
            }
            if start == e {
                out.push_str(&start.to_string());
            } else {
                out.push_str(&format!("{start}-{e}"));
            }
            e += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Session;

    #[test]
    fn static_payloads_resolve_without_rtpmap() {
        let s = Session::parse(b"v=0\r\no=- 1 1 IN IP4 a\r\nm=audio 1 RTP/AVP 0 8 9 18 96\r\n")
            .unwrap();
        let names: Vec<_> = s.media[0].codecs().into_iter().map(|c| c.name).collect();
        assert_eq!(names, ["PCMU", "PCMA", "G722", "G729"]);
    }

    #[test]
    fn matching_by_name_rate_channels() {
        let caps = Capabilities::default_audio();
        let info = |n: &str, r, ch| CodecInfo {
            payload: 96,
            name: n.into(),
            clock_rate: r,
            channels: ch,
            fmtp: None,
        };
        assert!(
            caps.find(&MediaKind::Audio, &info("OPUS", 48000, 2))
                .is_some()
        );
        assert!(
            caps.find(&MediaKind::Audio, &info("opus", 48000, 1))
                .is_none()
        );
        assert!(
            caps.find(&MediaKind::Audio, &info("pcmu", 8000, 1))
                .is_some()
        );
        assert!(
            caps.find(&MediaKind::Video, &info("PCMU", 8000, 1))
                .is_none()
        );
        assert!(caps.codecs[0].is_static() && !caps.codecs[3].is_static());
    }

    #[test]
    fn event_sets() {
        let a = EventSet::parse("0-15,66,70-72").unwrap();
        assert_eq!(a.to_list(), "0-15,66,70-72");
        let b = EventSet::parse("0-16").unwrap();
        assert_eq!(a.intersect(b).to_list(), "0-15");
        assert!(EventSet::parse("5-2").is_none());
        assert!(EventSet::parse("0-300").is_none());
        assert_eq!(EventSet::parse("255").unwrap().to_list(), "255");
        assert!(EventSet::parse("70").unwrap().intersect(b).is_empty());
    }
}
