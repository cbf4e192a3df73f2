//! The full check a UAS makes before it accepts a message: every header the
//! crate has a type for is parsed, the Request-URI follows its grammar, and
//! the request's CSeq method matches (RFC 3261 sections 8.2, 20 and 25;
//! RFC 4475).

use crate::error::{ParseError, ParseErrorKind as K, Result};
use crate::header::{self, HeaderName};
use crate::message::Message;
use crate::scan::StartLine;
use crate::uri::Uri;

/// Why a UAS rejects a request, and the status code it answers with
/// (RFC 3261 section 8.2 and 21.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejection {
    /// The status code to answer with (400, 416, ...).
    pub status: u16,
    /// A reason phrase that says what was wrong.
    pub reason: &'static str,
    /// The parse error behind a 400, if any.
    pub error: Option<ParseError>,
}

impl Rejection {
    const fn bad(reason: &'static str, error: Option<ParseError>) -> Self {
        Self {
            status: 400,
            reason,
            error,
        }
    }
}

/// Headers that may appear only once (RFC 3261 section 7.3.1 and 20).
const SINGLE: [HeaderName; 5] = [
    HeaderName::CallId,
    HeaderName::CSeq,
    HeaderName::From,
    HeaderName::To,
    HeaderName::MaxForwards,
];

impl Message {
    /// Offset of a span inside the message as parsed (0 for built values).
    fn offset_of(&self, value: &[u8]) -> usize {
        let base = self.buf.as_ptr() as usize;
        let p = value.as_ptr() as usize;
        if p >= base && p <= base + self.buf.len() {
            p - base
        } else {
            0
        }
    }

    /// Checks the whole message: the Request-URI against the URI grammar
    /// (RFC 3261 section 19.1; no `?headers` in a SIP Request-URI, table
    /// 1 of section 19.1.1), every header this crate has a type for
    /// (lazy parsing does not hide a bad header from this check), and that
    /// a request's CSeq method equals its method (section 8.1.1.5).
    ///
    /// Errors carry the byte offset in the message and the header concerned.
    pub fn validate(&self) -> Result<()> {
        if let StartLine::Request { uri, .. } = self.start {
            let bytes = self.get(uri);
            let off = self.offset_of(bytes);
            if Uri::check_sip_headers(bytes).map_err(|e| e.shifted(off))? {
                return Err(ParseError::uri(off, "a Request-URI without ?headers"));
            }
        }
        let mut contacts = 0usize;
        let mut star = None;
        for h in &self.headers {
            let value = self.get(h.value);
            header::validate(h.name, value).map_err(|e| e.within(self.offset_of(value), h.name))?;
            if h.name == HeaderName::Contact {
                contacts += 1;
                if value == b"*" {
                    star = Some(self.offset_of(value));
                }
            }
        }
        // `Contact: *` is the whole Contact value of the message, not one
        // of several header lines (RFC 3261 sections 7.3.1 and 20.10).
        if let (Some(off), 2..) = (star, contacts) {
            return Err(ParseError::value(0, "'*' as the only Contact value")
                .within(off, HeaderName::Contact));
        }
        if let (Some(method), Some((_, cseq_method))) = (self.method(), self.cseq()) {
            if method.as_str().as_bytes() != cseq_method {
                let off = self
                    .header(HeaderName::CSeq)
                    .map_or(0, |v| self.offset_of(v));
                return Err(
                    ParseError::new(K::CSeqMismatch, off, "the request method in CSeq")
                        .within(0, HeaderName::CSeq),
                );
            }
        }
        Ok(())
    }

    /// The checks of RFC 3261 section 8.2 that need no UA policy: the
    /// message is a request that [`Message::validate`] accepts (else 400),
    /// carries Via, From, To, Call-ID and CSeq once each (else 400,
    /// RFC 4475 sections 3.3.1 and 3.3.8), and its Request-URI scheme is
    /// `sip`, `sips` or `tel` (else 416, section 8.2.2.1).
    ///
    /// Policy checks (unknown method 501 / 405, Require 420, Content-Type
    /// 415) belong to the UA, which knows what it supports.
    pub fn check_request(&self) -> core::result::Result<(), Rejection> {
        let Some(uri) = self.request_uri_bytes() else {
            return Err(Rejection::bad("Not A Request", None));
        };
        if let Err(e) = self.validate() {
            return Err(Rejection::bad(
                match e.kind {
                    K::CSeqMismatch => "CSeq Method Mismatch",
                    K::Uri => "Bad Request-URI",
                    _ => "Malformed Header",
                },
                Some(e),
            ));
        }
        for name in [
            HeaderName::Via,
            HeaderName::From,
            HeaderName::To,
            HeaderName::CallId,
            HeaderName::CSeq,
        ] {
            if self.header(name).is_none() {
                let e = ParseError::new(K::MissingHeader, 0, name.as_str());
                return Err(Rejection::bad("Missing Mandatory Header", Some(e)));
            }
        }
        for name in SINGLE {
            if self.header_all(name).count() > 1 {
                let e = ParseError::new(K::HeaderValue, 0, name.as_str()).within(0, name);
                return Err(Rejection::bad("Duplicate Header", Some(e)));
            }
        }
        let colon = uri.iter().position(|&b| b == b':').unwrap_or(0);
        let scheme = &uri[..colon];
        if !(scheme.eq_ignore_ascii_case(b"sip")
            || scheme.eq_ignore_ascii_case(b"sips")
            || scheme.eq_ignore_ascii_case(b"tel"))
        {
            return Err(Rejection {
                status: 416,
                reason: "Unsupported URI Scheme",
                error: None,
            });
        }
        Ok(())
    }
}
