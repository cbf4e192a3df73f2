//! Client transactions (RFC 3261 section 17.1) and the requests they
//! build themselves: the ACK for a non-2xx final response (17.1.1.3) and
//! CANCEL (section 9.1).

pub(crate) mod invite;
pub(crate) mod non_invite;

use bytes::Bytes;
use sip_parser::{HeaderName, Message, Method};

use crate::ctx::Ctx;
use crate::event::{ClientTxnId, Target, TxnId};
use crate::key::ClientKey;
use crate::timer::{TimerKind, TimerTable};

/// A client transaction in the layer's slab.
#[derive(Debug)]
pub(crate) struct ClientTxn {
    pub(crate) key: ClientKey,
    pub(crate) target: Target,
    pub(crate) timers: TimerTable,
    pub(crate) machine: ClientMachine,
}

/// Which RFC machine runs the transaction.
#[derive(Debug)]
pub(crate) enum ClientMachine {
    /// INVITE client transaction (section 17.1.1).
    Invite(Box<invite::Ict>),
    /// Non-INVITE client transaction (section 17.1.2).
    NonInvite(non_invite::Nict),
}

impl ClientMachine {
    pub(crate) fn is_terminated(&self) -> bool {
        match self {
            Self::Invite(m) => m.state == invite::State::Terminated,
            Self::NonInvite(m) => m.state == non_invite::State::Terminated,
        }
    }
}

/// What drives a client machine (figures 5 and 6).
#[derive(Debug)]
pub(crate) enum Stimulus {
    /// Send the request: at once from the TU, or for a held CANCEL when a
    /// provisional response to its INVITE arrives (section 9.1).
    Start,
    /// A response matched the transaction (section 17.1.3).
    Response(Message),
    /// A timer fired.
    Timer(TimerKind),
    /// The transport failed to reach the target (section 17.1.4).
    TransportError,
}

/// The id of the client transaction a step runs for.
pub(crate) fn client_id(ctx: &Ctx<'_>) -> ClientTxnId {
    match ctx.id {
        TxnId::Client(id) => id,
        // The layer builds the context of a client machine from its own id.
        TxnId::Server(_) => unreachable!("client machine stepped with a server id"),
    }
}

/// Copies the headers shared by an ACK (17.1.1.3) and a CANCEL (9.1): the
/// INVITE's top Via only, Max-Forwards, Route headers, From, Call-ID.
fn copy_common(invite: &Message, out: &mut Message) -> Option<()> {
    out.push_header(HeaderName::Via, invite.top_via()?);
    out.push_header(
        HeaderName::MaxForwards,
        invite.header(HeaderName::MaxForwards).unwrap_or(b"70"),
    );
    for route in invite.header_all(HeaderName::Route) {
        out.push_header(HeaderName::Route, route);
    }
    out.push_header(HeaderName::From, invite.from_header()?);
    Some(())
}

/// The ACK for a non-2xx final response (RFC 3261 section 17.1.1.3):
/// Request-URI, Call-ID, From and top Via of the INVITE, To of the
/// response, CSeq number of the INVITE with method ACK, the INVITE's Route
/// headers. `None` if the INVITE lacks one of them.
pub(crate) fn build_ack(invite: &Message, response: &Message) -> Option<Bytes> {
    let uri = std::str::from_utf8(invite.request_uri_bytes()?).ok()?;
    let mut ack = Message::request(Method::Ack, uri);
    copy_common(invite, &mut ack)?;
    ack.push_header(
        HeaderName::To,
        response.to_header().or_else(|| invite.to_header())?,
    );
    ack.push_header(HeaderName::CallId, invite.call_id()?);
    let (n, _) = invite.cseq()?;
    ack.push_header(HeaderName::CSeq, format!("{n} ACK"));
    Some(ack.to_bytes())
}

