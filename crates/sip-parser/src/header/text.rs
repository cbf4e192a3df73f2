//! `Retry-After`, `Date`, `Warning`, `Reason`, `User-Agent` / `Server`
//! (RFC 3261 sections 20.17, 20.33, 20.35, 20.41, 20.43; RFC 3326).

use std::borrow::Cow;

use super::scan::{ascii, number, quoted, skip_lws, token, unquote};
use super::{HeaderValue, Params};
use crate::error::{ParseError, ParseErrorKind, Result};

/// Index after a `comment` starting at `s[i] == b'('` (nested, with
/// quoted-pairs; RFC 3261 section 25.1).
fn comment_end(s: &[u8], i: usize) -> Result<usize> {
    let mut depth = 0usize;
    let mut j = i;
    while j < s.len() {
        match s[j] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(j + 1);
                }
            }
            b'\\' => j += 1,
            _ => {}
        }
        j += 1;
    }
    Err(ParseError::value(s.len(), "')'"))
}

/// `Retry-After: delta-seconds [ comment ] *( SEMI retry-param )`
/// (RFC 3261 section 20.33); the delta must fit 32 bits (RFC 4475 section 3.1.2.5).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RetryAfter<'a> {
    /// Seconds to wait.
    pub delta: u32,
    /// The comment with its parentheses, if any.
    pub comment: Option<Cow<'a, str>>,
    /// `duration` and extension parameters.
    pub params: Params<'a>,
}

impl RetryAfter<'_> {
    /// The `duration` parameter in seconds.
    pub fn duration(&self) -> Option<u32> {
        self.params.str("duration")?.parse().ok()
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> RetryAfter<'static> {
        RetryAfter {
            delta: self.delta,
            comment: self.comment.map(|c| Cow::Owned(c.into_owned())),
            params: self.params.into_owned(),
        }
    }
}

impl<'a> HeaderValue<'a> for RetryAfter<'a> {
    fn parse(value: &'a [u8]) -> Result<Self> {
        let (delta, mut i) = number(value, 0, u64::from(u32::MAX), "delta-seconds (32 bits)")?;
        let c = skip_lws(value, i);
        let mut comment = None;
        if value.get(c) == Some(&b'(') {
            let end = comment_end(value, c)?;
            comment = Some(Cow::Borrowed(ascii(&value[c..end], c)?));
            i = end;
        }
        let params = Params::parse_generic(value, i)?;
        if let Some(d) = params.get("duration") {
            if d.value()
                .and_then(|v| crate::lex::parse_u64(v.as_bytes(), u64::from(u32::MAX)))
                .is_none()
            {
                return Err(ParseError::new(
                    ParseErrorKind::Overflow,
                    i,
                    "duration delta-seconds",
                ));
            }
        }
        Ok(Self {
            delta: delta as u32,
            comment,
            params,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.delta.to_string().as_bytes());
        if let Some(c) = &self.comment {
            out.push(b' ');
            out.extend_from_slice(c.as_bytes());
        }
        self.params.encode(out);
    }
}

/// `Date: rfc1123-date` (RFC 3261 section 20.17), e.g.
/// `Sat, 13 Nov 2010 23:29:00 GMT`; the zone must be `GMT` (RFC 4475
/// section 3.1.2.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Date {
    /// Day of the week, 0 = Monday.
    pub weekday: u8,
    /// Day of the month, 1..=31.
    pub day: u8,
    /// Month, 1..=12.
    pub month: u8,
    /// Year.
    pub year: u16,
    /// Hour, 0..=23.
    pub hour: u8,
    /// Minute, 0..=59.
    pub minute: u8,
    /// Second, 0..=60.
    pub second: u8,
}

