//! The one error type of the parser (RFC 3261 section 7 and 25 grammar violations).

use crate::header::HeaderName;

/// What part of the grammar failed (RFC 3261 section 25).
///
/// A small `Copy` enum that callers can match on, in the style of httparse.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParseErrorKind {
    /// The Request-Line (RFC 3261 section 7.1) is malformed.
    RequestLine,
    /// The Status-Line (RFC 3261 section 7.2) is malformed.
    StatusLine,
    /// The method is not a token (RFC 3261 section 25.1).
    Method,
    /// The SIP version is not `SIP/2.0`; a UAS answers 505 (RFC 3261 section 8.2.2 and 21.5.7).
    Version,
    /// The status code is not three digits in 100..=699 (RFC 3261 section 7.2).
    StatusCode,
    /// A URI does not follow RFC 3261 section 19.1 / 25.1.
    Uri,
    /// A header line has no valid name or colon (RFC 3261 section 7.3).
    HeaderName,
    /// A header value does not follow the grammar of its header.
    HeaderValue,
    /// Content-Length is missing on a stream, malformed, conflicting or
    /// larger than the bytes that arrived on a datagram (RFC 3261 section 18.3).
    ContentLength,
    /// The CSeq method does not match the request method (RFC 3261 section 8.1.1.5).
    CSeqMismatch,
    /// A header that the message must carry is missing (RFC 3261 section 8.1.1).
    MissingHeader,
    /// The message has more headers than the configured limit.
    TooManyHeaders,
    /// A header line is longer than the configured limit.
    HeaderTooLong,
    /// The message is larger than the configured limit.
    MessageTooLarge,
    /// The input ended before the message head (headers and the empty line) did.
    Incomplete,
    /// Bytes that must be UTF-8 (e.g. a quoted string) are not.
    Utf8,
    /// A number does not fit its range (e.g. CSeq above 2^31-1, Max-Forwards above 255).
    Overflow,
}

impl ParseErrorKind {
    /// A short, stable, human-readable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RequestLine => "bad request line",
            Self::StatusLine => "bad status line",
            Self::Method => "bad method",
            Self::Version => "unsupported SIP version",
            Self::StatusCode => "bad status code",
            Self::Uri => "bad URI",
            Self::HeaderName => "bad header name",
            Self::HeaderValue => "bad header value",
            Self::ContentLength => "bad Content-Length",
            Self::CSeqMismatch => "CSeq method does not match the request method",
            Self::MissingHeader => "missing mandatory header",
            Self::TooManyHeaders => "too many headers",
            Self::HeaderTooLong => "header line too long",
            Self::MessageTooLarge => "message too large",
            Self::Incomplete => "message incomplete",
            Self::Utf8 => "invalid UTF-8",
            Self::Overflow => "number out of range",
        }
    }
}

/// A parse failure: what failed, where (byte offset into the input) and what
/// the grammar expected there.
///
/// For a typed header value parsed on its own, `offset` is relative to the
/// value; when the error comes from a whole message, it is relative to the
/// start of the message and `header` names the header concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{} at byte {offset}: expected {expected}{}", kind.as_str(), HeaderSuffix(*header))]
pub struct ParseError {
    /// The kind of failure.
    pub kind: ParseErrorKind,
    /// Byte offset of the failure.
    pub offset: usize,
    /// What the grammar expected at `offset`.
    pub expected: &'static str,
    /// The header whose value failed, when the failure is inside a header.
    pub header: Option<HeaderName>,
}

struct HeaderSuffix(Option<HeaderName>);

impl core::fmt::Display for HeaderSuffix {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0 {
            Some(h) if h != HeaderName::Other => write!(f, " (in {})", h.as_str()),
            Some(_) => f.write_str(" (in a header)"),
            None => Ok(()),
        }
    }
}

impl ParseError {
    /// A new error of `kind` at `offset`.
    pub const fn new(kind: ParseErrorKind, offset: usize, expected: &'static str) -> Self {
        Self {
            kind,
            offset,
            expected,
            header: None,
        }
    }

    /// Shorthand for a [`ParseErrorKind::HeaderValue`] error.
    pub const fn value(offset: usize, expected: &'static str) -> Self {
        Self::new(ParseErrorKind::HeaderValue, offset, expected)
    }

    /// Shorthand for a [`ParseErrorKind::Uri`] error.
    pub const fn uri(offset: usize, expected: &'static str) -> Self {
        Self::new(ParseErrorKind::Uri, offset, expected)
    }

    /// The same error, moved by `base` bytes and attributed to `header`.
    #[must_use]
    pub const fn within(mut self, base: usize, header: HeaderName) -> Self {
        self.offset += base;
        if self.header.is_none() {
            self.header = Some(header);
        }
        self
    }

    /// The same error moved by `base` bytes.
    #[must_use]
    pub const fn shifted(mut self, base: usize) -> Self {
        self.offset += base;
        self
    }
}

/// Result alias of this crate.
pub type Result<T, E = ParseError> = core::result::Result<T, E>;
