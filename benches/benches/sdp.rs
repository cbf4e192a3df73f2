//! Criterion benchmarks of `sip-sdp`: parse, serialize and RFC 3264 answer
//! generation for a typical offer (G.711 + G.722 + opus + telephone-event,
//! audio + video, the way a desk phone sends it).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sip_sdp::{AnswerOptions, Capabilities, Session, answer};

const OFFER: &[u8] = b"v=0\r\n\
o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n\
s=-\r\n\
c=IN IP4 192.0.2.10\r\n\
t=0 0\r\n\
m=audio 49170 RTP/AVP 96 9 0 8 101\r\n\
a=rtpmap:96 opus/48000/2\r\n\
a=fmtp:96 useinbandfec=1;minptime=10\r\n\
a=rtpmap:9 G722/8000\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
a=ptime:20\r\n\
a=sendrecv\r\n\
m=video 51372 RTP/AVP 97\r\n\
a=rtpmap:97 H264/90000\r\n\
a=fmtp:97 profile-level-id=42e01f;packetization-mode=1\r\n\
a=sendrecv\r\n";

fn parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(OFFER.len() as u64));
    g.bench_function("typical_offer", |b| {
        b.iter(|| Session::parse(black_box(OFFER)))
    });
    g.finish();
}

fn serialize(c: &mut Criterion) {
    let session = Session::parse(OFFER).expect("bench offer parses");
    let mut g = c.benchmark_group("serialize");
    g.throughput(Throughput::Bytes(OFFER.len() as u64));
    let mut out = Vec::with_capacity(1024);
    g.bench_function("typical_offer", |b| {
        b.iter(|| {
            out.clear();
            black_box(&session).encode(&mut out);
            black_box(out.len())
        })
    });
    g.finish();
}

fn answer_offer(c: &mut Criterion) {
    let offer = Session::parse(OFFER).expect("bench offer parses");
    let caps = Capabilities::default_audio();
    let opts =
        AnswerOptions::new("198.51.100.7".parse().expect("literal address")).session("42", 1);
    let mut g = c.benchmark_group("answer");
    g.throughput(Throughput::Bytes(OFFER.len() as u64));
    g.bench_function("typical_offer", |b| {
        b.iter(|| answer(black_box(&offer), black_box(&caps), black_box(&opts)))
    });
    g.bench_function("parse_answer_encode", |b| {
        b.iter(|| {
            let offer = Session::parse(black_box(OFFER)).expect("parses");
            answer(&offer, &caps, &opts).map(|a| a.to_bytes())
        })
    });
    g.finish();
}

criterion_group!(benches, parse, serialize, answer_offer);
criterion_main!(benches);
