//! URIs: `sip:` / `sips:` (RFC 3261 section 19.1 and 25.1), `tel:` (RFC
//! 3966) and any other absolute URI kept opaque (RFC 3261 `absoluteURI`), so
//! that a UA can answer 416 (RFC 3261 section 8.2.2.1). IPv6 references
//! follow RFC 5118.
//!
//! Parsing borrows from the input: every text field is a `Cow<'a, str>`
//! holding the bytes as written, `%HEX` escapes included (so `value%41` is
//! not equal to `valueA`; see [`SipUri::user_unescaped`] and [`unescape`]).

/// A 256-entry table of the byte class given by a `const fn` predicate, so
/// that a scanning loop does one load per byte.
macro_rules! byte_table {
    ($pred:path) => {{
        let mut t = [false; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = $pred(i as u8);
            i += 1;
        }
        t
    }};
}

pub(crate) mod host;
mod sip;
mod tel;

use std::borrow::Cow;
use std::fmt;

pub use host::Host;
pub use sip::{SipUri, UriHeader};
pub use tel::TelUri;

use crate::error::{ParseError, Result};
use crate::header::Params;

/// A URI as it appears in a Request-URI, a name-addr or a Via-less header
/// (RFC 3261 section 25.1 `Request-URI = SIP-URI / SIPS-URI / absoluteURI`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Uri<'a> {
    /// A `sip:` or `sips:` URI (RFC 3261 section 19.1).
    Sip(SipUri<'a>),
    /// A `tel:` URI (RFC 3966).
    Tel(TelUri<'a>),
    /// Any other scheme, kept opaque (RFC 3261 section 25.1 `absoluteURI`).
    Other(AbsoluteUri<'a>),
}

/// An absolute URI of a scheme this crate does not interpret
/// (RFC 3261 section 25.1 `absoluteURI`, RFC 4475 section 3.3.2 and 3.3.4).
#[derive(Debug, Clone, Eq, Hash)]
pub struct AbsoluteUri<'a> {
    /// The scheme as written (compared case-insensitively).
    pub scheme: Cow<'a, str>,
    /// Everything after the `:`, as written.
    pub rest: Cow<'a, str>,
}

impl PartialEq for AbsoluteUri<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.scheme.eq_ignore_ascii_case(&other.scheme) && self.rest == other.rest
    }
}

impl<'a> Uri<'a> {
    /// Parses a complete URI (no surrounding LWS or `<>`).
    ///
    /// Errors ([`crate::error::ParseErrorKind::Uri`]) on LWS, `<`, `>`,
    /// an empty host, a bad or too large port, an unbalanced `[`, an IPv6
    /// address without brackets (RFC 5118 section 4.2), an empty parameter
    /// or a malformed `%` escape.
    pub fn parse(s: &'a [u8]) -> Result<Self> {
        Self::parse_inner(s, true)
    }

    /// Checks that `s` is a valid URI without keeping its parameters or
    /// headers (no allocation); same errors as [`Uri::parse`].
    pub fn check(s: &[u8]) -> Result<()> {
        Self::check_sip_headers(s).map(drop)
    }

    /// [`Uri::check`] that also tells whether `s` is a SIP URI with
    /// `?headers` (not allowed in a Request-URI, RFC 3261 section 19.1.1).
    pub(crate) fn check_sip_headers(s: &[u8]) -> Result<bool> {
        let (scheme, rest) = split_scheme(s)?;
        match scheme {
            Scheme::Sip | Scheme::Sips => {
                let mut headers = false;
                SipUri::scan_after_scheme(s, rest, |_, _| {}, |_, _| headers = true)?;
                Ok(headers)
            }
            Scheme::Tel => TelUri::parse_after_scheme(s, rest, false).map(|_| false),
            Scheme::Other => check_opaque(s, rest).map(|_| false),
        }
    }

    fn parse_inner(s: &'a [u8], keep: bool) -> Result<Self> {
        let (scheme, rest) = split_scheme(s)?;
        match scheme {
            Scheme::Sip => SipUri::parse_after_scheme(s, rest, false, keep).map(Uri::Sip),
            Scheme::Sips => SipUri::parse_after_scheme(s, rest, true, keep).map(Uri::Sip),
            Scheme::Tel => TelUri::parse_after_scheme(s, rest, keep).map(Uri::Tel),
            Scheme::Other => {
                let tail = check_opaque(s, rest)?;
                Ok(Self::Other(AbsoluteUri {
                    scheme: Cow::Borrowed(ascii(&s[..rest - 1])),
                    rest: Cow::Borrowed(ascii(tail)),
                }))
            }
        }
    }

