//! The single pass over a message head: start line, header lines (with
//! folding), Content-Length (RFC 3261 sections 7.1 to 7.5 and 25).

use memchr::memchr;

use crate::config::ParserConfig;
use crate::error::{ParseError, ParseErrorKind as K, Result};
use crate::header::HeaderName;
use crate::lex::{is_token, parse_u64};
use crate::method::Method;
use crate::span::Span;

/// The first line of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StartLine {
    /// `Method SP Request-URI SP SIP-Version` (RFC 3261 section 7.1).
    Request { method: Method, uri: Span },
    /// `SIP-Version SP Status-Code SP Reason-Phrase` (RFC 3261 section 7.2).
    Response { code: u16, reason: Span },
}

/// One header line: its name as recognised, the name's spelling and the
/// value (LWS-trimmed, folded line breaks kept inside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawHeader {
    pub(crate) name: HeaderName,
    pub(crate) name_span: Span,
    pub(crate) value: Span,
}

/// What the head scan found.
#[derive(Debug)]
pub(crate) struct Head {
    pub(crate) msg_start: usize,
    pub(crate) start: StartLine,
    pub(crate) headers: Vec<RawHeader>,
    /// Offset of the first body byte (just past the empty line).
    pub(crate) body_start: usize,
    pub(crate) content_length: Option<usize>,
}

/// Finds the end of a line starting at `pos`: returns (end of content,
/// start of next line). Requires CRLF unless bare LF is allowed.
#[inline]
fn line_end(buf: &[u8], pos: usize, cfg: &ParserConfig) -> Result<(usize, usize)> {
    let rel = memchr(b'\n', &buf[pos..])
        .ok_or_else(|| ParseError::new(K::Incomplete, buf.len(), "CRLF"))?;
    let nl = pos + rel;
    if nl > pos && buf[nl - 1] == b'\r' {
        Ok((nl - 1, nl + 1))
    } else if cfg.allow_lf_line_ends {
        Ok((nl, nl + 1))
    } else {
        Err(ParseError::new(K::HeaderValue, nl, "CR before LF"))
    }
}

/// Scans the head of the message at the start of `buf`.
pub(crate) fn scan_head(buf: &[u8], cfg: &ParserConfig) -> Result<Head> {
    // RFC 3261 section 7.5: CRLFs before the start line are ignored.
    let mut pos = 0;
    while pos < buf.len() && (buf[pos] == b'\r' || buf[pos] == b'\n') {
        pos += 1;
    }
    let msg_start = pos;
    if pos >= buf.len() {
        return Err(ParseError::new(K::Incomplete, pos, "a start line"));
    }
    let (end, next) = line_end(buf, pos, cfg)?;
    let start = start_line(buf, pos, end)?;
    pos = next;

    let mut headers = Vec::with_capacity(24);
    let mut content_length: Option<usize> = None;
    loop {
        let Some(&first) = buf.get(pos) else {
            return Err(ParseError::new(
                K::Incomplete,
                pos,
                "a header or the empty line",
            ));
        };
        if first == b'\r' {
            if buf.get(pos + 1) == Some(&b'\n') {
                pos += 2;
                break;
            }
            return Err(ParseError::new(K::HeaderName, pos, "CRLF"));
        }
        if first == b'\n' && cfg.allow_lf_line_ends {
            pos += 1;
            break;
        }
        if first == b' ' || first == b'\t' {
            return Err(ParseError::new(
                K::HeaderName,
                pos,
                "a header name, not a continuation line",
            ));
        }
        // Find the end of the header, following folded continuation lines.
        let line_start = pos;
        let (mut end, mut next) = line_end(buf, pos, cfg)?;
        while matches!(buf.get(next), Some(b' ' | b'\t')) {
            (end, next) = line_end(buf, next, cfg)?;
        }
        if end - line_start > cfg.max_header_line {
            return Err(ParseError::new(
                K::HeaderTooLong,
                line_start,
                "a shorter header line",
            ));
        }
        let line = &buf[line_start..end];
        let colon = memchr(b':', line).ok_or_else(|| {
            ParseError::new(K::HeaderName, line_start, "':' after the header name")
        })?;
        let mut name_end = colon;
        while name_end > 0 && matches!(line[name_end - 1], b' ' | b'\t') {
            name_end -= 1;
        }
        let name_bytes = &line[..name_end];
        if name_bytes.is_empty() || !name_bytes.iter().all(|&b| is_token(b)) {
            return Err(ParseError::new(
                K::HeaderName,
                line_start,
                "a header name token",
            ));
        }
        let mut vs = colon + 1;
        let mut ve = line.len();
        while vs < ve && crate::lex::is_lws(line[vs]) {
            vs += 1;
        }
        while ve > vs && crate::lex::is_lws(line[ve - 1]) {
            ve -= 1;
        }
        let name = HeaderName::from_bytes(name_bytes);
        if name == HeaderName::ContentLength {
            let v = &line[vs..ve];
            let n = parse_u64(v, u32::MAX as u64).ok_or_else(|| {
                ParseError::new(
                    K::ContentLength,
                    line_start + vs,
                    "a decimal Content-Length",
                )
            })? as usize;
            if content_length.is_some_and(|old| old != n) {
                return Err(ParseError::new(
                    K::ContentLength,
                    line_start,
                    "one Content-Length value",
                ));
            }
            content_length = Some(n);
        }
        if headers.len() == cfg.max_headers {
            return Err(ParseError::new(
                K::TooManyHeaders,
                line_start,
                "fewer headers",
            ));
        }
        headers.push(RawHeader {
            name,
            name_span: Span::buf(line_start, line_start + name_end),
            value: Span::buf(line_start + vs, line_start + ve),
        });
        pos = next;
    }
    Ok(Head {
        msg_start,
        start,
        headers,
        body_start: pos,
        content_length,
    })
}

