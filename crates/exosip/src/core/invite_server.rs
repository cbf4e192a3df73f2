//! The INVITE server side of a call (RFC 3261 section 13.3): new
//! requests and their first checks, the dialog of an incoming INVITE,
//! answers (`build_answer` / `send_answer`), the 2xx retransmitted by the
//! UA core until the ACK (13.3.1.4, RFC 6026), and incoming CANCEL (9.2).

use std::time::{Duration, Instant};

use sip_parser::{HeaderName, Message, Method};
use sip_txn::{Received, ServerTxnId, Target, TxnId};

use super::call::{Call, Role, TxnKind, TxnRec};
use super::dialog::{Dialog, DialogExt, DialogState, Pending2xx, record_route};
use super::prack::{TAG_100REL, has_tag};
use super::reject::{check, reject_with};
use super::sdp::sdp_of;
use super::ua::{Ua, UaTimer};
use super::util::{ALLOW, address_uri, new_tag, strip_tag};
use crate::error::{Error, Result};
use crate::event::EventKind;
use crate::ids::{DialogId, TransactionId};

fn addr_none() -> std::net::SocketAddr {
    std::net::SocketAddr::from(([127, 0, 0, 1], 5060))
}

impl Ua {
    /// Answers a server transaction right away (no record, no event).
    pub(crate) fn reply(&mut self, id: ServerTxnId, resp: Message) {
        let now = self.now;
        if let Err(e) = self.txn.send_response(now, id, resp) {
            tracing::debug!(%e, "could not answer");
        }
    }

    /// A request that matched no transaction (RFC 3261 section 8.2).
    pub(crate) fn on_new_request(
        &mut self,
        id: ServerTxnId,
        r: Received,
        cancels: Option<ServerTxnId>,
    ) {
        let req = &r.msg;
        let Some(method) = req.method().cloned() else {
            return;
        };
        if let Some(resp) = check(req, &self.config) {
            return self.reply(id, resp);
        }
        if method == Method::Cancel {
            return self.on_cancel(id, r, cancels);
        }
        if req.to_tag().is_some() {
            return self.on_in_dialog_request(id, r, method);
        }
        match method {
            Method::Invite => self.on_new_invite(id, r),
            Method::Options | Method::Message | Method::Refer => {
                let tid = self.add_txn(TxnRec {
                    id: TxnId::Server(id),
                    kind: TxnKind::OutOfDialog,
                    cid: None,
                    did: None,
                    request: r.msg,
                    last_response: None,
                    source: Some((r.transport, r.from)),
                    target: None,
                    answered: false,
                });
                self.emit(EventKind::MessageNew, Some(tid), None, None);
            }
            // BYE, INFO, UPDATE, PRACK, NOTIFY need a dialog (RFC 3261 section 12.2.2).
            _ => {
                let resp = reject_with(&r.msg, 481, None);
                self.reply(id, resp);
            }
        }
    }

    /// Merged request (RFC 3261 section 8.2.2.2): same Call-ID, From tag
    /// and CSeq as a call we are still answering, another branch.
    fn is_merged(&self, req: &Message) -> bool {
        let Some(call_id) = req.call_id() else {
            return false;
        };
        let Some(cids) = self
            .calls_by_call_id
            .get(String::from_utf8_lossy(call_id).as_ref())
        else {
            return false;
        };
        cids.iter().filter_map(|c| self.calls.get(c)).any(|c| {
            c.role == Role::Uas
                && self.txns.get(&c.invite_tid).is_some_and(|t| {
                    t.request.from_tag() == req.from_tag()
                        && t.request.cseq() == req.cseq()
                        && t.request.branch() != req.branch()
                })
        })
    }

