//! `parse_throughput CORPUS [SECONDS] [--validate]`: parses every message of
//! a `%%`-separated corpus in a loop for SECONDS (default 3) after a
//! warm-up, reads the transaction-key headers of each (top Via branch, CSeq,
//! Call-ID, From tag, To tag) and prints last
//! `parse_throughput msgs_per_s=N mb_per_s=M rejected=K`.
//!
//! With `--validate`, each message is also fully validated (every known
//! header typed), as `sipcheck` does.

use std::process::ExitCode;

use benches::{load_corpus, measure, parse_with_keys, positive_arg};

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
    let run = positive_arg(&pos, 1, 3.0, "SECONDS")
        .and_then(|seconds| load_corpus(path).map(|msgs| (seconds, msgs)));
    let (seconds, msgs) = match run {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let f = measure("ours", &msgs, seconds, |m| parse_with_keys(m, validate));
    println!(
        "parse_throughput msgs_per_s={:.0} mb_per_s={:.1} rejected={}",
        f.msgs_per_s, f.mb_per_s, f.rejected
    );
    ExitCode::SUCCESS
}
