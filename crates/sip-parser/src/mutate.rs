//! Building messages from scratch and changing parsed ones (RFC 3261
//! section 7; the eXosip build / modify / send pattern).

use bytes::Bytes;

use crate::error::{ParseError, ParseErrorKind as K, Result};
use crate::header::HeaderName;
use crate::lex::is_token_str;
use crate::message::{KeyIndex, Message};
use crate::method::Method;
use crate::scan::{RawHeader, StartLine};
use crate::span::Span;
use crate::status::reason_phrase;

/// Copies `value` into `extra`, turning bare CR and LF into spaces so that a
/// value can never inject a header line.
fn push_clean(extra: &mut Vec<u8>, value: &[u8]) -> Span {
    let start = extra.len();
    extra.extend(
        value
            .iter()
            .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
    );
    Span::extra(start, extra.len())
}

impl Message {
    fn empty(start: StartLine, extra: Vec<u8>) -> Self {
        let mut m = Self::from_parts(Bytes::new(), 0, start, Vec::new(), 0, 0);
        m.extra = extra;
        m.modified = true;
        m
    }

    /// A new request with no headers: `METHOD uri SIP/2.0` (RFC 3261 section 7.1).
    /// `uri` is written as given (CR and LF become spaces).
    pub fn request(method: Method, uri: &str) -> Self {
        let mut extra = Vec::with_capacity(256);
        let uri = push_clean(&mut extra, uri.as_bytes());
        Self::empty(StartLine::Request { method, uri }, extra)
    }

    /// A new response with no headers and the default reason phrase
    /// (RFC 3261 section 7.2). `code` is clamped into 100..=699.
    pub fn response(code: u16) -> Self {
        Self::response_with_reason(code, reason_phrase(code))
    }

    /// A new response with a given reason phrase.
    pub fn response_with_reason(code: u16, reason: &str) -> Self {
        let mut extra = Vec::with_capacity(256);
        let reason = push_clean(&mut extra, reason.as_bytes());
        Self::empty(
            StartLine::Response {
                code: code.clamp(100, 699),
                reason,
            },
            extra,
        )
    }

    fn touch(&mut self) {
        self.modified = true;
        self.keys = KeyIndex::build(&self.headers);
    }

    fn make_header(&mut self, name: HeaderName, raw_name: Option<&str>, value: &[u8]) -> RawHeader {
        let n = raw_name.unwrap_or(name.as_str());
        let name_span = push_clean(&mut self.extra, n.as_bytes());
        let value = push_clean(&mut self.extra, crate::lex::trim(value));
        RawHeader {
            name,
            name_span,
            value,
        }
    }

    /// Appends a header of a known name (RFC 3261 section 7.3). For a name
    /// this crate does not know, use [`Message::push_raw_header`].
    /// `HeaderName::Other` is ignored.
    pub fn push_header(&mut self, name: HeaderName, value: impl AsRef<[u8]>) {
        if name == HeaderName::Other {
            return;
        }
        let h = self.make_header(name, None, value.as_ref());
        self.headers.push(h);
        self.touch();
    }

    /// Appends a header by its spelling (any token, known or not).
    pub fn push_raw_header(&mut self, name: &str, value: impl AsRef<[u8]>) -> Result<()> {
        if !is_token_str(name.as_bytes()) {
            return Err(ParseError::new(K::HeaderName, 0, "a header name token"));
        }
        let known = HeaderName::from_bytes(name.as_bytes());
        let h = self.make_header(known, Some(name), value.as_ref());
        self.headers.push(h);
        self.touch();
        Ok(())
    }

    /// Inserts a header before the first header of the same name, or first
    /// if there is none: what a UA or proxy does with Via and Route
    /// (RFC 3261 section 16.6, 8.1.1.7).
    pub fn prepend_header(&mut self, name: HeaderName, value: impl AsRef<[u8]>) {
        if name == HeaderName::Other {
            return;
        }
        let at = self
            .headers
            .iter()
            .position(|h| h.name == name)
            .unwrap_or(0);
        let h = self.make_header(name, None, value.as_ref());
        self.headers.insert(at, h);
        self.touch();
    }

    /// Replaces every header called `name` with one header of `value`
    /// (kept at the place of the first one, appended if there was none).
    pub fn set_header(&mut self, name: HeaderName, value: impl AsRef<[u8]>) {
        if name == HeaderName::Other {
            return;
        }
        let h = self.make_header(name, None, value.as_ref());
        match self.headers.iter().position(|x| x.name == name) {
            Some(at) => {
                self.headers[at] = h;
                let mut i = 0;
                self.headers.retain(|x| {
                    i += 1;
                    x.name != name || i - 1 == at
                });
            }
            None => self.headers.push(h),
        }
        self.touch();
    }

    /// Removes every header called `name`; returns how many were removed.
    pub fn remove_header(&mut self, name: HeaderName) -> usize {
        let before = self.headers.len();
        self.headers.retain(|h| h.name != name);
        let removed = before - self.headers.len();
        if removed > 0 {
            self.touch();
        }
        removed
    }

