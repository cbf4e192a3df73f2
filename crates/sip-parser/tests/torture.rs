//! RFC 4475 and RFC 5118 torture messages, read in place from
//! `shared/conformance/torture/` beside the repository (never copied).
//!
//! `valid` and `valid-but-semantic-error` messages parse and validate;
//! `invalid` ones give a typed error from `Message::parse` or
//! `Message::validate`. Where RFC 4475 lets a lenient parser accept an
//! invalid message (lwsstart, trws, escruri, baddate), this parser is
//! strict and rejects it: that is the documented choice.

use std::path::PathBuf;

use sip_parser::{Message, ParseErrorKind};

fn dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/conformance/torture"
    ))
}

fn manifest() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(dir().join("MANIFEST.tsv"))
        .expect("shared/conformance/torture/MANIFEST.tsv must sit beside the repository");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols[0].to_string(), cols[2].to_string())
        })
        .collect()
}

fn load(name: &str) -> Vec<u8> {
    std::fs::read(dir().join(format!("{name}.sip"))).expect("torture file")
}

fn check(name: &str) -> Result<Message, sip_parser::ParseError> {
    let m = Message::parse(load(name))?;
    m.validate()?;
    Ok(m)
}

#[test]
fn every_manifest_row_behaves_as_expected() {
    let rows = manifest();
    assert!(
        rows.len() >= 61,
        "expected the 61 RFC 4475 / 5118 messages, got {}",
        rows.len()
    );
    let mut failures = Vec::new();
    for (name, expected) in &rows {
        let result = check(name);
        let ok = match expected.as_str() {
            "valid" | "valid-but-semantic-error" => result.is_ok(),
            "invalid" => result.is_err(),
            other => panic!("unknown expectation {other} for {name}"),
        };
        if !ok {
            failures.push(format!("{name} ({expected}): {result:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "conformance failures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn valid_messages_round_trip_exactly() {
    for (name, expected) in manifest() {
        if expected == "invalid" || name == "dblreq" {
            continue;
        }
        let bytes = load(&name);
        let m = Message::parse(bytes.clone()).expect("parses");
        assert_eq!(m.to_vec(), bytes, "{name}");
    }
}

#[test]
fn uas_checks_give_the_rfc_status() {
    let status = |name: &str| {
        Message::parse(load(name))
            .unwrap()
            .check_request()
            .map_err(|r| r.status)
    };
    assert_eq!(status("insuf"), Err(400));
    assert_eq!(status("multi01"), Err(400));
    assert_eq!(status("unkscm"), Err(416));
    assert_eq!(status("novelsc"), Err(416));
    assert_eq!(status("mismatch01"), Err(400));
    assert_eq!(status("badinv01"), Err(400));
    assert_eq!(status("scalar02"), Err(400));
    for fine in [
        "wsinv", "esc01", "escnull", "lwsdisp", "longreq", "semiuri", "zeromf", "bext01", "invut",
        "inv2543",
    ] {
        assert_eq!(status(fine), Ok(()), "{fine}");
    }
}

#[test]
fn specific_errors_are_typed() {
    let kind = |name: &str| check(name).unwrap_err().kind;
    assert_eq!(kind("badvers"), ParseErrorKind::Version);
    assert_eq!(kind("bigcode"), ParseErrorKind::StatusCode);
    assert_eq!(kind("clerr"), ParseErrorKind::ContentLength);
    assert_eq!(kind("ncl"), ParseErrorKind::ContentLength);
    assert_eq!(kind("mcl01"), ParseErrorKind::ContentLength);
    assert_eq!(kind("mismatch01"), ParseErrorKind::CSeqMismatch);
    assert_eq!(kind("ltgtruri"), ParseErrorKind::Uri);
    assert_eq!(kind("ipv6-bad"), ParseErrorKind::Uri);
}

#[test]
fn semantics_survive_parsing() {
    let m = check("dblreq").unwrap();
    assert_eq!(m.method().map(|m| m.as_str()), Some("REGISTER"));
    assert!(m.body().is_empty());
    let m = check("inv2543").unwrap();
    assert!(m.branch().is_none());
    assert!(!m.body().is_empty());
    let m = check("mpart01").unwrap();
    assert_eq!(m.body().len(), 553);
    let m = check("intmeth").unwrap();
    assert!(!m.method().unwrap().is_known());
    let m = check("noreason").unwrap();
    assert_eq!((m.status(), m.reason()), (Some(100), Some(&b""[..])));
    let m = check("unreason").unwrap();
    assert!(!std::str::from_utf8(m.reason().unwrap()).unwrap().is_ascii());
}
