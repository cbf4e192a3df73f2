//! Requests inside a dialog (RFC 3261 section 12.2): building and
//! sending them (`build_request` / `send_request`), re-INVITE and its
//! glare rules (section 14), BYE (section 15), `terminate`, the responses
//! to what we sent, and incoming in-dialog requests.

use std::time::{Duration, Instant};

use sip_parser::{HeaderName, Message, Method};
use sip_txn::{Received, ServerTxnId, TxnId};

use super::call::{Role, TxnKind, TxnRec};
use super::dialog::{DialogState, is_target_refresh};
use super::reject::reject_with;
use super::sdp::sdp_of;
use super::ua::{Ua, UaTimer};
use super::util::{address_uri, new_branch};
use crate::error::{Error, Result};
use crate::event::EventKind;
use crate::ids::{DialogId, TransactionId};

impl Ua {
    /// Builds a request of `method` inside dialog `did`
    /// (`eXosip_call_build_request`, RFC 3261 section 12.2.1.1): INVITE
    /// (re-INVITE), UPDATE, INFO, OPTIONS, REFER, NOTIFY, MESSAGE, BYE...
    /// The CSeq is the next local one; it is used when the request is sent.
    pub fn build_request(&self, did: DialogId, method: Method) -> Result<Message> {
        if matches!(method, Method::Ack | Method::Cancel) {
            return Err(Error::BadParameter(
                "ACK and CANCEL are built by build_ack / terminate".into(),
            ));
        }
        let d = self.dialogs.get(&did).ok_or(Error::UnknownDialog(did))?;
        if d.state == DialogState::Pending {
            return Err(Error::WrongState("the dialog is not established"));
        }
        let contact = if matches!(
            method,
            Method::Invite | Method::Update | Method::Refer | Method::Notify | Method::Subscribe
        ) {
            let user = address_uri(d.local_uri.as_bytes()).and_then(|u| {
                sip_parser::uri::Uri::parse(u.as_bytes())
                    .ok()
                    .and_then(|u| u.user().map(str::to_owned))
            });
            Some(self.contact(user.as_deref(), d.transport))
        } else {
            None
        };
        let mut m = d.build_request(
            method.clone(),
            &self.via(d.transport),
            contact.as_deref(),
            &self.config.user_agent,
        );
        if method == Method::Invite {
            m.push_header(HeaderName::Allow, super::util::ALLOW);
        }
        Ok(m)
    }

    /// Sends a request built by [`Ua::build_request`] in dialog `did`
    /// (`eXosip_call_send_request`). Returns its transaction id.
    pub fn send_request(
        &mut self,
        now: Instant,
        did: DialogId,
        req: Message,
    ) -> Result<TransactionId> {
        self.now = self.now.max(now);
        let method = req
            .method()
            .cloned()
            .ok_or_else(|| Error::BadParameter("not a request".into()))?;
        if matches!(method, Method::Ack | Method::Cancel) {
            return Err(Error::BadParameter(
                "ACK and CANCEL are sent by send_ack / terminate".into(),
            ));
        }
        if !self.dialogs.contains_key(&did) {
            return Err(Error::UnknownDialog(did));
        }
        if method == Method::Invite && self.invite_in_progress(did).is_some() {
            // RFC 3261 section 14.1: no INVITE while another is in progress.
            return Err(Error::WrongState(
                "an INVITE transaction is in progress in this dialog",
            ));
        }
        let d = self
            .dialogs
            .get_mut(&did)
            .ok_or(Error::UnknownDialog(did))?;
        let cseq = req
            .cseq()
            .map(|c| c.0)
            .ok_or_else(|| Error::BadParameter("no CSeq".into()))?;
        let hop = d
            .next_hop_uri()
            .ok_or_else(|| Error::NoRoute(d.remote_target.clone()))?;
        let transport = d.transport;
        let (req, target) = self.route_request(req, &hop, transport)?;
        let id = self
            .txn
            .send_request(now, req.clone(), target)
            .map_err(|e| Error::Transaction(e.to_string()))?;
        let d = self.dialogs.get_mut(&did).expect("looked up above");
        d.local_cseq = d.local_cseq.max(cseq);
        let kind = match method {
            Method::Invite => TxnKind::ReInvite,
            Method::Bye => TxnKind::Bye,
            _ => TxnKind::InDialog,
        };
        if method == Method::Bye {
            d.terminating = true;
        }
        let cid = d.cid;
        let tid = self.add_txn(TxnRec {
            id: TxnId::Client(id),
            kind,
            cid: Some(cid),
            did: Some(did),
            request: req,
            last_response: None,
            source: None,
            target: Some(target),
            answered: false,
        });
        if method == Method::Invite {
            if let Some(d) = self.dialogs.get_mut(&did) {
                d.reinvite_out = Some(tid);
            }
        }
        Ok(tid)
    }

