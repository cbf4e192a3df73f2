//! Authentication headers: `WWW-Authenticate` / `Proxy-Authenticate`
//! (challenge), `Authorization` / `Proxy-Authorization` (credentials) and
//! `Authentication-Info` (RFC 3261 sections 20.6, 20.7, 20.27, 20.28, 20.44,
//! 22 and 25.1; RFC 2617 / RFC 7616 Digest).

use std::borrow::Cow;
use std::fmt;

use super::scan::{ascii, quoted, skip_lws, token, token_at, token_end};
use super::{HeaderValue, Param, Params};
use crate::error::{ParseError, Result};

/// An authentication scheme with its comma-separated `auth-param`s: a
/// `challenge` or `credentials` (RFC 3261 section 25.1). Unknown schemes
/// are kept with their raw params (RFC 4475 section 3.3.7). `Bearer`
/// credentials (RFC 8898) keep their token as the one parameter, a name
/// without value.
///
/// Values are raw (quoted-strings keep their quotes); the getters unquote.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Auth<'a> {
    /// The scheme, e.g. `Digest` (case-insensitive).
    pub scheme: Cow<'a, str>,
    /// The auth-params in order.
    pub params: Params<'a>,
}

/// A `WWW-Authenticate` / `Proxy-Authenticate` value (RFC 3261 section 20.44, 20.27).
pub type Challenge<'a> = Auth<'a>;
/// An `Authorization` / `Proxy-Authorization` value (RFC 3261 section 20.7, 20.28).
pub type Credentials<'a> = Auth<'a>;

impl<'a> Auth<'a> {
    /// A `Digest` value with no params yet.
    pub fn digest() -> Self {
        Self {
            scheme: Cow::Borrowed("Digest"),
            params: Params::new(),
        }
    }

    /// Whether the scheme is `Digest`.
    pub fn is_digest(&self) -> bool {
        self.scheme.eq_ignore_ascii_case("Digest")
    }

    /// A param value, unquoted.
    pub fn param(&self, name: &str) -> Option<Cow<'_, str>> {
        self.params.get(name)?.unquoted()
    }

    /// `realm`.
    pub fn realm(&self) -> Option<Cow<'_, str>> {
        self.param("realm")
    }
    /// `nonce`.
    pub fn nonce(&self) -> Option<Cow<'_, str>> {
        self.param("nonce")
    }
    /// `opaque`.
    pub fn opaque(&self) -> Option<Cow<'_, str>> {
        self.param("opaque")
    }
    /// `algorithm` (e.g. `MD5`, `SHA-256`).
    pub fn algorithm(&self) -> Option<Cow<'_, str>> {
        self.param("algorithm")
    }
    /// `qop` (credentials) or `qop` options list (challenge, e.g. `auth,auth-int`).
    pub fn qop(&self) -> Option<Cow<'_, str>> {
        self.param("qop")
    }
    /// Whether `stale=true` (challenge).
    pub fn stale(&self) -> bool {
        self.param("stale")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
    /// `username` (credentials).
    pub fn username(&self) -> Option<Cow<'_, str>> {
        self.param("username")
    }
    /// `uri` (credentials: the digest-uri).
    pub fn uri(&self) -> Option<Cow<'_, str>> {
        self.param("uri")
    }
    /// `response` (credentials).
    pub fn response(&self) -> Option<Cow<'_, str>> {
        self.param("response")
    }
    /// `cnonce` (credentials).
    pub fn cnonce(&self) -> Option<Cow<'_, str>> {
        self.param("cnonce")
    }
    /// `nc`, the nonce count (8 hex digits).
    pub fn nc(&self) -> Option<u32> {
        u32::from_str_radix(self.params.str("nc")?, 16).ok()
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> Auth<'static> {
        Auth {
            scheme: Cow::Owned(self.scheme.into_owned()),
            params: self.params.into_owned(),
        }
    }
}

