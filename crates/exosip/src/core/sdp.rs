//! SDP of a dialog or transaction (`eXosip_get_remote_sdp`,
//! `eXosip_get_local_sdp`, `..._from_tid`, `eXosip_get_sdp_info`;
//! RFC 3264 offer/answer as carried by RFC 3261 section 13).

use sip_parser::Message;
use sip_sdp::Session;

use super::ua::Ua;
use crate::ids::{DialogId, TransactionId};

/// The session description in a message body, if it carries one
/// (`eXosip_get_sdp_info`): Content-Type application/sdp, or no
/// Content-Type and a body that parses as SDP.
pub fn sdp_of(msg: &Message) -> Option<Session> {
    let body = msg.body();
    if body.is_empty() {
        return None;
    }
    if msg.content_type().is_some() && !msg.content_type_is("application/sdp") {
        return None;
    }
    Session::parse(body).ok()
}

impl Ua {
    /// The peer's current session description in dialog `did`
    /// (`eXosip_get_remote_sdp`).
    pub fn remote_sdp(&self, did: DialogId) -> Option<Session> {
        self.dialogs.get(&did)?.remote_sdp.clone()
    }

    /// Our current session description in dialog `did` (`eXosip_get_local_sdp`).
    pub fn local_sdp(&self, did: DialogId) -> Option<Session> {
        self.dialogs.get(&did)?.local_sdp.clone()
    }

    /// The peer's SDP in transaction `tid`: the request body if the peer
    /// sent the request, else the last response body
    /// (`eXosip_get_remote_sdp_from_tid`).
    pub fn remote_sdp_from_tid(&self, tid: TransactionId) -> Option<Session> {
        let rec = self.txns.get(&tid)?;
        match rec.id {
            sip_txn::TxnId::Server(_) => sdp_of(&rec.request),
            sip_txn::TxnId::Client(_) => rec.last_response.as_ref().and_then(sdp_of),
        }
    }

    /// Our SDP in transaction `tid` (`eXosip_get_local_sdp_from_tid`).
    pub fn local_sdp_from_tid(&self, tid: TransactionId) -> Option<Session> {
        let rec = self.txns.get(&tid)?;
        match rec.id {
            sip_txn::TxnId::Server(_) => rec.last_response.as_ref().and_then(sdp_of),
            sip_txn::TxnId::Client(_) => sdp_of(&rec.request),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sdp_bodies_only() {
        let sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
        let with = |ct: &str, body: &str| {
            Message::parse(
                format!(
                    "SIP/2.0 200 OK\r\n{ct}Content-Length: {}\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes(),
            )
            .unwrap()
        };
        assert!(sdp_of(&with("Content-Type: application/sdp\r\n", sdp)).is_some());
        assert!(sdp_of(&with("", sdp)).is_some());
        assert!(sdp_of(&with("Content-Type: text/plain\r\n", sdp)).is_none());
        assert!(sdp_of(&with("Content-Type: application/sdp\r\n", "garbage\r\n")).is_none());
        assert!(sdp_of(&with("Content-Type: application/sdp\r\n", "")).is_none());
    }
}