    /// Removes every header whose spelling is `name` (case-insensitive,
    /// works for unknown headers); returns how many were removed.
    pub fn remove_raw_header(&mut self, name: &str) -> usize {
        let known = HeaderName::from_bytes(name.as_bytes());
        if known != HeaderName::Other {
            return self.remove_header(known);
        }
        let before = self.headers.len();
        let (buf, extra) = (&self.buf, &self.extra);
        self.headers.retain(|h| {
            h.name != HeaderName::Other
                || !h
                    .name_span
                    .get(buf, extra)
                    .eq_ignore_ascii_case(name.as_bytes())
        });
        let removed = before - self.headers.len();
        if removed > 0 {
            self.touch();
        }
        removed
    }

    /// Removes the first Via value: the top Via (RFC 3261 section 8.1.3.3,
    /// what a proxy does to a response). Other values of a comma-separated
    /// first Via line are kept.
    pub fn remove_top_via(&mut self) -> bool {
        let Some(at) = self.headers.iter().position(|h| h.name == HeaderName::Via) else {
            return false;
        };
        let value = self.get(self.headers[at].value).to_vec();
        let mut items = crate::lex::split_list(&value);
        items.next();
        match items.next() {
            Some((off, _)) => {
                let rest = value[off..].to_vec();
                let span = push_clean(&mut self.extra, &rest);
                self.headers[at].value = span;
            }
            None => {
                self.headers.remove(at);
            }
        }
        self.touch();
        true
    }

    /// Replaces the body. Content-Length follows on encode; Content-Type is
    /// set with [`Message::set_header`].
    pub fn set_body(&mut self, body: impl AsRef<[u8]>) {
        let start = self.extra.len();
        self.extra.extend_from_slice(body.as_ref());
        self.body = Span::extra(start, self.extra.len());
        self.touch();
    }

    /// Sets the body and its Content-Type (RFC 3261 section 20.15).
    pub fn set_body_with_type(&mut self, body: impl AsRef<[u8]>, content_type: &str) {
        self.set_body(body);
        self.set_header(HeaderName::ContentType, content_type);
    }

    /// Changes the Request-URI of a request (no effect on a response).
    pub fn set_request_uri(&mut self, new_uri: &str) {
        let span = push_clean(&mut self.extra, new_uri.as_bytes());
        if let StartLine::Request { uri, .. } = &mut self.start {
            *uri = span;
            self.touch();
        }
    }

    /// Changes the status code and reason phrase of a response.
    pub fn set_status(&mut self, new_code: u16, new_reason: &str) {
        let span = push_clean(&mut self.extra, new_reason.as_bytes());
        if let StartLine::Response { code, reason } = &mut self.start {
            *code = new_code.clamp(100, 699);
            *reason = span;
            self.touch();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_encode_parse() {
        let mut m = Message::request(Method::Invite, "sip:bob@example.com");
        m.push_header(
            HeaderName::Via,
            "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc",
        );
        m.push_header(HeaderName::CallId, "x1@h");
        m.push_header(HeaderName::CSeq, "1 INVITE");
        m.push_raw_header("X-Foo", "bar\r\nInjected: yes").unwrap();
        assert!(m.push_raw_header("Bad Name", "x").is_err());
        m.set_body_with_type("v=0\r\n", "application/sdp");
        let bytes = m.to_vec();
        let p = Message::parse(bytes.clone()).unwrap();
        assert_eq!(p, m);
        assert_eq!(p.body(), b"v=0\r\n");
        assert_eq!(p.branch(), Some(&b"z9hG4bKabc"[..]));
        assert_eq!(p.header_by_name("x-foo"), Some(&b"bar  Injected: yes"[..]));
        assert_eq!(p.header(HeaderName::ContentLength), Some(&b"5"[..]));
        assert_eq!(p.to_vec(), bytes);
    }

    #[test]
    fn content_length_kept_right() {
        let mut m =
            Message::parse(&b"MESSAGE sip:a@b SIP/2.0\r\nl: 2\r\nContent-Length: 2\r\n\r\nhi"[..])
                .unwrap();
        m.set_body("hello");
        let p = Message::parse(m.to_vec()).unwrap();
        assert_eq!(p.body(), b"hello");
        assert_eq!(p.header_all(HeaderName::ContentLength).count(), 1);
    }

    #[test]
    fn header_edits() {
        let mut m = Message::parse(
            &b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2\r\nVia: SIP/2.0/UDP c\r\nX-A: 1\r\nx-a: 2\r\n\r\n"[..],
        )
        .unwrap();
        assert!(m.remove_top_via());
        assert_eq!(m.branch(), Some(&b"z9hG4bK2"[..]));
        assert!(m.remove_top_via());
        assert_eq!(m.top_via(), Some(&b"SIP/2.0/UDP c"[..]));
        assert_eq!(m.remove_raw_header("X-a"), 2);
        m.prepend_header(HeaderName::Via, "SIP/2.0/TCP d;branch=z9hG4bK3");
        assert_eq!(m.branch(), Some(&b"z9hG4bK3"[..]));
        m.set_header(HeaderName::Via, "SIP/2.0/TCP e");
        assert_eq!(m.values(HeaderName::Via).count(), 1);
        m.set_status(180, "Ringing");
        let p = Message::parse(m.to_vec()).unwrap();
        assert_eq!(p.status(), Some(180));
        assert_eq!(p.top_via(), Some(&b"SIP/2.0/TCP e"[..]));
    }
}