    /// The INVITE transaction in progress in dialog `did`, if any (RFC 3261
    /// section 14): `Some(true)` when it is ours (a re-INVITE we sent, or
    /// the initial INVITE of a call we placed, still without a final
    /// response), `Some(false)` when it is the peer's (their re-INVITE or
    /// initial INVITE not answered yet, or our 2xx to it not ACKed).
    pub(crate) fn invite_in_progress(&self, did: DialogId) -> Option<bool> {
        let d = self.dialogs.get(&did)?;
        let initial = self
            .calls
            .get(&d.cid)
            .filter(|c| !c.invite_done)
            .map(|c| c.role);
        if d.reinvite_out.is_some() || initial == Some(Role::Uac) {
            Some(true)
        } else if d.reinvite_in.is_some() || d.pending_2xx.is_some() || initial == Some(Role::Uas) {
            Some(false)
        } else {
            None
        }
    }

    /// A request inside a dialog (RFC 3261 section 12.2.2).
    pub(crate) fn on_in_dialog_request(&mut self, id: ServerTxnId, r: Received, method: Method) {
        let req = &r.msg;
        let found = match (req.call_id(), req.to_tag(), req.from_tag()) {
            (Some(c), Some(t), f) => self.find_dialog(c, t, f.unwrap_or_default()),
            _ => None,
        };
        let Some(did) = found else {
            let resp = reject_with(req, 481, None);
            return self.reply(id, resp);
        };
        let cseq = req.cseq().map_or(0, |c| c.0);
        let d = self.dialogs.get_mut(&did).expect("found above");
        if d.remote_cseq.is_some_and(|rc| cseq <= rc) {
            let resp = reject_with(req, 500, Some("CSeq Out of Order"));
            return self.reply(id, resp);
        }
        d.remote_cseq = Some(cseq);
        if method == Method::Prack {
            return self.on_prack(id, r, did);
        }
        let pending = if method == Method::Invite {
            self.invite_in_progress(did)
        } else {
            None
        };
        let d = self.dialogs.get_mut(&did).expect("found above");
        if let Some(ours) = pending {
            // Glare (RFC 3261 section 14.2): 491 when our INVITE is pending,
            // 500 + Retry-After when theirs still is.
            let mut resp =
                Message::response_to(req, if ours { 491 } else { 500 }, Some(&d.local_tag));
            if !ours {
                resp.push_header(
                    HeaderName::RetryAfter,
                    Self::retry_after().as_secs().to_string(),
                );
            }
            return self.reply(id, resp);
        }
        if is_target_refresh(&method) {
            d.refresh_target(req);
        }
        let cid = d.cid;
        let kind = match method {
            Method::Invite => TxnKind::ReInvite,
            Method::Bye => TxnKind::Bye,
            _ => TxnKind::InDialog,
        };
        let tid = self.add_txn(TxnRec {
            id: TxnId::Server(id),
            kind,
            cid: Some(cid),
            did: Some(did),
            request: r.msg,
            last_response: None,
            source: Some((r.transport, r.from)),
            target: None,
            answered: false,
        });
        let now = self.now;
        match method {
            Method::Bye => {
                let _ = self.send_answer(now, tid, 200, None);
                // Reported before the 487 below may release the call.
                self.emit(EventKind::CallClosed, Some(tid), Some(did), Some(cid));
                // A BYE on an unanswered incoming call ends the INVITE with 487 (15.1.2).
                if let Some(call) = self.calls.get(&cid) {
                    let invite_tid = call.invite_tid;
                    if call.role == Role::Uas && !call.invite_done {
                        let _ = self.send_answer(now, invite_tid, 487, None);
                    }
                }
                if let Some(c) = self.calls.get_mut(&cid) {
                    c.invite_done = true;
                }
                self.remove_dialog(did);
                self.maybe_release(cid);
            }
            Method::Invite => {
                if let Some(d) = self.dialogs.get_mut(&did) {
                    d.reinvite_in = Some(tid);
                }
                self.emit(EventKind::CallReinvite, Some(tid), Some(did), Some(cid));
            }
            Method::Refer => self.on_refer(id, tid, did),
            _ => {
                self.emit(EventKind::CallMessageNew, Some(tid), Some(did), Some(cid));
                let simple = matches!(
                    method,
                    Method::Info | Method::Options | Method::Notify | Method::Message
                ) || (method == Method::Update
                    && sdp_of(&self.txns[&tid].request).is_none());
                if self.config.auto_answer_in_dialog && simple {
                    let _ = self.send_answer(now, tid, 200, None);
                }
            }
        }
    }

