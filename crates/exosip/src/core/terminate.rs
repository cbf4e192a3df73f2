//! Ending calls (`eXosip_call_terminate`, `eXosip_call_terminate_with_reason`):
//! CANCEL before a final response (RFC 3261 section 9.1), 603 for an
//! incoming call not answered yet, BYE in confirmed dialogs (section 15),
//! optionally with a `Reason` header (RFC 3326).
//!
//! A CANCEL without Reason is built and held by the transaction layer
//! until a provisional arrives. A CANCEL with a Reason is built here (same
//! Request-URI, top Via, Route, From, To, Call-ID and CSeq number as the
//! INVITE, section 9.1) and sent once a provisional has arrived.

use std::time::Instant;

use sip_parser::{HeaderName, Message, Method};
use sip_txn::{Target, TxnId};

use super::call::{Role, TxnKind, TxnRec};
use super::dialog::DialogState;
use super::ua::Ua;
use crate::error::{Error, Result};
use crate::ids::{CallId, DialogId, TransactionId};

/// Checks an application-given Reason value (one header line).
fn check_reason(reason: &str) -> Result<String> {
    let r = reason.trim();
    if r.is_empty() || r.bytes().any(|b| b == b'\r' || b == b'\n') {
        return Err(Error::BadParameter(format!("Reason: {reason:?}")));
    }
    Ok(r.to_owned())
}

/// The CANCEL of `invite` (RFC 3261 section 9.1), with a Reason (RFC 3326).
fn build_cancel(invite: &Message, reason: &str) -> Option<Message> {
    let mut c = sip_txn::build_cancel(invite)?;
    c.push_header(HeaderName::Reason, reason);
    Some(c)
}

impl Ua {
    /// Sends a BYE in dialog `did` (RFC 3261 section 15.1.1), with the
    /// Reason stored for the dialog if any (RFC 3326).
    pub(crate) fn send_bye(&mut self, now: Instant, did: DialogId) -> Result<TransactionId> {
        let mut bye = self.build_request(did, Method::Bye)?;
        if let Some(r) = self
            .dialogs
            .get_mut(&did)
            .and_then(|d| d.ext.bye_reason.take())
        {
            bye.push_header(HeaderName::Reason, r);
        }
        self.send_request(now, did, bye)
    }

    /// Ends a call or one dialog of it (`eXosip_call_terminate`): CANCEL
    /// before a final response (RFC 3261 section 9.1), 603 Decline for an
    /// incoming call not yet answered, BYE in a confirmed dialog (section
    /// 15; the callee waits for the ACK of its 2xx first).
    pub fn terminate(&mut self, now: Instant, cid: CallId, did: Option<DialogId>) -> Result<()> {
        self.terminate_inner(now, cid, did, None)
    }

    /// [`Ua::terminate`] with a `Reason` header (RFC 3326) on the CANCEL,
    /// BYE or 603 (`eXosip_call_terminate_with_reason`); `reason` is the
    /// header value, e.g. `SIP;cause=200;text="Call completed elsewhere"`.
    pub fn terminate_with_reason(
        &mut self,
        now: Instant,
        cid: CallId,
        did: Option<DialogId>,
        reason: &str,
    ) -> Result<()> {
        let reason = check_reason(reason)?;
        self.terminate_inner(now, cid, did, Some(reason))
    }

    fn terminate_inner(
        &mut self,
        now: Instant,
        cid: CallId,
        did: Option<DialogId>,
        reason: Option<String>,
    ) -> Result<()> {
        self.now = self.now.max(now);
        let call = self.calls.get(&cid).ok_or(Error::UnknownCall(cid))?;
        if let Some(did) = did {
            if !call.dialogs.contains(&did) {
                return Err(Error::UnknownDialog(did));
            }
        }
        let (role, invite_done, invite_tid) = (call.role, call.invite_done, call.invite_tid);
        let targets: Vec<DialogId> = did.map_or_else(|| call.dialogs.clone(), |d| vec![d]);
        if !invite_done {
            return match role {
                Role::Uac => self.cancel_invite(now, cid, reason),
                Role::Uas => {
                    let mut decline = self.build_answer(invite_tid, 603)?;
                    if let Some(r) = reason {
                        decline.push_header(HeaderName::Reason, r);
                    }
                    self.send_answer(now, invite_tid, 603, Some(decline))
                }
            };
        }
        for did in targets {
            let Some(d) = self.dialogs.get_mut(&did) else {
                continue;
            };
            if d.terminating {
                continue;
            }
            if d.state != DialogState::Confirmed {
                self.remove_dialog(did);
                continue;
            }
            d.ext.bye_reason.clone_from(&reason);
            if d.pending_2xx.is_some() {
                d.bye_after_ack = true;
                continue;
            }
            self.send_bye(now, did)?;
        }
        self.maybe_release(cid);
        Ok(())
    }

