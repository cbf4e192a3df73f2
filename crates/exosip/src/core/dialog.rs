//! Dialogs (RFC 3261 section 12): identity (Call-ID and tags), local and
//! remote URIs and CSeq, remote target, route set, and the INVITE-usage
//! state the UA core keeps with them (2xx retransmission, ACK, SDP).
//!
//! ```text
//!   UAS: INVITE ---> Pending --1xx with tag--> Early --2xx--> Confirmed
//!   UAC: 1xx with To tag -> Early --2xx--> Confirmed;  2xx -> Confirmed
//!   any: BYE done, non-2xx final on the initial INVITE -> removed
//! ```

use std::time::{Duration, Instant};

use sip_parser::{HeaderName, Message, Method, Transport};
use sip_sdp::Session;
use sip_txn::Target;

use super::prack::Rel100;
use super::util::{address_uri, is_loose};
use crate::ids::{CallId, DialogId, TransactionId};

/// Where a dialog is in its life (RFC 3261 section 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DialogState {
    /// UAS: the INVITE arrived; no response with our tag sent yet.
    Pending,
    /// A provisional response with a To tag was sent or received (12.1).
    Early,
    /// A 2xx was sent or received (12.1).
    Confirmed,
}

/// A 2xx to an INVITE that the UAS core retransmits until the ACK
/// (RFC 3261 section 13.3.1.4; RFC 6026 section 7.1).
#[derive(Debug)]
pub(crate) struct Pending2xx {
    pub(crate) response: Message,
    pub(crate) target: Target,
    pub(crate) tid: TransactionId,
    pub(crate) cseq: u32,
    pub(crate) interval: Duration,
    pub(crate) next: Instant,
    pub(crate) give_up: Instant,
    pub(crate) reliable: bool,
}

/// One dialog.
#[derive(Debug)]
pub(crate) struct Dialog {
    pub(crate) did: DialogId,
    pub(crate) cid: CallId,
    pub(crate) call_id: String,
    pub(crate) local_tag: String,
    pub(crate) remote_tag: String,
    /// Our address (From of our requests) without tag.
    pub(crate) local_uri: String,
    /// The peer's address without tag.
    pub(crate) remote_uri: String,
    pub(crate) local_cseq: u32,
    pub(crate) remote_cseq: Option<u32>,
    /// The peer's Contact URI (12.1.1, 12.1.2; updated by target refreshes).
    pub(crate) remote_target: String,
    /// Route set: Record-Route in order (UAS) or reversed (UAC).
    pub(crate) route_set: Vec<String>,
    pub(crate) transport: Transport,
    pub(crate) state: DialogState,
    /// UAC: CSeq of the INVITE whose 2xx the next ACK acknowledges.
    pub(crate) invite_cseq: u32,
    /// UAC: the last 2xx to an INVITE of this dialog.
    pub(crate) last_2xx: Option<Message>,
    /// UAC: the ACK sent for it, re-sent when the 2xx is retransmitted.
    pub(crate) ack: Option<(Message, Target)>,
    /// UAS: our 2xx waiting for its ACK.
    pub(crate) pending_2xx: Option<Pending2xx>,
    /// UAS: send BYE once the ACK arrives (RFC 3261 section 15).
    pub(crate) bye_after_ack: bool,
    /// A BYE was sent: the dialog ends with its transaction.
    pub(crate) terminating: bool,
    pub(crate) local_sdp: Option<Session>,
    pub(crate) remote_sdp: Option<Session>,
    /// Our INVITE in progress in this dialog.
    pub(crate) reinvite_out: Option<TransactionId>,
    /// The peer's re-INVITE waiting for our final response.
    pub(crate) reinvite_in: Option<TransactionId>,
    /// A re-INVITE to send again after a 491 (RFC 3261 section 14.1).
    pub(crate) glare_retry: Option<Message>,
    /// Reliable provisional responses, REFER and BYE reason state.
    pub(crate) ext: DialogExt,
}

