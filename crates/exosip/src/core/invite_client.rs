//! The INVITE client side of a call (RFC 3261 section 13.2): building and
//! sending the initial INVITE, dialogs from its responses (12.1.2, with
//! forking), the ACK for 2xx (13.2.2.4) and its re-sending on 2xx
//! retransmissions, and CANCEL (section 9.1).

use std::time::Instant;

use sip_parser::{HeaderName, Message, Method, Transport};
use sip_txn::{ClientTxnId, TxnId};

use super::call::{Call, Role, TxnKind, TxnRec};
use super::dialog::{Dialog, DialogExt, DialogState, record_route};
use super::sdp::sdp_of;
use super::ua::Ua;
use super::util::{ALLOW, address_uri, new_call_id, new_tag, resolve, strip_tag};
use crate::error::{Error, Result};
use crate::event::EventKind;
use crate::ids::{CallId, DialogId, TransactionId};

/// The first CSeq of a call, as eXosip uses.
const FIRST_CSEQ: u32 = 20;

/// Reads `value` as an address (`<uri>`, `Name <uri>` or a bare URI) and
/// returns the header value and the URI.
fn address(value: &str, what: &str) -> Result<(String, String)> {
    let uri = address_uri(value.as_bytes())
        .ok_or_else(|| Error::BadParameter(format!("{what}: not an address: {value}")))?;
    let header = if value.contains('<') {
        value.to_owned()
    } else {
        format!("<{uri}>")
    };
    Ok((header, uri))
}

impl Ua {
    /// Builds an initial INVITE (`eXosip_call_build_initial_invite`,
    /// RFC 3261 section 8.1.1 and 13.2.1): Request-URI from `to`, From
    /// with a fresh tag, a fresh Call-ID, CSeq 20, Via, Contact, Allow.
    /// The application may change it (headers, SDP body) before
    /// [`Ua::send_initial_invite`].
    pub fn build_initial_invite(
        &self,
        to: &str,
        from: &str,
        route: Option<&str>,
        subject: Option<&str>,
    ) -> Result<Message> {
        let (to_h, to_uri) = address(to, "to")?;
        let (from_h, from_uri) = address(from, "from")?;
        let route = route
            .filter(|r| !r.trim().is_empty())
            .map(|r| address(r, "route"))
            .transpose()?;
        let hop = route.as_ref().map_or(to_uri.as_str(), |(_, u)| u.as_str());
        let (transport, _) =
            resolve(hop, self.default_transport()).ok_or_else(|| Error::NoRoute(hop.to_owned()))?;
        let user = sip_parser::uri::Uri::parse(from_uri.as_bytes())
            .ok()
            .and_then(|u| u.user().map(str::to_owned));
        let mut m = Message::request(Method::Invite, &to_uri);
        m.push_header(HeaderName::Via, self.via(transport));
        m.push_header(HeaderName::MaxForwards, "70");
        if let Some((r, _)) = &route {
            m.push_header(HeaderName::Route, r);
        }
        m.push_header(HeaderName::From, format!("{from_h};tag={}", new_tag()));
        m.push_header(HeaderName::To, to_h);
        let host = self.sent_by(transport);
        m.push_header(
            HeaderName::CallId,
            new_call_id(host.split(':').next().unwrap_or("h")),
        );
        m.push_header(HeaderName::CSeq, format!("{FIRST_CSEQ} INVITE"));
        m.push_header(
            HeaderName::Contact,
            self.contact(user.as_deref(), transport),
        );
        m.push_header(HeaderName::Allow, ALLOW);
        if !self.config.supported.is_empty() {
            m.push_header(HeaderName::Supported, self.config.supported.join(", "));
        }
        if !self.config.user_agent.is_empty() {
            m.push_header(HeaderName::UserAgent, &self.config.user_agent);
        }
        if let Some(s) = subject {
            m.push_header(HeaderName::Subject, s);
        }
        Ok(m)
    }

