//! Whole messages through `Message::parse` + `Message::validate`: legal but
//! unusual forms that must pass and forms the RFC 3261 section 25 grammar
//! (and its extensions) rules out.

use sip_parser::Message;
use sip_parser::header::{Auth, HeaderName, HeaderValue, validate};

/// An INVITE with `extra` header lines (each ending in CRLF) inserted.
fn invite(extra: &str) -> Vec<u8> {
    format!(
        "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
         Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds\r\n\
         Max-Forwards: 70\r\n\
         To: Bob <sip:bob@biloxi.example.com>\r\n\
         From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
         Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
         CSeq: 314159 INVITE\r\n\
         {extra}Content-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

fn check(extra: &str) -> Result<(), sip_parser::ParseError> {
    Message::parse(invite(extra))?.validate()
}

#[test]
fn request_disposition_is_a_list() {
    // RFC 3841 section 10: Request-Disposition = "d" / ... HCOLON directive *(COMMA directive).
    check("Request-Disposition: proxy, recurse, parallel\r\n").unwrap();
    check("d: no-cancel\r\n").unwrap();
    assert!(HeaderName::RequestDisposition.is_list());
    assert!(check("Request-Disposition: proxy recurse\r\n").is_err());
    assert!(check("Request-Disposition: proxy,,recurse\r\n").is_err());
}

#[test]
fn bearer_credentials() {
    // RFC 8898 section 2 / 6: credentials =/ "Bearer" LWS b64token (RFC 6750).
    for v in [
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.a_b-c~d+e/f\r\n",
        "Proxy-Authorization: bearer dXNlcjpwYXNz==\r\n",
        "Authorization: Bearer realm=\"x\", scope=\"y\"\r\n",
    ] {
        check(v).unwrap_or_else(|e| panic!("{v}: {e}"));
    }
    let a = Auth::parse(b"Bearer abc.def==").unwrap();
    assert!(!a.is_digest());
    assert_eq!(a.scheme, "Bearer");
    assert_eq!(a.params.len(), 1);
    assert_eq!(a.params[0].name, "abc.def==");
    assert_eq!(a.params[0].value, None);
    let mut out = Vec::new();
    a.encode(&mut out);
    assert_eq!(out, b"Bearer abc.def==");
    // Other schemes keep the RFC 3261 auth-param grammar (`Bearer ab=c`
    // is an auth-param); a token is no Digest response and '=' may only
    // end a b64token.
    check("Authorization: Bearer ab=c\r\n").unwrap();
    for v in [
        "Authorization: Digest abcdef\r\n",
        "Authorization: Basic dXNlcjpwYXNz\r\n",
        "Authorization: Bearer ab==c\r\n",
        "Authorization: Bearer a b\r\n",
        "Authorization: Bearer\r\n",
        "WWW-Authenticate: Bearer abc\r\n",
    ] {
        assert!(check(v).is_err(), "{v}");
    }
}

#[test]
fn contact_star_stands_alone() {
    // RFC 3261 section 20.10 / 25.1: Contact = ( STAR / (contact-param *(COMMA contact-param)) ).
    let register = |contacts: &str| {
        let m = String::from_utf8(invite(contacts))
            .unwrap()
            .replace("INVITE", "REGISTER");
        Message::parse(m.into_bytes()).unwrap().validate()
    };
    register("Contact: *\r\nExpires: 0\r\n").unwrap();
    register("Contact:   *  \r\nExpires: 0\r\n").unwrap();
    assert!(register("Contact: *, <sip:a@b>\r\n").is_err());
    assert!(register("Contact: <sip:a@b>, *\r\n").is_err());
    assert!(register("Contact: *\r\nContact: <sip:a@b>\r\n").is_err());
    assert!(register("Contact: *;expires=0\r\n").is_err());
}

#[test]
fn name_addr_only_headers_need_angle_brackets() {
    // route-param / rec-route / path-value / sr-value = name-addr *( SEMI rr-param ):
    // without <> the ;lr would be a header param, not the URI's.
    for name in ["Route", "Record-Route", "Path", "Service-Route"] {
        check(&format!(
            "{name}: <sip:p1.example.com;lr>, \"P2\" <sip:p2.example.com;lr>\r\n"
        ))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            check(&format!("{name}: sip:p1.example.com;lr\r\n")).is_err(),
            "{name}"
        );
        assert!(
            check(&format!(
                "{name}: <sip:p1.example.com;lr>, sip:p2.example.com\r\n"
            ))
            .is_err(),
            "{name}"
        );
    }
    // alert-param / info / error-uri = LAQUOT absoluteURI RAQUOT *( SEMI generic-param ).
    for name in ["Alert-Info", "Call-Info", "Error-Info"] {
        check(&format!("{name}: <http://www.example.com/sounds/moo.wav>;purpose=icon, <urn:alert:service:call-waiting>\r\n"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            check(&format!("{name}: http://www.example.com/x.wav\r\n")).is_err(),
            "{name}"
        );
        assert!(
            check(&format!("{name}: \"x\" <http://www.example.com/x.wav>\r\n")).is_err(),
            "{name}"
        );
    }
    // name-addr / addr-spec headers keep both forms.
    check("P-Asserted-Identity: tel:+14085264000, \"C J\" <sip:fluffy@cisco.com>\r\n").unwrap();
    check("Reply-To: sip:bob@biloxi.com\r\n").unwrap();
}

#[test]
fn control_characters_are_not_header_text() {
    // TEXT-UTF8char = %x21-7E / UTF8-NONASCII; only LWS (SP, HTAB, folding
    // CRLF) may come between: a control byte is invalid in any header value.
    for v in [
        "Subject: a\u{1}b\r\n",
        "User-Agent: a\u{7f}b\r\n",
        "X-Custom: a\u{0}b\r\n",
        "Contact: <sip:a@b>;x=\"\u{2}\"\r\n",
        "Subject: a\rb\r\n",
    ] {
        assert!(check(v).is_err(), "{v:?}");
    }
    assert!(validate(HeaderName::Other, b"a\x1bb").is_err());
    // A quoted-pair may escape a control byte (RFC 4475 section 3.1.1.4).
    check("To-Do: x\r\nX-Q: \"a\\\u{7}b\\\u{0}\"\r\n").unwrap();
    // Folding and tabs stay legal, also with bare-LF line ends.
    check("Subject: a\tb\r\n  c\r\nX-Custom:\tx\r\n\ty\r\n").unwrap();
    let lf = String::from_utf8(invite("Subject: a\r\n b\r\n"))
        .unwrap()
        .replace("\r\n", "\n");
    Message::parse(lf.into_bytes()).unwrap().validate().unwrap();
}

#[test]
fn ipv6_triple_colon_only_before_ipv4() {
    // RFC 5118 section 4.10 tolerates "::" written ":::" before an embedded
    // IPv4 address (the RFC 3261 ABNF bug); elsewhere ":::" is no IPv6address.
    let with_ruri = |u: &str| {
        let m = String::from_utf8(invite(""))
            .unwrap()
            .replace("sip:bob@biloxi.example.com SIP", &format!("{u} SIP"));
        Message::parse(m.into_bytes()).unwrap().validate()
    };
    with_ruri("sip:a@[2001:db8:::192.0.2.1]").unwrap();
    with_ruri("sip:a@[::ffff:192.0.2.1]").unwrap();
    assert!(with_ruri("sip:a@[1:::2]").is_err());
    assert!(with_ruri("sip:a@[:::1.2.3.4:5]").is_err());
}
