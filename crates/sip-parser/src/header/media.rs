//! Media types and tokens: `Content-Type`, `Accept` (RFC 3261 sections 20.1,
//! 20.15) and the token lists of Allow, Supported, Require, Proxy-Require,
//! Unsupported, Allow-Events, Content-Encoding, SIP-ETag, SIP-If-Match.

use std::borrow::Cow;
use std::fmt;

use super::scan::{ascii, expect_end, skip_lws, token_at};
use super::{HeaderValue, Params};
use crate::error::{ParseError, Result};

/// `m-type SLASH m-subtype *( SEMI m-parameter )` (RFC 3261 section 20.15),
/// also one `accept-range` of `Accept` (section 20.1: `*/*`, `type/*`, with
/// `q` and other accept-params).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MediaType<'a> {
    /// The top-level type, e.g. `application` (case-insensitive).
    pub top: Cow<'a, str>,
    /// The subtype, e.g. `sdp` (case-insensitive).
    pub sub: Cow<'a, str>,
    /// Parameters (`charset`, `boundary`, `q`, ...).
    pub params: Params<'a>,
}

/// The `Content-Type` header value (RFC 3261 section 20.15).
pub type ContentType<'a> = MediaType<'a>;
/// One `Accept` element (RFC 3261 section 20.1). An empty `Accept` header
/// has no elements.
pub type Accept<'a> = MediaType<'a>;

impl<'a> MediaType<'a> {
    /// `top/sub` without parameters.
    pub fn new(top: &'a str, sub: &'a str) -> Self {
        Self {
            top: Cow::Borrowed(top),
            sub: Cow::Borrowed(sub),
            params: Params::new(),
        }
    }

    /// Whether this is `top/sub` (ASCII case-insensitive).
    pub fn is(&self, top: &str, sub: &str) -> bool {
        self.top.eq_ignore_ascii_case(top) && self.sub.eq_ignore_ascii_case(sub)
    }

    /// Whether this range matches `top/sub`, honouring `*` wildcards.
    pub fn matches(&self, top: &str, sub: &str) -> bool {
        (self.top == "*" || self.top.eq_ignore_ascii_case(top))
            && (self.sub == "*" || self.sub.eq_ignore_ascii_case(sub))
    }

    /// A parameter value without quotes (e.g. `boundary`, `charset`).
    pub fn param(&self, name: &str) -> Option<Cow<'_, str>> {
        self.params.get(name)?.unquoted()
    }

    /// The `q` accept-param.
    pub fn q(&self) -> Option<f32> {
        self.params.str("q")?.parse().ok()
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> MediaType<'static> {
        MediaType {
            top: Cow::Owned(self.top.into_owned()),
            sub: Cow::Owned(self.sub.into_owned()),
            params: self.params.into_owned(),
        }
    }

    /// Parses `type/subtype`; returns them and the index after them.
    pub(crate) fn parse_head(s: &'a [u8]) -> Result<(&'a str, &'a str, usize)> {
        let (top_end, sub, end) = Self::scan_head(s)?;
        Ok((ascii(&s[..top_end], 0)?, ascii(&s[sub..end], sub)?, end))
    }

    /// Checks `type "/" subtype` without building it; returns the end of
    /// the type, the start of the subtype and the index after it.
    pub(crate) fn scan_head(s: &[u8]) -> Result<(usize, usize, usize)> {
        let top_end = token_at(s, 0, "a media type")?;
        let j = skip_lws(s, top_end);
        if s.get(j) != Some(&b'/') {
            return Err(ParseError::value(j, "'/'"));
        }
        let sub = skip_lws(s, j + 1);
        let end = token_at(s, sub, "a media subtype")?;
        Ok((top_end, sub, end))
    }
}

impl<'a> HeaderValue<'a> for MediaType<'a> {
    fn parse(value: &'a [u8]) -> Result<Self> {
        let (top, sub, i) = Self::parse_head(value)?;
        Ok(Self {
            top: Cow::Borrowed(top),
            sub: Cow::Borrowed(sub),
            params: Params::parse_generic(value, i)?,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.top.as_bytes());
        out.push(b'/');
        out.extend_from_slice(self.sub.as_bytes());
        self.params.encode(out);
    }
}

impl fmt::Display for MediaType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::with_capacity(32);
        self.encode(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

/// A single `token` value (RFC 3261 section 25.1): one element of Allow
/// (a Method), Supported / Require / Proxy-Require / Unsupported (an
/// `option-tag`), Allow-Events (an `event-type`), Content-Encoding (a
/// `content-coding`), or the whole of SIP-ETag / SIP-If-Match (RFC 3903).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Token<'a>(pub Cow<'a, str>);

/// An option tag of Supported / Require / Proxy-Require / Unsupported
/// (RFC 3261 section 19.2).
pub type OptionTag<'a> = Token<'a>;
/// The `SIP-ETag` header value (RFC 3903 section 11.3.1).
pub type SipETag<'a> = Token<'a>;
/// The `SIP-If-Match` header value (RFC 3903 section 11.3.2).
pub type SipIfMatch<'a> = Token<'a>;

impl Token<'_> {
    /// Checks that `value` is one token (and optional trailing LWS) without
    /// building it; returns the end of the token.
    pub(crate) fn check(value: &[u8]) -> Result<usize> {
        let end = token_at(value, 0, "a token")?;
        expect_end(value, end, "end of token")?;
        Ok(end)
    }

    /// The token text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> Token<'static> {
        Token(Cow::Owned(self.0.into_owned()))
    }
}

impl<'a> HeaderValue<'a> for Token<'a> {
    fn parse(value: &'a [u8]) -> Result<Self> {
        let end = Self::check(value)?;
        Ok(Self(Cow::Borrowed(ascii(&value[..end], 0)?)))
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.0.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media() {
        let m = MediaType::parse(b"multipart/mixed;boundary=7a9cbec02ceef655").unwrap();
        assert!(m.is("MULTIPART", "Mixed"));
        assert_eq!(m.param("boundary").as_deref(), Some("7a9cbec02ceef655"));
        let m = MediaType::parse(b"text/html ; charset = \"ISO-8859-4\"").unwrap();
        assert_eq!(m.param("charset").as_deref(), Some("ISO-8859-4"));
        assert_eq!(m.to_string(), "text/html;charset=\"ISO-8859-4\"");
        let a = MediaType::parse(b"*/*;q=0.5").unwrap();
        assert!(a.matches("application", "sdp"));
        assert_eq!(a.q(), Some(0.5));
        for bad in [
            &b""[..],
            b"text",
            b"text/",
            b"/plain",
            b"text/plain;",
            b"text/plain x",
            b"te xt/plain",
            b"text/pl\xffain",
        ] {
            assert!(
                MediaType::parse(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn tokens() {
        assert_eq!(Token::parse(b"100rel").unwrap().as_str(), "100rel");
        for bad in [&b""[..], b"a b", b"a,b", b"a;b", b"\"a\""] {
            assert!(Token::parse(bad).is_err());
        }
    }
}
