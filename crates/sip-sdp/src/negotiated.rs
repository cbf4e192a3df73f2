//! Validating an answer against its offer and reporting what was agreed
//! (RFC 3264 sections 6 and 7).

use std::net::IpAddr;

use crate::attribute::{Attribute, Crypto, Direction};
use crate::codec::CodecInfo;
use crate::error::SdpError;
use crate::model::{MediaKind, Session};
use crate::offer_answer::effective_direction;

/// The outcome of one offer/answer exchange (RFC 3264 section 7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    /// One entry per m= line, in order.
    pub streams: Vec<NegotiatedStream>,
}

impl Negotiated {
    /// The first accepted stream of a media type.
    pub fn first_of(&self, kind: &MediaKind) -> Option<&NegotiatedStream> {
        self.streams.iter().find(|s| s.accepted && &s.media == kind)
    }
}

/// What was agreed for one m= line, seen from the local side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NegotiatedStream {
    /// 0-based m= line index.
    pub index: usize,
    /// Media type.
    pub media: MediaKind,
    /// False when either side used port 0 (RFC 3264 sections 5.1 and 6).
    pub accepted: bool,
    /// Transport protocol, e.g. `RTP/AVP`.
    pub proto: String,
    /// Agreed codecs in the answer's order, telephone-event excluded, as the
    /// remote side described them (their payload numbers).
    pub codecs: Vec<CodecInfo>,
    /// Remote RTP address as written in its c= line (media or session level).
    pub remote_address: String,
    /// Remote RTP address, when the c= address is an IP address.
    pub remote_ip: Option<IpAddr>,
    /// Remote RTP port.
    pub remote_port: u16,
    /// Remote RTCP address: the RTP address with rtcp-mux, else the RFC 3605
    /// `a=rtcp` address, else the RTP address.
    pub rtcp_address: String,
    /// Remote RTCP port: the RTP port with rtcp-mux, else `a=rtcp`, else RTP
    /// port + 1 (RFC 5761 section 5.1.3, RFC 3605, RFC 3550 section 11).
    pub rtcp_port: u16,
    /// Both sides asked for rtcp-mux (RFC 5761 section 5.1.1).
    pub rtcp_mux: bool,
    /// What the local side may do: send, receive, both or neither.
    pub direction: Direction,
    /// Payload type for RFC 4733 DTMF, if negotiated.
    pub dtmf_payload: Option<u8>,
    /// Remote `a=ptime`.
    pub ptime: Option<u32>,
    /// Remote `a=crypto` for SDES-SRTP (RFC 4568), if any.
    pub crypto: Option<Crypto>,
}

/// Validates `answer` against `offer` and reports the result for the
/// offerer: remote = the answer (RFC 3264 sections 6 and 7).
pub fn negotiate(offer: &Session, answer: &Session) -> Result<Negotiated, SdpError> {
    build(offer, answer, true)
}

/// Validates `answer` against `offer` and reports the result for the
/// answerer: remote = the offer (RFC 3264 section 6).
pub fn negotiate_as_answerer(offer: &Session, answer: &Session) -> Result<Negotiated, SdpError> {
    build(offer, answer, false)
}

