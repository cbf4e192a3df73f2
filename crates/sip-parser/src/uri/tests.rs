//! Unit tests of URI parsing (RFC 3261 section 19.1, RFC 4475, RFC 5118).

use super::*;

fn roundtrip(input: &str) -> Uri<'_> {
    let u = Uri::parse(input.as_bytes()).unwrap_or_else(|e| panic!("{input}: {e}"));
    let mut out = Vec::new();
    u.encode(&mut out);
    let again = Uri::parse(&out).unwrap();
    assert_eq!(again, u, "{input}");
    u
}

#[test]
fn good_sip_uris() {
    let u = roundtrip("sip:alice:pw@example.com:5060;transport=tcp;lr?subject=x&h=");
    let s = u.as_sip().unwrap();
    assert_eq!(s.user.as_deref(), Some("alice"));
    assert_eq!(s.password.as_deref(), Some("pw"));
    assert_eq!(u.host().unwrap().as_str(), "example.com");
    assert_eq!(u.port(), Some(5060));
    assert_eq!(u.transport(), Some("tcp"));
    assert_eq!(u.param("LR"), Some(None));
    assert_eq!(s.headers.len(), 2);
    assert_eq!(s.headers[1].value, "");
    assert!(u.is_sip() && !u.is_sips());
    assert_eq!(
        u.to_string(),
        "sip:alice:pw@example.com:5060;transport=tcp;lr?subject=x&h="
    );
}

#[test]
fn scheme_is_case_insensitive() {
    assert_eq!(roundtrip("SIP:a@b"), roundtrip("sip:a@b"));
    assert!(roundtrip("SiPs:a@b").is_sips());
    assert_eq!(roundtrip("HTTP://x"), roundtrip("http://x"));
}

