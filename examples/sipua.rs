//! `sipua`: a command-line SIP user agent on the exosip stack.
//!
//! ```text
//! cargo run --release --example sipua -- demo
//! cargo run --release --example sipua -- listen --bind 127.0.0.1:5070 --calls 10
//! cargo run --release --example sipua -- call sip:bob@127.0.0.1:5070 --count 10 --rate 5
//! ```
#![forbid(unsafe_code)]

#[path = "sipua/args.rs"]
mod args;
#[path = "sipua/callee.rs"]
mod callee;
#[path = "sipua/caller.rs"]
mod caller;
#[path = "sipua/ladder.rs"]
mod ladder;
#[path = "sipua/media.rs"]
mod media;

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use exosip::{Config, Context};

fn init_log(level: Option<&str>) -> Result<(), String> {
    let Some(level) = level else { return Ok(()) };
    let filter =
        tracing_subscriber::EnvFilter::try_new(level).map_err(|e| format!("--log: {e}"))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init()
        .map_err(|e| e.to_string())
}

fn start(
    common: &args::Common,
    default_bind: &str,
    name: &'static str,
    clock: &Arc<Instant>,
) -> Result<(Context, SocketAddr), String> {
    let ctx = Context::start(Config::default().user_agent("sipua")).map_err(|e| e.to_string())?;
    let bind = common
        .bind
        .unwrap_or_else(|| default_bind.parse().expect("literal"));
    let local = ctx
        .listen(common.transport, bind)
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    if common.ladder {
        ctx.set_message_observer(Some(ladder::observer(name, Arc::clone(clock))))
            .map_err(|e| e.to_string())?;
    }
    Ok((ctx, local))
}

fn rtp_ip(local: SocketAddr) -> IpAddr {
    if local.ip().is_unspecified() {
        IpAddr::from([127, 0, 0, 1])
    } else {
        local.ip()
    }
}

fn listen(o: &args::Listen) -> Result<(), String> {
    init_log(o.common.log.as_deref())?;
    let clock = Arc::new(Instant::now());
    let (ctx, local) = start(&o.common, "127.0.0.1:5060", "sipua", &clock)?;
    println!("listening on {local} ({})", o.common.transport);
    let opts = callee::CalleeOptions {
        answer: o.answer,
        ring: Duration::from_millis(o.ring_ms),
        calls: o.calls,
        name: "sipua",
        print_events: true,
        rtp_ip: rtp_ip(local),
    };
    // Ctrl-C (SIGINT) or SIGTERM: leave the loop, quit the context, exit 0.
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed))
        .map_err(|e| format!("cannot catch signals: {e}"))?;
    let n = callee::run(&ctx, &opts, &stop)?;
    if stop.load(Ordering::Relaxed) {
        println!("interrupted");
    }
    println!("calls ended={n}");
    ctx.quit();
    Ok(())
}

fn call(o: &args::Call) -> Result<bool, String> {
    init_log(o.common.log.as_deref())?;
    let clock = Arc::new(Instant::now());
    let (ctx, local) = start(&o.common, "127.0.0.1:0", "sipua", &clock)?;
    let from = o
        .from
        .clone()
        .unwrap_or_else(|| format!("sip:sipua@{local}"));
    let opts = caller::CallerOptions {
        to: o.uri.clone(),
        from,
        duration: Duration::from_millis(o.duration_ms),
        count: o.count,
        rate: o.rate,
        dtmf: o.dtmf.clone(),
        hold: o.hold,
        name: "sipua",
        print_events: true,
        rtp_ip: rtp_ip(local),
    };
    // Check the URI before the first call.
    ctx.build_initial_invite(&opts.to, &opts.from, None, None)
        .map_err(|e| format!("call: {e}"))?;
    let s = caller::run(&ctx, &opts);
    if let Some(c) = &s.codec {
        println!("negotiated codec: {c}");
    }
    println!(
        "calls attempted={} answered={} failed={}",
        s.attempted, s.answered, s.failed
    );
    ctx.quit();
    Ok(s.failed == 0 && s.answered == s.attempted)
}

fn demo(log: Option<&str>) -> Result<bool, String> {
    init_log(log)?;
    let clock = Arc::new(Instant::now());
    let common = args::Common {
        bind: None,
        transport: exosip::Transport::Udp,
        ladder: true,
        log: None,
    };
    let (bob, bob_addr) = start(&common, "127.0.0.1:0", "bob", &clock)?;
    let (alice, alice_addr) = start(&common, "127.0.0.1:0", "alice", &clock)?;
    println!("demo: alice at {alice_addr} calls bob at {bob_addr} (UDP)\n");
    println!(
        "{:>8}  {:<6} {:<7} {:<28} {:<21} call-id",
        "time", "side", "", "message", "peer"
    );
    let stop = Arc::new(AtomicBool::new(false));
    let callee_stop = Arc::clone(&stop);
    let bob = Arc::new(bob);
    let bob2 = Arc::clone(&bob);
    let callee = std::thread::spawn(move || {
        let opts = callee::CalleeOptions {
            answer: 200,
            ring: Duration::from_millis(300),
            calls: Some(1),
            name: "bob",
            print_events: false,
            rtp_ip: rtp_ip(bob_addr),
        };
        callee::run(&bob2, &opts, &callee_stop)
    });
    let opts = caller::CallerOptions {
        to: format!("sip:bob@{bob_addr}"),
        from: format!("Alice <sip:alice@{alice_addr}>"),
        duration: Duration::from_millis(500),
        count: 1,
        rate: 1.0,
        dtmf: "1234".into(),
        hold: true,
        name: "alice",
        print_events: false,
        rtp_ip: rtp_ip(alice_addr),
    };
    let s = caller::run(&alice, &opts);
    let ended = match callee.join() {
        Ok(r) => r?,
        Err(_) => return Err("callee thread panicked".into()),
    };
    println!();
    println!("negotiated codec: {}", s.codec.as_deref().unwrap_or("none"));
    println!(
        "calls attempted={} answered={} failed={} (bob saw {ended} call end)",
        s.attempted, s.answered, s.failed
    );
    alice.quit();
    bob.quit();
    Ok(s.failed == 0 && s.answered == 1 && ended == 1)
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let cmd = match args::parse(&argv) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sipua: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match cmd {
        args::Cmd::Help(text) => {
            println!("{text}");
            Ok(true)
        }
        args::Cmd::Listen(o) => listen(&o).map(|()| true),
        args::Cmd::Call(o) => call(&o),
        args::Cmd::Demo(log) => demo(log.as_deref()),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("sipua: {e}");
            ExitCode::FAILURE
        }
    }
}