/// Scans `auth-param *(COMMA auth-param)` from `i` to the end, calling `f`.
/// `auth-param = token EQUAL ( token / quoted-string )`; empty elements
/// are errors.
pub(crate) fn scan_auth_params<'a>(
    s: &'a [u8],
    i: usize,
    mut f: impl FnMut(&'a str, &'a str),
) -> Result<()> {
    check_auth_params(s, i, |name, n, value, v| {
        // Names are tokens (ASCII); `quoted` checked a quoted value is UTF-8.
        f(ascii(name, n)?, ascii(value, v)?);
        Ok(())
    })
}

/// The grammar check behind [`scan_auth_params`]: calls `f` with each
/// param's name, its offset, its raw value and the value's offset, as bytes.
pub(crate) fn check_auth_params<'a>(
    s: &'a [u8],
    mut i: usize,
    mut f: impl FnMut(&'a [u8], usize, &'a [u8], usize) -> Result<()>,
) -> Result<()> {
    loop {
        i = skip_lws(s, i);
        let end = token_at(s, i, "an auth-param name")?;
        let eq = skip_lws(s, end);
        if s.get(eq) != Some(&b'=') {
            return Err(ParseError::value(eq, "'='"));
        }
        let v = skip_lws(s, eq + 1);
        let v_end = if s.get(v) == Some(&b'"') {
            quoted(s, v)?
        } else {
            token_end(s, v)
        };
        if v_end == v {
            return Err(ParseError::value(v, "a token or quoted-string"));
        }
        f(&s[i..end], i, &s[v..v_end], v)?;
        let next = skip_lws(s, v_end);
        match s.get(next) {
            None => return Ok(()),
            Some(b',') => i = next + 1,
            Some(_) => return Err(ParseError::value(next, "',' or end of value")),
        }
    }
}

/// The token of `Bearer` credentials: RFC 8898 section 6 adds
/// `credentials =/ "Bearer" LWS bearer-response` with the `b64token` of
/// RFC 6750 section 2.1, `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" /
/// "/" ) *"="`. Returns the token when `scheme` is `Bearer` and `rest` (what
/// follows the LWS after the scheme) is one b64token and optional LWS.
pub(crate) fn bearer_token<'a>(scheme: &[u8], rest: &'a [u8]) -> Option<&'a [u8]> {
    if !scheme.eq_ignore_ascii_case(b"Bearer") {
        return None;
    }
    let chars = rest
        .iter()
        .take_while(|&&b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
        .count();
    if chars == 0 {
        return None;
    }
    let end = chars + rest[chars..].iter().take_while(|&&b| b == b'=').count();
    (skip_lws(rest, end) == rest.len()).then_some(&rest[..end])
}

fn encode_params(params: &Params<'_>, out: &mut Vec<u8>) {
    for (n, p) in params.iter().enumerate() {
        if n > 0 {
            out.extend_from_slice(b", ");
        }
        out.extend_from_slice(p.name.as_bytes());
        out.push(b'=');
        out.extend_from_slice(p.value().unwrap_or("\"\"").as_bytes());
    }
}

impl<'a> HeaderValue<'a> for Auth<'a> {
    fn parse(value: &'a [u8]) -> Result<Self> {
        let (scheme, end) = token(value, 0, "an auth scheme")?;
        let i = skip_lws(value, end);
        if i == end {
            return Err(ParseError::value(end, "LWS after the auth scheme"));
        }
        let mut params = Params::new();
        if let Some(t) = bearer_token(scheme.as_bytes(), &value[i..]) {
            // The b64token is kept as a parameter name without value.
            params.push(Param::flag(ascii(t, i)?));
            return Ok(Self {
                scheme: Cow::Borrowed(scheme),
                params,
            });
        }
        scan_auth_params(value, i, |n, v| {
            params.push(Param {
                name: Cow::Borrowed(n),
                value: Some(Cow::Borrowed(v)),
            });
        })?;
        Ok(Self {
            scheme: Cow::Borrowed(scheme),
            params,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.scheme.as_bytes());
        out.push(b' ');
        match &self.params[..] {
            // Bearer credentials: the b64token alone (RFC 8898).
            [p] if p.value.is_none() && !self.is_digest() => {
                out.extend_from_slice(p.name.as_bytes());
            }
            _ => encode_params(&self.params, out),
        }
    }
}