/// Whether `v` spells `SIP/2.0` (the protocol name is case-insensitive).
fn is_sip20(v: &[u8]) -> bool {
    v.len() == 7 && v[..4].eq_ignore_ascii_case(b"SIP/") && &v[4..] == b"2.0"
}

/// Whether `v` looks like some `SIP/x.y` version (for a 505 rather than a 400).
fn looks_like_version(v: &[u8]) -> bool {
    v.len() > 4
        && v[..4].eq_ignore_ascii_case(b"SIP/")
        && v[4..].iter().all(|b| b.is_ascii_digit() || *b == b'.')
}

fn start_line(buf: &[u8], pos: usize, end: usize) -> Result<StartLine> {
    let line = &buf[pos..end];
    if line.len() >= 4 && line[..4].eq_ignore_ascii_case(b"SIP/") {
        return status_line(line, pos);
    }
    let sp = memchr(b' ', line)
        .ok_or_else(|| ParseError::new(K::RequestLine, pos, "SP after the method"))?;
    let method = Method::from_bytes(&line[..sp])
        .ok_or_else(|| ParseError::new(K::Method, pos, "a method token"))?;
    let rest = &line[sp + 1..];
    let sp2 = memchr(b' ', rest)
        .ok_or_else(|| ParseError::new(K::RequestLine, pos + sp + 1, "SP after the Request-URI"))?;
    let uri = &rest[..sp2];
    let uri_off = pos + sp + 1;
    check_request_uri(uri).map_err(|e| e.shifted(uri_off))?;
    let version = &rest[sp2 + 1..];
    if !is_sip20(version) {
        let off = uri_off + sp2 + 1;
        return Err(if looks_like_version(version) {
            ParseError::new(K::Version, off, "SIP/2.0")
        } else {
            ParseError::new(K::RequestLine, off, "SIP/2.0 and the line end")
        });
    }
    Ok(StartLine::Request {
        method,
        uri: Span::buf(uri_off, uri_off + uri.len()),
    })
}

/// The cheap Request-URI check made while scanning: a scheme, a colon and no
/// white space, control bytes, quotes or angle brackets. The full URI
/// grammar is checked by [`crate::Message::validate`].
fn check_request_uri(uri: &[u8]) -> Result<()> {
    let colon = memchr(b':', uri).ok_or_else(|| ParseError::uri(0, "a URI scheme and ':'"))?;
    let scheme = &uri[..colon];
    let ok_scheme = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !ok_scheme {
        return Err(ParseError::uri(0, "a URI scheme"));
    }
    if colon + 1 == uri.len() {
        return Err(ParseError::uri(colon + 1, "a URI after the scheme"));
    }
    if let Some(i) = uri
        .iter()
        .position(|&b| b <= b' ' || b == 0x7f || matches!(b, b'<' | b'>' | b'"'))
    {
        return Err(ParseError::uri(i, "a URI character"));
    }
    Ok(())
}