    fn on_new_invite(&mut self, id: ServerTxnId, r: Received) {
        let req = r.msg;
        if self.is_merged(&req) {
            let resp = reject_with(&req, 482, None);
            return self.reply(id, resp);
        }
        // RFC 3261 section 8.1.1.8 requires a Contact in an INVITE; an
        // RFC 2543 peer may send none, and RFC 4475 section 3.4.1 asks to
        // accept it: its requests then go to the From URI.
        let remote_target = req
            .contact_header()
            .and_then(address_uri)
            .or_else(|| req.from_header().and_then(address_uri));
        let Some(remote_target) = remote_target else {
            let resp = reject_with(&req, 400, Some("Missing Contact"));
            return self.reply(id, resp);
        };
        let call_id = String::from_utf8_lossy(req.call_id().unwrap_or_default()).into_owned();
        let cid = self.next_cid();
        let did = self.next_did();
        let d = Dialog {
            did,
            cid,
            call_id: call_id.clone(),
            local_tag: new_tag(),
            remote_tag: String::from_utf8_lossy(req.from_tag().unwrap_or_default()).into_owned(),
            local_uri: strip_tag(req.to_header().unwrap_or_default()),
            remote_uri: strip_tag(req.from_header().unwrap_or_default()),
            local_cseq: 100,
            remote_cseq: req.cseq().map(|c| c.0),
            remote_target,
            route_set: record_route(&req),
            transport: r.transport,
            state: DialogState::Pending,
            invite_cseq: 0,
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
        };
        let tid = self.add_txn(TxnRec {
            id: TxnId::Server(id),
            kind: TxnKind::InitialInvite,
            cid: Some(cid),
            did: Some(did),
            request: req,
            last_response: None,
            source: Some((r.transport, r.from)),
            target: None,
            answered: false,
        });
        self.add_call(Call {
            cid,
            role: Role::Uas,
            reference: None,
            dialogs: Vec::new(),
            invite_tid: tid,
            invite_done: false,
            cancelling: false,
            cancel_reason: None,
            cancel_waiting: false,
            call_id,
            transport: r.transport,
        });
        self.insert_dialog(d);
        self.emit(EventKind::CallInvite, Some(tid), Some(did), Some(cid));
    }

    /// Builds a response to a request we received
    /// (`eXosip_call_build_answer`, RFC 3261 section 8.2.6 and 12.1.1):
    /// the dialog's To tag, Contact and Record-Route for dialog-creating
    /// responses, Allow and Supported for INVITE. No body.
    pub fn build_answer(&self, tid: TransactionId, status: u16) -> Result<Message> {
        if !(101..=699).contains(&status) {
            return Err(Error::BadParameter(format!("status {status}")));
        }
        let rec = self.txns.get(&tid).ok_or(Error::UnknownTransaction(tid))?;
        if !matches!(rec.id, TxnId::Server(_)) {
            return Err(Error::UnknownTransaction(tid));
        }
        let req = &rec.request;
        let method = req.method().cloned().unwrap_or(Method::Options);
        let dialog = rec.did.and_then(|d| self.dialogs.get(&d));
        let tag = dialog.map_or_else(new_tag, |d| d.local_tag.clone());
        let mut m = Message::response_to(req, status, Some(&tag));
        let transport = rec.source.map_or(sip_parser::Transport::Udp, |s| s.0);
        let creates = matches!(
            method,
            Method::Invite | Method::Update | Method::Notify | Method::Refer | Method::Subscribe
        );
        if creates && (101..300).contains(&status) {
            if rec.kind == TxnKind::InitialInvite {
                for rr in req.header_all(HeaderName::RecordRoute) {
                    m.push_header(HeaderName::RecordRoute, rr);
                }
            }
            let user = dialog
                .and_then(|d| address_uri(d.local_uri.as_bytes()))
                .and_then(|u| {
                    sip_parser::uri::Uri::parse(u.as_bytes())
                        .ok()
                        .and_then(|u| u.user().map(str::to_owned))
                });
            m.push_header(
                HeaderName::Contact,
                self.contact(user.as_deref(), transport),
            );
        }
        if (method == Method::Invite && (200..300).contains(&status))
            || status == 405
            || method == Method::Options
        {
            m.push_header(HeaderName::Allow, ALLOW);
        }
        let capabilities = method == Method::Options && (200..300).contains(&status);
        if (method == Method::Invite || capabilities) && !self.config.supported.is_empty() {
            m.push_header(HeaderName::Supported, self.config.supported.join(", "));
        }
        if capabilities {
            // RFC 3261 section 11.2: an OPTIONS answer lists what we accept.
            m.push_header(HeaderName::Accept, "application/sdp");
            m.push_header(HeaderName::AcceptLanguage, "en");
        }
        // RFC 3262 section 3: a provisional to an INVITE requiring 100rel is reliable.
        if method == Method::Invite
            && (101..200).contains(&status)
            && has_tag(req, HeaderName::Require, TAG_100REL)
        {
            m.push_header(HeaderName::Require, TAG_100REL);
        }
        if !self.config.user_agent.is_empty() {
            m.push_header(HeaderName::UserAgent, &self.config.user_agent);
        }
        Ok(m)
    }