impl fmt::Display for Auth<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::with_capacity(128);
        self.encode(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

/// `Authentication-Info: ainfo *(COMMA ainfo)` with `nextnonce`, `qop`,
/// `rspauth`, `cnonce`, `nc` (RFC 3261 section 20.6).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AuthenticationInfo<'a> {
    /// The params in order (raw values).
    pub params: Params<'a>,
}

impl AuthenticationInfo<'_> {
    /// A param value, unquoted.
    pub fn param(&self, name: &str) -> Option<Cow<'_, str>> {
        self.params.get(name)?.unquoted()
    }
    /// `nextnonce`.
    pub fn next_nonce(&self) -> Option<Cow<'_, str>> {
        self.param("nextnonce")
    }
    /// `rspauth`.
    pub fn rspauth(&self) -> Option<Cow<'_, str>> {
        self.param("rspauth")
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> AuthenticationInfo<'static> {
        AuthenticationInfo {
            params: self.params.into_owned(),
        }
    }
}

impl<'a> HeaderValue<'a> for AuthenticationInfo<'a> {
    fn parse(value: &'a [u8]) -> Result<Self> {
        let mut params = Params::new();
        scan_auth_params(value, 0, |n, v| {
            params.push(Param {
                name: Cow::Borrowed(n),
                value: Some(Cow::Borrowed(v)),
            });
        })?;
        Ok(Self { params })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        encode_params(&self.params, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_and_credentials() {
        let c = Auth::parse(b"Digest realm=\"atlanta.com\",\r\n domain=\"sip:boxesbybob.com\", qop=\"auth\",\r\n nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", stale=FALSE, algorithm=MD5").unwrap();
        assert!(c.is_digest());
        assert_eq!(c.realm().as_deref(), Some("atlanta.com"));
        assert_eq!(c.opaque().as_deref(), Some(""));
        assert_eq!(c.algorithm().as_deref(), Some("MD5"));
        assert!(!c.stale());
        let mut out = Vec::new();
        c.encode(&mut out);
        assert_eq!(Auth::parse(&out).unwrap(), c);
        let a = Auth::parse(b"Digest username=\"bob\", realm=\"biloxi.com\", nonce=\"dcd98b\", uri=\"sip:bob@biloxi.com\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae4\"").unwrap();
        assert_eq!(a.username().as_deref(), Some("bob"));
        assert_eq!(a.uri().as_deref(), Some("sip:bob@biloxi.com"));
        assert_eq!(a.nc(), Some(1));
        assert_eq!(a.response().as_deref(), Some("6629fae4"));
        assert_eq!(a.cnonce().as_deref(), Some("0a4f113b"));
        assert_eq!(a.qop().as_deref(), Some("auth"));
        // RFC 4475 3.3.7 regaut01
        let u = Auth::parse(b"NoOneKnowsThisScheme opaque-data=here").unwrap();
        assert!(!u.is_digest());
        assert_eq!(u.params.str("opaque-data"), Some("here"));
        for bad in [
            &b""[..],
            b"Digest",
            b"Digest ",
            b"Digest realm",
            b"Digest realm=",
            b"Digest realm=\"x",
            b"Digest a=b,,c=d",
            b"Digest a=b,",
            b"Digest a=b c=d",
            b"Digestrealm=x",
        ] {
            assert!(
                Auth::parse(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn authentication_info() {
        let a = AuthenticationInfo::parse(
            b"nextnonce=\"47364c23432d2e131a5fb210812c\", rspauth=\"abc\"",
        )
        .unwrap();
        assert_eq!(
            a.next_nonce().as_deref(),
            Some("47364c23432d2e131a5fb210812c")
        );
        assert_eq!(a.rspauth().as_deref(), Some("abc"));
        assert!(AuthenticationInfo::parse(b"").is_err());
    }
}
