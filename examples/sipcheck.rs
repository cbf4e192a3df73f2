//! `sipcheck`: parse and fully validate SIP messages, one per file.
//!
//! ```text
//! cargo run --release --example sipcheck -- [--roundtrip] FILE...
//! ```
//!
//! Each file is read as raw bytes (one message, as if it were one UDP
//! datagram), parsed, and every header the parser has a type for is
//! checked, as a UAS does before it accepts a request. One tab-separated
//! line per file: `FILE<TAB>ok<TAB>METHOD-or-CODE` (with `--roundtrip`, a
//! last field `roundtrip=exact` when re-serializing gives the file's bytes
//! back, else `roundtrip=differs`) or `FILE<TAB>error<TAB>REASON`.
//! Exit status 0 if every file parsed, 1 otherwise, 2 on bad arguments.

use std::process::ExitCode;

use sip_parser::Message;

fn usage() -> ExitCode {
    eprintln!("usage: sipcheck [--roundtrip] FILE...");
    ExitCode::from(2)
}

/// One report line's fields after the file name.
fn check(bytes: &[u8], roundtrip: bool) -> Result<String, String> {
    let msg = Message::parse(bytes.to_vec()).map_err(|e| e.to_string())?;
    msg.validate().map_err(|e| e.to_string())?;
    let what = match (msg.method(), msg.status()) {
        (Some(m), _) => m.to_string(),
        (None, Some(code)) => code.to_string(),
        (None, None) => unreachable!("a message is a request or a response"),
    };
    if !roundtrip {
        return Ok(what);
    }
    let same = msg.to_vec() == bytes;
    Ok(format!(
        "{what}\troundtrip={}",
        if same { "exact" } else { "differs" }
    ))
}

/// Keeps a reason on one line so that the output stays one line per file.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn main() -> ExitCode {
    let mut roundtrip = false;
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--roundtrip" => roundtrip = true,
            "-h" | "--help" => {
                println!("usage: sipcheck [--roundtrip] FILE...");
                println!("Parses each FILE as one SIP message and validates every known header.");
                return ExitCode::SUCCESS;
            }
            s if s.starts_with("--") => return usage(),
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        return usage();
    }
    let mut all_ok = true;
    for file in &files {
        let result = examples::read_input(file).and_then(|b| check(&b, roundtrip));
        match result {
            Ok(fields) => println!("{file}\tok\t{fields}"),
            Err(reason) => {
                all_ok = false;
                println!("{file}\terror\t{}", one_line(&reason));
            }
        }
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
