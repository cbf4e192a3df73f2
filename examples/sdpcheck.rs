//! `sdpcheck [--answer] FILE...`: parses each file as one SDP body.
//!
//! Prints one tab-separated line per file, `FILE\tok\tN` (N = number of
//! m-lines) or `FILE\terror\tREASON`. With `--answer`, each `ok` line is
//! followed by `--- answer`, the RFC 3264 answer a UA with the default audio
//! capabilities (PCMU, PCMA, G722, opus, telephone-event; no video) would
//! give, and `--- end`. Exits 0 if every file parsed, 1 otherwise, 2 on a
//! usage error. Never panics, whatever the bytes.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::process::ExitCode;

use examples::read_input;
use sip_sdp::{AddrType, AnswerOptions, Capabilities, Session, answer};

fn main() -> ExitCode {
    let mut with_answer = false;
    let mut files = Vec::new();
    // args_os: a file name that is not UTF-8 must not panic (std::env::args would).
    for arg in std::env::args_os().skip(1) {
        if arg == "--answer" {
            with_answer = true;
        } else {
            files.push(arg);
        }
    }
    if files.is_empty() {
        eprintln!("usage: sdpcheck [--answer] FILE...");
        return ExitCode::from(2);
    }
    let caps = Capabilities::default_audio();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut all_ok = true;
    for arg in &files {
        let file = arg.to_string_lossy();
        let parsed = read_input(arg).and_then(|b| Session::parse(&b).map_err(|e| e.to_string()));
        let offer = match parsed {
            Ok(s) => s,
            Err(reason) => {
                all_ok = false;
                let _ = writeln!(out, "{file}\terror\t{reason}");
                continue;
            }
        };
        let _ = writeln!(out, "{file}\tok\t{}", offer.media.len());
        if with_answer {
            let _ = writeln!(out, "--- answer");
            match answer(&offer, &caps, &AnswerOptions::new(local_address(&offer))) {
                Ok(a) => {
                    let _ = write!(out, "{a}");
                }
                Err(e) => {
                    let _ = writeln!(out, "# no answer: {e}");
                }
            }
            let _ = writeln!(out, "--- end");
        }
    }
    let _ = out.flush();
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Loopback of the offer's address family, so an IPv6 offer gets an IPv6 answer.
fn local_address(offer: &Session) -> IpAddr {
    let v6 = offer
        .audio_connection()
        .or(offer.connection.as_ref())
        .map_or(offer.origin.addr_type == AddrType::Ip6, |c| {
            c.addr_type == AddrType::Ip6
        });
    if v6 {
        IpAddr::V6(Ipv6Addr::LOCALHOST)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn non_utf8_file_name_is_an_error_not_a_panic() {
        let name = OsStr::from_bytes(b"/nonexistent-\xff.sdp");
        let err = read_input(name).unwrap_err();
        assert!(err.starts_with("cannot read file: "), "{err}");
    }
}