    /// Sends an initial INVITE and creates its call
    /// (`eXosip_call_send_initial_invite`). Returns the call id.
    pub fn send_initial_invite(&mut self, now: Instant, invite: Message) -> Result<CallId> {
        self.now = self.now.max(now);
        if invite.method() != Some(&Method::Invite) || invite.to_tag().is_some() {
            return Err(Error::BadParameter("not an initial INVITE".into()));
        }
        let call_id = invite
            .call_id()
            .map(|c| String::from_utf8_lossy(c).into_owned());
        let (Some(call_id), Some(_)) = (call_id, invite.from_tag()) else {
            return Err(Error::BadParameter(
                "INVITE without Call-ID or From tag".into(),
            ));
        };
        let hop = match invite.header(HeaderName::Route) {
            Some(r) => address_uri(r),
            None => invite
                .request_uri_bytes()
                .map(|u| String::from_utf8_lossy(u).into_owned()),
        }
        .ok_or_else(|| Error::BadParameter("no Request-URI".into()))?;
        let via_transport = invite
            .typed::<sip_parser::header::Via<'_>>(HeaderName::Via)
            .and_then(|v| v.ok())
            .and_then(|v| Transport::from_bytes(v.transport.as_bytes()))
            .unwrap_or_else(|| self.default_transport());
        let dialog_transport = resolve(&hop, via_transport).map_or(via_transport, |r| r.0);
        let (invite, target) = self.route_request(invite, &hop, via_transport)?;
        let id = self
            .txn
            .send_request(now, invite.clone(), target)
            .map_err(|e| Error::Transaction(e.to_string()))?;
        let cid = self.next_cid();
        let tid = self.add_txn(TxnRec {
            id: TxnId::Client(id),
            kind: TxnKind::InitialInvite,
            cid: Some(cid),
            did: None,
            request: invite,
            last_response: None,
            source: None,
            target: Some(target),
            answered: false,
        });
        self.add_call(Call {
            cid,
            role: Role::Uac,
            reference: None,
            dialogs: Vec::new(),
            invite_tid: tid,
            invite_done: false,
            cancelling: false,
            cancel_reason: None,
            cancel_waiting: false,
            call_id,
            transport: dialog_transport,
        });
        Ok(cid)
    }

    /// The dialog a response to our INVITE `tid` creates or belongs to
    /// (RFC 3261 section 12.1.2): matched by the To tag, created if new.
    fn uac_dialog(
        &mut self,
        tid: TransactionId,
        resp: &Message,
        state: DialogState,
    ) -> Option<DialogId> {
        let rec = self.txns.get(&tid)?;
        let cid = rec.cid?;
        let (req, rec_cseq) = (rec.request.clone(), rec.cseq());
        let transport = self.calls.get(&cid).map_or(Transport::Udp, |c| c.transport);
        let req = &req;
        let remote_tag = resp.to_tag().unwrap_or_default();
        let (call_id, local_tag) = (req.call_id()?, req.from_tag()?);
        if let Some(did) = self.find_dialog(call_id, local_tag, remote_tag) {
            let d = self.dialogs.get_mut(&did)?;
            if state == DialogState::Confirmed && d.state != DialogState::Confirmed {
                // The 2xx fixes the route set and target (12.1.2).
                d.route_set = record_route(resp).into_iter().rev().collect();
                d.refresh_target(resp);
                d.state = DialogState::Confirmed;
            }
            return Some(did);
        }
        let did = self.next_did();
        let mut d = Dialog {
            did,
            cid,
            call_id: String::from_utf8_lossy(call_id).into_owned(),
            local_tag: String::from_utf8_lossy(local_tag).into_owned(),
            remote_tag: String::from_utf8_lossy(remote_tag).into_owned(),
            local_uri: strip_tag(req.from_header().unwrap_or_default()),
            remote_uri: strip_tag(resp.to_header().unwrap_or_default()),
            local_cseq: rec_cseq,
            remote_cseq: None,
            remote_target: req
                .request_uri_bytes()
                .map(|u| String::from_utf8_lossy(u).into_owned())
                .unwrap_or_default(),
            route_set: record_route(resp).into_iter().rev().collect(),
            transport,
            state,
            invite_cseq: rec_cseq,
            last_2xx: None,
            ack: None,
            pending_2xx: None,
            bye_after_ack: false,
            terminating: false,
            local_sdp: sdp_of(req),
            remote_sdp: None,
            reinvite_out: None,
            reinvite_in: None,
            glare_retry: None,
            ext: DialogExt::default(),
        };
        d.refresh_target(resp);
        self.insert_dialog(d);
        if let Some(r) = self.txns.get_mut(&tid) {
            r.did.get_or_insert(did);
        }
        Some(did)
    }

