//! The SDP bodies of the RFC 5118 torture messages (sections 4.6 to 4.8),
//! read in place from the shared conformance folder.

use std::path::PathBuf;

use sip_sdp::{AddrType, MediaKind, Session};

fn body(name: &str) -> Option<Vec<u8>> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/torture/");
    if !dir.is_dir() {
        println!("note: {} is absent, skipping {name}", dir.display());
        return None;
    }
    let msg = std::fs::read(dir.join(name)).expect("torture file readable");
    let at = msg
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("message has a body");
    Some(msg[at + 4..].to_vec())
}

#[test]
fn ipv6_in_sdp() {
    let Some(b) = body("ipv6-in-sdp.sip") else {
        return;
    };
    let s = Session::parse(&b).unwrap();
    assert_eq!(s.origin.addr_type, AddrType::Ip6);
    let c = s.audio_connection().unwrap();
    assert_eq!(c.ip(), Some("2001:db8::20".parse().unwrap()));
    assert_eq!(s.media.len(), 2);
    assert_eq!(Session::parse(s.to_string().as_bytes()).unwrap(), s);
}

#[test]
fn mult_ip_in_sdp() {
    let Some(b) = body("mult-ip-in-sdp.sip") else {
        return;
    };
    let s = Session::parse(&b).unwrap();
    assert!(s.connection.is_none());
    assert_eq!(s.audio_connection().unwrap().address, "192.0.2.1");
    assert_eq!(
        s.connection_of(&MediaKind::Video).unwrap().addr_type,
        AddrType::Ip6
    );
    assert_eq!(Session::parse(s.to_string().as_bytes()).unwrap(), s);
}

#[test]
fn ipv4_mapped_ipv6() {
    let Some(b) = body("ipv4-mapped-ipv6.sip") else {
        return;
    };
    let s = Session::parse(&b).unwrap();
    let ip = s.audio_connection().unwrap().ip().unwrap();
    assert_eq!(ip, "::ffff:192.0.2.2".parse::<std::net::IpAddr>().unwrap());
    assert_eq!(s.audio_media().unwrap().codecs()[0].name, "G726-32");
}
