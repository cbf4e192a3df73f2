//! Transaction matching (demux): RFC 3261 section 17.1.3 for responses,
//! section 17.2.3 for requests, with the RFC 2543 fallback for requests
//! whose branch lacks the magic cookie.

use sip_parser::header::Via;
use sip_parser::{HeaderName, Message, Method, Transport};

use crate::branch::has_cookie;
use crate::error::TxnError;

/// Key of a client transaction (RFC 3261 section 17.1.3): the top Via
/// branch of the request plus its method. A response matches when its top
/// Via branch is the same and its CSeq method is the method, so an INVITE
/// and its CANCEL (same branch) are told apart.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ClientKey {
    branch: Box<[u8]>,
    method: Method,
}

impl ClientKey {
    /// The key a request creates.
    pub(crate) fn of_request(req: &Message) -> Result<Self, TxnError> {
        let method = req.method().ok_or(TxnError::NotARequest)?.clone();
        let branch = req
            .branch()
            .filter(|b| !b.is_empty())
            .ok_or(TxnError::MissingBranch)?;
        Ok(Self {
            branch: branch.into(),
            method,
        })
    }

    /// The key a response matches, if it has a branch and a CSeq.
    pub(crate) fn of_response(resp: &Message) -> Option<Self> {
        let branch = resp.branch().filter(|b| !b.is_empty())?;
        let (_, method) = resp.cseq()?;
        Some(Self {
            branch: branch.into(),
            method: Method::from_bytes(method)?,
        })
    }

    /// The same branch with another method (an INVITE's CANCEL, section 9.1).
    pub(crate) fn with_method(&self, method: Method) -> Self {
        Self {
            branch: self.branch.clone(),
            method,
        }
    }
}

/// Key of a server transaction (RFC 3261 section 17.2.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum ServerKey {
    /// RFC 3261 rules: branch (with the magic cookie), sent-by of the top
    /// Via, and method (ACK stands for INVITE).
    Rfc3261 {
        branch: Box<[u8]>,
        sent_by: Box<[u8]>,
        method: Method,
    },
    /// RFC 2543 rules: Request-URI, To tag, From tag, Call-ID, CSeq number
    /// and method (ACK stands for INVITE) and the top Via.
    Rfc2543 {
        request_uri: Box<[u8]>,
        to_tag: Option<Box<[u8]>>,
        from_tag: Option<Box<[u8]>>,
        call_id: Box<[u8]>,
        cseq: u32,
        method: Method,
        top_via: Box<[u8]>,
    },
}

/// The method whose transaction a request belongs to: ACK belongs to the
/// INVITE transaction (section 17.2.3).
pub(crate) fn txn_method(method: &Method) -> Method {
    match method {
        Method::Ack => Method::Invite,
        m => m.clone(),
    }
}

/// Sent-by of a Via, normalized for comparison: lower-case host, and the
/// port with the transport's default filled in.
fn sent_by(via: &Via<'_>) -> Box<[u8]> {
    let port = via.port.unwrap_or_else(|| {
        Transport::from_bytes(via.transport.as_bytes()).map_or(5060, Transport::default_port)
    });
    let mut s = via.host.as_str().to_ascii_lowercase().into_bytes();
    s.push(b':');
    s.extend_from_slice(port.to_string().as_bytes());
    s.into_boxed_slice()
}

impl ServerKey {
    /// The key of a received request; `None` if the request lacks what
    /// matching needs (a top Via that parses; for RFC 2543 requests also
    /// Call-ID and CSeq).
    pub(crate) fn of_request(req: &Message) -> Option<Self> {
        let method = txn_method(req.method()?);
        let via = req.typed::<Via<'_>>(HeaderName::Via)?.ok()?;
        match req.branch() {
            Some(branch) if has_cookie(branch) => Some(Self::Rfc3261 {
                branch: branch.into(),
                sent_by: sent_by(&via),
                method,
            }),
            _ => {
                let (cseq, _) = req.cseq()?;
                Some(Self::Rfc2543 {
                    request_uri: req.request_uri_bytes()?.into(),
                    to_tag: req.to_tag().map(Into::into),
                    from_tag: req.from_tag().map(Into::into),
                    call_id: req.call_id()?.into(),
                    cseq,
                    method,
                    top_via: req.top_via()?.into(),
                })
            }
        }
    }

