//! Addresses: `name-addr` / `addr-spec` with header parameters (RFC 3261
//! section 20.10, 20.20, 20.39, 25.1), used by From, To, Contact, Route,
//! Record-Route, Reply-To, Refer-To, Referred-By, P-Asserted-Identity, Path.

use std::borrow::Cow;
use std::fmt;

use super::scan::{ascii, quote, quoted, skip_lws, unquote};
use super::{HeaderValue, Params};
use crate::error::{ParseError, Result};
use crate::lex::{is_lws, is_token};
use crate::uri::Uri;

/// An address with optional display name and header parameters
/// (RFC 3261 section 25.1: `( name-addr / addr-spec ) *( SEMI param )`).
///
/// In the `addr-spec` form (no `<>`) the URI cannot contain `,`, `;` or `?`
/// and every `;param` belongs to the header (RFC 3261 section 20.10, RFC
/// 4475 sections 3.3.12 / 3.3.13). Encoding always writes the `<>` form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address<'a> {
    /// The display name as written: a quoted-string with its quotes and
    /// escapes, or a token sequence. See [`Address::display_name`].
    pub display: Option<Cow<'a, str>>,
    /// The URI.
    pub uri: Uri<'a>,
    /// Header parameters (`tag`, `q`, `expires`, `+sip.instance`, ...).
    pub params: Params<'a>,
}

/// The `From` header value (RFC 3261 section 20.20).
pub type FromHeader<'a> = Address<'a>;
/// The `To` header value (RFC 3261 section 20.39).
pub type To<'a> = Address<'a>;
/// One `Route` / `Record-Route` element (RFC 3261 sections 20.30, 20.34).
pub type Route<'a> = Address<'a>;
/// The `Refer-To` header value (RFC 3515 section 2.1).
pub type ReferTo<'a> = Address<'a>;
/// The `Referred-By` header value (RFC 3892 section 3).
pub type ReferredBy<'a> = Address<'a>;

impl<'a> Address<'a> {
    /// An address without display name or parameters.
    pub fn new(uri: Uri<'a>) -> Self {
        Self {
            display: None,
            uri,
            params: Params::new(),
        }
    }

    /// Sets the display name (quoted and escaped as needed).
    #[must_use]
    pub fn with_display_name(mut self, name: &str) -> Self {
        self.display = Some(Cow::Owned(quote(name)));
        self
    }

    /// Adds a header parameter.
    #[must_use]
    pub fn with_param(mut self, name: &'a str, value: Option<&'a str>) -> Self {
        self.params.set(name, value.map(Cow::Borrowed));
        self
    }

    /// The display name without quotes or escapes.
    pub fn display_name(&self) -> Option<Cow<'_, str>> {
        self.display.as_deref().map(unquote)
    }

    /// The `tag` parameter (RFC 3261 section 19.3).
    pub fn tag(&self) -> Option<&str> {
        self.params.str("tag")
    }

    /// A header parameter: `None` if absent, `Some(None)` without value.
    pub fn param(&self, name: &str) -> Option<Option<&str>> {
        self.params.value(name)
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> Address<'static> {
        Address {
            display: self.display.map(|d| Cow::Owned(d.into_owned())),
            uri: self.uri.into_owned(),
            params: self.params.into_owned(),
        }
    }

    /// Parses an address; see [`HeaderValue::parse`].
    pub fn parse(s: &'a [u8]) -> Result<Self> {
        let (display, uri_start, uri_end, rest) = split(s)?;
        let uri = Uri::parse(&s[uri_start..uri_end]).map_err(|e| e.shifted(uri_start))?;
        let params = Params::parse_generic(s, rest)?;
        let display = match display {
            Some(d) => Some(Cow::Borrowed(ascii(d, 0)?)),
            None => None,
        };
        Ok(Self {
            display,
            uri,
            params,
        })
    }
}

/// Splits an address into display name, URI span and the index where the
/// parameters start; checks the display name.
pub(crate) fn split(s: &[u8]) -> Result<(Option<&[u8]>, usize, usize, usize)> {
    let (display, lt) = if s.first() == Some(&b'"') {
        let end = quoted(s, 0)?;
        let lt = skip_lws(s, end);
        if s.get(lt) != Some(&b'<') {
            return Err(ParseError::value(lt, "'<' after the display name"));
        }
        (Some(&s[..end]), lt)
    } else {
        let j = s
            .iter()
            .position(|&b| !is_token(b) && !is_lws(b))
            .unwrap_or(s.len());
        if s.get(j) == Some(&b'<') {
            let d = crate::lex::trim(&s[..j]);
            (if d.is_empty() { None } else { Some(d) }, j)
        } else {
            // addr-spec: the URI ends at the first ';' or LWS.
            let end = s
                .iter()
                .position(|&b| b == b';' || is_lws(b))
                .unwrap_or(s.len());
            if let Some(p) = s[..end].iter().position(|&b| b == b',' || b == b'?') {
                return Err(ParseError::value(p, "<> around a URI with ',', ';' or '?'"));
            }
            return Ok((None, 0, end, end));
        }
    };
    let gt = memchr::memchr(b'>', &s[lt + 1..])
        .map(|p| lt + 1 + p)
        .ok_or_else(|| ParseError::value(s.len(), "'>'"))?;
    Ok((display, lt + 1, gt, gt + 1))
}

