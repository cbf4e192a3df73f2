//! Full validation of one header value: the check a UAS makes before it
//! trusts a message (RFC 3261 sections 7.3, 8.2 and 25; RFC 4475).

use super::address::{check_contact_param, split};
use super::auth::{bearer_token, check_auth_params};
use super::media::MediaType;
use super::scan::{expect_end, number, skip_lws, token_at};
use super::text::{Date, Reason, RetryAfter, Warning};
use super::via::{check_via_param, scan_head as scan_via_head};
use super::*;
use crate::error::{ParseError, Result};
use crate::lex::{lws_len, split_list, trim};
use crate::uri::Uri;

/// Checks `value` against the grammar of header `name`.
///
/// List headers ([`HeaderName::is_list`]) are split at commas (outside
/// quotes and `<>`) and every element is checked; an empty element (e.g.
/// `Via: SIP/2.0/UDP a;branch=x,,` or a Contact with a trailing `;,`,
/// RFC 4475 section 3.1.2.1) is an error. Other known headers are checked
/// whole. [`HeaderName::Other`] and free-text headers (Subject,
/// Organization, User-Agent, Server, ...) are accepted as they are.
///
/// Error offsets are relative to `value`. Allocation-free for the common
/// headers.
pub fn validate(name: HeaderName, value: &[u8]) -> Result<()> {
    check_text(value)?;
    let lead = lws_len(value);
    let v = trim(value);
    let r = if name.is_list() {
        if v.is_empty() {
            if allows_empty(name) {
                return Ok(());
            }
            return Err(ParseError::value(lead, "a value"));
        }
        let mut r = Ok(());
        let mut first = true;
        for (off, el) in split_list(v) {
            if el.is_empty() {
                r = Err(ParseError::value(off, "a list element"));
                break;
            }
            // `Contact: *` is the whole value, never a list element
            // (RFC 3261 section 20.10: STAR / contact-param *(COMMA contact-param)).
            if name == HeaderName::Contact && !(first && off + el.len() == v.len()) && el == b"*" {
                r = Err(ParseError::value(off, "'*' as the only Contact value"));
                break;
            }
            first = false;
            if let Err(e) = check_one(name, el) {
                r = Err(e.shifted(off));
                break;
            }
        }
        r
    } else {
        check_one(name, v)
    };
    r.map_err(|e| e.shifted(lead))
}

/// Header text may hold no control byte: `TEXT-UTF8char = %x21-7E /
/// UTF8-NONASCII` with only LWS between (RFC 3261 section 25.1), so HTAB is
/// the one control byte allowed, plus the (CR)LF of a folded line, which is
/// always followed by SP or HTAB. A `quoted-pair` (in a quoted-string or a
/// comment) may escape any byte but CR and LF (RFC 4475 section 3.1.1.4).
fn check_text(value: &[u8]) -> Result<()> {
    // Branch-free first pass (vectorizes): most values hold no control byte.
    let ctl = value
        .iter()
        .fold(false, |acc, &b| acc | (b < 0x20) | (b == 0x7f));
    if !ctl {
        return Ok(());
    }
    let mut i = 0;
    while i < value.len() {
        let b = value[i];
        if b == b'\\' && !matches!(value.get(i + 1), None | Some(b'\r' | b'\n')) {
            i += 2;
            continue;
        }
        if (b >= 0x20 && b != 0x7f) || b == b'\t' {
            i += 1;
            continue;
        }
        let fold = match b {
            b'\r' => {
                value.get(i + 1) == Some(&b'\n') && matches!(value.get(i + 2), Some(b' ' | b'\t'))
            }
            b'\n' => matches!(value.get(i + 1), Some(b' ' | b'\t')),
            _ => false,
        };
        if !fold {
            return Err(ParseError::value(i, "text without control characters"));
        }
        i += 1;
    }
    Ok(())
}

/// List headers whose grammar allows an empty value (RFC 3261 section 20).
const fn allows_empty(name: HeaderName) -> bool {
    matches!(
        name,
        HeaderName::Accept
            | HeaderName::AcceptEncoding
            | HeaderName::AcceptLanguage
            | HeaderName::Allow
            | HeaderName::Supported
    )
}

