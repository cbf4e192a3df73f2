//! Command-line parsing of `sipua` (no dependency: flags are few).

use std::net::SocketAddr;

use exosip::Transport;

pub(crate) const MAIN_HELP: &str = "sipua: a SIP user agent on the exosip stack

usage: sipua SUBCOMMAND [OPTIONS]

subcommands:
  listen   answer incoming calls
  call     place calls
  demo     two user agents in one process on 127.0.0.1 call each other

`sipua SUBCOMMAND --help` describes each one.";

pub(crate) const LISTEN_HELP: &str = "usage: sipua listen --bind ADDR:PORT [OPTIONS]

Answers every INVITE with 180 Ringing, then after --ring-ms the --answer
status (200 carries an SDP answer negotiated from the offer). Answers
in-dialog INFO / UPDATE / OPTIONS / re-INVITE and BYE. Prints one line per event.

options:
  --bind ADDR:PORT          local address (port 0 picks one)   [required]
  --transport udp|tcp       transport                          [udp]
  --answer CODE             final status for INVITEs           [200]
  --ring-ms N               delay between 180 and the answer   [0]
  --calls N                 exit 0 after N calls ended         [until Ctrl-C]
  --ladder                  print every message as a ladder line
  --log LEVEL               tracing level (error, warn, info, debug, trace)";

pub(crate) const CALL_HELP: &str = "usage: sipua call URI --bind ADDR:PORT [OPTIONS]

Places calls with an SDP offer, ACKs the answer, optionally sends DTMF by
INFO and a hold / resume re-INVITE, hangs up with BYE after --duration-ms.
Prints `calls attempted=N answered=M failed=K` last; exits 0 only when
every call was answered and ended cleanly.

options:
  --bind ADDR:PORT          local address (port 0 picks one)   [127.0.0.1:0]
  --transport udp|tcp       transport                          [udp]
  --from URI                From address                       [sip:sipua@BIND]
  --duration-ms N           call length after the answer       [1000]
  --count N                 number of calls                    [1]
  --rate CALLS_PER_S        call attempts per second           [10]
  --dtmf DIGITS             send these digits by INFO (application/dtmf-relay)
  --hold                    put the call on hold, then resume it (re-INVITE)
  --ladder                  print every message as a ladder line
  --log LEVEL               tracing level";

pub(crate) const DEMO_HELP: &str = "usage: sipua demo [--log LEVEL]

Two user agents in one process on 127.0.0.1 over real UDP sockets: alice
calls bob, bob rings and answers with SDP, alice sends DTMF by INFO, holds
and resumes, then hangs up. Prints the ladder diagram and the negotiated codec.";

/// Options shared by every subcommand.
#[derive(Debug, Clone)]
pub(crate) struct Common {
    pub(crate) bind: Option<SocketAddr>,
    pub(crate) transport: Transport,
    pub(crate) ladder: bool,
    pub(crate) log: Option<String>,
}

/// `sipua listen` options.
#[derive(Debug, Clone)]
pub(crate) struct Listen {
    pub(crate) common: Common,
    pub(crate) answer: u16,
    pub(crate) ring_ms: u64,
    pub(crate) calls: Option<u64>,
}

/// `sipua call` options.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) common: Common,
    pub(crate) uri: String,
    pub(crate) from: Option<String>,
    pub(crate) duration_ms: u64,
    pub(crate) count: u64,
    pub(crate) rate: f64,
    pub(crate) dtmf: String,
    pub(crate) hold: bool,
}

/// What to run.
pub(crate) enum Cmd {
    Help(&'static str),
    Listen(Listen),
    Call(Call),
    Demo(Option<String>),
}

fn value<'a>(it: &mut impl Iterator<Item = &'a String>, flag: &str) -> Result<&'a String, String> {
    it.next().ok_or_else(|| format!("{flag} needs a value"))
}

