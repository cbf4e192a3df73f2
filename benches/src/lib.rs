//! Shared helpers of the SIP stack's benchmarks: corpus loading.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

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
