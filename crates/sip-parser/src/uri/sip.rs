//! `sip:` and `sips:` URIs (RFC 3261 section 19.1 and 25.1).

use std::borrow::Cow;
use std::fmt;

use super::{Host, ascii, check_escapes, is_unreserved, parse_uri_params, run, unescape};
use crate::error::{ParseError, Result};
use crate::header::Params;

/// A `sip:` / `sips:` URI (RFC 3261 section 19.1.1):
/// `sip:user:password@host:port;uri-parameters?headers`.
///
/// Text fields hold the bytes as written (escapes kept).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SipUri<'a> {
    /// `sips:` rather than `sip:` (RFC 3261 section 19.1).
    pub secure: bool,
    /// The user part (`user` or `telephone-subscriber`), escapes kept. It may
    /// contain `;`, `?`, `/` ... (`user-unreserved`, RFC 4475 section 3.1.1.9).
    pub user: Option<Cow<'a, str>>,
    /// The password (deprecated by RFC 3261 section 19.1.1, still parsed).
    pub password: Option<Cow<'a, str>>,
    /// The host.
    pub host: Host<'a>,
    /// The explicit port.
    pub port: Option<u16>,
    /// URI parameters (`transport`, `user`, `method`, `ttl`, `maddr`, `lr`, others).
    pub params: Params<'a>,
    /// Headers after `?` (`hname=hvalue`, escapes kept).
    pub headers: Vec<UriHeader<'a>>,
}

/// One header of a SIP URI's `?headers` part (RFC 3261 section 19.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UriHeader<'a> {
    /// `hname`, escapes kept.
    pub name: Cow<'a, str>,
    /// `hvalue` (may be empty), escapes kept.
    pub value: Cow<'a, str>,
}

impl<'a> SipUri<'a> {
    /// A `sip:` URI with only a host.
    pub fn new(host: Host<'a>) -> Self {
        Self {
            secure: false,
            user: None,
            password: None,
            host,
            port: None,
            params: Params::new(),
            headers: Vec::new(),
        }
    }

    /// Parses the part after `sip:` / `sips:` (which ends at `s[start]`);
    /// with `keep == false` params and headers are checked, not kept.
    pub(crate) fn parse_after_scheme(
        s: &'a [u8],
        start: usize,
        secure: bool,
        keep: bool,
    ) -> Result<Self> {
        let mut uri = Self::new(Host::Domain(Cow::Borrowed("")));
        uri.secure = secure;
        let mut i = start;
        if let Some(p) = memchr::memchr(b'@', &s[start..]) {
            let at = start + p;
            let user_end = run(s, start, is_user_char);
            if user_end == start {
                return Err(ParseError::uri(start, "a user"));
            }
            check_escapes(s, start, user_end)?;
            uri.user = Some(Cow::Borrowed(ascii(&s[start..user_end])));
            let mut j = user_end;
            if s[j] == b':' {
                j = run(s, user_end + 1, is_password_char);
                check_escapes(s, user_end + 1, j)?;
                uri.password = Some(Cow::Borrowed(ascii(&s[user_end + 1..j])));
            }
            if j != at {
                return Err(ParseError::uri(j, "a user character or '@'"));
            }
            i = at + 1;
        }
        let (host, mut i) = Host::parse_prefix(s, i)?;
        uri.host = host;
        if s.get(i) == Some(&b':') {
            let end = run(s, i + 1, |b| b.is_ascii_digit());
            let port = crate::lex::parse_u64(&s[i + 1..end], 65535)
                .ok_or_else(|| ParseError::uri(i + 1, "a port number (0..=65535)"))?;
            uri.port = Some(port as u16);
            i = end;
        }
        let (params, mut i) = parse_uri_params(s, i, keep)?;
        uri.params = params;
        if s.get(i) == Some(&b'?') {
            loop {
                let n = i + 1;
                let n_end = run(s, n, is_hchar);
                if n_end == n || s.get(n_end) != Some(&b'=') {
                    return Err(ParseError::uri(n_end, "hname '='"));
                }
                let v_end = run(s, n_end + 1, is_hchar);
                check_escapes(s, n, v_end)?;
                if keep {
                    uri.headers.push(UriHeader {
                        name: Cow::Borrowed(ascii(&s[n..n_end])),
                        value: Cow::Borrowed(ascii(&s[n_end + 1..v_end])),
                    });
                }
                i = v_end;
                if s.get(i) != Some(&b'&') {
                    break;
                }
            }
        }
        if i != s.len() {
            return Err(ParseError::uri(i, "';', '?' or end of URI"));
        }
        Ok(uri)
    }