/// Checks one value (one list element for list headers).
fn check_one(name: HeaderName, v: &[u8]) -> Result<()> {
    use HeaderName as H;
    match name {
        H::Via => {
            let (_, i) = scan_via_head(v)?;
            Params::check_generic(v, i, check_via_param)
        }
        H::Contact if v == b"*" => Ok(()),
        H::Contact => address(v, check_contact_param),
        H::From | H::To | H::ReplyTo | H::ReferTo | H::ReferredBy | H::PAssertedIdentity => {
            address(v, |_, _, _| Ok(()))
        }
        // `name-addr *( SEMI rr-param )` (RFC 3261 sections 20.30 and 20.34,
        // RFC 3327, RFC 3608): no addr-spec form.
        H::Route | H::RecordRoute | H::Path | H::ServiceRoute => name_addr(v, true),
        // `LAQUOT absoluteURI RAQUOT *( SEMI generic-param )` (RFC 3261
        // sections 20.4, 20.9 and 20.18): no display name, no addr-spec.
        H::AlertInfo | H::CallInfo | H::ErrorInfo => name_addr(v, false),
        H::CSeq => CSeq::scan(v).map(drop),
        H::CallId | H::InReplyTo => CallId::check(v),
        H::MaxForwards => MaxForwards::parse(v).map(drop),
        H::Expires | H::MinExpires | H::ContentLength | H::RSeq => Expires::parse(v).map(drop),
        H::MinSe | H::SessionExpires => session_expires(v),
        H::RAck => RAck::parse(v).map(drop),
        H::ContentType | H::Accept => {
            let (_, _, i) = MediaType::scan_head(v)?;
            Params::check_generic(v, i, |_, _, _| Ok(()))
        }
        H::Allow
        | H::Supported
        | H::Require
        | H::ProxyRequire
        | H::Unsupported
        | H::ContentEncoding
        | H::AllowEvents
        | H::SipETag
        | H::SipIfMatch
        | H::Priority
        | H::ContentLanguage => Token::check(v).map(drop),
        H::AcceptEncoding
        | H::AcceptLanguage
        | H::ContentDisposition
        | H::Event
        | H::SubscriptionState => {
            let i = token_at(v, 0, "a token")?;
            Params::check_generic(v, i, |_, _, _| Ok(()))
        }
        H::AcceptContact | H::RejectContact => {
            if v.first() != Some(&b'*') {
                return Err(ParseError::value(0, "'*'"));
            }
            Params::check_generic(v, 1, |_, _, _| Ok(()))
        }
        H::RequestDisposition => Token::check(v).map(drop),
        H::Authorization | H::ProxyAuthorization | H::WwwAuthenticate | H::ProxyAuthenticate => {
            let end = token_at(v, 0, "an auth scheme")?;
            let i = skip_lws(v, end);
            if i == end {
                return Err(ParseError::value(end, "LWS after the auth scheme"));
            }
            if matches!(name, H::Authorization | H::ProxyAuthorization)
                && bearer_token(&v[..end], &v[i..]).is_some()
            {
                return Ok(());
            }
            check_auth_params(v, i, |_, _, _, _| Ok(()))
        }
        H::AuthenticationInfo => check_auth_params(v, 0, |_, _, _, _| Ok(())),
        H::Replaces => Replaces::parse(v).map(drop),
        H::RetryAfter => RetryAfter::parse(v).map(drop),
        H::Date => Date::parse(v).map(drop),
        H::Warning => Warning::parse(v).map(drop),
        H::Reason => Reason::parse(v).map(drop),
        H::Timestamp => timestamp(v),
        H::MimeVersion => {
            let (_, i) = number(v, 0, u64::from(u32::MAX), "1*DIGIT")?;
            if v.get(i) != Some(&b'.') {
                return Err(ParseError::value(i, "'.'"));
            }
            let (_, end) = number(v, i + 1, u64::from(u32::MAX), "1*DIGIT")?;
            expect_end(v, end, "end of MIME-Version")
        }
        // Free text, opaque or unknown headers.
        _ => Ok(()),
    }
}

/// An address without building it: display name, URI, params. `split`
/// checks the display name (a quoted-string is checked to be UTF-8, an
/// unquoted one is tokens and LWS, so ASCII).
fn address(v: &[u8], check: impl FnMut(&[u8], Option<&[u8]>, usize) -> Result<()>) -> Result<()> {
    let (_, uri_start, uri_end, rest) = split(v)?;
    Uri::check(&v[uri_start..uri_end]).map_err(|e| e.shifted(uri_start))?;
    Params::check_generic(v, rest, check)
}

/// An address that must be in `<>` form, with a display name only if
/// `display` allows one.
fn name_addr(v: &[u8], display: bool) -> Result<()> {
    let (name, uri_start, uri_end, rest) = split(v)?;
    if uri_start == 0 || (!display && name.is_some()) {
        return Err(ParseError::value(0, "'<'"));
    }
    Uri::check(&v[uri_start..uri_end]).map_err(|e| e.shifted(uri_start))?;
    Params::check_generic(v, rest, |_, _, _| Ok(()))
}

/// `Session-Expires` / `Min-SE` without building the parameters: the same
/// checks as [`SessionExpires::parse`] (RFC 4028 sections 4 and 5).
fn session_expires(v: &[u8]) -> Result<()> {
    let (_, i) = number(v, 0, u64::from(u32::MAX), "delta-seconds (32 bits)")?;
    let mut refresher = None;
    Params::check_generic(v, i, |name, value, _| {
        if refresher.is_none() && name.eq_ignore_ascii_case(b"refresher") {
            refresher = Some(value);
        }
        Ok(())
    })?;
    match refresher {
        Some(Some(r)) if r.eq_ignore_ascii_case(b"uac") || r.eq_ignore_ascii_case(b"uas") => Ok(()),
        Some(_) => Err(ParseError::value(i, "refresher=uac or refresher=uas")),
        None => Ok(()),
    }
}