    /// The scheme as written (`sip`, `sips`, `tel`, or another one).
    pub fn scheme(&self) -> &str {
        match self {
            Self::Sip(u) if u.secure => "sips",
            Self::Sip(_) => "sip",
            Self::Tel(_) => "tel",
            Self::Other(u) => &u.scheme,
        }
    }

    /// Whether this is a `sip:` or `sips:` URI.
    pub fn is_sip(&self) -> bool {
        matches!(self, Self::Sip(_))
    }

    /// Whether this is a `sips:` URI.
    pub fn is_sips(&self) -> bool {
        matches!(self, Self::Sip(u) if u.secure)
    }

    /// The SIP URI, if this is one.
    pub fn as_sip(&self) -> Option<&SipUri<'a>> {
        match self {
            Self::Sip(u) => Some(u),
            _ => None,
        }
    }

    /// The host of a SIP URI.
    pub fn host(&self) -> Option<&Host<'a>> {
        self.as_sip().map(|u| &u.host)
    }

    /// The explicit port of a SIP URI.
    pub fn port(&self) -> Option<u16> {
        self.as_sip().and_then(|u| u.port)
    }

    /// The user part of a SIP URI as written (escapes kept).
    pub fn user(&self) -> Option<&str> {
        self.as_sip().and_then(|u| u.user.as_deref())
    }

    /// The parameters of a SIP or tel URI (empty for other schemes).
    pub fn params(&self) -> Option<&Params<'a>> {
        match self {
            Self::Sip(u) => Some(&u.params),
            Self::Tel(u) => Some(&u.params),
            Self::Other(_) => None,
        }
    }

    /// A URI parameter: `None` if absent, `Some(None)` if present without
    /// value, `Some(Some(v))` with its raw value.
    pub fn param(&self, name: &str) -> Option<Option<&str>> {
        self.params().and_then(|p| p.value(name))
    }

    /// The `transport` URI parameter (RFC 3261 section 19.1.1).
    pub fn transport(&self) -> Option<&str> {
        self.param("transport").flatten()
    }

    /// Appends the URI to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Self::Sip(u) => u.encode(out),
            Self::Tel(u) => u.encode(out),
            Self::Other(u) => {
                out.extend_from_slice(u.scheme.as_bytes());
                out.push(b':');
                out.extend_from_slice(u.rest.as_bytes());
            }
        }
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> Uri<'static> {
        match self {
            Self::Sip(u) => Uri::Sip(u.into_owned()),
            Self::Tel(u) => Uri::Tel(u.into_owned()),
            Self::Other(u) => Uri::Other(AbsoluteUri {
                scheme: Cow::Owned(u.scheme.into_owned()),
                rest: Cow::Owned(u.rest.into_owned()),
            }),
        }
    }
}

/// The schemes [`Uri`] tells apart.
#[derive(Clone, Copy)]
enum Scheme {
    Sip,
    Sips,
    Tel,
    Other,
}

/// Checks the scheme and its `:`; returns the scheme and the index after
/// the `:`.
#[inline]
fn split_scheme(s: &[u8]) -> Result<(Scheme, usize)> {
    let colon =
        memchr::memchr(b':', s).ok_or_else(|| ParseError::uri(s.len(), "a URI scheme and ':'"))?;
    let scheme = &s[..colon];
    let valid_scheme = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !valid_scheme {
        return Err(ParseError::uri(0, "a URI scheme"));
    }
    let kind = if scheme.eq_ignore_ascii_case(b"sip") {
        Scheme::Sip
    } else if scheme.eq_ignore_ascii_case(b"sips") {
        Scheme::Sips
    } else if scheme.eq_ignore_ascii_case(b"tel") {
        Scheme::Tel
    } else {
        Scheme::Other
    };
    Ok((kind, colon + 1))
}

/// Checks the part of an opaque absolute URI after its scheme (which ends
/// at `s[rest]`) and returns it.
fn check_opaque(s: &[u8], rest: usize) -> Result<&[u8]> {
    let tail = &s[rest..];
    if tail.is_empty() {
        return Err(ParseError::uri(rest, "the URI after the scheme"));
    }
    if let Some(p) = tail.iter().position(|&b| !URIC[b as usize]) {
        return Err(ParseError::uri(rest + p, "a URI character"));
    }
    check_escapes(s, rest, s.len())?;
    Ok(tail)
}

impl fmt::Display for Uri<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::with_capacity(64);
        self.encode(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

impl<'a> From<SipUri<'a>> for Uri<'a> {
    fn from(u: SipUri<'a>) -> Self {
        Self::Sip(u)
    }
}

