//! Fuzz the stream framer: arbitrary bytes in arbitrary chunks never panic,
//! never buffer more than the limit, and the frames do not depend on where
//! the chunks were cut.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sip_parser::{Frame, Framer, ParserConfig};

fn run(data: &[u8], cut: usize) -> (Vec<Frame>, bool) {
    let mut f = Framer::new(ParserConfig::default().max_message_size(4096));
    let mut frames = Vec::new();
    for chunk in data.chunks(cut.max(1)) {
        f.push(chunk);
        loop {
            match f.next_frame() {
                Ok(Some(fr)) => frames.push(fr),
                Ok(None) => break,
                Err(_) => return (frames, true),
            }
        }
        assert!(f.buffered() <= 4096 + chunk.len() + 4);
    }
    (frames, false)
}

fuzz_target!(|input: (u8, &[u8])| {
    let (cut, data) = input;
    let (whole, whole_err) = run(data, data.len());
    let (pieces, pieces_err) = run(data, usize::from(cut));
    if !whole_err && !pieces_err {
        assert_eq!(whole, pieces);
    }
});