    /// The user part with `%HEX` escapes decoded (may not be UTF-8).
    pub fn user_unescaped(&self) -> Option<Cow<'_, [u8]>> {
        self.user.as_deref().map(unescape)
    }

    /// A URI parameter: `None` if absent, `Some(None)` if present without value.
    pub fn param(&self, name: &str) -> Option<Option<&str>> {
        self.params.value(name)
    }

    /// The `transport` parameter (RFC 3261 section 19.1.1).
    pub fn transport(&self) -> Option<&str> {
        self.params.str("transport")
    }

    /// The `maddr` parameter (RFC 3261 section 19.1.1).
    pub fn maddr(&self) -> Option<&str> {
        self.params.str("maddr")
    }

    /// Whether the `lr` parameter is present (RFC 3261 section 19.1.1, 16.12).
    pub fn lr(&self) -> bool {
        self.params.contains("lr")
    }

    /// Appends the URI to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if self.secure { b"sips:" } else { b"sip:" });
        if let Some(user) = &self.user {
            out.extend_from_slice(user.as_bytes());
            if let Some(pw) = &self.password {
                out.push(b':');
                out.extend_from_slice(pw.as_bytes());
            }
            out.push(b'@');
        }
        self.host.encode(out);
        if let Some(port) = self.port {
            out.push(b':');
            out.extend_from_slice(port.to_string().as_bytes());
        }
        self.params.encode(out);
        for (n, h) in self.headers.iter().enumerate() {
            out.push(if n == 0 { b'?' } else { b'&' });
            out.extend_from_slice(h.name.as_bytes());
            out.push(b'=');
            out.extend_from_slice(h.value.as_bytes());
        }
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> SipUri<'static> {
        let own = |c: Cow<'a, str>| -> Cow<'static, str> { Cow::Owned(c.into_owned()) };
        SipUri {
            secure: self.secure,
            user: self.user.map(own),
            password: self.password.map(own),
            host: self.host.into_owned(),
            port: self.port,
            params: self.params.into_owned(),
            headers: self
                .headers
                .into_iter()
                .map(|h| UriHeader {
                    name: own(h.name),
                    value: own(h.value),
                })
                .collect(),
        }
    }
}

impl fmt::Display for SipUri<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::with_capacity(64);
        self.encode(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

/// `user` characters: unreserved / escaped / user-unreserved (RFC 3261 section 25.1).
#[inline]
const fn is_user_char(b: u8) -> bool {
    is_unreserved(b)
        || matches!(
            b,
            b'%' | b'&' | b'=' | b'+' | b'$' | b',' | b';' | b'?' | b'/'
        )
}

/// `password` characters (RFC 3261 section 25.1).
#[inline]
const fn is_password_char(b: u8) -> bool {
    is_unreserved(b) || matches!(b, b'%' | b'&' | b'=' | b'+' | b'$' | b',')
}

/// `hname` / `hvalue` characters: hnv-unreserved / unreserved / escaped.
#[inline]
const fn is_hchar(b: u8) -> bool {
    is_unreserved(b) || matches!(b, b'%' | b'[' | b']' | b'/' | b'?' | b':' | b'+' | b'$')
}
