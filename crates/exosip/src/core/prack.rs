//! Reliable provisional responses (RFC 3262, `100rel`).
//!
//! UAS: a 1xx (not 100) to an initial INVITE goes out reliably when the
//! INVITE requires `100rel`, or supports it and the application's answer
//! carries `Require: 100rel` (eXosip style). It gets `RSeq` (random start
//! below 2^31, +1 for each reliable provisional) and is retransmitted at
//! T1, 2*T1, 4*T1 ... until a PRACK with the matching `RAck` arrives; after
//! 64*T1 without one the INVITE is rejected with a 5xx (section 3). A
//! second reliable provisional waits until the first is PRACKed; a 2xx
//! waits while an unacknowledged one carried SDP.
//!
//! ```text
//!   1xx (reliable) --PRACK ok--> 200 PRACK, next queued 1xx or held 2xx
//!        |  \--PRACK other RAck--> 481
//!        +--64*T1, no PRACK--> 500 for the INVITE
//! ```
//!
//! UAC: a provisional with `Require: 100rel` and `RSeq` updates the early
//! dialog; RSeq must be the last plus one (the first one sets the base);
//! retransmissions and gaps are dropped; the PRACK is sent automatically
//! when automatic actions are on (section 4), else with
//! [`Ua::build_prack`] / [`Ua::send_prack`].

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use sip_parser::header::RAck;
use sip_parser::{HeaderName, Message, Method};
use sip_txn::{Received, ServerTxnId, TxnId};

use super::call::TxnKind;
use super::sdp::sdp_of;
use super::ua::{Ua, UaTimer};
use crate::error::{Error, Result};
use crate::ids::{DialogId, TransactionId};

/// The option tag of RFC 3262.
pub(crate) const TAG_100REL: &str = "100rel";

/// A reliable provisional response waiting for its PRACK (UAS).
#[derive(Debug)]
pub(crate) struct ReliableOut {
    pub(crate) response: Message,
    pub(crate) rseq: u32,
    pub(crate) cseq: u32,
    pub(crate) tid: TransactionId,
    pub(crate) interval: Duration,
    pub(crate) next: Instant,
    pub(crate) give_up: Instant,
    pub(crate) has_sdp: bool,
}

/// RFC 3262 state of one dialog.
#[derive(Debug, Default)]
pub(crate) struct Rel100 {
    /// UAS: the RSeq of the next reliable provisional (0: not chosen yet).
    pub(crate) next_rseq: u32,
    /// UAS: the reliable provisional not yet PRACKed.
    pub(crate) out: Option<ReliableOut>,
    /// UAS: reliable provisionals the application sent meanwhile.
    pub(crate) queue: VecDeque<Message>,
    /// UAS: a 2xx waiting for the PRACK of a provisional with SDP.
    pub(crate) held_final: Option<Message>,
    /// UAC: RSeq of the last reliable provisional accepted.
    pub(crate) last_rseq: Option<u32>,
    /// UAC: the `RAck` value of the PRACK still to send.
    pub(crate) to_prack: Option<String>,
}

/// Whether header `name` of `msg` lists option tag `tag`.
pub(crate) fn has_tag(msg: &Message, name: HeaderName, tag: &str) -> bool {
    msg.values(name)
        .any(|v| std::str::from_utf8(v).is_ok_and(|v| v.trim().eq_ignore_ascii_case(tag)))
}

/// Removes option tag `tag` from header `name` (dropping it if empty).
fn remove_tag(msg: &mut Message, name: HeaderName, tag: &str) {
    let rest: Vec<String> = msg
        .values(name)
        .map(|v| String::from_utf8_lossy(v).trim().to_owned())
        .filter(|v| !v.eq_ignore_ascii_case(tag))
        .collect();
    msg.remove_header(name);
    if !rest.is_empty() {
        msg.push_header(name, rest.join(", "));
    }
}

/// The RSeq of a reliable provisional response (RFC 3262 section 7.1).
fn rseq_of(resp: &Message) -> Option<u32> {
    let v = std::str::from_utf8(resp.header(HeaderName::RSeq)?).ok()?;
    v.trim().parse::<u32>().ok().filter(|n| *n > 0)
}

