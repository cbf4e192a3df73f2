//! Parameters: `generic-param` of header values and `uri-parameter` of SIP
//! URIs (RFC 3261 section 25.1).

use std::borrow::Cow;
use std::fmt;

use super::scan::{ascii, quoted, skip_lws, token_end, unquote};
use crate::error::{ParseError, Result};

/// One parameter: `name [= value]` (RFC 3261 section 25.1 `generic-param`
/// and `uri-parameter`).
///
/// The value is kept raw as written: a quoted-string keeps its quotes and
/// escapes (see [`Param::unquoted`]), a URI parameter keeps its `%HEX`
/// escapes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Param<'a> {
    /// Parameter name as written (compared case-insensitively by lookups).
    pub name: Cow<'a, str>,
    /// Raw value, `None` for a parameter without `=`.
    pub value: Option<Cow<'a, str>>,
}

impl<'a> Param<'a> {
    /// A parameter with a value (`value` must already be a valid token,
    /// host or quoted-string).
    pub fn new(name: impl Into<Cow<'a, str>>, value: Option<Cow<'a, str>>) -> Self {
        Self {
            name: name.into(),
            value,
        }
    }

    /// A parameter without a value, e.g. `lr`.
    pub fn flag(name: impl Into<Cow<'a, str>>) -> Self {
        Self {
            name: name.into(),
            value: None,
        }
    }

    /// The raw value.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// The value without quotes and quoted-pair escapes.
    pub fn unquoted(&self) -> Option<Cow<'_, str>> {
        self.value.as_deref().map(unquote)
    }

    /// Appends `;name[=value]` to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(b';');
        out.extend_from_slice(self.name.as_bytes());
        if let Some(v) = &self.value {
            out.push(b'=');
            out.extend_from_slice(v.as_bytes());
        }
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> Param<'static> {
        Param {
            name: Cow::Owned(self.name.into_owned()),
            value: self.value.map(|v| Cow::Owned(v.into_owned())),
        }
    }
}

/// A parameter list with case-insensitive lookup by name (RFC 3261
/// section 7.3.1: parameter names are case-insensitive).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Params<'a>(pub Vec<Param<'a>>);

impl<'a> Params<'a> {
    /// An empty list (no allocation).
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    /// The first parameter named `name` (ASCII case-insensitive).
    pub fn get(&self, name: &str) -> Option<&Param<'a>> {
        self.0.iter().find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// The raw value of parameter `name`: `None` if absent, `Some(None)` if
    /// present without a value.
    pub fn value(&self, name: &str) -> Option<Option<&str>> {
        self.get(name).map(Param::value)
    }

