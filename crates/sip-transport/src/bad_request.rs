//! A 400 (or 505) answer for a datagram that does not parse but whose
//! request line and top Via can be read (RFC 3261 section 8.2.2, 8.2.6,
//! 18.2.1, 21.4.1).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::net::SocketAddr;

use bytes::Bytes;
use sip_parser::header::{HeaderValue, Via};
use sip_parser::lex::{split_list, trim};
use sip_parser::{HeaderName, Message, ParseError, ParseErrorKind};

use crate::via_fix::fill_received;

/// Most header lines looked at: the datagram already failed to parse, this
/// is a best effort that must stay cheap.
const MAX_LINES: usize = 512;

/// Builds the response for an unparsable request, or `None` when the bytes
/// do not start with a request line, the request is an ACK (never
/// answered, RFC 3261 section 17.2.3), or no top Via can be read.
pub(crate) fn reply_for(raw: &[u8], error: &ParseError, source: SocketAddr) -> Option<Bytes> {
    let mut lines = Lines { rest: raw };
    let method = request_method(lines.next()?)?;
    if method.eq_ignore_ascii_case(b"ACK") {
        return None;
    }
    let mut vias: Vec<&[u8]> = Vec::new();
    let mut copied: Vec<(HeaderName, &[u8])> = Vec::new();
    for line in lines.by_ref().take(MAX_LINES) {
        if line.is_empty() {
            break;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = HeaderName::from_bytes(trim(&line[..colon]));
        let value = trim(&line[colon + 1..]);
        match name {
            HeaderName::Via => vias.push(value),
            HeaderName::From | HeaderName::To | HeaderName::CallId | HeaderName::CSeq
                if !copied.iter().any(|(n, _)| *n == name) =>
            {
                copied.push((name, value));
            }
            _ => {}
        }
    }
    let (_, top) = split_list(vias.first()?).next()?;
    <Via<'_> as HeaderValue<'_>>::parse(top).ok()?;
    let mut reply = if error.kind == ParseErrorKind::Version {
        Message::response(505)
    } else {
        Message::response_with_reason(400, &format!("Bad Request ({})", error.kind.as_str()))
    };
    for v in &vias {
        reply.push_header(HeaderName::Via, v);
    }
    for (name, value) in copied {
        if name == HeaderName::To && !has_tag(value) {
            let tag = RandomState::new().hash_one(raw);
            let mut to = value.to_vec();
            to.extend_from_slice(format!(";tag={tag:x}").as_bytes());
            reply.push_header(name, to);
        } else {
            reply.push_header(name, value);
        }
    }
    // The top Via was checked above, so this cannot fail; if it did, the
    // reply would still go to the sent-by address.
    let _ = fill_received(&mut reply, source);
    Some(reply.to_bytes())
}

/// The method of `METHOD SP Request-URI SP SIP-Version`, if the line has
/// that shape (a status line does not).
fn request_method(line: &[u8]) -> Option<&[u8]> {
    let mut parts = line.split(|&b| b == b' ').filter(|p| !p.is_empty());
    let method = parts.next()?;
    let _uri = parts.next()?;
    let version = parts.next()?;
    let is_token = method
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(b));
    (is_token && version.len() >= 4 && version[..4].eq_ignore_ascii_case(b"SIP/")).then_some(method)
}

fn has_tag(to: &[u8]) -> bool {
    sip_parser::find_param(sip_parser::address_params(to), b"tag").is_some()
}

/// Logical lines (folded continuations joined by skipping), CRLF or LF ended.
struct Lines<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        let mut end = 0;
        loop {
            let Some(nl) = memchr_nl(&self.rest[end..]) else {
                end = self.rest.len();
                break;
            };
            end += nl;
            // A continuation line (RFC 3261 section 7.3.1) starts with SP/HT.
            match self.rest.get(end + 1) {
                Some(b' ' | b'\t') if end > 0 => end += 1,
                _ => break,
            }
        }
        let line = &self.rest[..end];
        self.rest = self.rest.get(end + 1..).unwrap_or_default();
        Some(line.strip_suffix(b"\r").unwrap_or(line))
    }
}

fn memchr_nl(s: &[u8]) -> Option<usize> {
    s.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(kind: ParseErrorKind) -> ParseError {
        ParseError::new(kind, 0, "test")
    }

    const SRC: &str = "127.0.0.1:40000";

    #[test]
    fn readable_request_gets_400() {
        let raw = b"INVITE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP pc.example;rport;branch=z9hG4bK1\r\n\
            From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: abc\r\nCSeq: 1 INVITE\r\n\
            Max-Forwards: 70x\r\n\r\n";
        let r = reply_for(raw, &err(ParseErrorKind::HeaderValue), SRC.parse().unwrap()).unwrap();
        let m = Message::parse(r).unwrap();
        assert_eq!(m.status(), Some(400));
        assert_eq!(m.call_id(), Some(&b"abc"[..]));
        assert_eq!(m.cseq(), Some((1, &b"INVITE"[..])));
        assert_eq!(m.from_tag(), Some(&b"1"[..]));
        assert!(m.to_tag().is_some());
        assert_eq!(
            m.top_via(),
            Some(&b"SIP/2.0/UDP pc.example;rport=40000;branch=z9hG4bK1;received=127.0.0.1"[..])
        );
    }

    #[test]
    fn version_gets_505() {
        let raw =
            b"OPTIONS sip:b@example.com SIP/3.0\nv: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\n\n";
        let r = reply_for(raw, &err(ParseErrorKind::Version), SRC.parse().unwrap()).unwrap();
        assert_eq!(Message::parse(r).unwrap().status(), Some(505));
    }

    #[test]
    fn no_reply_cases() {
        let e = err(ParseErrorKind::HeaderValue);
        let s = SRC.parse().unwrap();
        for raw in [
            &b"ACK sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n"[..],
            b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n",
            b"OPTIONS sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP [bad;branch=z9hG4bK1\r\n\r\n",
            b"OPTIONS sip:b@example.com SIP/2.0\r\nCall-ID: x\r\n\r\n",
            b"\x00\xff\xfe garbage",
            b"",
            b"OPTIONS",
        ] {
            assert!(
                reply_for(raw, &e, s).is_none(),
                "{:?}",
                String::from_utf8_lossy(raw)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_never_panic(raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
                                 head in proptest::sample::select(vec!["", "INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"])) {
            let mut input = head.as_bytes().to_vec();
            input.extend_from_slice(&raw);
            if let Some(r) = reply_for(&input, &err(ParseErrorKind::HeaderValue), SRC.parse().unwrap()) {
                proptest::prop_assert!(Message::parse(r).is_ok());
            }
        }
    }
}
