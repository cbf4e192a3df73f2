//! Lexical building blocks of RFC 3261 section 25.1: character classes,
//! linear white space, and comma-separated lists that respect quoted strings
//! and angle brackets.

/// `token` characters: alphanum / `-.!%*_+`'~` (RFC 3261 section 25.1).
#[inline]
pub const fn is_token(b: u8) -> bool {
    TOKEN[b as usize]
}

/// One entry per byte value: whether it is a `token` character.
const TOKEN: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = matches!(i as u8,
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9'
            | b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~');
        i += 1;
    }
    t
};

/// `word` characters: token characters plus `( ) < > : \ " / [ ] ? { }`
/// (RFC 3261 section 25.1, used by Call-ID).
pub const fn is_word(b: u8) -> bool {
    is_token(b)
        || matches!(
            b,
            b'(' | b')'
                | b'<'
                | b'>'
                | b':'
                | b'\\'
                | b'"'
                | b'/'
                | b'['
                | b']'
                | b'?'
                | b'{'
                | b'}'
        )
}

/// Linear white space bytes: SP, HTAB and the CR / LF of a folded line.
pub const fn is_lws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Whether every byte is a token character and there is at least one.
pub fn is_token_str(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_token(b))
}

/// Strips leading and trailing LWS (including folded line breaks).
pub fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if is_lws(*first) {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if is_lws(*last) {
            s = rest;
        } else {
            break;
        }
    }
    s
}

/// Number of leading LWS bytes.
pub fn lws_len(s: &[u8]) -> usize {
    s.iter().take_while(|&&b| is_lws(b)).count()
}

/// Splits a header value into its comma-separated elements (RFC 3261
/// section 7.3.1), never inside a quoted string or `<...>`. Elements are
/// trimmed of LWS and returned with their offset in the value. Empty
/// elements are returned too (as empty slices) so that a strict caller can
/// reject them.
pub fn split_list(value: &[u8]) -> ListIter<'_> {
    ListIter {
        value,
        pos: 0,
        done: false,
    }
}

/// Iterator returned by [`split_list`].
#[derive(Debug, Clone)]
pub struct ListIter<'a> {
    value: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> Iterator for ListIter<'a> {
    /// `(offset in the value, trimmed element)`
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let start = self.pos;
        let v = self.value;
        let mut i = start;
        // Jump between the bytes that matter: ',' ends an element, '"' and
        // '<' open a span where commas do not count.
        while let Some(rel) = memchr::memchr3(b',', b'"', b'<', &v[i.min(v.len())..]) {
            i += rel;
            match v[i] {
                b',' => break,
                b'"' => match quoted_end(&v[i..]) {
                    Some(len) => i += len,
                    None => {
                        i = v.len();
                        break;
                    }
                },
                _ => match memchr::memchr(b'>', &v[i..]) {
                    Some(len) => i += len + 1,
                    None => {
                        i = v.len();
                        break;
                    }
                },
            }
        }
        if i >= v.len() || v[i] != b',' {
            i = v.len();
        }
        let end = i.min(v.len());
        if end >= v.len() {
            self.done = true;
        }
        self.pos = end + 1;
        let raw = &v[start..end];
        let lead = lws_len(raw);
        Some((start + lead, trim(raw)))
    }
}

/// Finds the end of a quoted string that starts at `s[0] == b'"'`; returns
/// the index just past the closing quote, or `None` if it is unterminated
/// (RFC 3261 section 25.1 `quoted-string`, with `quoted-pair` escapes).
pub fn quoted_end(s: &[u8]) -> Option<usize> {
    let mut i = 1;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Parses a decimal number of at most `max` value; leading zeros are
/// allowed (RFC 4475 section 3.1.1.1). `None` on empty, non-digit or overflow.
pub fn parse_u64(s: &[u8], max: u64) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for &b in s {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        if n > max {
            return None;
        }
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_split_respects_quotes_and_angles() {
        let v = br#""a, b" <sip:x@y;p=1,2>;q=1 , <sip:z>,  "#;
        let items: Vec<_> = split_list(v).map(|(_, e)| e).collect();
        assert_eq!(
            items,
            vec![&br#""a, b" <sip:x@y;p=1,2>;q=1"#[..], b"<sip:z>", b""]
        );
    }

    #[test]
    fn list_offsets_point_at_elements() {
        let v = b"a ,  b";
        let items: Vec<_> = split_list(v).collect();
        assert_eq!(items, vec![(0, &b"a"[..]), (5, &b"b"[..])]);
    }

    #[test]
    fn quoted_end_handles_escapes() {
        assert_eq!(quoted_end(br#""a\"b" x"#), Some(6));
        assert_eq!(quoted_end(br#""abc"#), None);
        assert_eq!(quoted_end(br#""ab\"#), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u64(b"007", 10), Some(7));
        assert_eq!(parse_u64(b"11", 10), None);
        assert_eq!(parse_u64(b"", 10), None);
        assert_eq!(parse_u64(b"1a", 10), None);
        assert_eq!(parse_u64(b"99999999999999999999999999", u64::MAX), None);
    }
}
