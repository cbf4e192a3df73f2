//! `compare_parsers CORPUS [SECONDS] [PASSES]` (feature `compare`):
//! measures, side by side in one run, our parser against libosip2 and the
//! Rust SIP parsers of crates.io on a `%%`-separated corpus.
//!
//! Each parser runs the loop of `parse_throughput`: a 0.5 s warm-up, then
//! SECONDS (default 3) of parsing every message and reading its
//! transaction-key headers (top Via branch, CSeq number and method, Call-ID,
//! From tag, To tag) through that parser's own API. The parsers take turns
//! for PASSES rounds (default 3) and each one's best pass is kept, so that
//! load from other processes on a shared machine does not fall on one
//! parser only. One line per parser:
//! `compare parser=NAME msgs_per_s=N mb_per_s=M rejected=K`, then one
//! `ratio ours/NAME=X.XX` line per other parser, and
//! `ratio ours-validate/libosip2=X.XX` (parse + keys +
//! `Message::validate()`, the full validation `sipcheck` does).
//!
//! `rejected` counts the corpus messages that a parser refused or whose key
//! headers it could not read (for ours, as in `parse_throughput`: a parse
//! error, or a validation error for `ours-validate`).
//!
//! Run with
//! `cargo run --release -p benches --features compare --bin compare_parsers -- ../shared/corpus/typical.sip`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::hint::black_box;
use std::process::ExitCode;

use benches::{Figures, load_corpus, measure, parse_with_keys, positive_arg};
use bytes::Bytes;

/// libosip2 5.3: `osip_message_parse` and osip's accessors (C shim).
fn libosip2(msg: &Bytes) -> bool {
    osip_ffi::parse(msg)
}

/// rsip 0.4: `SipMessage::try_from(&[u8])`, key headers typed on access.
fn rsip(msg: &Bytes) -> bool {
    use rsip::prelude::{HeadersExt, ToTypedHeader, UntypedHeader};
    let Ok(m) = rsip::SipMessage::try_from(&msg[..]) else {
        return false;
    };
    let Ok(via) = m.via_header().and_then(|v| v.typed()) else {
        return false;
    };
    black_box(via.branch());
    let Ok(cseq) = m.cseq_header().and_then(|c| c.typed()) else {
        return false;
    };
    black_box((cseq.seq, &cseq.method));
    let Ok(call_id) = m.call_id_header() else {
        return false;
    };
    black_box(call_id.value());
    let Ok(from) = m.from_header().and_then(|f| f.tag()) else {
        return false;
    };
    black_box(from);
    let Ok(to) = m.to_header().and_then(|t| t.tag()) else {
        return false;
    };
    black_box(to);
    true
}

/// rsipstack 0.7: its own `sip::parser::parse_message`, key headers typed
/// on access.
fn rsipstack(msg: &Bytes) -> bool {
    use rsipstack::sip::prelude::{HeadersExt, ToTypedHeader};
    let Ok(m) = rsipstack::sip::parser::parse_message(msg) else {
        return false;
    };
    let Ok(via) = m.top_via_header().and_then(|v| v.typed()) else {
        return false;
    };
    black_box(via.branch());
    let Ok(cseq) = m.cseq_header().and_then(|c| c.typed()) else {
        return false;
    };
    black_box((cseq.seq, &cseq.method));
    let Ok(call_id) = m.call_id_header() else {
        return false;
    };
    black_box(call_id.value());
    let Ok(from) = m.from_header().and_then(|f| f.tag()) else {
        return false;
    };
    black_box(from);
    let Ok(to) = m.to_header().and_then(|t| t.tag()) else {
        return false;
    };
    black_box(to);
    true
}

