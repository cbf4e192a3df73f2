//! SDP for sipua: offers, answers, hold / resume, negotiated codec.

use std::net::IpAddr;

use exosip::Message;
use sip_sdp::{AnswerOptions, Capabilities, MediaKind, OfferBuilder, Session, answer, negotiate};

/// Sets `session` as the body of `msg`.
pub(crate) fn set_sdp(msg: &mut Message, session: &Session) {
    msg.set_body_with_type(session.to_string(), "application/sdp");
}

/// Our offer, RTP at `ip`:`port`.
pub(crate) fn offer(ip: IpAddr, port: u16) -> Session {
    let caps = Capabilities::default_audio();
    OfferBuilder::new(&caps, AnswerOptions::new(ip).port(MediaKind::Audio, port)).build()
}

/// Our answer to `offer` (RFC 3264 section 6), or `None` if nothing fits.
pub(crate) fn answer_to(offer: &Session, ip: IpAddr, port: u16) -> Option<Session> {
    answer(
        offer,
        &Capabilities::default_audio(),
        &AnswerOptions::new(ip).port(MediaKind::Audio, port),
    )
    .ok()
}

/// The first agreed audio codec, as `NAME/RATE`, and the DTMF payload.
pub(crate) fn agreed_codec(offer: &Session, answer: &Session) -> Option<String> {
    let n = negotiate(offer, answer).ok()?;
    let audio = n.first_of(&MediaKind::Audio)?;
    let c = audio.codecs.first()?;
    let dtmf = audio
        .dtmf_payload
        .map_or(String::new(), |p| format!(", telephone-event/{p}"));
    Some(format!("{}/{}{dtmf}", c.name, c.clock_rate))
}
