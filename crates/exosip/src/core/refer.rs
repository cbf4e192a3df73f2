//! Call transfer: REFER in a dialog (RFC 3515), its implicit subscription
//! (NOTIFY with `Event: refer` and a `message/sipfrag` body, RFC 3515
//! section 2.4.4), the `Refer-To` URI and its embedded `Replaces`
//! (RFC 3891 section 6.1), and dialog matching for an INVITE with
//! Replaces (RFC 3891 section 3).
//!
//! An incoming REFER inside a dialog is answered 202 Accepted at once (400
//! without exactly one readable `Refer-To`) and reported as
//! `CallMessageNew`; the application reports progress with
//! [`Ua::transfer_send_notify`].

use std::time::Instant;

use sip_parser::header::{Address, HeaderValue, Replaces};
use sip_parser::uri::{Uri, unescape};
use sip_parser::{HeaderName, Message, Method};
use sip_txn::ServerTxnId;

use super::call::Role;
use super::dialog::DialogState;
use super::reject::reject_with;
use super::ua::Ua;
use super::util::address_uri;
use crate::error::{Error, Result};
use crate::event::EventKind;
use crate::ids::{CallId, DialogId, TransactionId};

/// The body type of REFER progress reports (RFC 3420, RFC 3515 section 2.4.5).
pub const SIPFRAG: &str = "message/sipfrag;version=2.0";

/// The target of a REFER (RFC 3515 section 2.1): the URI to call and the
/// `Replaces` embedded in it (RFC 3891 section 6.1), unescaped and parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferTo {
    /// The URI to send the INVITE to, without its `?headers` part.
    pub uri: String,
    /// The dialog the new call replaces (attended transfer), if any.
    pub replaces: Option<Replaces<'static>>,
}

/// Reads the `Refer-To` of a REFER (RFC 3515 section 2.1): `None` unless
/// there is exactly one, and it is a readable address.
pub fn refer_to_of(msg: &Message) -> Option<ReferTo> {
    let mut all = msg.header_all(HeaderName::ReferTo);
    let value = all.next()?;
    if all.next().is_some() {
        return None;
    }
    let addr = Address::parse(value).ok()?;
    let mut uri = addr.uri.into_owned();
    let mut replaces = None;
    if let Uri::Sip(sip) = &mut uri {
        for h in std::mem::take(&mut sip.headers) {
            if h.name.eq_ignore_ascii_case("Replaces") {
                let raw = unescape(&h.value);
                replaces = Some(Replaces::parse(&raw).ok()?.into_owned());
            }
        }
    }
    let mut out = Vec::new();
    uri.encode(&mut out);
    Some(ReferTo {
        uri: String::from_utf8(out).ok()?,
        replaces,
    })
}