fn build(offer: &Session, answer: &Session, offerer: bool) -> Result<Negotiated, SdpError> {
    if offer.media.len() != answer.media.len() {
        return Err(SdpError::MediaCountMismatch {
            offer: offer.media.len(),
            answer: answer.media.len(),
        });
    }
    let (local, remote) = if offerer {
        (offer, answer)
    } else {
        (answer, offer)
    };
    let mut streams = Vec::with_capacity(offer.media.len());
    for (index, (om, am)) in offer.media.iter().zip(&answer.media).enumerate() {
        if om.kind != am.kind {
            return Err(SdpError::MediaKindMismatch { index });
        }
        let accepted = om.port != 0 && am.port != 0;
        if accepted && am.formats.iter().any(|f| !om.formats.contains(f)) {
            return Err(SdpError::FormatNotOffered { index });
        }
        let rm = &remote.media[index];
        let conn = remote.connection_for(index);
        if accepted && conn.is_none() {
            return Err(SdpError::MissingConnection { index });
        }
        let remote_address = conn.map(|c| c.address.clone()).unwrap_or_default();
        let agreed: Vec<CodecInfo> = if accepted {
            am.formats.iter().filter_map(|f| rm.codec(f)).collect()
        } else {
            Vec::new()
        };
        let dtmf_payload = agreed
            .iter()
            .find(|c| c.is_telephone_event())
            .map(|c| c.payload);
        let rtcp = rm.attributes.iter().find_map(|a| match a {
            Attribute::Rtcp(r) => Some(r),
            _ => None,
        });
        let mux_in = |m: &crate::Media| m.attributes.contains(&Attribute::RtcpMux);
        let rtcp_mux = accepted && mux_in(om) && mux_in(am);
        // With rtcp-mux agreed, RTCP shares the RTP port and address and an
        // a=rtcp is only the fallback for a refused mux (RFC 5761 section
        // 5.1.3, RFC 8035); else a=rtcp (RFC 3605), else RTP port + 1.
        let rtcp = rtcp.filter(|_| !rtcp_mux);
        let rtcp_port = match rtcp {
            Some(r) => r.port,
            None if rtcp_mux => rm.port,
            None => rm.port.saturating_add(1),
        };
        let rtcp_address = rtcp
            .and_then(|r| r.connection.as_ref())
            .map_or_else(|| remote_address.clone(), |c| c.address.clone());
        let direction = if accepted {
            effective_direction(local, index)
                .intersect(effective_direction(remote, index).reverse())
        } else {
            Direction::Inactive
        };
        streams.push(NegotiatedStream {
            index,
            media: om.kind.clone(),
            accepted,
            proto: am.proto.clone(),
            codecs: agreed
                .into_iter()
                .filter(|c| !c.is_telephone_event())
                .collect(),
            remote_ip: remote_address.parse().ok(),
            remote_address,
            remote_port: rm.port,
            rtcp_address,
            rtcp_port,
            rtcp_mux,
            direction,
            dtmf_payload,
            ptime: rm.ptime(),
            crypto: rm.attributes.iter().find_map(|a| match a {
                Attribute::Crypto(c) => Some(c.clone()),
                _ => None,
            }),
        });
    }
    Ok(Negotiated { streams })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AnswerOptions, Capabilities, answer};

    const OFFER: &str = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n\
m=audio 5000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=rtcp:5005 IN IP4 192.0.2.9\r\na=sendonly\r\n\
m=video 5002 RTP/AVP 31\r\n";

    #[test]
    fn both_views() {
        let offer = Session::parse(OFFER.as_bytes()).unwrap();
        let opts = AnswerOptions::new("198.51.100.7".parse().unwrap());
        let ans = answer(&offer, &Capabilities::default_audio(), &opts).unwrap();
        let n = negotiate(&offer, &ans).unwrap();
        let s = &n.streams[0];
        assert!(s.accepted);
        assert_eq!(s.codecs[0].name, "PCMU");
        assert_eq!(s.remote_address, "198.51.100.7");
        assert_eq!((s.remote_port, s.rtcp_port), (4000, 4001));
        assert_eq!(s.direction, Direction::SendOnly);
        assert_eq!(s.dtmf_payload, Some(101));
        assert!(!n.streams[1].accepted);
        let n = negotiate_as_answerer(&offer, &ans).unwrap();
        let s = n.first_of(&MediaKind::Audio).unwrap();
        assert_eq!((s.rtcp_address.as_str(), s.rtcp_port), ("192.0.2.9", 5005));
        assert_eq!(s.direction, Direction::RecvOnly);
    }

    #[test]
    fn bad_answers() {
        let offer = Session::parse(OFFER.as_bytes()).unwrap();
        let mut ans = offer.clone();
        ans.media.pop();
        assert_eq!(
            negotiate(&offer, &ans),
            Err(SdpError::MediaCountMismatch {
                offer: 2,
                answer: 1
            })
        );
        let mut ans = offer.clone();
        ans.media[0].formats.push("8".into());
        assert_eq!(
            negotiate(&offer, &ans),
            Err(SdpError::FormatNotOffered { index: 0 })
        );
        let mut ans = offer.clone();
        ans.media.swap(0, 1);
        assert_eq!(
            negotiate(&offer, &ans),
            Err(SdpError::MediaKindMismatch { index: 0 })
        );
        let mut ans = offer.clone();
        ans.connection = None;
        assert_eq!(
            negotiate(&offer, &ans),
            Err(SdpError::MissingConnection { index: 0 })
        );
    }
}