    /// Sends a response to a request we received
    /// (`eXosip_call_send_answer`, also `eXosip_message_send_answer` and
    /// `eXosip_options_send_answer`): `answer` as given, or built with
    /// `status`. A 2xx to an INVITE is retransmitted until its ACK.
    pub fn send_answer(
        &mut self,
        now: Instant,
        tid: TransactionId,
        status: u16,
        answer: Option<Message>,
    ) -> Result<()> {
        self.now = self.now.max(now);
        let answer = match answer {
            Some(a) => a,
            None => self.build_answer(tid, status)?,
        };
        let status = answer
            .status()
            .ok_or_else(|| Error::BadParameter("not a response".into()))?;
        let rec = self.txns.get(&tid).ok_or(Error::UnknownTransaction(tid))?;
        if !matches!(rec.id, TxnId::Server(_)) {
            return Err(Error::UnknownTransaction(tid));
        }
        if rec.answered {
            return Err(Error::WrongState("a final response was already sent"));
        }
        // RFC 3262: a reliable 1xx gets RSeq, or waits; a 2xx may wait for a PRACK.
        let Some(answer) = self.rel100_outgoing(now, tid, answer)? else {
            return Ok(());
        };
        let rec = self
            .txns
            .get_mut(&tid)
            .ok_or(Error::UnknownTransaction(tid))?;
        let TxnId::Server(id) = rec.id else {
            return Err(Error::UnknownTransaction(tid));
        };
        self.txn
            .send_response(now, id, answer.clone())
            .map_err(|e| Error::Transaction(e.to_string()))?;
        rec.last_response = Some(answer.clone());
        if status >= 200 {
            rec.answered = true;
        }
        let (kind, cid, did, source) = (rec.kind, rec.cid, rec.did, rec.source);
        let method = rec.request.method().cloned();
        let offer = sdp_of(&rec.request);
        let cseq = rec.cseq();
        let Some(did) = did else { return Ok(()) };
        let is_invite = matches!(kind, TxnKind::InitialInvite | TxnKind::ReInvite);
        let t2 = self.config.t2;
        let t1 = self.config.t1;
        let fallback = self
            .dialogs
            .get(&did)
            .map(|d| (d.transport, self.local_addr(d.transport)));
        let Some(d) = self.dialogs.get_mut(&did) else {
            return Ok(());
        };
        match status {
            101..=199 if is_invite => {
                if d.state == DialogState::Pending {
                    d.state = DialogState::Early;
                }
                if let Some(s) = sdp_of(&answer) {
                    d.local_sdp = Some(s);
                    d.remote_sdp = offer.or_else(|| d.remote_sdp.take());
                }
            }
            200..=299 if is_invite || method == Some(Method::Update) => {
                // The offer and answer become the session (RFC 3264 section 8).
                if let Some(o) = offer {
                    d.remote_sdp = Some(o);
                }
                if let Some(s) = sdp_of(&answer) {
                    d.local_sdp = Some(s);
                }
                if is_invite {
                    d.state = DialogState::Confirmed;
                    d.reinvite_in = None;
                    let (transport, addr) = source
                        .or(fallback)
                        .unwrap_or_else(|| (d.transport, addr_none()));
                    let reliable = transport.is_reliable();
                    d.pending_2xx = Some(Pending2xx {
                        response: answer,
                        target: Target { transport, addr },
                        tid,
                        cseq,
                        interval: t1.min(t2),
                        next: now + t1,
                        give_up: now + t1 * 64,
                        reliable,
                    });
                    let at = if reliable { now + t1 * 64 } else { now + t1 };
                    self.arm(at, UaTimer::Retransmit2xx(did));
                    if let (TxnKind::InitialInvite, Some(cid)) = (kind, cid) {
                        if let Some(c) = self.calls.get_mut(&cid) {
                            c.invite_done = true;
                        }
                    }
                }
            }
            300..=699 if is_invite => {
                d.reinvite_in = None;
                if kind == TxnKind::InitialInvite {
                    self.remove_dialog(did);
                    if let Some(cid) = cid {
                        if let Some(c) = self.calls.get_mut(&cid) {
                            c.invite_done = true;
                        }
                        self.maybe_release(cid);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Timer G / H of a 2xx at the UA core (RFC 3261 section 13.3.1.4).
    pub(crate) fn on_2xx_timer(&mut self, now: Instant, did: DialogId) {
        let automatic = self.config.automatic_actions;
        let t2 = self.config.t2;
        let Some(d) = self.dialogs.get_mut(&did) else {
            return;
        };
        let Some(p) = d.pending_2xx.as_mut() else {
            return;
        };
        if now >= p.give_up {
            let tid = p.tid;
            d.pending_2xx = None;
            d.bye_after_ack = false;
            let cid = d.cid;
            // No ACK: the session ends with a BYE (13.3.1.4).
            self.emit(EventKind::CallClosed, Some(tid), Some(did), Some(cid))
                .text = "no ACK for the 2xx".into();
            if automatic {
                let _ = self.send_bye(now, did);
            } else {
                self.remove_dialog(did);
                self.maybe_release(cid);
            }
            return;
        }
        if now < p.next {
            let at = p.next;
            self.arm(at, UaTimer::Retransmit2xx(did));
            return;
        }
        let (resp, target, tid) = (p.response.clone(), p.target, p.tid);
        if !p.reliable {
            p.interval = (p.interval * 2).min(t2);
            p.next = now + p.interval;
        } else {
            p.next = p.give_up;
        }
        let at = p.next.min(p.give_up);
        let reliable = p.reliable;
        self.arm(at, UaTimer::Retransmit2xx(did));
        if !reliable {
            // Through the server transaction while it is Accepted (RFC 6026), else stateless.
            let id = self.txns.get(&tid).map(|r| r.id);
            let sent = match id {
                Some(TxnId::Server(id)) => self.txn.send_response(now, id, resp.clone()).is_ok(),
                _ => false,
            };
            if !sent {
                self.send_stateless(resp, target);
            }
        }
    }

    /// The ACK for one of our 2xx (RFC 3261 section 13.3.1.4).
    pub(crate) fn on_ack(&mut self, r: Received) {
        let ack = r.msg;
        let (Some(call_id), Some(to), Some(from)) = (ack.call_id(), ack.to_tag(), ack.from_tag())
        else {
            return;
        };
        let Some(did) = self.find_dialog(call_id, to, from) else {
            return;
        };
        let cseq = ack.cseq().map(|c| c.0);
        let now = self.now;
        let Some(d) = self.dialogs.get_mut(&did) else {
            return;
        };
        let Some(p) = d.pending_2xx.take_if(|p| Some(p.cseq) == cseq) else {
            return;
        };
        if let Some(s) = sdp_of(&ack) {
            d.remote_sdp = Some(s);
        }
        let (cid, bye) = (d.cid, d.bye_after_ack);
        let ev = self.emit(EventKind::CallAck, Some(p.tid), Some(did), Some(cid));
        ev.ack = Some(ack);
        ev.response = Some(p.response);
        if bye {
            let _ = self.send_bye(now, did);
        }
    }

    /// An incoming CANCEL (RFC 3261 section 9.2): 481 when it matches no
    /// INVITE server transaction, else 200 for it (even when the INVITE
    /// was answered and its call released meanwhile: the CANCEL then has
    /// no effect), then 487 for the INVITE if it has no final response yet.
    fn on_cancel(&mut self, id: ServerTxnId, r: Received, cancels: Option<ServerTxnId>) {
        let Some(invite) = cancels else {
            let resp = reject_with(&r.msg, 481, None);
            return self.reply(id, resp);
        };
        let tid = self.server_ids.get(&invite).copied();
        let tag = tid
            .and_then(|t| self.txns.get(&t))
            .and_then(|rec| rec.did)
            .and_then(|d| self.dialogs.get(&d))
            .map_or_else(new_tag, |d| d.local_tag.clone());
        let ok = Message::response_to(&r.msg, 200, Some(&tag));
        self.reply(id, ok);
        let Some((tid, rec)) = tid.and_then(|t| self.txns.get(&t).map(|rec| (t, rec))) else {
            return;
        };
        if rec.answered || !matches!(rec.kind, TxnKind::InitialInvite | TxnKind::ReInvite) {
            return;
        }
        let (cid, did, kind) = (rec.cid, rec.did, rec.kind);
        let now = self.now;
        if kind == TxnKind::InitialInvite {
            self.emit(EventKind::CallCancelled, Some(tid), did, cid);
        }
        // The 487 ends the dialog of an initial INVITE and releases the call.
        if let Err(e) = self.send_answer(now, tid, 487, None) {
            tracing::debug!(%e, "487 after CANCEL not sent");
        }
    }

    /// `Retry-After` seconds for a 500 to an overlapping re-INVITE (RFC 3261 section 14.2).
    pub(crate) fn retry_after() -> Duration {
        Duration::from_secs(u64::from(rand::random::<u8>() % 10))
    }
}