/// Escapes a URI header value (RFC 3261 section 25.1 `hvalue`: unreserved
/// and hnv-unreserved stay, the rest becomes `%HEX`).
fn escape_hvalue(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()[]/?:+$".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Ua {
    /// Builds a REFER in dialog `did` (`eXosip_call_build_refer`, RFC 3515
    /// section 2.4.1): `refer_to` is a URI or address, e.g.
    /// `sip:carol@h?Replaces=...` for an attended transfer.
    pub fn build_refer(&self, did: DialogId, refer_to: &str) -> Result<Message> {
        let value = if refer_to.contains('<') {
            refer_to.trim().to_owned()
        } else {
            format!("<{}>", refer_to.trim())
        };
        if Address::parse(value.as_bytes()).is_err() {
            return Err(Error::BadParameter(format!("Refer-To: {refer_to}")));
        }
        let mut m = self.build_request(did, Method::Refer)?;
        m.push_header(HeaderName::ReferTo, value);
        Ok(m)
    }

    /// A REFER inside dialog `did` (RFC 3515 section 2.4.2): 202, or 400
    /// without exactly one readable Refer-To; reported as `CallMessageNew`.
    pub(crate) fn on_refer(&mut self, id: ServerTxnId, tid: TransactionId, did: DialogId) {
        let Some(req) = self.txns.get(&tid).map(|r| r.request.clone()) else {
            return;
        };
        if refer_to_of(&req).is_none() {
            self.forget_txn(tid);
            self.server_ids.remove(&id);
            let resp = reject_with(&req, 400, Some("Bad Refer-To"));
            return self.reply(id, resp);
        }
        let now = self.now;
        if let Err(e) = self.send_answer(now, tid, 202, None) {
            tracing::debug!(%e, "202 for REFER not sent");
        }
        if let Some(d) = self.dialogs.get_mut(&did) {
            d.ext.refer_in = Some(req);
        }
        self.emit(EventKind::CallMessageNew, Some(tid), Some(did), None);
    }

    /// The Refer-To of the last REFER received in dialog `did` whose
    /// subscription is not terminated (`eXosip_call_get_referto`'s
    /// counterpart on the receiving side), with its Replaces parsed.
    pub fn refer_to(&self, did: DialogId) -> Option<ReferTo> {
        refer_to_of(self.dialogs.get(&did)?.ext.refer_in.as_ref()?)
    }

    /// The Refer-To value for an attended transfer that replaces dialog
    /// `did` (`eXosip_call_get_referto`, RFC 3891 section 6.1): the peer's
    /// URI with `?Replaces=call-id%3Bto-tag%3D..%3Bfrom-tag%3D..`, the tags
    /// as the peer sees them. Sent in a REFER in *another* dialog, it makes
    /// that party call our peer and take this dialog's place.
    pub fn replacing_refer_to(&self, did: DialogId) -> Result<String> {
        let d = self.dialogs.get(&did).ok_or(Error::UnknownDialog(did))?;
        let target = address_uri(d.remote_uri.as_bytes())
            .filter(|u| !u.contains('?'))
            .ok_or(Error::WrongState("the peer's URI cannot carry Replaces"))?;
        Ok(format!(
            "<{target}?Replaces={}%3Bto-tag%3D{}%3Bfrom-tag%3D{}>",
            escape_hvalue(&d.call_id),
            escape_hvalue(&d.remote_tag),
            escape_hvalue(&d.local_tag)
        ))
    }

    /// Sends a NOTIFY about the REFER received in dialog `did`
    /// (`eXosip_transfer_send_notify`, RFC 3515 section 2.4.4):
    /// `Event: refer;id=<REFER CSeq>`, `Subscription-State:
    /// subscription_state` (e.g. `active;expires=60`, `terminated;reason=noresource`),
    /// and `sipfrag` (e.g. `SIP/2.0 200 OK`) as a `message/sipfrag` body.
    pub fn transfer_send_notify(
        &mut self,
        now: Instant,
        did: DialogId,
        subscription_state: &str,
        sipfrag: &str,
    ) -> Result<TransactionId> {
        let d = self.dialogs.get(&did).ok_or(Error::UnknownDialog(did))?;
        let refer_cseq = d
            .ext
            .refer_in
            .as_ref()
            .and_then(Message::cseq)
            .map(|c| c.0)
            .ok_or(Error::WrongState("no REFER subscription in this dialog"))?;
        let state = subscription_state.trim();
        if sip_parser::header::SubscriptionState::parse(state.as_bytes()).is_err() {
            return Err(Error::BadParameter(format!(
                "Subscription-State: {subscription_state}"
            )));
        }
        let mut m = self.build_request(did, Method::Notify)?;
        m.push_header(HeaderName::Event, format!("refer;id={refer_cseq}"));
        m.push_header(HeaderName::SubscriptionState, state);
        m.set_body_with_type(sipfrag.as_bytes(), SIPFRAG);
        let tid = self.send_request(now, did, m)?;
        if state.to_ascii_lowercase().starts_with("terminated") {
            if let Some(d) = self.dialogs.get_mut(&did) {
                d.ext.refer_in = None;
            }
        }
        Ok(tid)
    }

    /// The call and dialog an INVITE with `Replaces: call_id;to-tag;from-tag`
    /// names (`eXosip_call_find_by_replaces`, RFC 3891 section 3): the
    /// to-tag is our local tag. `None` (answer 481) when there is no such
    /// dialog, it is ending, it is an early dialog we did not initiate, or
    /// `early_only` is set and it is confirmed (RFC 3891 says 486 there).
    pub fn find_by_replaces(
        &self,
        call_id: &str,
        to_tag: &str,
        from_tag: &str,
        early_only: bool,
    ) -> Option<(CallId, DialogId)> {
        let did = self.find_dialog(call_id.as_bytes(), to_tag.as_bytes(), from_tag.as_bytes())?;
        let d = self.dialogs.get(&did)?;
        if d.terminating {
            return None;
        }
        let role = self.calls.get(&d.cid)?.role;
        match d.state {
            DialogState::Confirmed if early_only => None,
            DialogState::Confirmed => Some((d.cid, did)),
            _ if role == Role::Uac => Some((d.cid, did)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refer(lines: &str) -> Message {
        Message::parse(
            format!("REFER sip:b@h SIP/2.0\r\n{lines}CSeq: 3 REFER\r\nContent-Length: 0\r\n\r\n")
                .into_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn reads_refer_to_with_escaped_replaces() {
        let r = refer_to_of(&refer(
            "Refer-To: <sip:carol@127.0.0.1:5080?Replaces=abc%40h%3Bto-tag%3D7%3Bfrom-tag%3D9>\r\n",
        ))
        .unwrap();
        assert_eq!(r.uri, "sip:carol@127.0.0.1:5080");
        let rep = r.replaces.unwrap();
        assert_eq!(rep.call_id, "abc@h");
        assert_eq!((rep.to_tag(), rep.from_tag()), (Some("7"), Some("9")));
        assert!(!rep.early_only());
        let plain = refer_to_of(&refer("Refer-To: sip:carol@h\r\n")).unwrap();
        assert_eq!((plain.uri.as_str(), plain.replaces), ("sip:carol@h", None));
    }

    #[test]
    fn bad_refer_to_is_rejected() {
        assert!(refer_to_of(&refer("")).is_none());
        assert!(refer_to_of(&refer("Refer-To: <<<\r\n")).is_none());
        assert!(refer_to_of(&refer("Refer-To: <sip:a@h>\r\nRefer-To: <sip:b@h>\r\n")).is_none());
        // A Replaces without its tags is no Replaces.
        assert!(refer_to_of(&refer("Refer-To: <sip:c@h?Replaces=abc>\r\n")).is_none());
        assert!(refer_to_of(&refer("Refer-To: <sip:c@h?Replaces=%ZZ%3B>\r\n")).is_none());
    }
}
