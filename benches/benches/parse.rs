//! Criterion benchmarks of the SIP parser: parse only, parse + the
//! transaction-key headers, full validation, and serialization, for a short
//! REGISTER, an INVITE with SDP, a 200 OK and a 40-header message.

use std::hint::black_box;

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sip_parser::{HeaderName, Message};

const REGISTER: &[u8] = b"REGISTER sip:registrar.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKnashds7;rport\r\n\
Max-Forwards: 70\r\n\
To: Bob <sip:bob@example.com>\r\n\
From: Bob <sip:bob@example.com>;tag=456248\r\n\
Call-ID: 843817637684230@998sdasdh09\r\n\
CSeq: 1826 REGISTER\r\n\
Contact: <sip:bob@192.0.2.4>\r\n\
Expires: 7200\r\n\
Content-Length: 0\r\n\r\n";

const INVITE: &[u8] = b"INVITE sip:bob@10.0.0.22:5060;transport=udp SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK2d4790.1\r\n\
Via: SIP/2.0/UDP 10.0.0.11:5060;received=10.0.0.11;rport=5060;branch=z9hG4bK776asdhds\r\n\
Record-Route: <sip:192.0.2.10;lr;ftag=1928301774>\r\n\
Max-Forwards: 69\r\n\
From: \"Alice Smith\" <sip:alice@example.com>;tag=1928301774\r\n\
To: <sip:bob@example.com>\r\n\
Call-ID: 3c26700b8a5e-2w6a9bxkqyme@10.0.0.11\r\n\
CSeq: 314159 INVITE\r\n\
Contact: <sip:alice@10.0.0.11:5060;transport=udp>\r\n\
Allow: INVITE, ACK, OPTIONS, CANCEL, BYE, INFO, REFER, UPDATE, PRACK\r\n\
Supported: replaces, timer, 100rel\r\n\
User-Agent: Bench 1.0\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 160\r\n\r\n\
v=0\r\n\
o=alice 2890844526 2890844526 IN IP4 10.0.0.11\r\n\
s=-\r\n\
c=IN IP4 10.0.0.11\r\n\
t=0 0\r\n\
m=audio 11780 RTP/AVP 0 8 101\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-15\r\n";

const OK: &[u8] = b"SIP/2.0 200 OK\r\n\
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK2d4790.1\r\n\
Via: SIP/2.0/UDP 10.0.0.11:5060;received=10.0.0.11;rport=5060;branch=z9hG4bK776asdhds\r\n\
From: \"Alice Smith\" <sip:alice@example.com>;tag=1928301774\r\n\
To: <sip:bob@example.com>;tag=a6c85cf\r\n\
Call-ID: 3c26700b8a5e-2w6a9bxkqyme@10.0.0.11\r\n\
CSeq: 314159 INVITE\r\n\
Contact: <sip:bob@10.0.0.22:5060>\r\n\
Content-Length: 0\r\n\r\n";

fn forty_headers() -> Vec<u8> {
    let mut m = REGISTER[..REGISTER.len() - 2].to_vec();
    for i in 0..31 {
        m.extend_from_slice(format!("X-Header-{i}: value number {i}; param=x{i}\r\n").as_bytes());
    }
    m.extend_from_slice(b"\r\n");
    m
}

fn bench(c: &mut Criterion) {
    let forty = forty_headers();
    let cases: [(&str, &[u8]); 4] = [
        ("register", REGISTER),
        ("invite_sdp", INVITE),
        ("ok_200", OK),
        ("forty_headers", &forty),
    ];
    for (name, wire) in cases {
        assert!(
            Message::parse(wire.to_vec())
                .and_then(|m| m.validate())
                .is_ok(),
            "{name}"
        );
        let bytes = Bytes::copy_from_slice(wire);
        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Bytes(wire.len() as u64));
        g.bench_function("parse", |b| {
            b.iter(|| Message::parse(black_box(bytes.clone())).map(|m| m.header_count()))
        });
        g.bench_function("parse_keys", |b| {
            b.iter(|| {
                let m = Message::parse(black_box(bytes.clone())).expect("valid");
                black_box((m.branch(), m.cseq(), m.call_id(), m.from_tag(), m.to_tag()));
            })
        });
        g.bench_function("parse_validate", |b| {
            b.iter(|| Message::parse(black_box(bytes.clone())).and_then(|m| m.validate()))
        });
        let parsed = Message::parse(bytes.clone()).expect("valid");
        let mut out = Vec::with_capacity(wire.len() + 64);
        g.bench_function("serialize", |b| {
            b.iter(|| {
                out.clear();
                black_box(&parsed).encode(&mut out);
                black_box(out.len())
            })
        });
        let mut changed = parsed.clone();
        changed.set_header(HeaderName::MaxForwards, "68");
        g.bench_function("serialize_modified", |b| {
            b.iter(|| {
                out.clear();
                black_box(&changed).encode(&mut out);
                black_box(out.len())
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
