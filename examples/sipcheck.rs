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
    // args_os: a file name that is not UTF-8 must not panic (std::env::args would).
    for arg in std::env::args_os().skip(1) {
        match arg.to_str().unwrap_or_default() {
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
        let file = file.to_string_lossy();
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

#[cfg(test)]
mod tests {
    use super::{check, one_line};

    const OPTIONS: &[u8] =
        b"OPTIONS sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\
From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\
Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

    #[test]
    fn report_fields() {
        assert_eq!(check(OPTIONS, false).as_deref(), Ok("OPTIONS"));
        assert_eq!(
            check(OPTIONS, true).as_deref(),
            Ok("OPTIONS\troundtrip=exact")
        );
        let mut trailing = OPTIONS.to_vec();
        trailing.extend_from_slice(b"junk");
        assert_eq!(
            check(&trailing, true).as_deref(),
            Ok("OPTIONS\troundtrip=differs")
        );
        let bad = check(b"OPTIONS sip:b SIP/3.0\r\n\r\n", false).unwrap_err();
        assert!(bad.contains("version"), "{bad}");
    }

    #[test]
    fn any_bytes_give_a_one_line_verdict() {
        for input in [
            &b""[..],
            b"\xff\xfe\r\n\r\n",
            b"SIP/2.0 200\r\n\r\n",
            &OPTIONS[..40],
        ] {
            let line = match check(input, true) {
                Ok(fields) => fields,
                Err(reason) => one_line(&reason),
            };
            assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
        }
    }
}
