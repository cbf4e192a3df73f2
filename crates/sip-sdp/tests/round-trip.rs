//! Property: `parse(encode(s)) == s` and encoding is stable
//! (RFC 8866 section 5), for generated sessions.

use proptest::prelude::*;
use sip_sdp::{
    AddrType, Attribute, Bandwidth, Connection, Crypto, Direction, ExtraLine, Fmtp, Media,
    MediaKind, Origin, Rtpmap, Session, Timing,
};

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._-]{1,12}"
}

fn text() -> impl Strategy<Value = String> {
    "[ -~]{0,20}[!-~]"
}

fn connection() -> impl Strategy<Value = Connection> {
    prop_oneof![
        (any::<[u8; 4]>(), proptest::option::of(1u32..255)).prop_map(|(ip, ttl)| Connection {
            ttl,
            ..Connection::new(std::net::IpAddr::from(ip))
        }),
        any::<[u16; 8]>().prop_map(|ip| Connection::new(std::net::IpAddr::from(ip))),
    ]
}

fn attribute() -> impl Strategy<Value = Attribute> {
    prop_oneof![
        (
            0u8..128,
            token(),
            1u32..200_000,
            proptest::option::of(1u32..9)
        )
            .prop_map(|(payload, encoding, clock_rate, channels)| {
                Attribute::Rtpmap(Rtpmap {
                    payload,
                    encoding,
                    clock_rate,
                    channels,
                })
            }),
        (0u8..128, "[a-z0-9=;-]{1,20}").prop_map(|(f, params)| Attribute::Fmtp(Fmtp {
            format: f.to_string(),
            params
        })),
        (1u32..500).prop_map(Attribute::Ptime),
        (1u32..500).prop_map(Attribute::MaxPtime),
        prop_oneof![
            Just(Direction::SendRecv),
            Just(Direction::SendOnly),
            Just(Direction::RecvOnly),
            Just(Direction::Inactive)
        ]
        .prop_map(Attribute::Direction),
        Just(Attribute::RtcpMux),
        token().prop_map(Attribute::Mid),
        (
            1u32..1000,
            token(),
            token(),
            proptest::collection::vec(token(), 0..3)
        )
            .prop_map(|(tag, suite, key_params, session_params)| {
                Attribute::Crypto(Crypto {
                    tag,
                    suite,
                    key_params,
                    session_params,
                })
            }),
        text().prop_map(Attribute::Candidate),
        ("x-[a-z]{1,8}", proptest::option::of(text()))
            .prop_map(|(name, value)| Attribute::Other { name, value }),
    ]
}

fn media() -> impl Strategy<Value = Media> {
    (
        prop_oneof![
            Just(MediaKind::Audio),
            Just(MediaKind::Video),
            Just(MediaKind::Image),
            Just(MediaKind::Other("x".into()))
        ],
        any::<u16>(),
        proptest::option::of(1u16..8),
        proptest::collection::vec(0u8..128, 0..6),
        proptest::collection::vec(connection(), 0..2),
        proptest::collection::vec((token(), any::<u32>()), 0..2),
        proptest::collection::vec(attribute(), 0..8),
        proptest::option::of(text()),
    )
        .prop_map(
            |(kind, port, port_count, fmts, connections, bws, attributes, info)| Media {
                port_count,
                info,
                connections,
                bandwidths: bws
                    .into_iter()
                    .map(|(kind, v)| Bandwidth {
                        kind,
                        value: u64::from(v),
                    })
                    .collect(),
                attributes,
                ..Media::new(
                    kind,
                    port,
                    "RTP/AVP",
                    fmts.iter().map(u8::to_string).collect(),
                )
            },
        )
}

fn session() -> impl Strategy<Value = Session> {
    (
        (token(), "[0-9]{1,20}", any::<u64>()),
        text(),
        proptest::option::of(connection()),
        proptest::collection::vec((any::<u32>(), any::<u32>()), 1..3),
        proptest::collection::vec(attribute(), 0..4),
        proptest::collection::vec(media(), 0..4),
        proptest::collection::vec(("[w-y]", text()), 0..2),
    )
        .prop_map(
            |((user, id, ver), name, connection, times, attributes, media, extra)| Session {
                version: 0,
                origin: Origin {
                    username: user,
                    session_id: id,
                    session_version: ver,
                    net_type: "IN".into(),
                    addr_type: AddrType::Ip4,
                    address: "192.0.2.1".into(),
                },
                name,
                info: None,
                uri: None,
                emails: Vec::new(),
                phones: Vec::new(),
                connection,
                bandwidths: Vec::new(),
                times: times
                    .into_iter()
                    .map(|(a, b)| Timing {
                        start: u64::from(a),
                        stop: u64::from(b),
                        repeats: Vec::new(),
                    })
                    .collect(),
                zone: None,
                key: None,
                extra: extra
                    .into_iter()
                    .map(|(k, value)| ExtraLine {
                        kind: k.chars().next().unwrap_or('x'),
                        value,
                    })
                    .collect(),
                attributes,
                media,
            },
        )
}

proptest! {
    #[test]
    fn encode_then_parse_is_identity(s in session()) {
        let text = s.to_string();
        let back = Session::parse(text.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(&back, &s);
        prop_assert_eq!(back.to_bytes(), text.into_bytes());
    }

    #[test]
    fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(s) = Session::parse(&bytes) {
            let again = Session::parse(&s.to_bytes()).expect("re-encoded session parses");
            prop_assert_eq!(again, s);
        }
    }
}