    /// The raw value of `name` when it has one.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Param::value)
    }

    /// Whether a parameter named `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Appends a parameter.
    pub fn push(&mut self, p: Param<'a>) {
        self.0.push(p);
    }

    /// Sets (replacing any existing) parameter `name`.
    pub fn set(&mut self, name: impl Into<Cow<'a, str>>, value: Option<Cow<'a, str>>) {
        let name = name.into();
        self.0.retain(|p| !p.name.eq_ignore_ascii_case(&name));
        self.0.push(Param { name, value });
    }

    /// Removes every parameter named `name`.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|p| !p.name.eq_ignore_ascii_case(name));
    }

    /// Iterates over the parameters in order.
    pub fn iter(&self) -> core::slice::Iter<'_, Param<'a>> {
        self.0.iter()
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Appends every parameter as `;name[=value]`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        for p in &self.0 {
            p.encode(out);
        }
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> Params<'static> {
        Params(self.0.into_iter().map(Param::into_owned).collect())
    }

    /// Parses `*( SEMI generic-param )` starting at `i` up to the end of `s`
    /// (RFC 3261 section 25.1). LWS may surround `;` and `=`; a value is a
    /// token, a host (incl. an IPv6 reference or bare IPv6 address) or a
    /// quoted-string. An empty parameter (`;;`, trailing `;`) is an error.
    pub(crate) fn parse_generic(s: &'a [u8], i: usize) -> Result<Self> {
        let mut params = Self::new();
        Self::scan_generic(s, i, |name, value, _| {
            params.0.push(Param {
                name: Cow::Borrowed(name),
                value: value.map(Cow::Borrowed),
            });
            Ok(())
        })?;
        Ok(params)
    }

    /// The scanner behind [`Params::parse_generic`]: calls `f` with each
    /// parameter's name, raw value and name offset, allocating nothing.
    pub(crate) fn scan_generic(
        s: &'a [u8],
        i: usize,
        mut f: impl FnMut(&'a str, Option<&'a str>, usize) -> Result<()>,
    ) -> Result<()> {
        Self::check_generic(s, i, |name, value, off| {
            // Names are tokens and unquoted values token / host bytes
            // (ASCII); a quoted value was checked to be UTF-8 by `quoted`.
            let name = ascii(name, off)?;
            let value = match value {
                Some(v) => Some(ascii(v, off)?),
                None => None,
            };
            f(name, value, off)
        })
    }

    /// [`Params::scan_generic`] on bytes: the same grammar and errors, but
    /// `f` gets the name and raw value as byte slices, so a check needs no
    /// UTF-8 conversion (every byte class involved is ASCII; a quoted value
    /// is checked to be UTF-8 here).
    pub(crate) fn check_generic(
        s: &'a [u8],
        mut i: usize,
        mut f: impl FnMut(&'a [u8], Option<&'a [u8]>, usize) -> Result<()>,
    ) -> Result<()> {
        loop {
            i = skip_lws(s, i);
            if i >= s.len() {
                return Ok(());
            }
            if s[i] != b';' {
                return Err(ParseError::value(i, "';' or end of value"));
            }
            i = skip_lws(s, i + 1);
            let name_end = token_end(s, i);
            if name_end == i {
                return Err(ParseError::value(i, "a parameter name"));
            }
            let name = &s[i..name_end];
            let j = skip_lws(s, name_end);
            if s.get(j) == Some(&b'=') {
                let v = skip_lws(s, j + 1);
                let end = if s.get(v) == Some(&b'"') {
                    quoted(s, v)?
                } else {
                    let mut e = v;
                    while e < s.len() && is_value_char(s[e]) {
                        e += 1;
                    }
                    e
                };
                if end == v {
                    return Err(ParseError::value(v, "a parameter value"));
                }
                f(name, Some(&s[v..end]), i)?;
                i = end;
            } else {
                f(name, None, i)?;
                i = name_end;
            }
        }
    }
}

/// Bytes of an unquoted `gen-value`: token or host (incl. IPv6).
#[inline]
fn is_value_char(b: u8) -> bool {
    crate::lex::is_token(b) || matches!(b, b':' | b'[' | b']')
}

impl<'a> core::ops::Deref for Params<'a> {
    type Target = [Param<'a>];
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<'a> FromIterator<Param<'a>> for Params<'a> {
    fn from_iter<T: IntoIterator<Item = Param<'a>>>(iter: T) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl fmt::Display for Params<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Vec::new();
        self.encode(&mut out);
        f.write_str(&String::from_utf8_lossy(&out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_params() {
        let p = Params::parse_generic(b" ; tag = 1918 ;lr; q=0.5;x=\"a\\\"b\";r=[::1]", 0).unwrap();
        assert_eq!(p.len(), 5);
        assert_eq!(p.str("TAG"), Some("1918"));
        assert_eq!(p.value("lr"), Some(None));
        assert_eq!(p.get("x").unwrap().unquoted().unwrap(), "a\"b");
        assert_eq!(p.str("r"), Some("[::1]"));
        assert!(!p.contains("y"));
        let mut out = Vec::new();
        p.encode(&mut out);
        assert_eq!(out, b";tag=1918;lr;q=0.5;x=\"a\\\"b\";r=[::1]");
    }

    #[test]
    fn folded_params() {
        let p = Params::parse_generic(b"\r\n  ;\r\n  tag = 98asjd8", 0).unwrap();
        assert_eq!(p.str("tag"), Some("98asjd8"));
    }

    #[test]
    fn bad_params() {
        let bad: &[&[u8]] = &[
            b";",
            b";;",
            b";a;",
            b";a=",
            b";a=\"x",
            b"x",
            b";a=b c",
            b";=b",
            b";a=\"\xff\"",
        ];
        for input in bad {
            assert!(
                Params::parse_generic(input, 0).is_err(),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn set_and_remove() {
        let mut p = Params::new();
        p.set("tag", Some("a".into()));
        p.set("TAG", Some("b".into()));
        assert_eq!(p.len(), 1);
        assert_eq!(p.str("tag"), Some("b"));
        p.remove("Tag");
        assert!(p.is_empty());
    }
}
