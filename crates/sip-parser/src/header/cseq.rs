//! `CSeq` (RFC 3261 section 20.16), `RAck` (RFC 3262 section 7.2) and
//! `Call-ID` (RFC 3261 section 20.8).

use std::borrow::Cow;

use super::HeaderValue;
use super::scan::{expect_end, number, skip_lws, token, token_at};
use crate::error::{ParseError, Result};

/// `CSeq: 1*DIGIT LWS Method` (RFC 3261 section 20.16). The number must fit
/// 32 bits (RFC 4475 section 3.1.2.4); leading zeros are allowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CSeq<'a> {
    /// The sequence number.
    pub seq: u32,
    /// The method token, case-sensitive (RFC 3261 section 7.1).
    pub method: Cow<'a, str>,
}

impl<'a> CSeq<'a> {
    /// A CSeq value.
    pub fn new(seq: u32, method: impl Into<Cow<'a, str>>) -> Self {
        Self {
            seq,
            method: method.into(),
        }
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> CSeq<'static> {
        CSeq {
            seq: self.seq,
            method: Cow::Owned(self.method.into_owned()),
        }
    }
}

/// A 32-bit number followed by LWS; returns it and the next index.
fn seq_then_lws(s: &[u8], i: usize, what: &'static str) -> Result<(u32, usize)> {
    let (n, end) = number(s, i, u64::from(u32::MAX), what)?;
    let next = skip_lws(s, end);
    if next == end {
        return Err(ParseError::value(end, "LWS"));
    }
    Ok((n as u32, next))
}

impl CSeq<'_> {
    /// Checks a CSeq value without building it; returns the number and the
    /// span of the method.
    pub(crate) fn scan(value: &[u8]) -> Result<(u32, usize, usize)> {
        let (seq, i) = seq_then_lws(value, 0, "a CSeq number (32 bits)")?;
        let end = token_at(value, i, "a method")?;
        expect_end(value, end, "end of CSeq")?;
        Ok((seq, i, end))
    }
}

impl<'a> HeaderValue<'a> for CSeq<'a> {
    fn parse(value: &'a [u8]) -> Result<Self> {
        let (seq, i, end) = Self::scan(value)?;
        Ok(Self {
            seq,
            method: Cow::Borrowed(super::scan::ascii(&value[i..end], i)?),
        })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.seq.to_string().as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.method.as_bytes());
    }
}

/// `RAck: response-num LWS CSeq-num LWS Method` (RFC 3262 section 7.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RAck<'a> {
    /// The RSeq of the acknowledged provisional response.
    pub rseq: u32,
    /// The CSeq number of the request.
    pub cseq: u32,
    /// The CSeq method of the request.
    pub method: Cow<'a, str>,
}

impl RAck<'_> {
    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> RAck<'static> {
        RAck {
            rseq: self.rseq,
            cseq: self.cseq,
            method: Cow::Owned(self.method.into_owned()),
        }
    }
}

impl<'a> HeaderValue<'a> for RAck<'a> {
    fn parse(value: &'a [u8]) -> Result<Self> {
        let (rseq, i) = seq_then_lws(value, 0, "a response-num (32 bits)")?;
        let (cseq, i) = seq_then_lws(value, i, "a CSeq number (32 bits)")?;
        let (method, end) = token(value, i, "a method")?;
        expect_end(value, end, "end of RAck")?;
        Ok(Self {
            rseq,
            cseq,
            method: Cow::Borrowed(method),
        })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(format!("{} {} ", self.rseq, self.cseq).as_bytes());
        out.extend_from_slice(self.method.as_bytes());
    }
}

/// `Call-ID: word [ "@" word ]` (RFC 3261 section 20.8 and 25.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CallId<'a>(pub Cow<'a, str>);

impl CallId<'_> {
    /// The Call-ID text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> CallId<'static> {
        CallId(Cow::Owned(self.0.into_owned()))
    }
}

impl CallId<'_> {
    /// Checks `word [ "@" word ]` without building it (word characters
    /// are ASCII).
    pub(crate) fn check(value: &[u8]) -> Result<()> {
        let word = |from: usize| {
            let end = from
                + value[from..]
                    .iter()
                    .take_while(|&&b| crate::lex::is_word(b))
                    .count();
            if end == from {
                Err(ParseError::value(from, "a Call-ID word"))
            } else {
                Ok(end)
            }
        };
        let mut end = word(0)?;
        if value.get(end) == Some(&b'@') {
            end = word(end + 1)?;
        }
        if end != value.len() {
            return Err(ParseError::value(end, "end of Call-ID"));
        }
        Ok(())
    }
}

impl<'a> HeaderValue<'a> for CallId<'a> {
    fn parse(value: &'a [u8]) -> Result<Self> {
        Self::check(value)?;
        // Word characters are ASCII.
        Ok(Self(Cow::Borrowed(super::scan::ascii(value, 0)?)))
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.0.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ParseErrorKind;

    #[test]
    fn cseq() {
        let ok: &[(&[u8], u32, &str)] = &[
            (b"314159 INVITE", 314159, "INVITE"),
            (b"0009\r\n  INVITE", 9, "INVITE"),
            (b"4294967295 REGISTER", u32::MAX, "REGISTER"),
            (
                b"139122385 !interesting-Method0123456789_*+`.%indeed'~",
                139122385,
                "!interesting-Method0123456789_*+`.%indeed'~",
            ),
        ];
        for (input, n, m) in ok {
            let c = CSeq::parse(input).unwrap();
            assert_eq!((c.seq, &*c.method), (*n, *m));
            let mut out = Vec::new();
            c.encode(&mut out);
            assert_eq!(CSeq::parse(&out).unwrap(), c);
        }
        let e = CSeq::parse(b"36893488147419103232 REGISTER").unwrap_err();
        assert_eq!(e.kind, ParseErrorKind::Overflow);
        for bad in [
            &b"4294967296 INVITE"[..],
            b"1",
            b"1 ",
            b"INVITE",
            b"1INVITE",
            b"1 INVITE x",
            b"-1 INVITE",
            b"1 INV\xffITE",
            b"",
        ] {
            assert!(
                CSeq::parse(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn rack() {
        let r = RAck::parse(b"776656 1 INVITE").unwrap();
        assert_eq!((r.rseq, r.cseq, &*r.method), (776656, 1, "INVITE"));
        assert!(RAck::parse(b"1 INVITE").is_err());
        assert!(RAck::parse(b"99999999999 1 INVITE").is_err());
    }

    #[test]
    fn call_id() {
        for ok in [
            &b"a84b4c76e66710@pc33.example.com"[..],
            b"intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{",
            b"abc",
        ] {
            assert_eq!(CallId::parse(ok).unwrap().as_str().as_bytes(), ok);
        }
        for bad in [&b""[..], b"a@", b"@b", b"a b", b"a@b@c", b"a\xff", b"a;b"] {
            assert!(
                CallId::parse(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