    /// A response to a re-INVITE we sent (RFC 3261 section 14.1).
    pub(crate) fn on_reinvite_response(&mut self, tid: TransactionId, status: u16, resp: Message) {
        let Some(rec) = self.txns.get(&tid) else {
            return;
        };
        let (cid, did) = (rec.cid, rec.did);
        let offer = sdp_of(&rec.request);
        let request = rec.request.clone();
        let Some(did) = did else { return };
        let cseq = resp.cseq().map(|c| c.0);
        let Some(d) = self.dialogs.get_mut(&did) else {
            return;
        };
        if (200..300).contains(&status) {
            // A 2xx retransmission for a re-INVITE we already ACKed.
            if d.reinvite_out != Some(tid) {
                if let Some((ack, target)) =
                    d.ack.clone().filter(|(a, _)| a.cseq().map(|c| c.0) == cseq)
                {
                    self.send_stateless(ack, target);
                }
                return;
            }
            d.refresh_target(&resp);
            d.invite_cseq = cseq.unwrap_or(d.invite_cseq);
            d.last_2xx = Some(resp.clone());
            if let Some(o) = offer {
                d.local_sdp = Some(o);
            }
            if let Some(a) = sdp_of(&resp) {
                d.remote_sdp = Some(a);
            }
        }
        if status >= 200 {
            d.reinvite_out = None;
        }
        // Failure keeps the old session (14.1); 481 / 408 end the dialog (12.2.1.2).
        if status == 491 && self.config.automatic_actions {
            let owner = self.calls.get(&d.cid).is_some_and(|c| c.role == Role::Uac);
            let ms = if owner {
                2100 + u64::from(rand::random::<u16>() % 190) * 10
            } else {
                u64::from(rand::random::<u16>() % 200) * 10
            };
            d.glare_retry = Some(request);
            let at = self.now + Duration::from_millis(ms);
            self.arm(at, UaTimer::GlareRetry(did));
        }
        let ends = matches!(status, 408 | 481);
        self.emit(
            EventKind::for_invite_response(status),
            Some(tid),
            Some(did),
            cid,
        );
        if ends {
            self.remove_dialog(did);
            if let Some(cid) = cid {
                self.maybe_release(cid);
            }
        }
    }

    /// Re-sends a re-INVITE after a 491, with a new CSeq and branch (RFC 3261 section 14.1).
    pub(crate) fn on_glare_timer(&mut self, now: Instant, did: DialogId) {
        let Some(d) = self.dialogs.get_mut(&did) else {
            return;
        };
        let Some(mut req) = d.glare_retry.take() else {
            return;
        };
        if d.reinvite_out.is_some() || d.reinvite_in.is_some() || d.terminating {
            return;
        }
        let cseq = d.local_cseq.wrapping_add(1);
        let transport = d.transport;
        let via = self.via(transport);
        req.set_header(HeaderName::Via, via);
        req.set_header(HeaderName::CSeq, format!("{cseq} INVITE"));
        if let Err(e) = self.send_request(now, did, req) {
            tracing::debug!(%e, "re-INVITE retry after 491 failed");
        }
    }