impl Ua {
    /// UAS hook of `send_answer` for an initial INVITE: makes a 1xx
    /// reliable, queues it or holds a 2xx (RFC 3262 section 3). `None`:
    /// the answer was queued, nothing to send now.
    pub(crate) fn rel100_outgoing(
        &mut self,
        now: Instant,
        tid: TransactionId,
        answer: Message,
    ) -> Result<Option<Message>> {
        let Some(rec) = self.txns.get(&tid) else {
            return Ok(Some(answer));
        };
        let (Some(did), TxnKind::InitialInvite) = (rec.did, rec.kind) else {
            return Ok(Some(answer));
        };
        let requires = has_tag(&rec.request, HeaderName::Require, TAG_100REL);
        let supports = requires || has_tag(&rec.request, HeaderName::Supported, TAG_100REL);
        let cseq = rec.cseq();
        let status = answer.status().unwrap_or(0);
        let t1 = self.config.t1;
        let Some(d) = self.dialogs.get_mut(&did) else {
            return Ok(Some(answer));
        };
        let rel = &mut d.ext.rel;
        if (101..200).contains(&status) {
            let asked = has_tag(&answer, HeaderName::Require, TAG_100REL);
            let mut a = answer;
            if !supports && asked {
                // The peer cannot PRACK: send it unreliably, without the tag.
                remove_tag(&mut a, HeaderName::Require, TAG_100REL);
            }
            if !(requires || (supports && asked)) {
                return Ok(Some(a));
            }
            if !asked {
                a.push_header(HeaderName::Require, TAG_100REL);
            }
            if rel.out.is_some() {
                // One reliable provisional at a time (section 3).
                rel.queue.push_back(a);
                return Ok(None);
            }
            if rel.next_rseq == 0 {
                rel.next_rseq = rand::random_range(1..(1u32 << 31));
            }
            let rseq = rel.next_rseq;
            rel.next_rseq = rel.next_rseq.wrapping_add(1).max(1);
            a.set_header(HeaderName::RSeq, rseq.to_string());
            rel.out = Some(ReliableOut {
                response: a.clone(),
                rseq,
                cseq,
                tid,
                interval: t1,
                next: now + t1,
                give_up: now + t1 * 64,
                has_sdp: sdp_of(&a).is_some(),
            });
            self.arm(now + t1, UaTimer::Reliable1xx(did, rseq));
            return Ok(Some(a));
        }
        if status >= 200 {
            rel.queue.clear();
            let sdp_unacked = rel.out.as_ref().is_some_and(|o| o.has_sdp);
            if (200..300).contains(&status) && sdp_unacked {
                if rel.held_final.is_some() {
                    return Err(Error::WrongState("a 2xx already waits for a PRACK"));
                }
                rel.held_final = Some(answer);
                return Ok(None);
            }
            rel.out = None;
            rel.held_final = None;
        }
        Ok(Some(answer))
    }

    /// Retransmits a reliable provisional, or gives up after 64*T1
    /// (RFC 3262 section 3).
    pub(crate) fn on_rel1xx_timer(&mut self, now: Instant, did: DialogId, rseq: u32) {
        let Some(d) = self.dialogs.get_mut(&did) else {
            return;
        };
        let rel = &mut d.ext.rel;
        let Some(o) = rel.out.as_mut().filter(|o| o.rseq == rseq) else {
            return;
        };
        if now >= o.give_up {
            let tid = o.tid;
            rel.out = None;
            rel.queue.clear();
            rel.held_final = None;
            tracing::debug!(%did, "no PRACK after 64*T1: rejecting the INVITE");
            let reject = self.build_answer(tid, 500).map(|mut m| {
                m.set_status(500, "No PRACK");
                m
            });
            if let Ok(m) = reject {
                let _ = self.send_answer(now, tid, 500, Some(m));
            }
            return;
        }
        if now < o.next {
            let at = o.next;
            self.arm(at, UaTimer::Reliable1xx(did, rseq));
            return;
        }
        o.interval *= 2;
        o.next = now + o.interval;
        let (at, resp, tid) = (o.next.min(o.give_up), o.response.clone(), o.tid);
        self.arm(at, UaTimer::Reliable1xx(did, rseq));
        if let Some(TxnId::Server(id)) = self.txns.get(&tid).map(|r| r.id) {
            if let Err(e) = self.txn.send_response(now, id, resp) {
                tracing::debug!(%e, "reliable provisional not retransmitted");
            }
        }
    }

    /// A PRACK in dialog `did` (RFC 3262 section 3): 200 when its RAck
    /// names the provisional waiting for it, else 481. Then the next
    /// queued provisional or the held 2xx goes out.
    pub(crate) fn on_prack(&mut self, id: ServerTxnId, r: Received, did: DialogId) {
        let rack = r
            .msg
            .typed::<RAck<'_>>(HeaderName::RAck)
            .and_then(|v| v.ok())
            .map(|v| (v.rseq, v.cseq, v.method.eq_ignore_ascii_case("INVITE")));
        let now = self.now;
        let user_agent = self.config.user_agent.clone();
        let Some(d) = self.dialogs.get_mut(&did) else {
            return;
        };
        let rel = &mut d.ext.rel;
        let matched = match (rack, rel.out.as_ref()) {
            (Some((rseq, cseq, true)), Some(o)) => rseq == o.rseq && cseq == o.cseq,
            _ => false,
        };
        let mut resp = Message::response_to(&r.msg, if matched { 200 } else { 481 }, None);
        if !user_agent.is_empty() {
            resp.push_header(HeaderName::UserAgent, &user_agent);
        }
        let Some(out) = rel.out.take_if(|_| matched) else {
            return self.reply(id, resp);
        };
        let next = rel.queue.pop_front().or_else(|| rel.held_final.take());
        if let Some(s) = sdp_of(&r.msg) {
            // The answer to an offer in the reliable provisional.
            d.remote_sdp = Some(s);
        }
        self.reply(id, resp);
        if let Some(m) = next {
            let status = m.status().unwrap_or(0);
            if let Err(e) = self.send_answer(now, out.tid, status, Some(m)) {
                tracing::debug!(%e, "answer after PRACK not sent");
            }
        }
    }