    /// A response to a transaction we started.
    pub(crate) fn on_response(&mut self, id: ClientTxnId, resp: Message) {
        let Some(&tid) = self.client_ids.get(&id) else {
            return self.on_stray_response(resp);
        };
        let Some(status) = resp.status() else { return };
        let kind = match self.txns.get_mut(&tid) {
            Some(rec) => {
                rec.last_response = Some(resp.clone());
                rec.kind
            }
            None => return,
        };
        match kind {
            TxnKind::InitialInvite => self.on_invite_response(tid, status, resp),
            TxnKind::ReInvite => self.on_reinvite_response(tid, status, resp),
            TxnKind::Cancel => {}
            TxnKind::Bye | TxnKind::InDialog => self.on_in_dialog_response(tid, status, resp),
            TxnKind::OutOfDialog => {
                self.emit(
                    EventKind::for_message_response(status),
                    Some(tid),
                    None,
                    None,
                );
            }
        }
    }

    fn on_invite_response(&mut self, tid: TransactionId, status: u16, resp: Message) {
        let Some(cid) = self.txns.get(&tid).and_then(|r| r.cid) else {
            return;
        };
        let Some(call) = self.calls.get(&cid) else {
            return;
        };
        let cancelling = call.cancelling;
        if status < 200 && call.cancel_waiting {
            self.send_waiting_cancel(cid);
        }
        match status {
            100 => {
                self.emit(EventKind::CallProceeding, Some(tid), None, Some(cid));
            }
            101..=199 => {
                let did = if resp.to_tag().is_some() {
                    self.uac_dialog(tid, &resp, DialogState::Early)
                } else {
                    None
                };
                // RFC 3262 section 4: drop retransmissions and gaps, PRACK the rest.
                if did.is_some_and(|d| !self.on_reliable_provisional(d, &resp)) {
                    return;
                }
                if let Some(d) = did.and_then(|d| self.dialogs.get_mut(&d)) {
                    if let Some(s) = sdp_of(&resp) {
                        d.remote_sdp = Some(s);
                    }
                }
                self.emit(
                    EventKind::for_invite_response(status),
                    Some(tid),
                    did,
                    Some(cid),
                );
            }
            200..=299 => self.on_invite_2xx(tid, cid, resp, cancelling),
            _ => {
                let early: Vec<DialogId> = self
                    .calls
                    .get(&cid)
                    .map(|c| c.dialogs.clone())
                    .unwrap_or_default();
                for did in early {
                    if self
                        .dialogs
                        .get(&did)
                        .is_some_and(|d| d.state != DialogState::Confirmed)
                    {
                        self.remove_dialog(did);
                    }
                }
                if let Some(c) = self.calls.get_mut(&cid) {
                    c.invite_done = true;
                }
                self.emit(
                    EventKind::for_invite_response(status),
                    Some(tid),
                    None,
                    Some(cid),
                );
                self.maybe_release(cid);
            }
        }
    }

    fn on_invite_2xx(&mut self, tid: TransactionId, cid: CallId, resp: Message, cancelling: bool) {
        let cseq = resp.cseq().map_or(0, |(n, _)| n);
        // A retransmitted 2xx of a dialog we already ACKed: ACK again (13.2.2.4).
        if let Some(did) = self.existing_dialog_for(&resp) {
            if let Some(d) = self.dialogs.get(&did) {
                if d.state == DialogState::Confirmed
                    && d.last_2xx.as_ref().and_then(Message::cseq).map(|c| c.0) == Some(cseq)
                {
                    if let Some((ack, target)) = d.ack.clone() {
                        self.send_stateless(ack, target);
                    }
                    return;
                }
            }
        }
        let Some(did) = self.uac_dialog(tid, &resp, DialogState::Confirmed) else {
            return;
        };
        let first = !self.calls.get(&cid).is_some_and(|c| c.invite_done);
        if let Some(d) = self.dialogs.get_mut(&did) {
            d.invite_cseq = cseq;
            d.last_2xx = Some(resp.clone());
            if let Some(s) = sdp_of(&resp) {
                d.remote_sdp = Some(s);
            }
        }
        if first {
            // Other early dialogs die; a later 2xx from another fork creates its own.
            let others: Vec<DialogId> = self
                .calls
                .get(&cid)
                .map(|c| c.dialogs.clone())
                .unwrap_or_default();
            for o in others {
                if o != did
                    && self
                        .dialogs
                        .get(&o)
                        .is_some_and(|d| d.state != DialogState::Confirmed)
                {
                    self.remove_dialog(o);
                }
            }
            if let Some(c) = self.calls.get_mut(&cid) {
                c.invite_done = true;
            }
        }
        if cancelling && self.config.automatic_actions {
            // CANCEL lost the race with the 2xx: ACK it, then BYE (RFC 3261 section 9.1, 15).
            let now = self.now;
            let reason = self.calls.get(&cid).and_then(|c| c.cancel_reason.clone());
            if let Some(d) = self.dialogs.get_mut(&did) {
                d.ext.bye_reason = reason;
            }
            if let Ok(ack) = self.build_ack(did) {
                let _ = self.send_ack(now, did, Some(ack));
            }
            let _ = self.send_bye(now, did);
            return;
        }
        self.emit(EventKind::CallAnswered, Some(tid), Some(did), Some(cid))
            .response = Some(resp);
    }