fn status_line(line: &[u8], pos: usize) -> Result<StartLine> {
    let sp = memchr(b' ', line)
        .ok_or_else(|| ParseError::new(K::StatusLine, pos, "SP after SIP/2.0"))?;
    let version = &line[..sp];
    if !is_sip20(version) {
        return Err(ParseError::new(K::Version, pos, "SIP/2.0"));
    }
    let rest = &line[sp + 1..];
    let code_end = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
    let digits = &rest[..code_end];
    let code_off = pos + sp + 1;
    if digits.len() != 3 {
        return Err(ParseError::new(
            K::StatusCode,
            code_off,
            "a three-digit status code",
        ));
    }
    let code = parse_u64(digits, 699)
        .filter(|&c| c >= 100)
        .ok_or_else(|| ParseError::new(K::StatusCode, code_off, "a status code from 100 to 699"))?
        as u16;
    let reason_start = (code_off + code_end + 1).min(pos + line.len());
    Ok(StartLine::Response {
        code,
        reason: Span::buf(reason_start, pos + line.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(s: &[u8]) -> Result<Head> {
        scan_head(s, &ParserConfig::default())
    }

    #[test]
    fn request_line_errors() {
        let k = |s: &[u8]| scan(s).unwrap_err().kind;
        assert_eq!(k(b"INVITE sip:a@b SIP/7.0\r\n\r\n"), K::Version);
        assert_eq!(k(b"INVITE sip:a@b SIP/2.0 \r\n\r\n"), K::RequestLine);
        assert_eq!(k(b"INVITE  sip:a@b SIP/2.0\r\n\r\n"), K::Uri);
        assert_eq!(k(b"INVITE <sip:a@b> SIP/2.0\r\n\r\n"), K::Uri);
        assert_eq!(k(b"INVITE sip:a@b; lr SIP/2.0\r\n\r\n"), K::RequestLine);
        assert_eq!(k(b"IN\x01VITE sip:a@b SIP/2.0\r\n\r\n"), K::Method);
        assert_eq!(k(b"INVITE\r\n\r\n"), K::RequestLine);
        assert_eq!(k(b"SIP/2.0 4294967301 Big\r\n\r\n"), K::StatusCode);
        assert_eq!(k(b"SIP/2.0 099 Low\r\n\r\n"), K::StatusCode);
        assert_eq!(k(b"SIP/3.0 200 OK\r\n\r\n"), K::Version);
        assert_eq!(k(b"INVITE sip:a@b SIP/2.0\r\n"), K::Incomplete);
        assert_eq!(k(b""), K::Incomplete);
        assert_eq!(
            k(b"INVITE sip:a@b SIP/2.0\r\n folded\r\n\r\n"),
            K::HeaderName
        );
        assert_eq!(
            k(b"INVITE sip:a@b SIP/2.0\r\nNo colon\r\n\r\n"),
            K::HeaderName
        );
        assert_eq!(
            k(b"INVITE sip:a@b SIP/2.0\r\nl: -1\r\n\r\n"),
            K::ContentLength
        );
        assert_eq!(
            k(b"INVITE sip:a@b SIP/2.0\r\nl: 1\r\nContent-Length: 2\r\n\r\n"),
            K::ContentLength
        );
    }

    #[test]
    fn folding_and_compact_names() {
        let h = scan(b"SIP/2.0 180 \r\nv : SIP/2.0/UDP a\r\n  ;branch=z9hG4bK1\r\nl: 0\r\n\r\n")
            .unwrap();
        assert_eq!(h.headers.len(), 2);
        assert_eq!(h.headers[0].name, HeaderName::Via);
        assert_eq!(h.content_length, Some(0));
        assert!(
            matches!(h.start, StartLine::Response { code: 180, reason } if reason.start() == reason.end())
        );
    }

    #[test]
    fn header_limits() {
        let cfg = ParserConfig::default().max_headers(1);
        let e = scan_head(b"OPTIONS sip:a SIP/2.0\r\nA: 1\r\nB: 2\r\n\r\n", &cfg).unwrap_err();
        assert_eq!(e.kind, K::TooManyHeaders);
        let cfg = ParserConfig::default().max_header_line(5);
        let e = scan_head(b"OPTIONS sip:a SIP/2.0\r\nA: 123456\r\n\r\n", &cfg).unwrap_err();
        assert_eq!(e.kind, K::HeaderTooLong);
    }
}
