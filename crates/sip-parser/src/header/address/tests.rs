//! Unit tests of addresses and Contact (RFC 3261 section 20.10, RFC 4475).

use super::*;
use crate::error::ParseErrorKind;

fn addr(s: &[u8]) -> Address<'_> {
    let a = Address::parse(s).unwrap_or_else(|e| panic!("{}: {e}", String::from_utf8_lossy(s)));
    let mut out = Vec::new();
    HeaderValue::encode(&a, &mut out);
    assert_eq!(
        Address::parse(&out).unwrap(),
        a,
        "{}",
        String::from_utf8_lossy(&out)
    );
    a
}

#[test]
fn forms() {
    let a = addr(b"Alice <sip:alice@atlanta.com>;tag=1928301774");
    assert_eq!(a.display_name().as_deref(), Some("Alice"));
    assert_eq!(a.tag(), Some("1928301774"));
    assert_eq!(
        a.to_string(),
        "Alice <sip:alice@atlanta.com>;tag=1928301774"
    );
    let a = addr(b"<sip:bob@biloxi.com>");
    assert!(a.display.is_none());
    // RFC 4475 3.1.1.1 wsinv
    let a = addr(b"sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
    assert_eq!(a.tag(), Some("1918181833n"));
    let a =
        addr(b"\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8");
    assert_eq!(a.display_name().as_deref(), Some("J Rosenberg \\\""));
    assert_eq!(a.tag(), Some("98asjd8"));
    // RFC 4475 3.1.1.6 lwsdisp
    assert_eq!(
        addr(b"caller<sip:caller@example.com>;tag=323")
            .display_name()
            .as_deref(),
        Some("caller")
    );
    // RFC 4475 3.1.1.2 intmeth
    let a = addr(b"\"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f\" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>");
    assert_eq!(
        a.display_name().as_deref(),
        Some("BEL:\x07 NUL:\0 DEL:\x7f")
    );
    let a = addr("token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"работающий\";tag=_token~1'+`*%!-.".as_bytes());
    assert_eq!(a.display.as_deref(), Some("token1~` token2'+_ token3*%!.-"));
    assert_eq!(
        a.params
            .get("fromParam''~+*_!.-%")
            .unwrap()
            .unquoted()
            .as_deref(),
        Some("работающий")
    );
    // RFC 4475 3.1.1.5 esc02: %Z%45 in a quoted display name is just text
    assert_eq!(
        addr(b"\"%Z%45\" <sip:resource@example.com>")
            .display_name()
            .as_deref(),
        Some("%Z%45")
    );
    // RFC 4475 3.3.4 unksm2
    assert!(matches!(addr(b"isbn:2983792873").uri, Uri::Other(_)));
    assert_eq!(
        addr(b"<http://www.example.com>;tag=3234233").tag(),
        Some("3234233")
    );
    // RFC 4475 3.3.12 / 3.3.13 cparam01 / cparam02
    let a = addr(b"sip:+19725552222@gw1.example.net;unknownparam");
    assert!(a.params.contains("unknownparam") && a.uri.param("unknownparam").is_none());
    let a = addr(b"<sip:+19725552222@gw1.example.net;unknownparam>");
    assert!(!a.params.contains("unknownparam") && a.uri.param("unknownparam").is_some());
    // RFC 5118
    addr(b"\"Caller\" <sip:caller@[2001:db8::1]>");
    addr(b"sip:user@[2001:db8:::192.0.2.1]");
}

#[test]
fn bad_addresses() {
    let bad: &[&[u8]] = &[
        b"",
        b"\"Mr. J. User <sip:j.user@example.com>", // quotbal
        b"\"Watson, Thomas\" < sip:t.watson@example.org >", // badaspec
        b"Bell, Alexander <sip:a.g.bell@example.com>;tag=43", // baddn
        b"Watson, Thomas <sip:t.watson@example.org>", // baddn
        b"J. (User) <sip:a@b>",
        b"sip:user@example.com?Route=%3Csip:sip.example.com%3E", // regbadct
        b"sip:a@b,c",
        b"<sip:a@b",
        b"<sip:a@b>;",
        b"<sip:a@b>;;",
        b"<sip:a@b> x",
        b"\"x\"sip:a@b",
        b"\"\xff\" <sip:a@b>",
        b"\"a\x01\" <sip:a@b>",
        b"<sip:2001:db8::10>",
        b"<>",
    ];
    for input in bad {
        assert!(
            Address::parse(input).is_err(),
            "{:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn contacts() {
    assert_eq!(Contact::parse(b"*").unwrap(), Contact::Star);
    let c = Contact::parse(b"\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33").unwrap();
    assert_eq!(c.q(), Some(0.33));
    assert_eq!(
        c.address().unwrap().params.str("newparam"),
        Some("newvalue")
    );
    let c = Contact::parse(
        b"<sip:a@b>;expires=3600;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"",
    )
    .unwrap();
    assert_eq!(c.expires(), Some(3600));
    assert_eq!(
        c.instance().as_deref(),
        Some("<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>")
    );
    // regescrt
    Contact::parse(b"<sip:user@example.com?Route=%3Csip:sip.example.com%3E>").unwrap();
    // esc01
    Contact::parse(b"<sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>").unwrap();
    assert_eq!(
        Contact::parse(b"<sip:user@host129.example.com>\r\n  ;expires=280297596632815")
            .unwrap_err()
            .kind,
        ParseErrorKind::Overflow
    );
    for bad in [
        &b"\"Joe\" <sip:joe@example.org>;;;;"[..],
        b"<sip:a@b>;q=2",
        b"<sip:a@b>;q=0.1234",
        b"<sip:a@b>;q",
        b"<sip:a@b>;expires=x",
        b"**",
    ] {
        assert!(
            Contact::parse(bad).is_err(),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn built() {
    let uri = Uri::parse(b"sip:bob@example.com").unwrap();
    let a = Address::new(uri)
        .with_display_name("Bob \"B\"")
        .with_param("tag", Some("x1"));
    assert_eq!(
        a.to_string(),
        "\"Bob \\\"B\\\"\" <sip:bob@example.com>;tag=x1"
    );
    assert_eq!(a.display_name().as_deref(), Some("Bob \"B\""));
    assert_eq!(a.clone().into_owned(), a);
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    prop_compose! {
        fn address()(
            uri in crate::uri::tests::prop::sip_uri(),
            display in proptest::option::of("[ -~]{0,12}"),
            tokens in proptest::option::of("[a-zA-Z0-9.!%*_+`'~-]{1,6}( [a-zA-Z0-9.!%*_+`'~-]{1,6}){0,2}"),
            params in proptest::collection::vec(("[a-zA-Z0-9.!%*_+`'~-]{1,8}", proptest::option::of("[a-zA-Z0-9.!%*_+`'~-]{1,8}|\"[ -!#-\\[\\]-~]{0,8}\"")), 0..4),
        ) -> Address<'static> {
            let mut a = Address::new(uri);
            if let Some(d) = display {
                a = a.with_display_name(&d);
            } else if let Some(t) = tokens {
                a.display = Some(Cow::Owned(t));
            }
            for (n, v) in params {
                a.params.push(super::super::super::Param::new(n, v.map(Cow::Owned)));
            }
            a
        }
    }

    proptest! {
        #[test]
        fn address_roundtrip(a in address()) {
            let mut out = Vec::new();
            HeaderValue::encode(&a, &mut out);
            let parsed = Address::parse(&out).map_err(|e| TestCaseError::fail(format!("{e}: {}", String::from_utf8_lossy(&out))))?;
            prop_assert_eq!(parsed, a);
        }

        #[test]
        fn address_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = Address::parse(&bytes);
            let _ = Contact::parse(&bytes);
        }
    }
}
