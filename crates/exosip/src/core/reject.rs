//! The checks a UAS makes before it lets a request reach a dialog or the
//! application (RFC 3261 section 8.2), and the error response for each.
//!
//! Order follows section 8.2: method (8.2.1), header and URI sanity
//! (8.2.2, via `Message::check_request`), extensions (8.2.2.3), content
//! (8.2.3). Max-Forwards: 0 is legal at an endpoint (RFC 4475 section
//! 3.3.11): the request is processed normally.

use sip_parser::{HeaderName, Message, Method};

use super::util::{ALLOW, new_tag};
use crate::config::Config;

/// Methods this UA implements in some state.
fn is_known(method: &Method) -> bool {
    matches!(
        method,
        Method::Invite
            | Method::Ack
            | Method::Bye
            | Method::Cancel
            | Method::Options
            | Method::Info
            | Method::Update
            | Method::Prack
            | Method::Notify
            | Method::Refer
            | Method::Message
    )
}

/// Methods whose body must be a session description (RFC 3261 section
/// 13.2.1, RFC 3311, RFC 3262).
fn wants_sdp(method: &Method) -> bool {
    matches!(method, Method::Invite | Method::Update | Method::Prack)
}

/// A response that rejects `req` with `status`, with a fresh To tag.
pub(crate) fn reject_with(req: &Message, status: u16, reason: Option<&str>) -> Message {
    let tag = new_tag();
    let mut r = Message::response_to(req, status, Some(&tag));
    if let Some(reason) = reason {
        r.set_status(status, reason);
    }
    r
}

/// Whether the list of media ranges of an Accept header admits `application/sdp`.
fn accepts_sdp(values: &[&[u8]]) -> bool {
    values.iter().any(|v| {
        let range = v.split(|&b| b == b';').next().unwrap_or_default();
        let range = String::from_utf8_lossy(range).trim().to_ascii_lowercase();
        matches!(range.as_str(), "application/sdp" | "application/*" | "*/*")
    })
}

/// The error response `req` must get, or `None` if the request is
/// acceptable. ACK is never answered (RFC 3261 section 17.2.3).
pub(crate) fn check(req: &Message, config: &Config) -> Option<Message> {
    let method = req.method()?;
    if *method == Method::Ack {
        return None;
    }
    // RFC 3261 section 8.2.2 sanity: 400 malformed / missing header, 416 scheme.
    if let Err(rej) = req.check_request() {
        return Some(reject_with(req, rej.status, Some(rej.reason)));
    }
    // Section 8.2.1: unknown method 501, known but not at a UA 405 + Allow.
    if !is_known(method) {
        let mut r = reject_with(req, if is_other(method) { 501 } else { 405 }, None);
        r.push_header(HeaderName::Allow, ALLOW);
        return Some(r);
    }
    // Section 8.2.2.3: Require with tags we do not support; not for CANCEL.
    if *method != Method::Cancel {
        let unsupported: Vec<String> = req
            .values(HeaderName::Require)
            .map(|t| String::from_utf8_lossy(t).trim().to_owned())
            .filter(|t| !t.is_empty() && !config.supports(t))
            .collect();
        if !unsupported.is_empty() {
            let mut r = reject_with(req, 420, None);
            r.push_header(HeaderName::Unsupported, unsupported.join(", "));
            return Some(r);
        }
    }
    // Section 8.2.3: Content-Encoding other than identity.
    let enc: Vec<&[u8]> = req.values(HeaderName::ContentEncoding).collect();
    if enc.iter().any(|e| !e.eq_ignore_ascii_case(b"identity")) {
        let mut r = reject_with(req, 415, None);
        r.push_header(HeaderName::AcceptEncoding, "identity");
        return Some(r);
    }
    if wants_sdp(method) && !req.body().is_empty() && !req.content_type_is("application/sdp") {
        let mut r = reject_with(req, 415, None);
        r.push_header(HeaderName::Accept, "application/sdp");
        return Some(r);
    }
    // RFC 3261 section 21.4.7 / RFC 4475 section 3.3.15: we can only answer with SDP.
    if *method == Method::Invite {
        let accept: Vec<&[u8]> = req.values(HeaderName::Accept).collect();
        if !accept.is_empty() && !accepts_sdp(&accept) {
            let mut r = reject_with(req, 406, None);
            r.push_header(HeaderName::Accept, "application/sdp");
            return Some(r);
        }
    }
    None
}