/// ezk's sip-types 0.6: the crate has no whole-message parser, so this is
/// what its transport layer does with a datagram: `PullParser` lines,
/// `MessageLine` for the start line, `Line` into `Headers` for the rest,
/// Content-Length for the body; key headers typed on access.
fn sip_types(msg: &Bytes) -> bool {
    use ezk_sip_types::Headers;
    use ezk_sip_types::Name;
    use ezk_sip_types::header::typed::{CSeq, CallID, ContentLength, FromTo, Via};
    use ezk_sip_types::msg::{Line, MessageLine, PullParser};
    use ezk_sip_types::parse::Parse;

    let mut lines = PullParser::new(msg, 0);
    let Some(Ok(first)) = lines.next() else {
        return false;
    };
    let Ok(first) = std::str::from_utf8(first) else {
        return false;
    };
    let Ok((_, start)) = MessageLine::parse(msg)(first) else {
        return false;
    };
    let mut headers = Headers::with_capacity(16);
    for line in lines.by_ref() {
        let Ok(line) = line else {
            return false;
        };
        let Ok(line) = std::str::from_utf8(line) else {
            return false;
        };
        let Ok((_, line)) = Line::parse(msg, line) else {
            return false;
        };
        headers.insert(line.name, line.value);
    }
    let head_end = lines.head_end();
    let len = match headers.try_get_named::<ContentLength>() {
        Some(Ok(ContentLength(n))) => n,
        Some(Err(_)) => return false,
        None => msg.len() - head_end,
    };
    let Some(body) = head_end
        .checked_add(len)
        .and_then(|end| msg.get(head_end..end))
    else {
        return false;
    };
    black_box((&start, body));
    let Ok(via) = headers.get_named::<Via>() else {
        return false;
    };
    black_box(via.params.get_val("branch"));
    let Ok(cseq) = headers.get_named::<CSeq>() else {
        return false;
    };
    black_box((cseq.cseq, &cseq.method));
    let Ok(call_id) = headers.get_named::<CallID>() else {
        return false;
    };
    black_box(call_id);
    let Ok(from) = headers.get::<FromTo>(Name::FROM) else {
        return false;
    };
    black_box(from.tag);
    let Ok(to) = headers.get::<FromTo>(Name::TO) else {
        return false;
    };
    black_box(to.tag);
    true
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: compare_parsers CORPUS [SECONDS] [PASSES]");
        return ExitCode::from(2);
    };
    let run = positive_arg(&args, 1, 3.0, "SECONDS").and_then(|seconds| {
        let passes = positive_arg(&args, 2, 3.0, "PASSES")?.ceil() as u32;
        Ok((seconds, passes, load_corpus(path)?))
    });
    let (seconds, passes, msgs) = match run {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    osip_ffi::init();

    let mut best: Vec<Figures> = Vec::new();
    for _ in 0..passes {
        let pass = [
            measure("ours", &msgs, seconds, |m| parse_with_keys(m, false)),
            measure("ours-validate", &msgs, seconds, |m| {
                parse_with_keys(m, true)
            }),
            measure("libosip2", &msgs, seconds, libosip2),
            measure("rsip", &msgs, seconds, rsip),
            measure("rsipstack", &msgs, seconds, rsipstack),
            measure("sip-types", &msgs, seconds, sip_types),
        ];
        if best.is_empty() {
            best.extend(pass);
        } else {
            for (b, f) in best.iter_mut().zip(pass) {
                if f.msgs_per_s > b.msgs_per_s {
                    *b = f;
                }
            }
        }
    }
    for f in &best {
        println!(
            "compare parser={} msgs_per_s={:.0} mb_per_s={:.1} rejected={}",
            f.name, f.msgs_per_s, f.mb_per_s, f.rejected
        );
    }
    let rate = |name: &str| {
        best.iter()
            .find(|f| f.name == name)
            .map_or(f64::NAN, |f| f.msgs_per_s)
    };
    let ours = rate("ours");
    for f in best.iter().filter(|f| !f.name.starts_with("ours")) {
        println!("ratio ours/{}={:.2}", f.name, ours / f.msgs_per_s);
    }
    println!(
        "ratio ours-validate/libosip2={:.2}",
        rate("ours-validate") / rate("libosip2")
    );
    ExitCode::SUCCESS
}
