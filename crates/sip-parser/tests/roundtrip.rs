//! Property tests: random well-formed messages survive encode -> parse ->
//! encode unchanged, and bad input never panics.

use proptest::prelude::*;
use sip_parser::{Frame, Framer, HeaderName, Message, Method};

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9.!%*_+`'~-]{0,11}"
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,8}(\\.[a-z][a-z0-9]{0,6}){0,2}",
        (0u8..=255, 0u8..=255, 0u8..=255, 1u8..=254)
            .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
        Just("[2001:db8::10]".to_string()),
    ]
}

fn uri() -> impl Strategy<Value = String> {
    (
        prop::option::of("[a-z0-9._-]{1,10}"),
        host(),
        prop::option::of(1u16..=65535),
        prop::option::of(token()),
    )
        .prop_map(|(user, host, port, param)| {
            let mut s = String::from("sip:");
            if let Some(u) = user {
                s.push_str(&u);
                s.push('@');
            }
            s.push_str(&host);
            if let Some(p) = port {
                s.push_str(&format!(":{p}"));
            }
            if let Some(p) = param {
                s.push_str(&format!(";{p}"));
            }
            s
        })
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::Invite),
        Just(Method::Register),
        Just(Method::Options),
        Just(Method::Bye),
        "[A-Z]{3,10}".prop_map(|s| Method::from_bytes(s.as_bytes()).expect("token")),
    ]
}

#[derive(Debug, Clone)]
struct Spec {
    request: Option<(Method, String)>,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn spec() -> impl Strategy<Value = Spec> {
    let header = prop_oneof![
        (host(), token()).prop_map(|(h, b)| (
            "Via".to_string(),
            format!("SIP/2.0/UDP {h};branch=z9hG4bK{b}")
        )),
        (uri(), token())
            .prop_map(|(u, t)| ("From".to_string(), format!("\"Al Ice\" <{u}>;tag={t}"))),
        uri().prop_map(|u| ("To".to_string(), format!("<{u}>"))),
        (token(), host()).prop_map(|(a, h)| ("Call-ID".to_string(), format!("{a}@{h}"))),
        (0u32..=u32::MAX).prop_map(|n| ("CSeq".to_string(), format!("{n} OPTIONS"))),
        (0u8..=255).prop_map(|n| ("Max-Forwards".to_string(), n.to_string())),
        (token(), "[ -~]{0,30}").prop_map(|(n, v)| (format!("X-{n}"), v.trim().to_string())),
        "[ -~]{0,40}".prop_map(|v| ("Subject".to_string(), v.trim().to_string())),
    ];
    (
        prop::option::of((method(), uri())),
        100u16..=699,
        prop::collection::vec(header, 0..20),
        prop::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(|(request, status, headers, body)| Spec {
            request,
            status,
            headers,
            body,
        })
}

fn build(s: &Spec) -> Message {
    let mut m = match &s.request {
        Some((method, uri)) => Message::request(method.clone(), uri),
        None => Message::response(s.status),
    };
    for (n, v) in &s.headers {
        m.push_raw_header(n, v).expect("token name");
    }
    m.set_body(&s.body);
    m
}

proptest! {
    #[test]
    fn encode_parse_encode_is_stable(s in spec()) {
        let m = build(&s);
        let wire = m.to_vec();
        let parsed = Message::parse(wire.clone()).expect("a built message parses");
        prop_assert_eq!(&parsed, &m);
        prop_assert_eq!(&parsed.to_vec(), &wire);
        prop_assert_eq!(parsed.body(), &s.body[..]);
        // The same bytes cut into a stream come out whole.
        let mut f = Framer::default();
        let (a, b) = wire.split_at(wire.len() / 2);
        f.push(a);
        let first = f.next_frame().expect("no framing error");
        f.push(b);
        let frame = match first { Some(fr) => fr, None => f.next_frame().expect("ok").expect("a frame") };
        prop_assert_eq!(frame, Frame::Message(m));
        let via = s.headers.iter().find(|(n, _)| n == "Via");
        prop_assert_eq!(parsed.top_via().is_some(), via.is_some());
        if s.headers.iter().any(|(n, _)| n == "Max-Forwards") {
            prop_assert!(parsed.header(HeaderName::MaxForwards).is_some());
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(m) = Message::parse(data.clone()) {
            let _ = m.validate();
            let _ = m.check_request();
            let out = m.to_vec();
            prop_assert_eq!(out.as_slice(), m.original_bytes().expect("unmodified"));
        }
        let mut f = Framer::default();
        f.push(&data);
        while let Ok(Some(_)) = f.next_frame() {}
    }

    #[test]
    fn mutated_valid_messages_never_panic(s in spec(), cut in 0usize..400, byte in any::<u8>()) {
        let mut wire = build(&s).to_vec();
        let at = cut % wire.len().max(1);
        if at < wire.len() {
            wire[at] = byte;
        }
        wire.truncate(wire.len().saturating_sub(cut / 3));
        if let Ok(m) = Message::parse(wire) {
            let _ = m.validate();
            let _ = (m.branch(), m.cseq(), m.from_tag(), m.to_tag(), m.max_forwards());
        }
    }
}