const WEEKDAYS: [&[u8; 3]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

impl HeaderValue<'_> for Date {
    fn parse(v: &[u8]) -> Result<Self> {
        // "Sat, 13 Nov 2010 23:29:00 GMT" is exactly 29 bytes.
        let bad = |off, what| Err(ParseError::value(off, what));
        if v.len() != 29 {
            return bad(v.len().min(26), "an RFC 1123 date ending in GMT");
        }
        let digits =
            |from: usize, n: usize, max: u64| crate::lex::parse_u64(&v[from..from + n], max);
        let Some(weekday) = WEEKDAYS.iter().position(|d| &v[..3] == *d) else {
            return bad(0, "a weekday");
        };
        if &v[3..5] != b", "
            || v[7] != b' '
            || v[11] != b' '
            || v[16] != b' '
            || v[19] != b':'
            || v[22] != b':'
            || v[25] != b' '
        {
            return bad(3, "the RFC 1123 date layout");
        }
        let Some(month) = MONTHS.iter().position(|m| &v[8..11] == *m) else {
            return bad(8, "a month");
        };
        if &v[26..] != b"GMT" {
            return bad(26, "GMT");
        }
        let (Some(day), Some(year), Some(hour), Some(minute), Some(second)) = (
            digits(5, 2, 31),
            digits(12, 4, 9999),
            digits(17, 2, 23),
            digits(20, 2, 59),
            digits(23, 2, 60),
        ) else {
            return bad(5, "date and time digits");
        };
        if day == 0 {
            return bad(5, "a day 1..=31");
        }
        Ok(Self {
            weekday: weekday as u8,
            day: day as u8,
            month: month as u8 + 1,
            year: year as u16,
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        let w = WEEKDAYS[usize::from(self.weekday % 7)];
        let m = MONTHS[usize::from((self.month.clamp(1, 12)) - 1)];
        let s = format!(
            "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
            String::from_utf8_lossy(w),
            self.day,
            String::from_utf8_lossy(m),
            self.year,
            self.hour,
            self.minute,
            self.second
        );
        out.extend_from_slice(s.as_bytes());
    }
}

/// One `Warning` element: `warn-code SP warn-agent SP warn-text`
/// (RFC 3261 section 20.43); the code is exactly three digits (RFC 4475
/// section 3.1.2.5).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Warning<'a> {
    /// The three-digit warn-code (e.g. 399).
    pub code: u16,
    /// The warn-agent: `host[:port]` or pseudonym.
    pub agent: Cow<'a, str>,
    /// The warn-text as written, with quotes (see [`Warning::text_unquoted`]).
    pub text: Cow<'a, str>,
}

impl Warning<'_> {
    /// The warning text without quotes and escapes.
    pub fn text_unquoted(&self) -> Cow<'_, str> {
        unquote(&self.text)
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> Warning<'static> {
        Warning {
            code: self.code,
            agent: Cow::Owned(self.agent.into_owned()),
            text: Cow::Owned(self.text.into_owned()),
        }
    }
}

impl<'a> HeaderValue<'a> for Warning<'a> {
    fn parse(v: &'a [u8]) -> Result<Self> {
        let d = v.iter().take_while(|b| b.is_ascii_digit()).count();
        if d != 3 {
            return Err(ParseError::value(d.min(3), "a three-digit warn-code"));
        }
        let a = skip_lws(v, 3);
        let a_end = a + v[a..]
            .iter()
            .take_while(|&&b| crate::lex::is_token(b) || matches!(b, b':' | b'[' | b']'))
            .count();
        if a == 3 || a_end == a {
            return Err(ParseError::value(a, "SP warn-agent"));
        }
        let t = skip_lws(v, a_end);
        if t == a_end {
            return Err(ParseError::value(t, "SP warn-text"));
        }
        let end = quoted(v, t)?;
        super::scan::expect_end(v, end, "end of Warning")?;
        Ok(Self {
            code: crate::lex::parse_u64(&v[..3], 999).unwrap_or_default() as u16,
            agent: Cow::Borrowed(ascii(&v[a..a_end], a)?),
            text: Cow::Borrowed(ascii(&v[t..end], t)?),
        })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(format!("{:03} ", self.code).as_bytes());
        out.extend_from_slice(self.agent.as_bytes());
        out.push(b' ');
        out.extend_from_slice(self.text.as_bytes());
    }
}

/// One `Reason` element: `protocol *( SEMI reason-params )` with `cause`
/// and `text` (RFC 3326 section 2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reason<'a> {
    /// `SIP`, `Q.850` or another token.
    pub protocol: Cow<'a, str>,
    /// `cause`, `text` and extension parameters.
    pub params: Params<'a>,
}

impl Reason<'_> {
    /// The `cause` parameter.
    pub fn cause(&self) -> Option<u16> {
        self.params.str("cause")?.parse().ok()
    }
    /// The `text` parameter, unquoted.
    pub fn text(&self) -> Option<Cow<'_, str>> {
        self.params.get("text")?.unquoted()
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> Reason<'static> {
        Reason {
            protocol: Cow::Owned(self.protocol.into_owned()),
            params: self.params.into_owned(),
        }
    }
}

impl<'a> HeaderValue<'a> for Reason<'a> {
    fn parse(v: &'a [u8]) -> Result<Self> {
        let (protocol, i) = token(v, 0, "a reason protocol")?;
        let params = Params::parse_generic(v, i)?;
        if let Some(c) = params.get("cause") {
            if c.value()
                .and_then(|c| crate::lex::parse_u64(c.as_bytes(), 65535))
                .is_none()
            {
                return Err(ParseError::value(i, "cause digits"));
            }
        }
        Ok(Self {
            protocol: Cow::Borrowed(protocol),
            params,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.protocol.as_bytes());
        self.params.encode(out);
    }
}

