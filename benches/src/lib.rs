//! Shared helpers of the SIP stack's benchmarks: corpus loading and the
//! throughput loop that `parse_throughput` and `compare_parsers` share.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use sip_parser::Message;

/// One parser's throughput figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    /// The parser's name.
    pub name: &'static str,
    /// Messages parsed per second.
    pub msgs_per_s: f64,
    /// Megabytes (10^6 bytes) parsed per second.
    pub mb_per_s: f64,
    /// Corpus messages that `one` refused (checked once, before timing).
    pub rejected: usize,
}

/// Runs `one` over every message of the corpus: a 0.5 s warm-up, then
/// whole rounds (64 at a time) for `seconds`.
pub fn measure<F: Fn(&Bytes) -> bool>(
    name: &'static str,
    msgs: &[Bytes],
    seconds: f64,
    one: F,
) -> Figures {
    let rejected = msgs.iter().filter(|m| !one(m)).count();
    let bytes_per_round: usize = msgs.iter().map(Bytes::len).sum();
    let warm = Instant::now();
    while warm.elapsed() < Duration::from_millis(500) {
        for m in msgs {
            black_box(one(black_box(m)));
        }
    }
    let budget = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut rounds: u64 = 0;
    while start.elapsed() < budget {
        for _ in 0..64 {
            for m in msgs {
                black_box(one(black_box(m)));
            }
        }
        rounds += 64;
    }
    let secs = start.elapsed().as_secs_f64();
    let n = rounds as f64 * msgs.len() as f64;
    let mb = rounds as f64 * bytes_per_round as f64 / 1e6;
    Figures {
        name,
        msgs_per_s: n / secs,
        mb_per_s: mb / secs,
        rejected,
    }
}

/// Our parser: `Message::parse`, then the transaction-key headers (top Via
/// branch, CSeq, Call-ID, From tag, To tag), and with `validate` the full
/// check of every known header. False if the message is refused.
pub fn parse_with_keys(msg: &Bytes, validate: bool) -> bool {
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

/// Reads a `%%`-separated corpus file into one buffer per message.
pub fn load_corpus(path: &str) -> Result<Vec<Bytes>, String> {
    let data = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let msgs: Vec<Bytes> = split_corpus(&data)
        .into_iter()
        .map(Bytes::copy_from_slice)
        .collect();
    if msgs.is_empty() {
        return Err(format!("{path}: no messages"));
    }
    Ok(msgs)
}

/// Parses the positional argument `i` as a positive number, `default` when
/// it is absent; the error says which argument was wrong.
pub fn positive_arg(args: &[String], i: usize, default: f64, what: &str) -> Result<f64, String> {
    match args.get(i).map(|s| s.parse::<f64>()) {
        None => Ok(default),
        Some(Ok(s)) if s > 0.0 && s.is_finite() => Ok(s),
        Some(_) => Err(format!("{what} must be a positive number")),
    }
}

/// Splits a corpus into messages. A corpus is a sequence of messages each
/// followed by a separator line that is exactly `%%` (with its CRLF or LF);
/// the separator and its line end are not part of the message, the
/// message's own line ends are. A last message without a separator counts.
pub fn split_corpus(data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut line = 0;
    while line < data.len() {
        let end = data[line..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |i| line + i + 1);
        let text = &data[line..end];
        let bare = text.strip_suffix(b"\n").unwrap_or(text);
        let bare = bare.strip_suffix(b"\r").unwrap_or(bare);
        if bare == b"%%" {
            if line > start {
                out.push(&data[start..line]);
            }
            start = end;
        }
        line = end;
    }
    if start < data.len() && data[start..].iter().any(|b| !b.is_ascii_whitespace()) {
        out.push(&data[start..]);
    }
    out
}

/// The shared corpus of typical messages, if the `shared/` folder sits
/// beside the repository (as it does for developers and CI).
pub fn typical_corpus() -> Option<Vec<u8>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/typical.sip"
    );
    std::fs::read(path).ok()
}

#[cfg(test)]
mod tests {
    use super::split_corpus;

    #[test]
    fn splits_on_separator_lines_only() {
        let c = b"A\r\n%%x\r\n%%\r\nB\r\n\r\n%%\r\nC";
        assert_eq!(
            split_corpus(c),
            vec![&b"A\r\n%%x\r\n"[..], b"B\r\n\r\n", b"C"]
        );
        assert!(split_corpus(b"").is_empty());
    }
}
