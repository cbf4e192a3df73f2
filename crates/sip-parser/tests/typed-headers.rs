//! Typed header values and URIs against the RFC 4475 / RFC 5118 torture
//! messages (read in place from the shared conformance directory, skipped
//! when absent) and a few retyped header lines.

use sip_parser::header::{
    Address, Auth, CSeq, Contact, HeaderName, HeaderValue, MaxForwards, Via, validate,
};
use sip_parser::uri::Uri;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/conformance/torture/"
);

/// `(name, raw value incl. folding)` of one header line.
type Line<'a> = (&'a [u8], &'a [u8]);

/// Splits a message head into its start line and header lines.
fn head(msg: &[u8]) -> (&[u8], Vec<Line<'_>>) {
    let end = msg
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(msg.len(), |p| p + 2);
    let head = &msg[..end];
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    while start < head.len() {
        let e = head[start..]
            .windows(2)
            .position(|w| w == b"\r\n")
            .map_or(head.len(), |p| start + p);
        lines.push((start, e));
        start = e + 2;
    }
    let first = &head[lines[0].0..lines[0].1];
    let mut headers = Vec::new();
    let mut i = 1;
    while i < lines.len() {
        let (s, mut e) = lines[i];
        while i + 1 < lines.len() && matches!(head[lines[i + 1].0], b' ' | b'\t') {
            i += 1;
            e = lines[i].1;
        }
        let line = &head[s..e];
        if let Some(c) = line.iter().position(|&b| b == b':') {
            let name = line[..c].trim_ascii();
            headers.push((name, &line[c + 1..]));
        }
        i += 1;
    }
    (first, headers)
}

/// Every header and Request-URI error of one torture file.
fn errors(name: &str) -> Option<Vec<String>> {
    let msg = std::fs::read(format!("{DIR}{name}.sip")).ok()?;
    let (first, headers) = head(&msg);
    let mut errs = Vec::new();
    if !first.starts_with(b"SIP/") {
        let parts: Vec<&[u8]> = first.split(|&b| b == b' ').collect();
        if parts.len() == 3 {
            if let Err(e) = Uri::parse(parts[1]) {
                errs.push(format!("Request-URI: {e}"));
            }
        }
    }
    for (n, v) in headers {
        if let Err(e) = validate(HeaderName::from_bytes(n), v) {
            errs.push(format!("{}: {e}", String::from_utf8_lossy(n)));
        }
    }
    Some(errs)
}

const VALID: &[&str] = &[
    "wsinv",
    "intmeth",
    "esc01",
    "escnull",
    "esc02",
    "lwsdisp",
    "longreq",
    "dblreq",
    "semiuri",
    "transports",
    "mpart01",
    "unreason",
    "noreason",
    "cparam01",
    "cparam02",
    "regescrt",
    "inv2543",
    "unkscm",
    "novelsc",
    "unksm2",
    "regaut01",
    "bext01",
    "invut",
    "multi01",
    "bcast",
    "zeromf",
    "badbranch",
    "insuf",
    "sdp01",
    "escruri",
    "mismatch01",
    "mismatch02",
    "badvers",
    "ipv6-good",
    "port-ambiguous",
    "port-unambiguous",
    "via-received-param-with-delim",
    "via-received-param-no-delim",
    "ipv6-in-sdp",
    "mult-ip-in-header",
    "mult-ip-in-sdp",
    "ipv4-mapped-ipv6",
    "ipv6-bug-abnf-3-colons",
    "ipv6-correct-abnf-2-colons",
];

/// (file, header whose value must be rejected).
const INVALID: &[(&str, &str)] = &[
    ("badinv01", "Via"),
    ("badinv01", "Contact"),
    ("scalar02", "CSeq"),
    ("scalar02", "Max-Forwards"),
    ("scalar02", "Expires"),
    ("scalar02", "Contact"),
    ("scalarlg", "CSeq"),
    ("scalarlg", "Retry-After"),
    ("scalarlg", "Warning"),
    ("quotbal", "To"),
    ("regbadct", "Contact"),
    ("badaspec", "To"),
    ("baddn", "From"),
    ("baddn", "To"),
    ("baddate", "Date"),
    ("ncl", "Content-Length"),
    ("ipv6-bad", "Request-URI"),
];

