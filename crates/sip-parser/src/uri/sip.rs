//! `sip:` and `sips:` URIs (RFC 3261 section 19.1 and 25.1).

use std::borrow::Cow;
use std::fmt;

use super::host::{HostKind, scan_host};
use super::{Host, ascii, check_escapes, is_unreserved, run, scan_uri_params, unescape};
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

/// The spans [`SipUri::scan_after_scheme`] finds: `(from, to)` byte ranges
/// of the URI text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SipSpans {
    user: Option<(usize, usize)>,
    password: Option<(usize, usize)>,
    host: (HostKind, usize, usize),
    port: Option<u16>,
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
        let mut params = Params::new();
        let mut headers = Vec::new();
        let spans = Self::scan_after_scheme(
            s,
            start,
            |name, value| {
                if keep {
                    params.push(crate::header::Param {
                        name: Cow::Borrowed(ascii(name)),
                        value: value.map(|v| Cow::Borrowed(ascii(v))),
                    });
                }
            },
            |name, value| {
                if keep {
                    headers.push(UriHeader {
                        name: Cow::Borrowed(ascii(name)),
                        value: Cow::Borrowed(ascii(value)),
                    });
                }
            },
        )?;
        let text = |(from, to): (usize, usize)| Cow::Borrowed(ascii(&s[from..to]));
        let (kind, from, to) = spans.host;
        let host = match kind {
            HostKind::Domain => Host::Domain(text((from, to))),
            HostKind::Ipv4 => Host::Ipv4(text((from, to))),
            HostKind::Ipv6 => Host::Ipv6(text((from, to))),
        };
        Ok(Self {
            secure,
            user: spans.user.map(text),
            password: spans.password.map(text),
            host,
            port: spans.port,
            params,
            headers,
        })
    }

    /// The grammar check behind [`SipUri::parse_after_scheme`], building
    /// nothing: returns the spans of the user, password and host, the port,
    /// and calls `param` / `header` with each URI parameter (name, raw
    /// value) and each `?header` (hname, hvalue). Every span is ASCII.
    pub(crate) fn scan_after_scheme(
        s: &'a [u8],
        start: usize,
        param: impl FnMut(&'a [u8], Option<&'a [u8]>),
        mut header: impl FnMut(&'a [u8], &'a [u8]),
    ) -> Result<SipSpans> {
        let mut spans = SipSpans {
            user: None,
            password: None,
            host: (HostKind::Domain, start, start),
            port: None,
        };
        let mut i = start;
        if let Some(p) = memchr::memchr(b'@', &s[start..]) {
            let at = start + p;
            let user_end = run(s, start, |b| USER[b as usize]);
            if user_end == start {
                return Err(ParseError::uri(start, "a user"));
            }
            check_escapes(s, start, user_end)?;
            spans.user = Some((start, user_end));
            let mut j = user_end;
            if s[j] == b':' {
                j = run(s, user_end + 1, |b| PASSWORD[b as usize]);
                check_escapes(s, user_end + 1, j)?;
                spans.password = Some((user_end + 1, j));
            }
            if j != at {
                return Err(ParseError::uri(j, "a user character or '@'"));
            }
            i = at + 1;
        }
        let (kind, from, to, mut i) = scan_host(s, i)?;
        spans.host = (kind, from, to);
        if s.get(i) == Some(&b':') {
            let end = run(s, i + 1, |b| b.is_ascii_digit());
            let port = crate::lex::parse_u64(&s[i + 1..end], 65535)
                .ok_or_else(|| ParseError::uri(i + 1, "a port number (0..=65535)"))?;
            spans.port = Some(port as u16);
            i = end;
        }
        let mut i = scan_uri_params(s, i, param)?;
        if s.get(i) == Some(&b'?') {
            loop {
                let n = i + 1;
                let n_end = run(s, n, |b| HCHAR[b as usize]);
                if n_end == n || s.get(n_end) != Some(&b'=') {
                    return Err(ParseError::uri(n_end, "hname '='"));
                }
                let v_end = run(s, n_end + 1, |b| HCHAR[b as usize]);
                check_escapes(s, n, v_end)?;
                header(&s[n..n_end], &s[n_end + 1..v_end]);
                i = v_end;
                if s.get(i) != Some(&b'&') {
                    break;
                }
            }
        }
        if i != s.len() {
            return Err(ParseError::uri(i, "';', '?' or end of URI"));
        }
        Ok(spans)
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

/// [`is_user_char`] as a table.
const USER: [bool; 256] = byte_table!(is_user_char);
/// [`is_password_char`] as a table.
const PASSWORD: [bool; 256] = byte_table!(is_password_char);
/// [`is_hchar`] as a table.
const HCHAR: [bool; 256] = byte_table!(is_hchar);

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