/// The CANCEL for an INVITE (RFC 3261 section 9.1): same Request-URI,
/// Call-ID, To, From, CSeq number (method CANCEL), a single Via equal to
/// the INVITE's top Via, the INVITE's Route headers. `None` if the INVITE
/// lacks one of them. [`TxnLayer::cancel`](crate::TxnLayer::cancel) uses
/// it; a TU that adds headers (e.g. Reason, RFC 3326) builds on it.
pub fn build_cancel(invite: &Message) -> Option<Message> {
    let uri = std::str::from_utf8(invite.request_uri_bytes()?).ok()?;
    let mut cancel = Message::request(Method::Cancel, uri);
    copy_common(invite, &mut cancel)?;
    cancel.push_header(HeaderName::To, invite.to_header()?);
    cancel.push_header(HeaderName::CallId, invite.call_id()?);
    let (n, _) = invite.cseq()?;
    cancel.push_header(HeaderName::CSeq, format!("{n} CANCEL"));
    Some(cancel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(s: &str) -> Message {
        Message::parse(s.replace('\n', "\r\n").into_bytes()).unwrap()
    }

    const INVITE: &str = "INVITE sip:bob@b.example SIP/2.0\nVia: SIP/2.0/UDP a.example;branch=z9hG4bK1\n\
Via: SIP/2.0/UDP proxy.example;branch=z9hG4bK0\nMax-Forwards: 69\nRoute: <sip:p1;lr>\nRoute: <sip:p2;lr>\n\
From: <sip:alice@a.example>;tag=f\nTo: <sip:bob@b.example>\nCall-ID: c1\nCSeq: 7 INVITE\n\
Content-Type: application/sdp\nContent-Length: 3\n\nv=0";

    #[test]
    fn ack_per_17_1_1_3() {
        let inv = msg(INVITE);
        let resp = msg(
            "SIP/2.0 486 Busy Here\nVia: SIP/2.0/UDP a.example;branch=z9hG4bK1\n\
From: <sip:alice@a.example>;tag=f\nTo: <sip:bob@b.example>;tag=t9\nCall-ID: c1\nCSeq: 7 INVITE\n\n",
        );
        let ack = Message::parse(build_ack(&inv, &resp).unwrap()).unwrap();
        assert_eq!(ack.method(), Some(&Method::Ack));
        assert_eq!(ack.request_uri_bytes(), Some(&b"sip:bob@b.example"[..]));
        assert_eq!(
            ack.values(HeaderName::Via).collect::<Vec<_>>(),
            vec![&b"SIP/2.0/UDP a.example;branch=z9hG4bK1"[..]]
        );
        assert_eq!(ack.to_tag(), Some(&b"t9"[..]));
        assert_eq!(ack.from_tag(), Some(&b"f"[..]));
        assert_eq!(ack.cseq(), Some((7, &b"ACK"[..])));
        assert_eq!(ack.header_all(HeaderName::Route).count(), 2);
        assert_eq!(ack.call_id(), Some(&b"c1"[..]));
        assert!(ack.body().is_empty());
    }

    #[test]
    fn cancel_per_9_1() {
        let c = build_cancel(&msg(INVITE)).unwrap();
        let c = Message::parse(c.to_bytes()).unwrap();
        assert_eq!(c.method(), Some(&Method::Cancel));
        assert_eq!(c.branch(), Some(&b"z9hG4bK1"[..]));
        assert_eq!(c.values(HeaderName::Via).count(), 1);
        assert_eq!(c.cseq(), Some((7, &b"CANCEL"[..])));
        assert_eq!(c.to_tag(), None);
        assert_eq!(c.header_all(HeaderName::Route).count(), 2);
        assert!(c.body().is_empty());
    }

    #[test]
    fn incomplete_invite_builds_nothing() {
        let inv = msg("INVITE sip:b@h SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n\n");
        assert!(build_cancel(&inv).is_none());
        assert!(build_ack(&inv, &inv).is_none());
    }
}