    /// UAC: checks a reliable provisional in dialog `did` (RFC 3262
    /// section 4) and PRACKs it when automatic actions are on. Returns
    /// whether the response is new and in order (to be reported).
    pub(crate) fn on_reliable_provisional(&mut self, did: DialogId, resp: &Message) -> bool {
        if !has_tag(resp, HeaderName::Require, TAG_100REL) {
            return true;
        }
        let Some(rseq) = rseq_of(resp) else {
            tracing::debug!("reliable provisional without a valid RSeq dropped");
            return false;
        };
        let Some((cseq, method)) = resp.cseq() else {
            return false;
        };
        let rack = format!("{rseq} {cseq} {}", String::from_utf8_lossy(method));
        let Some(d) = self.dialogs.get_mut(&did) else {
            return false;
        };
        let rel = &mut d.ext.rel;
        if let Some(last) = rel.last_rseq {
            if rseq != last.wrapping_add(1) {
                // A retransmission (already PRACKed) or out of order.
                return false;
            }
        }
        rel.last_rseq = Some(rseq);
        rel.to_prack = Some(rack);
        if self.config.automatic_actions {
            let now = self.now;
            let sent = self
                .build_prack(did)
                .and_then(|p| self.send_prack(now, did, p));
            if let Err(e) = sent {
                tracing::debug!(%e, "automatic PRACK not sent");
            }
        }
        true
    }

    /// Builds the PRACK for the last reliable provisional response in
    /// dialog `did` (`eXosip_call_build_prack`, RFC 3262 section 7.2):
    /// a request in the early dialog with `RAck: rseq cseq method`.
    pub fn build_prack(&self, did: DialogId) -> Result<Message> {
        let d = self.dialogs.get(&did).ok_or(Error::UnknownDialog(did))?;
        let rack = d
            .ext
            .rel
            .to_prack
            .clone()
            .ok_or(Error::WrongState("no reliable provisional to acknowledge"))?;
        let mut m = self.build_request(did, Method::Prack)?;
        m.push_header(HeaderName::RAck, rack);
        Ok(m)
    }

    /// Sends a PRACK built by [`Ua::build_prack`] (`eXosip_call_send_prack`).
    /// Returns its transaction id; the 200 comes as `CallMessageAnswered`.
    pub fn send_prack(
        &mut self,
        now: Instant,
        did: DialogId,
        prack: Message,
    ) -> Result<TransactionId> {
        if prack.method() != Some(&Method::Prack) {
            return Err(Error::BadParameter("not a PRACK".into()));
        }
        let rack = prack
            .header(HeaderName::RAck)
            .map(|v| String::from_utf8_lossy(v).into_owned());
        let tid = self.send_request(now, did, prack)?;
        if let Some(d) = self.dialogs.get_mut(&did) {
            if d.ext.rel.to_prack.is_some() && d.ext.rel.to_prack == rack {
                d.ext.rel.to_prack = None;
            }
        }
        Ok(tid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(extra: &str) -> Message {
        Message::parse(
            format!("SIP/2.0 180 Ringing\r\nCSeq: 20 INVITE\r\n{extra}Content-Length: 0\r\n\r\n")
                .into_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn reads_option_tags_and_rseq_defensively() {
        assert!(has_tag(
            &resp("Require: timer, 100REL\r\n"),
            HeaderName::Require,
            TAG_100REL
        ));
        assert!(!has_tag(
            &resp("Require: 100relx\r\n"),
            HeaderName::Require,
            TAG_100REL
        ));
        assert_eq!(rseq_of(&resp("RSeq: 77\r\n")), Some(77));
        assert_eq!(rseq_of(&resp("RSeq: 0\r\n")), None);
        assert_eq!(rseq_of(&resp("RSeq: 99999999999\r\n")), None);
        assert_eq!(rseq_of(&resp("RSeq: x\r\n")), None);
        assert_eq!(rseq_of(&resp("")), None);
    }
}
