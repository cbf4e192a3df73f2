//! The owned message: one buffer, headers as spans into it (RFC 3261 section 7).

use bytes::Bytes;

use crate::config::ParserConfig;
use crate::error::{ParseError, ParseErrorKind as K, Result};
use crate::header::{HeaderName, HeaderValue};
use crate::lex::split_list;
use crate::method::Method;
use crate::scan::{RawHeader, StartLine, scan_head};
use crate::span::Span;

/// Indexes of the first header of each name the transaction and dialog
/// layers read on every message, so that reaching them costs no scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyIndex {
    pub(crate) via: u16,
    pub(crate) from: u16,
    pub(crate) to: u16,
    pub(crate) call_id: u16,
    pub(crate) cseq: u16,
    pub(crate) content_type: u16,
    pub(crate) max_forwards: u16,
    pub(crate) contact: u16,
}

const NONE: u16 = u16::MAX;

impl KeyIndex {
    pub(crate) fn build(headers: &[RawHeader]) -> Self {
        let mut k = Self {
            via: NONE,
            from: NONE,
            to: NONE,
            call_id: NONE,
            cseq: NONE,
            content_type: NONE,
            max_forwards: NONE,
            contact: NONE,
        };
        for (i, h) in headers.iter().enumerate().take(NONE as usize) {
            let slot = match h.name {
                HeaderName::Via => &mut k.via,
                HeaderName::From => &mut k.from,
                HeaderName::To => &mut k.to,
                HeaderName::CallId => &mut k.call_id,
                HeaderName::CSeq => &mut k.cseq,
                HeaderName::ContentType => &mut k.content_type,
                HeaderName::MaxForwards => &mut k.max_forwards,
                HeaderName::Contact => &mut k.contact,
                _ => continue,
            };
            if *slot == NONE {
                *slot = i as u16;
            }
        }
        k
    }
}

/// A SIP request or response (RFC 3261 section 7).
///
/// The message owns its bytes once (a shared [`Bytes`] buffer); every header
/// is a name plus a span into that buffer, and typed values are parsed on
/// demand with [`Message::typed`]. Changed or added values live in a side
/// buffer. An unmodified message encodes to exactly the bytes it was parsed
/// from.
///
/// ```
/// use sip_parser::{Message, HeaderName};
/// let msg = Message::parse(&b"OPTIONS sip:bob@example.com SIP/2.0\r\n\
///     Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK776\r\n\
///     Call-ID: a84b4c76e66710\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"[..]).unwrap();
/// assert_eq!(msg.branch(), Some(&b"z9hG4bK776"[..]));
/// assert_eq!(msg.header(HeaderName::CallId), Some(&b"a84b4c76e66710"[..]));
/// ```
#[derive(Clone)]
pub struct Message {
    pub(crate) buf: Bytes,
    pub(crate) extra: Vec<u8>,
    /// The whole message inside `buf` (leading CRLFs and trailing bytes excluded).
    pub(crate) raw: Span,
    pub(crate) start: StartLine,
    pub(crate) headers: Vec<RawHeader>,
    pub(crate) body: Span,
    pub(crate) modified: bool,
    pub(crate) keys: KeyIndex,
}

/// One header of a message, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderRef<'a> {
    /// The header as recognised ([`HeaderName::Other`] for unknown names).
    pub name: HeaderName,
    /// The name as written (compact or long form, original case).
    pub raw_name: &'a [u8],
    /// The value, LWS-trimmed (folded line breaks are kept inside).
    pub value: &'a [u8],
}

impl Message {
    /// Parses one message from a datagram (RFC 3261 section 18.3): the body
    /// is Content-Length bytes (extra bytes after it are ignored) or, without
    /// a Content-Length, the rest of the datagram.
    pub fn parse(bytes: impl Into<Bytes>) -> Result<Self> {
        Self::parse_with(bytes.into(), &ParserConfig::default())
    }

    /// [`Message::parse`] with explicit limits.
    pub fn parse_with(buf: Bytes, cfg: &ParserConfig) -> Result<Self> {
        if buf.len() > cfg.max_message_size {
            return Err(ParseError::new(
                K::MessageTooLarge,
                cfg.max_message_size,
                "a smaller message",
            ));
        }
        let head = scan_head(&buf, cfg)?;
        let body_end = match head.content_length {
            Some(n) => {
                let end = head.body_start.saturating_add(n);
                if end > buf.len() {
                    return Err(ParseError::new(
                        K::ContentLength,
                        buf.len(),
                        "as many body bytes as Content-Length",
                    ));
                }
                end
            }
            None => buf.len(),
        };
        Ok(Self::from_parts(
            buf,
            head.msg_start,
            head.start,
            head.headers,
            head.body_start,
            body_end,
        ))
    }

    pub(crate) fn from_parts(
        buf: Bytes,
        msg_start: usize,
        start: StartLine,
        headers: Vec<RawHeader>,
        body_start: usize,
        body_end: usize,
    ) -> Self {
        let keys = KeyIndex::build(&headers);
        Self {
            buf,
            extra: Vec::new(),
            raw: Span::buf(msg_start, body_end),
            start,
            headers,
            body: Span::buf(body_start, body_end),
            modified: false,
            keys,
        }
    }

    #[inline]
    pub(crate) fn get(&self, s: Span) -> &[u8] {
        s.get(&self.buf, &self.extra)
    }

    /// Whether this is a request.
    pub fn is_request(&self) -> bool {
        matches!(self.start, StartLine::Request { .. })
    }

    /// Whether this is a response.
    pub fn is_response(&self) -> bool {
        !self.is_request()
    }

    /// The method of a request.
    pub fn method(&self) -> Option<&Method> {
        match &self.start {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Response { .. } => None,
        }
    }

