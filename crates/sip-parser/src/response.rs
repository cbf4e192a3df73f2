//! Responses built from the request they answer (RFC 3261 section 8.2.6).

use crate::header::HeaderName;
use crate::key::{address_params, find_param};
use crate::message::Message;
use crate::status::reason_phrase;

impl Message {
    /// A response to `request` (RFC 3261 section 8.2.6.2): the Via values
    /// in order, From, To, Call-ID and CSeq copied, Timestamp copied for a
    /// 100 (section 8.2.6.1), and `to_tag` added to To when the request's
    /// To has no tag and the response is not a 100 (section 8.2.6.2).
    pub fn response_to(request: &Self, code: u16, to_tag: Option<&str>) -> Self {
        let mut r = Self::response_with_reason(code, reason_phrase(code));
        for h in request.headers() {
            match h.name {
                HeaderName::Via | HeaderName::From | HeaderName::CallId | HeaderName::CSeq => {
                    r.push_header(h.name, h.value);
                }
                HeaderName::Timestamp if code == 100 => r.push_header(h.name, h.value),
                HeaderName::To => {
                    let has_tag =
                        find_param(address_params(h.value), b"tag").is_some_and(|t| !t.is_empty());
                    match to_tag {
                        Some(tag) if !has_tag && code != 100 => {
                            let mut v = h.value.to_vec();
                            v.extend_from_slice(b";tag=");
                            v.extend_from_slice(tag.as_bytes());
                            r.push_header(HeaderName::To, v);
                        }
                        _ => r.push_header(HeaderName::To, h.value),
                    }
                }
                _ => {}
            }
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use crate::{HeaderName, Message};

    #[test]
    fn copies_the_transaction_headers() {
        let req = Message::parse(
            &b"INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nv: SIP/2.0/UDP b;branch=z9hG4bK0\r\n\
From: <sip:a@h>;tag=f\r\nTo: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nTimestamp: 54\r\nContent-Length: 0\r\n\r\n"[..],
        )
        .unwrap();
        let r = Message::response_to(&req, 180, Some("t1"));
        let r = Message::parse(r.to_vec()).unwrap();
        assert_eq!(r.status(), Some(180));
        assert_eq!(r.values(HeaderName::Via).count(), 2);
        assert_eq!(r.to_tag(), Some(&b"t1"[..]));
        assert_eq!(r.from_tag(), Some(&b"f"[..]));
        assert_eq!(r.header(HeaderName::Timestamp), None);
        let t = Message::response_to(&req, 100, Some("t1"));
        assert_eq!(t.to_tag(), None);
        assert_eq!(t.header(HeaderName::Timestamp), Some(&b"54"[..]));
    }
}