#[test]
fn torture_valid_headers_parse() {
    for name in VALID {
        let Some(errs) = errors(name) else {
            eprintln!("torture messages absent, skipping");
            return;
        };
        assert!(errs.is_empty(), "{name}: {errs:?}");
    }
}

#[test]
fn torture_invalid_headers_fail() {
    for (name, header) in INVALID {
        let Some(errs) = errors(name) else {
            eprintln!("torture messages absent, skipping");
            return;
        };
        assert!(
            errs.iter().any(|e| e.starts_with(&format!("{header}:"))),
            "{name}/{header}: {errs:?}"
        );
    }
}

#[test]
fn torture_typed_values() {
    let Ok(msg) = std::fs::read(format!("{DIR}wsinv.sip")) else {
        return;
    };
    let (_, headers) = head(&msg);
    let get = |n: &str| {
        headers
            .iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(n.as_bytes()))
            .map(|(_, v)| v.trim_ascii())
    };
    let cseq = CSeq::parse(get("cseq").unwrap()).unwrap();
    assert_eq!((cseq.seq, &*cseq.method), (9, "INVITE"));
    assert_eq!(
        MaxForwards::parse(get("MaX-fOrWaRdS").unwrap()).unwrap(),
        MaxForwards(68)
    );
    let from = Address::parse(get("from").unwrap()).unwrap();
    assert_eq!(from.display_name().as_deref(), Some("J Rosenberg \\\""));
    assert_eq!(from.tag(), Some("98asjd8"));
    let via = Via::parse(get("Via").unwrap()).unwrap();
    assert_eq!((&*via.transport, via.branch()), ("UDP", Some("390skdjuw")));
}

#[test]
fn retyped_lines() {
    // RFC 4475 3.1.1.9 semiuri
    let u = Uri::parse(b"sip:user;par=u%40example.net@example.com").unwrap();
    assert_eq!(u.user(), Some("user;par=u%40example.net"));
    // RFC 4475 3.3.12 / 3.3.13
    let c = Contact::parse(b"sip:+19725552222@gw1.example.net;unknownparam").unwrap();
    assert!(c.address().unwrap().params.contains("unknownparam"));
    let c = Contact::parse(b"<sip:+19725552222@gw1.example.net;unknownparam>").unwrap();
    assert!(c.address().unwrap().uri.param("unknownparam").is_some());
    // RFC 5118 4.3 / 4.4
    assert_eq!(Uri::parse(b"sip:[2001:db8::10:5070]").unwrap().port(), None);
    assert_eq!(
        Uri::parse(b"sip:[2001:db8::10]:5070").unwrap().port(),
        Some(5070)
    );
    assert!(Uri::parse(b"sip:2001:db8::10").is_err());
    // RFC 5118 4.5
    for v in [
        &b"SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3"[..],
        b"SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3-111",
    ] {
        assert!(Via::parse(v).unwrap().received_ip().is_some());
    }
    // RFC 4475 3.3.7
    assert!(
        !Auth::parse(b"NoOneKnowsThisScheme opaque-data=here")
            .unwrap()
            .is_digest()
    );
    // Errors carry offsets relative to the value.
    let e = validate(HeaderName::Via, b"SIP/2.0/UDP 192.0.2.15;;,;,,").unwrap_err();
    assert_eq!(e.offset, 23);
}

#[test]
fn encode_roundtrips() {
    let lines: &[(HeaderName, &[u8])] = &[
        (
            HeaderName::Via,
            b"SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bK1;rport=5061;received=192.0.2.1",
        ),
        (
            HeaderName::From,
            b"\"A \\\"B\\\"\" <sips:a@example.com;transport=tcp>;tag=x",
        ),
        (
            HeaderName::Contact,
            b"<sip:a@b>;q=0.5;expires=60;+sip.instance=\"<urn:uuid:1>\"",
        ),
    ];
    for (name, v) in lines {
        let mut out = Vec::new();
        match name {
            HeaderName::Via => Via::parse(v).unwrap().encode(&mut out),
            HeaderName::From => Address::parse(v).unwrap().encode(&mut out),
            _ => Contact::parse(v).unwrap().encode(&mut out),
        }
        assert_eq!(&out[..], *v);
        validate(*name, &out).unwrap();
    }
}