/// `Timestamp: 1*DIGIT [ "." *DIGIT ] [ LWS delay ]` (RFC 3261 section 20.38).
fn timestamp(v: &[u8]) -> Result<()> {
    let frac = |i: usize| {
        if v.get(i) == Some(&b'.') {
            i + 1 + v[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count()
        } else {
            i
        }
    };
    let (_, i) = number(v, 0, u64::MAX, "1*DIGIT")?;
    let i = frac(i);
    let d = skip_lws(v, i);
    if d == v.len() {
        return Ok(());
    }
    if d == i {
        return Err(ParseError::value(i, "LWS delay"));
    }
    let (_, end) = number(v, d, u64::MAX, "a delay")?;
    expect_end(v, frac(end), "end of Timestamp")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ParseErrorKind;

    #[test]
    fn valid_values() {
        let ok: &[(HeaderName, &[u8])] = &[
            (HeaderName::Via, b"SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/TCP b:5060;rport"),
            (HeaderName::Via, b"  SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8  ,\r\n SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239"),
            (HeaderName::Contact, b"*"),
            (HeaderName::Contact, b"\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33"),
            (HeaderName::Contact, b"<sip:a@b>;q=0.7, sip:+19725552222@gw1.example.net;unknownparam"),
            (HeaderName::To, b"sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n"),
            (HeaderName::From, b"Alice <sip:alice@a.example>;tag=1"),
            (HeaderName::CSeq, b"0009\r\n  INVITE"),
            (HeaderName::MaxForwards, b"0068"),
            (HeaderName::CallId, b"a@b"),
            (HeaderName::Accept, b""),
            (HeaderName::Accept, b"application/sdp, application/pkcs7-mime,\r\n        multipart/mixed, multipart/signed,\r\n        message/sip, message/sipfrag"),
            (HeaderName::ContentType, b"multipart/mixed;boundary=7a9cbec02ceef655"),
            (HeaderName::Require, b"nothingSupportsThis, nothingSupportsThisEither"),
            (HeaderName::Authorization, b"NoOneKnowsThisScheme opaque-data=here"),
            (HeaderName::Date, b"Sat, 15 Oct 2005 04:44:56 GMT"),
            (HeaderName::Subject, b""),
            (HeaderName::Other, b";;,,;;,;"),
            (HeaderName::UserAgent, b"\xff anything"),
            (HeaderName::Timestamp, b"54.3 0.5"),
            (HeaderName::MimeVersion, b"1.0"),
            (HeaderName::Route, b"<sip:services.example.com;lr;unknownwith=value;unknown-no-value>"),
            (HeaderName::Event, b"presence;id=1"),
            (HeaderName::Warning, b"399 a.example \"x\", 307 b \"y\""),
            (HeaderName::AcceptContact, b"*;audio"),
        ];
        for (name, v) in ok {
            validate(*name, v)
                .unwrap_or_else(|e| panic!("{name:?} {:?}: {e}", String::from_utf8_lossy(v)));
        }
    }

    #[test]
    fn invalid_values() {
        let bad: &[(HeaderName, &[u8], usize)] = &[
            (HeaderName::Via, b"SIP/2.0/UDP 192.0.2.15;;,;,,", 23),
            (HeaderName::Via, b"SIP/2.0/UDP a;branch=x,,", 23),
            (HeaderName::Contact, b"\"Joe\" <sip:joe@example.org>;;;;", 28),
            (HeaderName::Contact, b"<sip:a@b>;,", 10),
            (HeaderName::Contact, b"sip:user@example.com?Route=%3Csip:sip.example.com%3E", 20),
            (HeaderName::Contact, b"<sip:user@host129.example.com>\r\n  ;expires=280297596632815", 35),
            (HeaderName::CSeq, b"36893488147419103232 REGISTER", 0),
            (HeaderName::MaxForwards, b"300", 0),
            (HeaderName::Expires, b"10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", 0),
            (HeaderName::RetryAfter, b"949302838503028349304023988", 0),
            (HeaderName::Warning, b"1812 overture \"In Progress\"", 3),
            (HeaderName::To, b"\"Mr. J. User <sip:j.user@example.com>", 37),
            (HeaderName::To, b"\"Watson, Thomas\" < sip:t.watson@example.org >", 18),
            (HeaderName::From, b"Bell, Alexander <sip:a.g.bell@example.com>;tag=43", 4),
            (HeaderName::Date, b"Fri, 01 Jan 2010 16:00:00 EST", 26),
            (HeaderName::Contact, b"", 0),
            (HeaderName::CallId, b" ", 1),
        ];
        for (name, v, off) in bad {
            let e = validate(*name, v)
                .expect_err(&format!("{name:?} {:?}", String::from_utf8_lossy(v)));
            assert_eq!(
                e.offset,
                *off,
                "{name:?} {:?}: {e}",
                String::from_utf8_lossy(v)
            );
        }
        assert_eq!(
            validate(HeaderName::CSeq, b" 99999999999 INVITE").unwrap_err(),
            ParseError::new(ParseErrorKind::Overflow, 1, "a CSeq number (32 bits)")
        );
    }
}