fn is_other(method: &Method) -> bool {
    !matches!(
        method,
        Method::Register | Method::Subscribe | Method::Publish
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(extra: &str, body: &str) -> Message {
        let text = format!(
            "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n\
             From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: c1\r\n\
             CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n{extra}Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        Message::parse(text.into_bytes()).unwrap()
    }

    fn status(m: &Message) -> Option<u16> {
        check(m, &Config::default()).and_then(|r| r.status())
    }

    #[test]
    fn accepts_a_plain_invite_and_max_forwards_zero() {
        assert_eq!(status(&req("", "")), None);
        let text = String::from_utf8(req("", "").to_vec())
            .unwrap()
            .replace("Max-Forwards: 70", "Max-Forwards: 0");
        assert_eq!(status(&Message::parse(text.into_bytes()).unwrap()), None);
    }

    #[test]
    fn unsupported_require_is_420_with_unsupported() {
        let cfg = Config {
            supported: vec!["100rel".into()],
            ..Config::default()
        };
        let r = check(&req("Require: foo, 100rel\r\n", ""), &cfg).unwrap();
        assert_eq!(r.status(), Some(420));
        assert_eq!(r.header(HeaderName::Unsupported), Some(&b"foo"[..]));
        assert!(r.to_tag().is_some());
    }

    #[test]
    fn wrong_body_type_and_encoding_are_415() {
        assert_eq!(
            status(&req("Content-Type: application/unknownformat\r\n", "x")),
            Some(415)
        );
        assert_eq!(
            status(&req(
                "Content-Type: application/sdp\r\nContent-Encoding: gzip\r\n",
                "v=0\r\n"
            )),
            Some(415)
        );
        assert_eq!(
            status(&req("Content-Type: application/sdp\r\n", "v=0\r\n")),
            None
        );
    }

    #[test]
    fn accept_without_sdp_is_406() {
        assert_eq!(
            status(&req("Accept: text/nobodyKnowsThis\r\n", "")),
            Some(406)
        );
        assert_eq!(
            status(&req("Accept: application/sdp;q=1, text/html\r\n", "")),
            None
        );
    }

    #[test]
    fn unknown_method_is_501_and_register_is_405() {
        let t = String::from_utf8(req("", "").to_vec())
            .unwrap()
            .replace("INVITE", "FOO");
        let r = check(&Message::parse(t.into_bytes()).unwrap(), &Config::default()).unwrap();
        assert_eq!(r.status(), Some(501));
        assert!(r.header(HeaderName::Allow).is_some());
        let t = String::from_utf8(req("", "").to_vec())
            .unwrap()
            .replace("INVITE", "REGISTER");
        assert_eq!(status(&Message::parse(t.into_bytes()).unwrap()), Some(405));
    }

    #[test]
    fn bad_scheme_is_416_and_missing_headers_400() {
        let t = String::from_utf8(req("", "").to_vec())
            .unwrap()
            .replace("INVITE sip:bob@127.0.0.1", "INVITE unknown:bob");
        assert_eq!(status(&Message::parse(t.into_bytes()).unwrap()), Some(416));
        let t = String::from_utf8(req("", "").to_vec())
            .unwrap()
            .replace("Call-ID: c1\r\n", "");
        assert_eq!(status(&Message::parse(t.into_bytes()).unwrap()), Some(400));
    }

    #[test]
    fn torture_semantic_rows_get_their_status() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/conformance/torture");
        let Ok(manifest) = std::fs::read_to_string(dir.join("MANIFEST.tsv")) else {
            eprintln!("torture manifest not found; skipped");
            return;
        };
        let expect = [
            ("unkscm", 416),
            ("novelsc", 416),
            ("bext01", 420),
            ("invut", 415),
            ("insuf", 400),
            ("multi01", 400),
            ("sdp01", 406),
            ("intmeth", 501),
        ];
        let mut checked = 0;
        for (name, code) in expect {
            assert!(manifest.contains(name));
            let Ok(bytes) = std::fs::read(dir.join(format!("{name}.sip"))) else {
                continue;
            };
            let Ok(msg) = Message::parse(bytes) else {
                continue;
            };
            assert_eq!(status(&msg), Some(code), "{name}");
            checked += 1;
        }
        assert!(checked >= 6, "only {checked} torture messages checked");
    }
}
