//! Small scanning helpers shared by the typed header parsers (RFC 3261
//! section 25.1: LWS, token, quoted-string).

use crate::error::{ParseError, ParseErrorKind, Result};
use crate::lex::{is_lws, is_token};

/// Index of the first non-LWS byte at or after `i`.
#[inline]
pub(crate) fn skip_lws(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && is_lws(s[i]) {
        i += 1;
    }
    i
}

/// Index just after the run of token characters starting at `i`.
#[inline]
pub(crate) fn token_end(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && is_token(s[i]) {
        i += 1;
    }
    i
}

/// A non-empty token at `i`; returns it and the index after it.
#[inline]
pub(crate) fn token<'a>(s: &'a [u8], i: usize, what: &'static str) -> Result<(&'a str, usize)> {
    let end = token_at(s, i, what)?;
    Ok((ascii(&s[i..end], i)?, end))
}

/// Checks that a non-empty token starts at `i`; returns the index after it
/// (the check behind [`token`], without building a `&str`).
#[inline]
pub(crate) fn token_at(s: &[u8], i: usize, what: &'static str) -> Result<usize> {
    let end = token_end(s, i);
    if end == i {
        return Err(ParseError::value(i, what));
    }
    Ok(end)
}

/// Converts bytes already checked to be ASCII (or that must be UTF-8).
#[inline]
pub(crate) fn ascii(s: &[u8], off: usize) -> Result<&str> {
    core::str::from_utf8(s)
        .map_err(|e| ParseError::new(ParseErrorKind::Utf8, off + e.valid_up_to(), "UTF-8"))
}

/// Checks a quoted-string starting at `s[i] == b'"'` (RFC 3261 section 25.1:
/// qdtext / quoted-pair, UTF-8) and returns the index after its closing quote.
pub(crate) fn quoted(s: &[u8], i: usize) -> Result<usize> {
    if s.get(i) != Some(&b'"') {
        return Err(ParseError::value(i, "'\"'"));
    }
    let mut j = i + 1;
    let mut ascii_only = true;
    while j < s.len() {
        match s[j] {
            b'"' => {
                if !ascii_only {
                    ascii(&s[i..j], i)?;
                }
                return Ok(j + 1);
            }
            b'\\' => match s.get(j + 1) {
                Some(&c) if c <= 0x7f && c != b'\r' && c != b'\n' => j += 2,
                _ => return Err(ParseError::value(j, "a quoted-pair")),
            },
            b' ' | b'\t' | b'\r' | b'\n' | 0x21..=0x7e => j += 1,
            0x80.. => {
                ascii_only = false;
                j += 1;
            }
            _ => return Err(ParseError::value(j, "qdtext")),
        }
    }
    Err(ParseError::value(s.len(), "closing '\"'"))
}

/// Removes the quotes and quoted-pair escapes of a quoted-string; a value
/// that is not quoted is returned unchanged.
pub(crate) fn unquote(raw: &str) -> std::borrow::Cow<'_, str> {
    let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) else {
        return std::borrow::Cow::Borrowed(raw);
    };
    if !inner.contains('\\') {
        return std::borrow::Cow::Borrowed(inner);
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Quotes `text` as a quoted-string, escaping `"` and `\`.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A decimal number at `i` of at most `max`; returns it and the end index.
/// Overflow gives [`ParseErrorKind::Overflow`].
pub(crate) fn number(s: &[u8], i: usize, max: u64, what: &'static str) -> Result<(u64, usize)> {
    let mut end = i;
    while end < s.len() && s[end].is_ascii_digit() {
        end += 1;
    }
    if end == i {
        return Err(ParseError::value(i, what));
    }
    match crate::lex::parse_u64(&s[i..end], max) {
        Some(n) => Ok((n, end)),
        None => Err(ParseError::new(ParseErrorKind::Overflow, i, what)),
    }
}

/// Errors unless `i` is the end of `s` (after optional LWS).
#[inline]
pub(crate) fn expect_end(s: &[u8], i: usize, what: &'static str) -> Result<()> {
    let i = skip_lws(s, i);
    if i == s.len() {
        Ok(())
    } else {
        Err(ParseError::value(i, what))
    }
}

/// A whole value that is one decimal number (RFC 3261 `delta-seconds`,
/// `1*DIGIT`) no larger than `max`.
pub(crate) fn whole_number(s: &[u8], max: u64, what: &'static str) -> Result<u64> {
    let (n, end) = number(s, 0, max, what)?;
    expect_end(s, end, what)?;
    Ok(n)
}
