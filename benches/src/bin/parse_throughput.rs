//! `parse_throughput CORPUS [SECONDS] [--validate]`: parses every message of
//! a `%%`-separated corpus in a loop for SECONDS (default 3) after a
//! warm-up, reads the transaction-key headers of each (top Via branch, CSeq,
//! Call-ID, From tag, To tag) and prints last
//! `parse_throughput msgs_per_s=N mb_per_s=M rejected=K`.
//!
//! With `--validate`, each message is also fully validated (every known
//! header typed), as `sipcheck` does.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sip_parser::Message;

/// Parses one message and touches its key headers; false if rejected.
fn parse_one(msg: &Bytes, validate: bool) -> bool {
    match Message::parse(msg.clone()) {
        Ok(m) => {
            black_box(m.branch());
            black_box(m.cseq());
            black_box(m.call_id());
            black_box(m.from_tag());
            black_box(m.to_tag());
            !validate || m.validate().is_ok()
        }
        Err(_) => false,
    }
}

fn main() -> ExitCode {
    let mut validate = false;
    let mut pos = Vec::new();
    for a in std::env::args().skip(1) {
        if a == "--validate" {
            validate = true;
        } else {
            pos.push(a);
        }
    }
    let Some(path) = pos.first() else {
        eprintln!("usage: parse_throughput CORPUS [SECONDS] [--validate]");
        return ExitCode::from(2);
    };
    let seconds: f64 = match pos.get(1).map(|s| s.parse::<f64>()) {
        None => 3.0,
        Some(Ok(s)) if s > 0.0 && s.is_finite() => s,
        Some(_) => {
            eprintln!("SECONDS must be a positive number");
            return ExitCode::from(2);
        }
    };
    let data = match std::fs::read(path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let msgs: Vec<Bytes> = benches::split_corpus(&data)
        .into_iter()
        .map(Bytes::copy_from_slice)
        .collect();
    if msgs.is_empty() {
        eprintln!("{path}: no messages");
        return ExitCode::from(2);
    }
    let rejected = msgs.iter().filter(|m| !parse_one(m, validate)).count();
    let bytes_per_round: usize = msgs.iter().map(Bytes::len).sum();

    let warm = Instant::now();
    while warm.elapsed() < Duration::from_millis(500) {
        for m in &msgs {
            black_box(parse_one(m, validate));
        }
    }
    let budget = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut rounds: u64 = 0;
    while start.elapsed() < budget {
        for _ in 0..64 {
            for m in &msgs {
                black_box(parse_one(m, validate));
            }
        }
        rounds += 64;
    }
    let secs = start.elapsed().as_secs_f64();
    let n = rounds as f64 * msgs.len() as f64;
    let mb = rounds as f64 * bytes_per_round as f64 / 1e6;
    println!(
        "parse_throughput msgs_per_s={:.0} mb_per_s={:.1} rejected={rejected}",
        n / secs,
        mb / secs
    );
    ExitCode::SUCCESS
}