    /// The Request-URI of a request, as written.
    pub fn request_uri_bytes(&self) -> Option<&[u8]> {
        match self.start {
            StartLine::Request { uri, .. } => Some(self.get(uri)),
            StartLine::Response { .. } => None,
        }
    }

    /// The status code of a response.
    pub fn status(&self) -> Option<u16> {
        match self.start {
            StartLine::Response { code, .. } => Some(code),
            StartLine::Request { .. } => None,
        }
    }

    /// The reason phrase of a response: any bytes, not always UTF-8 (RFC 3261 section 7.2).
    pub fn reason(&self) -> Option<&[u8]> {
        match self.start {
            StartLine::Response { reason, .. } => Some(self.get(reason)),
            StartLine::Request { .. } => None,
        }
    }

    /// The body (empty when there is none).
    pub fn body(&self) -> &[u8] {
        self.get(self.body)
    }

    /// All headers in order.
    pub fn headers(&self) -> impl Iterator<Item = HeaderRef<'_>> {
        self.headers.iter().map(|h| HeaderRef {
            name: h.name,
            raw_name: self.get(h.name_span),
            value: self.get(h.value),
        })
    }

    /// Number of header lines.
    pub fn header_count(&self) -> usize {
        self.headers.len()
    }

    /// The value of the first header called `name`.
    pub fn header(&self, name: HeaderName) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|h| h.name == name)
            .map(|h| self.get(h.value))
    }

    /// The value of the first header whose name is `name`, compared
    /// case-insensitively (works for unknown headers too).
    pub fn header_by_name(&self, name: &str) -> Option<&[u8]> {
        let known = HeaderName::from_bytes(name.as_bytes());
        self.headers
            .iter()
            .find(|h| {
                if known == HeaderName::Other {
                    h.name == HeaderName::Other
                        && self.get(h.name_span).eq_ignore_ascii_case(name.as_bytes())
                } else {
                    h.name == known
                }
            })
            .map(|h| self.get(h.value))
    }

    /// The values of every header called `name`, one per header line.
    pub fn header_all(&self, name: HeaderName) -> impl Iterator<Item = &[u8]> {
        self.headers
            .iter()
            .filter(move |h| h.name == name)
            .map(|h| self.get(h.value))
    }

    /// Every list element of every header called `name` (RFC 3261 section
    /// 7.3.1: `Via: a, b` and two `Via` lines are the same). Elements are
    /// LWS-trimmed; commas inside quoted strings and `<...>` do not split.
    pub fn values(&self, name: HeaderName) -> impl Iterator<Item = &[u8]> {
        self.header_all(name)
            .flat_map(|v| split_list(v).map(|(_, e)| e))
    }

    /// The first value of header `name`, typed: `None` if absent. For list
    /// headers this is the first list element.
    pub fn typed<'a, T: HeaderValue<'a>>(&'a self, name: HeaderName) -> Option<Result<T>> {
        let first = if name.is_list() {
            self.values(name).next()?
        } else {
            self.header(name)?
        };
        Some(T::parse(first))
    }

    /// Every value of header `name` (every list element for list headers), typed.
    pub fn typed_all<'a, T: HeaderValue<'a>>(
        &'a self,
        name: HeaderName,
    ) -> impl Iterator<Item = Result<T>> {
        let list = name.is_list();
        self.header_all(name).flat_map(move |v| {
            let items: Box<dyn Iterator<Item = &'a [u8]>> = if list {
                Box::new(split_list(v).map(|(_, e)| e))
            } else {
                Box::new(core::iter::once(v))
            };
            items.map(T::parse)
        })
    }

    /// Whether the message was changed since it was parsed (or was built).
    pub fn is_modified(&self) -> bool {
        self.modified
    }

    /// The bytes this message was parsed from (`None` once it was changed).
    pub fn original_bytes(&self) -> Option<&[u8]> {
        (!self.modified).then(|| self.get(self.raw))
    }
}

impl PartialEq for Message {
    /// Messages are equal when their start lines, headers (names as
    /// recognised, spelling for unknown ones, values) and bodies are equal.
    /// Content-Length headers are not compared: they follow from the body.
    fn eq(&self, other: &Self) -> bool {
        let count = |m: &Self| {
            m.headers
                .iter()
                .filter(|h| h.name != HeaderName::ContentLength)
                .count()
        };
        let a = self
            .headers()
            .filter(|h| h.name != HeaderName::ContentLength);
        let b = other
            .headers()
            .filter(|h| h.name != HeaderName::ContentLength);
        let start_eq = match (&self.start, &other.start) {
            (
                StartLine::Request { method: a, uri: ua },
                StartLine::Request { method: b, uri: ub },
            ) => a == b && self.get(*ua) == other.get(*ub),
            (
                StartLine::Response {
                    code: a,
                    reason: ra,
                },
                StartLine::Response {
                    code: b,
                    reason: rb,
                },
            ) => a == b && self.get(*ra) == other.get(*rb),
            _ => false,
        };
        start_eq
            && self.body() == other.body()
            && count(self) == count(other)
            && a.zip(b).all(|(a, b)| {
                a.name == b.name
                    && a.value == b.value
                    && (a.name != HeaderName::Other || a.raw_name.eq_ignore_ascii_case(b.raw_name))
            })
    }
}

impl Eq for Message {}

impl core::fmt::Debug for Message {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut out = Vec::new();
        self.encode(&mut out);
        f.debug_struct("Message")
            .field("bytes", &String::from_utf8_lossy(&out))
            .finish()
    }
}

impl core::fmt::Display for Message {
    /// For logs: the encoded message, non-UTF-8 bytes replaced.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut out = Vec::new();
        self.encode(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}