/// Dialog state of the extensions: 100rel (RFC 3262), the implicit
/// subscription of a REFER (RFC 3515) and the Reason of a deferred BYE
/// (RFC 3326).
#[derive(Debug, Default)]
pub(crate) struct DialogExt {
    /// RFC 3262 state, both sides.
    pub(crate) rel: Rel100,
    /// The last REFER received in this dialog whose subscription is not
    /// terminated (RFC 3515 section 2.4.4).
    pub(crate) refer_in: Option<Message>,
    /// Reason header for the BYE sent once the ACK arrives (RFC 3326).
    pub(crate) bye_reason: Option<String>,
}

impl Dialog {
    /// The dialog-id triple used to look it up: Call-ID, local tag, remote tag.
    pub(crate) fn key(&self) -> (String, String, String) {
        (
            self.call_id.clone(),
            self.local_tag.clone(),
            self.remote_tag.clone(),
        )
    }

    /// Where requests in this dialog go (RFC 3261 section 12.2.1.1 and
    /// 8.1.2): the first route if it is a loose router, else the remote
    /// target; `Ua::route_request` resolves it with the dialog's transport.
    pub(crate) fn next_hop_uri(&self) -> Option<String> {
        match self.route_set.first() {
            Some(r) => address_uri(r.as_bytes()),
            None => Some(self.remote_target.clone()),
        }
    }

    /// A request in this dialog (RFC 3261 section 12.2.1.1): Request-URI
    /// and Route from the route set and remote target, From / To / Call-ID
    /// from the dialog, the next local CSeq (not yet consumed: `send`
    /// commits it). `via` and `contact` come from the UA.
    pub(crate) fn build_request(
        &self,
        method: Method,
        via: &str,
        contact: Option<&str>,
        user_agent: &str,
    ) -> Message {
        let strict = self.route_set.first().is_some_and(|r| !is_loose(r));
        let (ruri, routes): (String, Vec<String>) = if strict {
            // Strict router: it becomes the Request-URI, the remote target the last route.
            let first = address_uri(self.route_set[0].as_bytes())
                .unwrap_or_else(|| self.remote_target.clone());
            let mut rest: Vec<String> = self.route_set[1..].to_vec();
            rest.push(format!("<{}>", self.remote_target));
            (first, rest)
        } else {
            (self.remote_target.clone(), self.route_set.clone())
        };
        let cseq = if method == Method::Ack {
            self.invite_cseq
        } else {
            self.local_cseq.wrapping_add(1)
        };
        let mut m = Message::request(method.clone(), &ruri);
        m.push_header(HeaderName::Via, via);
        m.push_header(HeaderName::MaxForwards, "70");
        for r in &routes {
            m.push_header(HeaderName::Route, r);
        }
        m.push_header(
            HeaderName::From,
            format!("{};tag={}", self.local_uri, self.local_tag),
        );
        if self.remote_tag.is_empty() {
            m.push_header(HeaderName::To, &self.remote_uri);
        } else {
            m.push_header(
                HeaderName::To,
                format!("{};tag={}", self.remote_uri, self.remote_tag),
            );
        }
        m.push_header(HeaderName::CallId, &self.call_id);
        m.push_header(HeaderName::CSeq, format!("{cseq} {}", method.as_str()));
        if let Some(c) = contact {
            m.push_header(HeaderName::Contact, c);
        }
        if !user_agent.is_empty() {
            m.push_header(HeaderName::UserAgent, user_agent);
        }
        m
    }

    /// Takes the peer's Contact as the new remote target (target refresh,
    /// RFC 3261 section 12.2.1.2 and 12.2.2).
    pub(crate) fn refresh_target(&mut self, msg: &Message) {
        if let Some(uri) = msg.contact_header().and_then(address_uri) {
            self.remote_target = uri;
        }
    }
}