    fn existing_dialog_for(&self, resp: &Message) -> Option<DialogId> {
        self.find_dialog(
            resp.call_id()?,
            resp.from_tag()?,
            resp.to_tag().unwrap_or_default(),
        )
    }

    /// A response no transaction matched: a 2xx retransmission after the
    /// INVITE transaction ended gets its ACK again (RFC 3261 section 13.2.2.4).
    pub(crate) fn on_stray_response(&mut self, resp: Message) {
        let is_invite_2xx = resp.status().is_some_and(|s| (200..300).contains(&s))
            && resp.cseq().is_some_and(|(_, m)| m == b"INVITE");
        if !is_invite_2xx {
            return;
        }
        let Some(did) = self.existing_dialog_for(&resp) else {
            return;
        };
        let cseq = resp.cseq().map(|c| c.0);
        if let Some(d) = self.dialogs.get(&did) {
            if let Some((ack, target)) =
                d.ack.clone().filter(|(a, _)| a.cseq().map(|c| c.0) == cseq)
            {
                self.send_stateless(ack, target);
            }
        }
    }

    /// Builds the ACK for the last 2xx of an INVITE in dialog `did`
    /// (`eXosip_call_build_ack`, RFC 3261 section 13.2.2.4): same CSeq
    /// number as the INVITE, a new branch, the dialog's route set.
    pub fn build_ack(&self, did: DialogId) -> Result<Message> {
        let d = self.dialogs.get(&did).ok_or(Error::UnknownDialog(did))?;
        if d.last_2xx.is_none() {
            return Err(Error::WrongState("no 2xx to acknowledge"));
        }
        Ok(d.build_request(
            Method::Ack,
            &self.via(d.transport),
            None,
            &self.config.user_agent,
        ))
    }

    /// Sends the ACK for the last 2xx in dialog `did` (`eXosip_call_send_ack`);
    /// `None` builds it. It is kept and re-sent if the 2xx comes again.
    pub fn send_ack(&mut self, now: Instant, did: DialogId, ack: Option<Message>) -> Result<()> {
        self.now = self.now.max(now);
        let ack = match ack {
            Some(a) => a,
            None => self.build_ack(did)?,
        };
        if ack.method() != Some(&Method::Ack) {
            return Err(Error::BadParameter("not an ACK".into()));
        }
        let d = self
            .dialogs
            .get_mut(&did)
            .ok_or(Error::UnknownDialog(did))?;
        let hop = d
            .next_hop_uri()
            .ok_or_else(|| Error::NoRoute(d.remote_target.clone()))?;
        let transport = d.transport;
        let (ack, target) = self.route_request(ack, &hop, transport)?;
        let d = self.dialogs.get_mut(&did).expect("looked up above");
        if let Some(s) = sdp_of(&ack) {
            d.local_sdp = Some(s);
        }
        d.ack = Some((ack.clone(), target));
        self.send_stateless(ack, target);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use sip_parser::{HeaderName, Transport};

    use crate::config::Config;
    use crate::core::Ua;

    fn via_of(ua: &Ua, to: &str) -> String {
        let m = ua
            .build_initial_invite(to, "sip:a@127.0.0.1", None, None)
            .expect("builds");
        String::from_utf8_lossy(m.header(HeaderName::Via).expect("Via")).into_owned()
    }

    #[test]
    fn requests_use_the_transport_the_context_listens_on() {
        let mut ua = Ua::new(Config::default(), Instant::now());
        ua.add_listener(Transport::Tcp, "127.0.0.1:5062".parse().unwrap());
        assert!(via_of(&ua, "sip:b@127.0.0.1:5070").starts_with("SIP/2.0/TCP 127.0.0.1:5062"));
        ua.add_listener(Transport::Udp, "127.0.0.1:5060".parse().unwrap());
        assert!(via_of(&ua, "sip:b@127.0.0.1:5070").starts_with("SIP/2.0/UDP 127.0.0.1:5060"));
        // The URI's transport parameter wins.
        assert!(
            via_of(&ua, "<sip:b@127.0.0.1:5070;transport=tcp>")
                .starts_with("SIP/2.0/TCP 127.0.0.1:5062")
        );
    }
}