fn number<T: std::str::FromStr>(v: &str, flag: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{flag}: not a valid number: {v}"))
}

/// Parses the arguments after the program name.
pub(crate) fn parse(args: &[String]) -> Result<Cmd, String> {
    let Some(sub) = args.first() else {
        return Ok(Cmd::Help(MAIN_HELP));
    };
    let rest = &args[1..];
    let help = match sub.as_str() {
        "listen" => LISTEN_HELP,
        "call" => CALL_HELP,
        "demo" => DEMO_HELP,
        "--help" | "-h" | "help" => return Ok(Cmd::Help(MAIN_HELP)),
        other => return Err(format!("unknown subcommand `{other}` (try --help)")),
    };
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        return Ok(Cmd::Help(help));
    }
    let mut common = Common {
        bind: None,
        transport: Transport::Udp,
        ladder: false,
        log: None,
    };
    let (mut answer, mut ring_ms, mut calls) = (200u16, 0u64, None);
    let (mut uri, mut from, mut duration_ms, mut count, mut rate, mut dtmf, mut hold) =
        (None, None, 1000u64, 1u64, 10f64, String::new(), false);
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--bind" => {
                let v = value(&mut it, a)?;
                common.bind = Some(
                    v.parse()
                        .map_err(|_| format!("--bind: not ADDR:PORT: {v}"))?,
                );
            }
            "--transport" => {
                common.transport = match value(&mut it, a)?.to_ascii_lowercase().as_str() {
                    "udp" => Transport::Udp,
                    "tcp" => Transport::Tcp,
                    t => return Err(format!("--transport: udp or tcp, not {t}")),
                }
            }
            "--ladder" => common.ladder = true,
            "--log" => common.log = Some(value(&mut it, a)?.clone()),
            "--answer" if sub == "listen" => {
                answer = number(value(&mut it, a)?, a)?;
                if !(200..=699).contains(&answer) {
                    return Err(format!("--answer: a final status 200..699, not {answer}"));
                }
            }
            "--ring-ms" if sub == "listen" => ring_ms = number(value(&mut it, a)?, a)?,
            "--calls" if sub == "listen" => calls = Some(number(value(&mut it, a)?, a)?),
            "--from" if sub == "call" => from = Some(value(&mut it, a)?.clone()),
            "--duration-ms" if sub == "call" => duration_ms = number(value(&mut it, a)?, a)?,
            "--count" if sub == "call" => count = number(value(&mut it, a)?, a)?,
            "--rate" if sub == "call" => {
                rate = number(value(&mut it, a)?, a)?;
                if !(rate > 0.0 && rate.is_finite()) {
                    return Err("--rate must be positive".into());
                }
            }
            "--dtmf" if sub == "call" => {
                dtmf = value(&mut it, a)?.clone();
                if let Some(bad) = dtmf.chars().find(|c| !"0123456789*#ABCDabcd".contains(*c)) {
                    return Err(format!("--dtmf: `{bad}` is not a DTMF digit"));
                }
            }
            "--hold" if sub == "call" => hold = true,
            s if sub == "call" && !s.starts_with('-') && uri.is_none() => uri = Some(s.to_owned()),
            s => return Err(format!("{sub}: unknown argument `{s}` (try --help)")),
        }
    }
    match sub.as_str() {
        "listen" => {
            if common.bind.is_none() {
                return Err("listen: --bind ADDR:PORT is required".into());
            }
            Ok(Cmd::Listen(Listen {
                common,
                answer,
                ring_ms,
                calls,
            }))
        }
        "call" => {
            let uri = uri.ok_or("call: the URI to call is required")?;
            if count == 0 {
                return Err("--count must be at least 1".into());
            }
            Ok(Cmd::Call(Call {
                common,
                uri,
                from,
                duration_ms,
                count,
                rate,
                dtmf,
                hold,
            }))
        }
        _ => Ok(Cmd::Demo(common.log)),
    }
}
