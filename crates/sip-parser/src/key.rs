//! Cheap access to the headers that the transaction and dialog layers read
//! on every message: top Via and its branch, CSeq, Call-ID, From/To tags,
//! Max-Forwards, Content-Type (RFC 3261 sections 8.1.1, 17.1.3, 17.2.3).
//!
//! These scan only the bytes they need and never allocate; the full typed
//! values are available through [`Message::typed`].

use memchr::memchr;

use crate::lex::{parse_u64, quoted_end, split_list, trim};
use crate::message::Message;

const NONE: u16 = u16::MAX;

/// Finds parameter `name` (case-insensitive) in a `;`-separated parameter
/// string such as `;branch=z9hG4bK1;rport`. Returns `Some(value)` where
/// `value` is empty for a parameter without `=`.
pub fn find_param<'a>(params: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut rest = params;
    while let Some(semi) = memchr(b';', rest) {
        rest = &rest[semi + 1..];
        // A parameter ends at the next ';' that is not inside a quoted string.
        let mut end = 0;
        while end < rest.len() && rest[end] != b';' {
            if rest[end] == b'"' {
                end += quoted_end(&rest[end..]).unwrap_or(rest.len() - end);
            } else {
                end += 1;
            }
        }
        let p = &rest[..end.min(rest.len())];
        let (n, v) = match memchr(b'=', p) {
            Some(eq) => (trim(&p[..eq]), trim(&p[eq + 1..])),
            None => (trim(p), &p[p.len()..]),
        };
        if n.eq_ignore_ascii_case(name) {
            return Some(v);
        }
        rest = &rest[end.min(rest.len())..];
    }
    None
}

/// The header-parameter part (from the first `;`) of a name-addr or
/// addr-spec value such as From, To, Contact (RFC 3261 section 20.10):
/// after the closing `>` when the URI is bracketed, else after the URI.
pub fn address_params(value: &[u8]) -> &[u8] {
    let mut i = 0;
    if value.first() == Some(&b'"') {
        i = quoted_end(value).unwrap_or(value.len());
    }
    match memchr(b'<', &value[i..]) {
        Some(lt) => {
            let after = i + lt;
            match memchr(b'>', &value[after..]) {
                Some(gt) => &value[after + gt + 1..],
                None => &value[value.len()..],
            }
        }
        None => match memchr(b';', value) {
            Some(semi) => &value[semi..],
            None => &value[value.len()..],
        },
    }
}

impl Message {
    #[inline]
    fn key_value(&self, idx: u16) -> Option<&[u8]> {
        if idx == NONE {
            return None;
        }
        self.headers.get(idx as usize).map(|h| self.get(h.value))
    }

    /// The Call-ID (RFC 3261 section 20.8).
    #[inline]
    pub fn call_id(&self) -> Option<&[u8]> {
        self.key_value(self.keys.call_id)
    }

    /// The CSeq number and method bytes (RFC 3261 section 20.16), read
    /// without allocating. `None` if absent or malformed.
    pub fn cseq(&self) -> Option<(u32, &[u8])> {
        let v = self.key_value(self.keys.cseq)?;
        let sp = v
            .iter()
            .position(|&b| b == b' ' || b == b'\t' || b == b'\r')?;
        let n = parse_u64(&v[..sp], u64::from(u32::MAX))? as u32;
        let m = trim(&v[sp..]);
        (!m.is_empty()).then_some((n, m))
    }

    /// The first value of the first Via: the top Via (RFC 3261 section 20.42).
    #[inline]
    pub fn top_via(&self) -> Option<&[u8]> {
        let v = self.key_value(self.keys.via)?;
        split_list(v).next().map(|(_, e)| e)
    }

    /// The `branch` parameter of the top Via (RFC 3261 section 8.1.1.7).
    #[inline]
    pub fn branch(&self) -> Option<&[u8]> {
        let via = self.top_via()?;
        let semi = memchr(b';', via)?;
        find_param(&via[semi..], b"branch")
    }

    /// The From header value (RFC 3261 section 20.20).
    #[inline]
    pub fn from_header(&self) -> Option<&[u8]> {
        self.key_value(self.keys.from)
    }

    /// The To header value (RFC 3261 section 20.39).
    #[inline]
    pub fn to_header(&self) -> Option<&[u8]> {
        self.key_value(self.keys.to)
    }

    /// The first Contact header value (RFC 3261 section 20.10).
    #[inline]
    pub fn contact_header(&self) -> Option<&[u8]> {
        self.key_value(self.keys.contact)
    }

    /// The From tag (RFC 3261 section 19.3).
    #[inline]
    pub fn from_tag(&self) -> Option<&[u8]> {
        find_param(address_params(self.from_header()?), b"tag").filter(|t| !t.is_empty())
    }

    /// The To tag (RFC 3261 section 19.3).
    #[inline]
    pub fn to_tag(&self) -> Option<&[u8]> {
        find_param(address_params(self.to_header()?), b"tag").filter(|t| !t.is_empty())
    }

    /// Max-Forwards (RFC 3261 section 20.22); `None` if absent or malformed.
    pub fn max_forwards(&self) -> Option<u8> {
        parse_u64(self.key_value(self.keys.max_forwards)?, 255).map(|n| n as u8)
    }

    /// The Content-Type value (RFC 3261 section 20.15).
    #[inline]
    pub fn content_type(&self) -> Option<&[u8]> {
        self.key_value(self.keys.content_type)
    }

    /// Whether the Content-Type's media type is `kind/sub` (case-insensitive,
    /// parameters ignored), e.g. `application/sdp`.
    pub fn content_type_is(&self, media: &str) -> bool {
        self.content_type().is_some_and(|ct| {
            let end = memchr(b';', ct).unwrap_or(ct.len());
            trim(&ct[..end]).eq_ignore_ascii_case(media.as_bytes())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params() {
        assert_eq!(
            find_param(b";branch=z9hG4bK1;rport", b"BRANCH"),
            Some(&b"z9hG4bK1"[..])
        );
        assert_eq!(
            find_param(b";branch=z9hG4bK1;rport", b"rport"),
            Some(&b""[..])
        );
        assert_eq!(find_param(b" ; tag = 12 ", b"tag"), Some(&b"12"[..]));
        assert_eq!(
            find_param(br#";x="a;tag=no";tag=yes"#, b"tag"),
            Some(&b"yes"[..])
        );
        assert_eq!(find_param(b";a=1", b"b"), None);
        assert_eq!(find_param(b"", b"b"), None);
    }

    #[test]
    fn address_param_part() {
        assert_eq!(
            address_params(br#""A;tag=x <" <sip:a;tag=u>;tag=1"#),
            b";tag=1"
        );
        assert_eq!(address_params(b"sip:a@b;tag=2"), b";tag=2");
        assert_eq!(address_params(b"<sip:a@b"), b"");
        assert_eq!(address_params(br#""unterminated"#), b"");
    }
}