impl<'a> HeaderValue<'a> for Address<'a> {
    fn parse(value: &'a [u8]) -> Result<Self> {
        Self::parse(value)
    }

    fn encode(&self, out: &mut Vec<u8>) {
        if let Some(d) = &self.display {
            out.extend_from_slice(d.as_bytes());
            out.push(b' ');
        }
        out.push(b'<');
        self.uri.encode(out);
        out.push(b'>');
        self.params.encode(out);
    }
}

impl fmt::Display for Address<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::with_capacity(64);
        HeaderValue::encode(self, &mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

/// One `Contact` element (RFC 3261 section 20.10): `*` or an address whose
/// `q` must be a qvalue and `expires` a 32-bit delta-seconds (RFC 4475
/// section 3.1.2.4).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Contact<'a> {
    /// `Contact: *` (only in a REGISTER with `Expires: 0`).
    Star,
    /// A contact address.
    Address(Address<'a>),
}

impl<'a> Contact<'a> {
    /// The address, unless this is `*`.
    pub fn address(&self) -> Option<&Address<'a>> {
        match self {
            Self::Star => None,
            Self::Address(a) => Some(a),
        }
    }

    /// The `q` parameter (RFC 3261 section 20.10), 0.0 ..= 1.0.
    pub fn q(&self) -> Option<f32> {
        self.address()?.params.str("q")?.parse().ok()
    }

    /// The `expires` parameter in seconds.
    pub fn expires(&self) -> Option<u32> {
        self.address()?.params.str("expires")?.parse().ok()
    }

    /// The `+sip.instance` parameter without its quotes (RFC 5626 section 4.1).
    pub fn instance(&self) -> Option<Cow<'_, str>> {
        self.address()?.params.get("+sip.instance")?.unquoted()
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> Contact<'static> {
        match self {
            Self::Star => Contact::Star,
            Self::Address(a) => Contact::Address(a.into_owned()),
        }
    }
}

/// Checks the typed contact-params: `q` is a qvalue, `expires` fits 32 bits
/// (`name` and `value` are the raw bytes of one parameter).
pub(crate) fn check_contact_param(name: &[u8], value: Option<&[u8]>, off: usize) -> Result<()> {
    if name.eq_ignore_ascii_case(b"q") {
        if !value.is_some_and(is_qvalue) {
            return Err(ParseError::value(off, "a qvalue (0 to 1, three decimals)"));
        }
    } else if name.eq_ignore_ascii_case(b"expires") {
        let ok = value.is_some_and(|v| crate::lex::parse_u64(v, u64::from(u32::MAX)).is_some());
        if !ok {
            return Err(ParseError::new(
                crate::error::ParseErrorKind::Overflow,
                off,
                "expires delta-seconds",
            ));
        }
    }
    Ok(())
}

/// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`.
pub(crate) fn is_qvalue(v: &[u8]) -> bool {
    match v {
        [b'0'] | [b'1'] => true,
        [b'0', b'.', rest @ ..] => rest.len() <= 3 && rest.iter().all(u8::is_ascii_digit),
        [b'1', b'.', rest @ ..] => rest.len() <= 3 && rest.iter().all(|&b| b == b'0'),
        _ => false,
    }
}

impl<'a> HeaderValue<'a> for Contact<'a> {
    fn parse(value: &'a [u8]) -> Result<Self> {
        if value == b"*" {
            return Ok(Self::Star);
        }
        let (display, uri_start, uri_end, rest) = split(value)?;
        let uri = Uri::parse(&value[uri_start..uri_end]).map_err(|e| e.shifted(uri_start))?;
        let mut params = Params::new();
        Params::scan_generic(value, rest, |name, v, off| {
            check_contact_param(name.as_bytes(), v.map(str::as_bytes), off)?;
            params.push(super::Param {
                name: Cow::Borrowed(name),
                value: v.map(Cow::Borrowed),
            });
            Ok(())
        })?;
        let display = match display {
            Some(d) => Some(Cow::Borrowed(ascii(d, 0)?)),
            None => None,
        };
        Ok(Self::Address(Address {
            display,
            uri,
            params,
        }))
    }

    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Self::Star => out.push(b'*'),
            Self::Address(a) => HeaderValue::encode(a, out),
        }
    }
}

#[cfg(test)]
mod tests;