/// Whether a method refreshes the remote target (RFC 3261 section 12.2; RFC 3311).
pub(crate) fn is_target_refresh(method: &Method) -> bool {
    matches!(method, Method::Invite | Method::Update)
}

/// The Record-Route values of a message, each list element on its own.
pub(crate) fn record_route(msg: &Message) -> Vec<String> {
    msg.values(HeaderName::RecordRoute)
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::util::resolve;

    fn dialog(routes: Vec<String>) -> Dialog {
        Dialog {
            did: DialogId(1),
            cid: CallId(1),
            call_id: "c@h".into(),
            local_tag: "lt".into(),
            remote_tag: "rt".into(),
            local_uri: "<sip:a@127.0.0.1>".into(),
            remote_uri: "<sip:b@127.0.0.1>".into(),
            local_cseq: 20,
            remote_cseq: None,
            remote_target: "sip:b@127.0.0.1:5070".into(),
            route_set: routes,
            transport: Transport::Udp,
            state: DialogState::Confirmed,
            invite_cseq: 20,
            last_2xx: None,
            ack: None,
            pending_2xx: None,
            bye_after_ack: false,
            terminating: false,
            local_sdp: None,
            remote_sdp: None,
            reinvite_out: None,
            reinvite_in: None,
            glare_retry: None,
            ext: DialogExt::default(),
        }
    }

    #[test]
    fn builds_in_dialog_requests_per_12_2_1_1() {
        let d = dialog(vec!["<sip:127.0.0.9:5080;lr>".into()]);
        let m = d.build_request(
            Method::Bye,
            "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx",
            None,
            "ua",
        );
        let m = Message::parse(m.to_vec()).unwrap();
        assert_eq!(m.request_uri_bytes(), Some(&b"sip:b@127.0.0.1:5070"[..]));
        assert_eq!(m.cseq(), Some((21, &b"BYE"[..])));
        assert_eq!(m.from_tag(), Some(&b"lt"[..]));
        assert_eq!(m.to_tag(), Some(&b"rt"[..]));
        assert_eq!(
            m.header(HeaderName::Route),
            Some(&b"<sip:127.0.0.9:5080;lr>"[..])
        );
        assert_eq!(
            d.next_hop_uri().and_then(|u| resolve(&u, d.transport)),
            Some((Transport::Udp, "127.0.0.9:5080".parse().unwrap()))
        );
        let ack = d.build_request(Method::Ack, "SIP/2.0/UDP h;branch=z9hG4bKy", None, "");
        assert_eq!(
            Message::parse(ack.to_vec()).unwrap().cseq(),
            Some((20, &b"ACK"[..]))
        );
    }

    #[test]
    fn strict_router_becomes_the_request_uri() {
        let d = dialog(vec!["<sip:127.0.0.9:5080>".into()]);
        let m = d.build_request(Method::Info, "SIP/2.0/UDP h;branch=z9hG4bKx", None, "");
        let m = Message::parse(m.to_vec()).unwrap();
        assert_eq!(m.request_uri_bytes(), Some(&b"sip:127.0.0.9:5080"[..]));
        assert_eq!(
            m.header(HeaderName::Route),
            Some(&b"<sip:b@127.0.0.1:5070>"[..])
        );
    }

    #[test]
    fn refresh_target_ignores_garbage_contact() {
        let mut d = dialog(Vec::new());
        let bad =
            Message::parse(&b"SIP/2.0 200 OK\r\nContact: <<<\r\nContent-Length: 0\r\n\r\n"[..])
                .unwrap();
        d.refresh_target(&bad);
        assert_eq!(d.remote_target, "sip:b@127.0.0.1:5070");
        let good = Message::parse(
            &b"SIP/2.0 200 OK\r\nContact: <sip:b@127.0.0.2:7000>\r\nContent-Length: 0\r\n\r\n"[..],
        )
        .unwrap();
        d.refresh_target(&good);
        assert_eq!(d.remote_target, "sip:b@127.0.0.2:7000");
    }
}