/// Decodes `%HEX` escapes (RFC 3261 section 25.1 `escaped`). Bytes that do
/// not form an escape are kept. Borrows when there is nothing to decode.
pub fn unescape(s: &str) -> Cow<'_, [u8]> {
    let b = s.as_bytes();
    if !b.contains(&b'%') {
        return Cow::Borrowed(b);
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if let (Some(h), Some(l)) = (b.get(i + 1).and_then(hex), b.get(i + 2).and_then(hex)) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(out)
}

fn hex(b: &u8) -> Option<u8> {
    (*b as char).to_digit(16).map(|d| d as u8)
}

/// `unreserved` (RFC 3261 section 25.1): alphanum and mark.
#[inline]
pub(crate) const fn is_unreserved(b: u8) -> bool {
    matches!(b,
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9'
        | b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')')
}

/// `uric` of an opaque absolute URI: reserved / unreserved / escaped, plus
/// `#`, `[` and `]` seen in real URIs.
#[inline]
const fn is_uric(b: u8) -> bool {
    is_unreserved(b)
        || matches!(
            b,
            b';' | b'/'
                | b'?'
                | b':'
                | b'@'
                | b'&'
                | b'='
                | b'+'
                | b'$'
                | b','
                | b'%'
                | b'#'
                | b'['
                | b']'
        )
}

/// Checks that every `%` in `s[from..to]` starts a `%HEX HEX` escape.
pub(crate) fn check_escapes(s: &[u8], from: usize, to: usize) -> Result<()> {
    let mut i = from;
    while i < to {
        if s[i] == b'%' {
            let ok = i + 2 < to && s[i + 1].is_ascii_hexdigit() && s[i + 2].is_ascii_hexdigit();
            if !ok {
                return Err(ParseError::uri(i, "'%' HEX HEX"));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// The bytes are ASCII (checked by the caller's character classes).
pub(crate) fn ascii(s: &[u8]) -> &str {
    core::str::from_utf8(s).unwrap_or_default()
}

/// Parses `;pname[=pvalue]...` URI parameters starting at `s[i] == b';'`
/// (RFC 3261 section 25.1 `uri-parameters`); stops at `?` or the end.
/// With `keep == false` the parameters are only checked.
pub(crate) fn parse_uri_params(s: &[u8], i: usize, keep: bool) -> Result<(Params<'_>, usize)> {
    let mut params = Params::new();
    let end = scan_uri_params(s, i, |name, value| {
        if keep {
            params.0.push(crate::header::Param {
                name: Cow::Borrowed(ascii(name)),
                value: value.map(|v| Cow::Borrowed(ascii(v))),
            });
        }
    })?;
    Ok((params, end))
}

/// The scanner behind [`parse_uri_params`]: checks the parameters and
/// calls `f` with each one's name and raw value (ASCII bytes); returns the
/// index after the last one.
#[inline]
pub(crate) fn scan_uri_params<'a>(
    s: &'a [u8],
    mut i: usize,
    mut f: impl FnMut(&'a [u8], Option<&'a [u8]>),
) -> Result<usize> {
    while s.get(i) == Some(&b';') {
        let start = i + 1;
        let name_end = run(s, start, |b| PARAMCHAR[b as usize]);
        if name_end == start {
            return Err(ParseError::uri(start, "a URI parameter name"));
        }
        check_escapes(s, start, name_end)?;
        let name = &s[start..name_end];
        i = name_end;
        let value = if s.get(i) == Some(&b'=') {
            let v_end = run(s, i + 1, |b| PARAMCHAR[b as usize]);
            if v_end == i + 1 {
                return Err(ParseError::uri(i + 1, "a URI parameter value"));
            }
            check_escapes(s, i + 1, v_end)?;
            let v = &s[i + 1..v_end];
            i = v_end;
            Some(v)
        } else {
            None
        };
        f(name, value);
    }
    Ok(i)
}

/// [`is_uric`] as a table.
const URIC: [bool; 256] = byte_table!(is_uric);
/// [`is_paramchar`] as a table.
const PARAMCHAR: [bool; 256] = byte_table!(is_paramchar);

/// `paramchar` (RFC 3261 section 25.1) without the escape check.
#[inline]
const fn is_paramchar(b: u8) -> bool {
    is_unreserved(b) || matches!(b, b'[' | b']' | b'/' | b':' | b'&' | b'+' | b'$' | b'%')
}

/// End of the run of bytes of class `f` starting at `i`.
#[inline]
pub(crate) fn run(s: &[u8], mut i: usize, f: impl Fn(u8) -> bool) -> usize {
    while i < s.len() && f(s[i]) {
        i += 1;
    }
    i
}

#[cfg(test)]
pub(crate) mod tests;