    /// CANCEL for the INVITE of call `cid` (RFC 3261 section 9.1).
    pub(crate) fn cancel_invite(
        &mut self,
        now: Instant,
        cid: CallId,
        reason: Option<String>,
    ) -> Result<()> {
        let call = self.calls.get_mut(&cid).ok_or(Error::UnknownCall(cid))?;
        if call.cancelling {
            return Ok(());
        }
        call.cancelling = true;
        call.cancel_reason.clone_from(&reason);
        let invite_tid = call.invite_tid;
        let rec = self
            .txns
            .get(&invite_tid)
            .ok_or(Error::UnknownTransaction(invite_tid))?;
        let TxnId::Client(id) = rec.id else {
            return Err(Error::WrongState("not a client INVITE"));
        };
        if reason.is_some() {
            let provisional = rec
                .last_response
                .as_ref()
                .and_then(Message::status)
                .is_some_and(|s| s < 200);
            if let Some(c) = self.calls.get_mut(&cid) {
                c.cancel_waiting = true;
            }
            if provisional {
                self.send_waiting_cancel(cid);
            }
            return Ok(());
        }
        let target = rec.target;
        let cancel_id = self
            .txn
            .cancel(now, id)
            .map_err(|e| Error::Transaction(e.to_string()))?;
        let req = rec.request.clone();
        let mut cancel = Message::request(
            Method::Cancel,
            &String::from_utf8_lossy(req.request_uri_bytes().unwrap_or_default()),
        );
        cancel.push_header(HeaderName::CallId, req.call_id().unwrap_or_default());
        self.add_cancel_record(cid, cancel_id, cancel, target);
        Ok(())
    }

    /// Sends the CANCEL with a Reason that waited for a provisional.
    pub(crate) fn send_waiting_cancel(&mut self, cid: CallId) {
        let Some(call) = self.calls.get_mut(&cid) else {
            return;
        };
        if !call.cancel_waiting || call.invite_done {
            return;
        }
        call.cancel_waiting = false;
        let reason = call.cancel_reason.clone().unwrap_or_default();
        let Some(rec) = self.txns.get(&call.invite_tid) else {
            return;
        };
        let (Some(cancel), Some(target)) = (build_cancel(&rec.request, &reason), rec.target) else {
            return;
        };
        let now = self.now;
        match self.txn.send_request(now, cancel.clone(), target) {
            Ok(id) => self.add_cancel_record(cid, id, cancel, Some(target)),
            Err(e) => tracing::debug!(%e, "CANCEL not sent"),
        }
    }

    fn add_cancel_record(
        &mut self,
        cid: CallId,
        id: sip_txn::ClientTxnId,
        cancel: Message,
        target: Option<Target>,
    ) {
        self.add_txn(TxnRec {
            id: TxnId::Client(id),
            kind: TxnKind::Cancel,
            cid: Some(cid),
            did: None,
            request: cancel,
            last_response: None,
            source: None,
            target,
            answered: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_values_are_checked_and_cancel_copies_the_invite() {
        assert!(check_reason("").is_err());
        assert!(check_reason("SIP;cause=200\r\nX: y").is_err());
        assert_eq!(check_reason(" Q.850;cause=16 ").unwrap(), "Q.850;cause=16");
        let inv = Message::parse(
            &b"INVITE sip:b@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKq\r\n\
               Route: <sip:p;lr>\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\n\
               CSeq: 20 INVITE\r\nContent-Length: 0\r\n\r\n"[..],
        )
        .unwrap();
        let c = Message::parse(build_cancel(&inv, "SIP;cause=487").unwrap().to_vec()).unwrap();
        assert_eq!(c.method(), Some(&Method::Cancel));
        assert_eq!(c.cseq(), Some((20, &b"CANCEL"[..])));
        assert_eq!(c.branch(), Some(&b"z9hG4bKq"[..]));
        assert_eq!(c.header(HeaderName::Route), Some(&b"<sip:p;lr>"[..]));
        assert_eq!(c.header(HeaderName::Reason), Some(&b"SIP;cause=487"[..]));
        let no_cseq = Message::parse(
            &b"INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKq\r\nContent-Length: 0\r\n\r\n"[..],
        )
        .unwrap();
        assert!(build_cancel(&no_cseq, "x").is_none());
    }
}
