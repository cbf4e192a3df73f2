//! `tel:` URIs (RFC 3966 section 3).

use std::borrow::Cow;

use super::{ascii, parse_uri_params, run};
use crate::error::{ParseError, Result};
use crate::header::Params;

/// A `tel:` URI (RFC 3966 section 3): a global (`+...`) or local number
/// followed by parameters (`ext`, `isub`, `phone-context`, others).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TelUri<'a> {
    /// The number as written, visual separators included.
    pub number: Cow<'a, str>,
    /// The parameters (`;ext=`, `;phone-context=` ...).
    pub params: Params<'a>,
}

impl<'a> TelUri<'a> {
    /// Parses the part after `tel:` (which ends at `s[start]`).
    pub(crate) fn parse_after_scheme(s: &'a [u8], start: usize, keep: bool) -> Result<Self> {
        let end = run(s, start, is_phonedigit);
        let digits = &s[start..end];
        let has_digit = digits.iter().any(u8::is_ascii_hexdigit)
            || digits.iter().any(|b| matches!(b, b'*' | b'#'));
        if !has_digit || digits.iter().skip(1).any(|&b| b == b'+') {
            return Err(ParseError::uri(start, "a telephone number"));
        }
        let (params, i) = parse_uri_params(s, end, keep)?;
        if i != s.len() {
            return Err(ParseError::uri(i, "';' or end of tel URI"));
        }
        Ok(Self {
            number: Cow::Borrowed(ascii(digits)),
            params,
        })
    }

    /// Whether the number is global (starts with `+`, RFC 3966 section 5.1.4).
    pub fn is_global(&self) -> bool {
        self.number.starts_with('+')
    }

    /// Appends the URI to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"tel:");
        out.extend_from_slice(self.number.as_bytes());
        self.params.encode(out);
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> TelUri<'static> {
        TelUri {
            number: Cow::Owned(self.number.into_owned()),
            params: self.params.into_owned(),
        }
    }
}

/// `phonedigit-hex` / `+` (RFC 3966 section 3).
#[inline]
const fn is_phonedigit(b: u8) -> bool {
    b.is_ascii_hexdigit() || matches!(b, b'+' | b'*' | b'#' | b'-' | b'.' | b'(' | b')')
}