/// `User-Agent` / `Server`: products and comments (RFC 3261 sections
/// 20.35, 20.41). Parsed leniently: any non-empty UTF-8 text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserAgent<'a>(pub Cow<'a, str>);

/// The `Server` header value (RFC 3261 section 20.35).
pub type Server<'a> = UserAgent<'a>;

impl UserAgent<'_> {
    /// The whole text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first product (`name[/version]`), if the text starts with one.
    pub fn product(&self) -> Option<&str> {
        let p = self
            .0
            .split(|c: char| c.is_ascii_whitespace() || c == '(')
            .next()?;
        (!p.is_empty()).then_some(p)
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> UserAgent<'static> {
        UserAgent(Cow::Owned(self.0.into_owned()))
    }
}

impl<'a> HeaderValue<'a> for UserAgent<'a> {
    fn parse(v: &'a [u8]) -> Result<Self> {
        if v.is_empty() {
            return Err(ParseError::value(0, "a product"));
        }
        Ok(Self(Cow::Borrowed(ascii(v, 0)?)))
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.0.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after() {
        let r = RetryAfter::parse(b"18000;duration=3600").unwrap();
        assert_eq!((r.delta, r.duration()), (18000, Some(3600)));
        let r = RetryAfter::parse(b"120 (I'm in a meeting (really))").unwrap();
        assert_eq!(r.comment.as_deref(), Some("(I'm in a meeting (really))"));
        let mut out = Vec::new();
        r.encode(&mut out);
        assert_eq!(RetryAfter::parse(&out).unwrap(), r);
        assert_eq!(
            RetryAfter::parse(b"949302838503028349304023988")
                .unwrap_err()
                .kind,
            ParseErrorKind::Overflow
        );
        for bad in [
            &b""[..],
            b"x",
            b"1 (a",
            b"1;",
            b"1;duration=99999999999",
            b"1 x",
        ] {
            assert!(
                RetryAfter::parse(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn date() {
        let d = Date::parse(b"Sat, 15 Oct 2005 04:44:56 GMT").unwrap();
        assert_eq!(
            (d.year, d.month, d.day, d.hour, d.minute, d.second),
            (2005, 10, 15, 4, 44, 56)
        );
        let mut out = Vec::new();
        d.encode(&mut out);
        assert_eq!(out, b"Sat, 15 Oct 2005 04:44:56 GMT");
        for bad in [
            &b"Fri, 01 Jan 2010 16:00:00 EST"[..],
            b"",
            b"Sat, 15 Oct 2005 04:44:56",
            b"Xyz, 15 Oct 2005 04:44:56 GMT",
            b"Sat, 15 Foo 2005 04:44:56 GMT",
            b"Sat, 15 Oct 2005 24:44:56 GMT",
            b"Sat,  5 Oct 2005 04:44:56 GMT",
            b"Sat, 00 Oct 2005 04:44:56 GMT",
        ] {
            assert!(
                Date::parse(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn warning() {
        let w = Warning::parse(b"307 isi.edu \"Session parameter 'foo' not understood\"").unwrap();
        assert_eq!((w.code, &*w.agent), (307, "isi.edu"));
        assert_eq!(w.text_unquoted(), "Session parameter 'foo' not understood");
        Warning::parse(b"399 [2001:db8::1]:5060 \"x\"").unwrap();
        for bad in [
            &b"1812 overture \"In Progress\""[..],
            b"99 a \"x\"",
            b"399 a",
            b"399 \"x\"",
            b"399 a x",
            b"399 a \"x",
            b"399a \"x\"",
        ] {
            assert!(
                Warning::parse(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn reason_and_products() {
        let r = Reason::parse(b"SIP ;cause=200 ;text=\"Call completed elsewhere\"").unwrap();
        assert_eq!((&*r.protocol, r.cause()), ("SIP", Some(200)));
        assert_eq!(r.text().as_deref(), Some("Call completed elsewhere"));
        assert!(Reason::parse(b"Q.850;cause=abc").is_err());
        assert!(Reason::parse(b"").is_err());
        let u = UserAgent::parse(b"SIPimp.org/0.2.5 (curses)").unwrap();
        assert_eq!(u.product(), Some("SIPimp.org/0.2.5"));
        assert!(UserAgent::parse(b"\xff").is_err());
    }
}