    /// A response to a BYE or another non-INVITE request sent in a dialog.
    pub(crate) fn on_in_dialog_response(&mut self, tid: TransactionId, status: u16, resp: Message) {
        let Some(rec) = self.txns.get(&tid) else {
            return;
        };
        let (cid, did, kind) = (rec.cid, rec.did, rec.kind);
        let offer = sdp_of(&rec.request);
        let is_update = rec.request.method() == Some(&Method::Update);
        let is_prack = rec.request.method() == Some(&Method::Prack);
        if let (true, true, Some(d)) = (
            is_update,
            (200..300).contains(&status),
            did.and_then(|d| self.dialogs.get_mut(&d)),
        ) {
            d.refresh_target(&resp);
            if let Some(o) = offer {
                d.local_sdp = Some(o);
            }
            if let Some(a) = sdp_of(&resp) {
                d.remote_sdp = Some(a);
            }
        }
        self.emit(
            EventKind::for_call_message_response(status),
            Some(tid),
            did,
            cid,
        );
        // A 481 to a PRACK means "no such provisional" (RFC 3262 section 3), not "no dialog".
        let ends = matches!(status, 408 | 481) && !is_prack;
        if status >= 200 && (kind == TxnKind::Bye || ends) {
            if let Some(did) = did {
                self.remove_dialog(did);
            }
            if let Some(cid) = cid {
                self.maybe_release(cid);
            }
        }
    }

    /// A client transaction timed out (`timeout`) or could not be sent
    /// (RFC 3261 section 8.1.3.1: handled as a 408, resp. a 503).
    pub(crate) fn on_txn_failure(&mut self, id: TxnId, timeout: bool) {
        let Some(tid) = self.tid_of(id) else { return };
        let Some(rec) = self.txns.get(&tid) else {
            return;
        };
        if !matches!(id, TxnId::Client(_)) {
            return;
        }
        let (cid, did, kind) = (rec.cid, rec.did, rec.kind);
        let text = if timeout {
            "timeout"
        } else {
            "transport error"
        };
        match kind {
            TxnKind::InitialInvite => {
                let Some(cid) = cid else { return };
                if self.calls.get(&cid).is_none_or(|c| c.invite_done) {
                    return;
                }
                let dialogs = self
                    .calls
                    .get(&cid)
                    .map(|c| c.dialogs.clone())
                    .unwrap_or_default();
                for d in dialogs {
                    self.remove_dialog(d);
                }
                if let Some(c) = self.calls.get_mut(&cid) {
                    c.invite_done = true;
                }
                // RFC 3261 section 8.1.3.1: a transport error counts as a
                // 503 (a server failure); only Timer B means no answer.
                let (kind, why) = if timeout {
                    (EventKind::CallNoAnswer, "no final response (Timer B)")
                } else {
                    (EventKind::CallServerFailure, "transport error (503)")
                };
                self.emit(kind, Some(tid), None, Some(cid)).text = why.into();
                self.maybe_release(cid);
            }
            TxnKind::ReInvite | TxnKind::Bye | TxnKind::InDialog => {
                let event = if kind == TxnKind::ReInvite {
                    if let Some(d) = did.and_then(|d| self.dialogs.get_mut(&d)) {
                        d.reinvite_out = None;
                    }
                    EventKind::CallRequestFailure
                } else {
                    EventKind::CallMessageRequestFailure
                };
                self.emit(event, Some(tid), did, cid).text = text.into();
                // No response at all ends the dialog like a 408 (12.2.1.2,
                // 14.1 for a re-INVITE); a BYE ends it anyway (15.1.1). A
                // transport error is a 503, which leaves it (8.1.3.1).
                let ends = timeout || kind == TxnKind::Bye;
                if let Some(did) = did.filter(|_| ends) {
                    self.remove_dialog(did);
                }
                if let Some(cid) = cid {
                    self.maybe_release(cid);
                }
            }
            TxnKind::OutOfDialog => {
                self.emit(EventKind::MessageRequestFailure, Some(tid), None, None)
                    .text = text.into();
            }
            TxnKind::Cancel => {}
        }
    }

    /// A fresh branch for a Via (exposed for the glare retry and tests).
    #[allow(dead_code)]
    pub(crate) fn fresh_branch() -> String {
        new_branch()
    }
}