#[test]
fn torture_uris() {
    // RFC 4475 3.1.1.9 semiuri
    let u = roundtrip("sip:user;par=u%40example.net@example.com");
    assert_eq!(u.user(), Some("user;par=u%40example.net"));
    assert_eq!(
        u.as_sip().unwrap().user_unescaped().unwrap().as_ref(),
        b"user;par=u@example.net"
    );
    assert!(u.params().unwrap().is_empty());
    // RFC 4475 3.1.1.2 intmeth
    let u = roundtrip(
        "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
    );
    assert_eq!(
        u.user(),
        Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
    );
    // RFC 4475 3.1.1.3 esc01: value%41 is kept, not equal to valueA
    let a = roundtrip("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
    let b = roundtrip("sip:caller@host5.example.net;lr;name=value%41");
    assert_ne!(a, b);
    assert_eq!(unescape("v%61lue%25%34%31").as_ref(), b"value%41");
    // RFC 4475 3.1.1.4 escnull
    assert_eq!(
        roundtrip("sip:null-%00-null@example.com")
            .as_sip()
            .unwrap()
            .user_unescaped()
            .unwrap()
            .as_ref(),
        b"null-\0-null"
    );
    // RFC 4475 3.3.14 regescrt
    let u = roundtrip("sip:user@example.com?Route=%3Csip:sip.example.com%3E");
    assert_eq!(u.as_sip().unwrap().headers[0].name, "Route");
    // RFC 4475 3.3.2 / 3.3.3 / 3.3.4: other schemes kept opaque
    for s in [
        "nobodyKnowsThisScheme:totallyopaquecontent",
        "soap.beep://192.0.2.103:3002",
        "isbn:2983792873",
        "name:John_Smith",
        "http://www.example.com",
    ] {
        let u = roundtrip(s);
        assert!(matches!(u, Uri::Other(_)), "{s}");
        assert_eq!(u.to_string(), s);
    }
}

#[test]
fn ipv6_uris() {
    // RFC 5118 4.1, 4.3, 4.4, 4.9, 4.10
    let u = roundtrip("sip:[2001:db8::10]");
    assert!(u.host().unwrap().is_ipv6());
    assert_eq!(u.port(), None);
    let u = roundtrip("sip:[2001:db8::10:5070]");
    assert_eq!(u.host().unwrap().as_str(), "2001:db8::10:5070");
    assert_eq!(u.port(), None);
    let u = roundtrip("sip:[2001:db8::10]:5070");
    assert_eq!(u.port(), Some(5070));
    let u = roundtrip("sip:user@[2001:db8:::192.0.2.1]");
    assert!(u.host().unwrap().ip().is_some());
    assert_eq!(
        roundtrip("sip:ted@[::ffff:192.0.2.2]").host().unwrap().ip(),
        Some("::ffff:192.0.2.2".parse().unwrap())
    );
    assert_eq!(
        roundtrip("sip:192.0.2.1").host().unwrap().ip(),
        Some("192.0.2.1".parse().unwrap())
    );
}

#[test]
fn tel_uris() {
    let u = roundtrip("tel:+1-201-555-0123;ext=1234");
    match &u {
        Uri::Tel(t) => {
            assert!(t.is_global());
            assert_eq!(t.number, "+1-201-555-0123");
            assert_eq!(t.params.str("ext"), Some("1234"));
        }
        _ => panic!("not tel"),
    }
    assert_eq!(u.scheme(), "tel");
    roundtrip("tel:7042;phone-context=example.com");
    assert!(Uri::parse(b"tel:").is_err());
    assert!(Uri::parse(b"tel:1+2").is_err());
    assert!(Uri::parse(b"tel:123 4").is_err());
}

#[test]
fn bad_uris() {
    let bad: &[&[u8]] = &[
        b"",
        b"sip",
        b":x",
        b"1sip:x",
        b"sip:",
        b"sip:2001:db8::10",
        b"sip:[2001:db8::10",
        b"sip:[2001:db8::10]x",
        b"sip:user@",
        b"sip:@host",
        b"sip:host:",
        b"sip:host:65536",
        b"sip:host:99999999999999999999999",
        b"sip:host:5a",
        b"sip:user@example.com; lr",
        b" sip:a@b",
        b"sip:a@b ",
        b"<sip:a@b>",
        b"sip:a@b>",
        b"sip:a@b;;lr",
        b"sip:a@b;",
        b"sip:a@b;x=",
        b"sip:a@b?",
        b"sip:a@b?x",
        b"sip:a%4@b",
        b"sip:a%@b",
        b"sip:a@b;x=%G1",
        b"sip:a b@c",
        b"sip:a@b\r\n c",
        b"sip:a\xff@b",
        b"sip:a@b@c",
        b"sip:a@b\"",
        b"other:",
        b"other:a b",
        b"other:\xc3\xa9",
    ];
    for input in bad {
        assert!(
            Uri::parse(input).is_err(),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn owned_and_built() {
    let owned = {
        let s = String::from("sip:bob@example.org;transport=udp");
        Uri::parse(s.as_bytes()).unwrap().into_owned()
    };
    let mut built = SipUri::new(Host::Domain("example.org".into()));
    built.user = Some("bob".into());
    built
        .params
        .push(crate::header::Param::new("transport", Some("udp".into())));
    assert_eq!(owned, Uri::from(built));
}

pub(crate) mod prop {
    use super::*;
    use proptest::prelude::*;

    fn text(re: &'static str) -> impl Strategy<Value = String> {
        proptest::string::string_regex(re).unwrap()
    }

    fn host() -> impl Strategy<Value = Host<'static>> {
        prop_oneof![
            text("[a-z][a-z0-9-]{0,8}(\\.[a-z][a-z0-9]{0,5}){0,3}")
                .prop_map(|s| Host::Domain(s.into())),
            any::<[u8; 4]>().prop_map(|a| Host::from(std::net::IpAddr::from(a))),
            any::<[u16; 8]>().prop_map(|a| Host::from(std::net::IpAddr::from(a))),
        ]
    }

    fn params() -> impl Strategy<Value = Params<'static>> {
        proptest::collection::vec(
            (
                text("[a-zA-Z0-9_.!~*'()-]{1,8}"),
                proptest::option::of(text("([a-zA-Z0-9:&+$/\\[\\]-]|%[0-9A-F]{2}){1,8}")),
            ),
            0..4,
        )
        .prop_map(|v| {
            v.into_iter()
                .map(|(n, v)| crate::header::Param::new(n, v.map(Cow::Owned)))
                .collect()
        })
    }

    prop_compose! {
        pub(crate) fn sip_uri()(
            secure in any::<bool>(),
            user in proptest::option::of(text("([a-zA-Z0-9&=+$,;?/_.!~*'()-]|%[0-9a-f]{2}){1,12}")),
            password in proptest::option::of(text("[a-zA-Z0-9&=+$,_.-]{0,6}")),
            host in host(),
            port in proptest::option::of(any::<u16>()),
            params in params(),
            headers in proptest::collection::vec((text("[a-zA-Z0-9-]{1,6}"), text("[a-zA-Z0-9?:/%+$]{0,6}").prop_filter("esc", |s| !s.contains('%'))), 0..3),
        ) -> Uri<'static> {
            let mut u = SipUri::new(host);
            u.secure = secure;
            u.password = password.filter(|_| user.is_some()).map(Cow::Owned);
            u.user = user.map(Cow::Owned);
            u.port = port;
            u.params = params;
            u.headers = headers.into_iter().map(|(n, v)| UriHeader { name: n.into(), value: v.into() }).collect();
            Uri::Sip(u)
        }
    }

    proptest! {
        #[test]
        fn uri_roundtrip(u in sip_uri()) {
            let mut out = Vec::new();
            u.encode(&mut out);
            let parsed = Uri::parse(&out).map_err(|e| TestCaseError::fail(format!("{e}: {}", String::from_utf8_lossy(&out))))?;
            prop_assert_eq!(parsed, u);
        }

        #[test]
        fn uri_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = Uri::parse(&bytes);
        }

        #[test]
        fn uri_mutations_never_panic(u in sip_uri(), pos in any::<usize>(), b in any::<u8>()) {
            let mut out = Vec::new();
            u.encode(&mut out);
            let p = pos % out.len();
            out[p] = b;
            if let Ok(v) = Uri::parse(&out) {
                let mut again = Vec::new();
                v.encode(&mut again);
                prop_assert_eq!(Uri::parse(&again).ok(), Some(v));
            }
        }
    }
}