    /// The same key for another method: a CANCEL's key turned into the key
    /// of the INVITE it cancels (section 9.2).
    pub(crate) fn with_method(&self, m: Method) -> Self {
        let mut k = self.clone();
        match &mut k {
            Self::Rfc3261 { method, .. } | Self::Rfc2543 { method, .. } => *method = m,
        }
        k
    }

    /// For an RFC 2543 ACK: the key without the To tag, which matches the
    /// INVITE that created the transaction (the ACK carries the tag of the
    /// response, the INVITE did not). `None` for RFC 3261 keys.
    pub(crate) fn without_to_tag(&self) -> Option<Self> {
        match self {
            Self::Rfc2543 {
                to_tag: Some(_), ..
            } => {
                let mut k = self.clone();
                if let Self::Rfc2543 { to_tag, .. } = &mut k {
                    *to_tag = None;
                }
                Some(k)
            }
            _ => None,
        }
    }

    /// Whether the RFC 2543 rules apply.
    #[cfg(test)]
    pub(crate) const fn is_legacy(&self) -> bool {
        matches!(self, Self::Rfc2543 { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(s: &str) -> Message {
        Message::parse(s.replace('\n', "\r\n").into_bytes()).unwrap()
    }

    #[test]
    fn rfc3261_keys() {
        let inv = msg(
            "INVITE sip:b@h SIP/2.0\nVia: SIP/2.0/UDP Host.Example;branch=z9hG4bKx\nCall-ID: c\nCSeq: 1 INVITE\n\n",
        );
        let ack = msg(
            "ACK sip:b@h SIP/2.0\nVia: SIP/2.0/UDP host.example:5060;branch=z9hG4bKx\nCall-ID: c\nCSeq: 1 ACK\n\n",
        );
        let can = msg(
            "CANCEL sip:b@h SIP/2.0\nVia: SIP/2.0/UDP host.example;branch=z9hG4bKx\nCall-ID: c\nCSeq: 1 CANCEL\n\n",
        );
        let other = msg(
            "INVITE sip:b@h SIP/2.0\nVia: SIP/2.0/UDP other.example;branch=z9hG4bKx\nCall-ID: c\nCSeq: 1 INVITE\n\n",
        );
        let k = ServerKey::of_request(&inv).unwrap();
        assert_eq!(ServerKey::of_request(&ack), Some(k.clone()));
        let kc = ServerKey::of_request(&can).unwrap();
        assert_ne!(kc, k);
        assert_eq!(kc.with_method(Method::Invite), k);
        assert_ne!(ServerKey::of_request(&other), Some(k));
    }

    #[test]
    fn rfc2543_keys() {
        let inv = msg(
            "INVITE sip:b@h SIP/2.0\nVia: SIP/2.0/UDP h;branch=1\nFrom: <sip:a@h>;tag=f\nTo: <sip:b@h>\nCall-ID: c\nCSeq: 1 INVITE\n\n",
        );
        let ack = msg(
            "ACK sip:b@h SIP/2.0\nVia: SIP/2.0/UDP h;branch=1\nFrom: <sip:a@h>;tag=f\nTo: <sip:b@h>;tag=t\nCall-ID: c\nCSeq: 1 ACK\n\n",
        );
        let k = ServerKey::of_request(&inv).unwrap();
        assert!(k.is_legacy());
        let ka = ServerKey::of_request(&ack).unwrap();
        assert_ne!(ka, k);
        assert_eq!(ka.without_to_tag(), Some(k));
    }

    #[test]
    fn bad_requests_have_no_key() {
        let no_via = msg("OPTIONS sip:b@h SIP/2.0\nCall-ID: c\nCSeq: 1 OPTIONS\n\n");
        assert_eq!(ServerKey::of_request(&no_via), None);
        let legacy_no_cseq = msg("OPTIONS sip:b@h SIP/2.0\nVia: SIP/2.0/UDP h\nCall-ID: c\n\n");
        assert_eq!(ServerKey::of_request(&legacy_no_cseq), None);
        assert_eq!(ClientKey::of_request(&no_via), Err(TxnError::MissingBranch));
        let resp = msg("SIP/2.0 200 OK\nVia: SIP/2.0/UDP h;branch=z9hG4bKa\nCSeq: 1 FOO BAR\n\n");
        assert!(ClientKey::of_response(&resp).is_none());
    }
}
