//! Interop of the library API with a real peer: an exosip `Context` calls
//! `sipp` (Debian package `sip-tester`) on 127.0.0.1 and sends INFO and a
//! hold / resume re-INVITE in the dialog. Bounded call counts, every
//! process started killed by pid; skipped with a note when `sipp` is not on
//! PATH. The `sipua` program against sipp's built-in and our own scenarios
//! is covered by `sipp-scenarios.rs`.

use std::net::UdpSocket;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use exosip::{Config, Context, EventKind, Method, Transport};

const ANSWER_SDP: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 20000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

fn sipp() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("sipp"))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn scenario(name: &str) -> String {
    format!("{}/../../tests/sipp/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Waits for `child` up to `limit`, killing it (by pid) when it overruns.
fn finish(mut child: Child, limit: Duration) -> bool {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if let Ok(Some(status)) = child.try_wait() {
            return status.success();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    false
}

fn spawn_sipp(args: &[&str]) -> Child {
    Command::new(sipp().unwrap())
        .args(args)
        .args(["-nostdin", "-timeout", "40s", "-timeout_error"])
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

macro_rules! need_sipp {
    () => {
        if sipp().is_none() {
            eprintln!("sipp not on PATH (apt-get install sip-tester): interop test skipped");
            return;
        }
    };
}

#[test]
fn exosip_sends_info_and_hold_resume_to_sipp() {
    need_sipp!();
    let port = free_port();
    let sc = scenario("uas-reinvite-info-bye.xml");
    let child = spawn_sipp(&[
        "-sf",
        &sc,
        "-m",
        "3",
        "-i",
        "127.0.0.1",
        "-p",
        &port.to_string(),
    ]);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        run_caller(port, 3, "5", true, Duration::from_millis(100)),
        3
    );
    assert!(finish(child, Duration::from_secs(30)));
}

/// Places `count` calls to sipp on `port` one after the other; returns
/// how many were answered and ended cleanly.
fn run_caller(port: u16, count: u32, dtmf: &str, hold: bool, talk: Duration) -> u32 {
    let ctx = Context::start(Config::default()).unwrap();
    let local = ctx
        .listen(Transport::Udp, "127.0.0.1:0".parse().unwrap())
        .unwrap();
    let mut good = 0;
    for _ in 0..count {
        let mut inv = ctx
            .build_initial_invite(
                &format!("sip:service@127.0.0.1:{port}"),
                &format!("sip:exosip@{local}"),
                None,
                None,
            )
            .unwrap();
        inv.set_body_with_type(ANSWER_SDP, "application/sdp");
        let cid = ctx.send_initial_invite(inv).unwrap();
        let mut steps: Vec<Method> = dtmf.chars().map(|_| Method::Info).collect();
        if hold {
            steps.push(Method::Invite);
            steps.push(Method::Invite);
        }
        steps.reverse();
        let mut bye_sent = false;
        let mut did = None;
        let mut clean = false;
        let mut bye_at = None;
        let end = Instant::now() + Duration::from_secs(30);
        while Instant::now() < end {
            if bye_at.is_some_and(|t| Instant::now() >= t) {
                bye_at = None;
                bye_sent = true;
                let _ = ctx.terminate(cid, did);
            }
            let Some(e) = ctx.event_wait(Duration::from_millis(20)) else {
                continue;
            };
            if e.cid != Some(cid) {
                continue;
            }
            let mut advance = false;
            match e.kind {
                EventKind::CallAnswered => {
                    did = e.did;
                    ctx.send_ack(e.did.unwrap(), None).unwrap();
                    advance = true;
                }
                EventKind::CallMessageAnswered if bye_sent => clean = true,
                EventKind::CallMessageAnswered => advance = true,
                EventKind::CallClosed => clean = true,
                EventKind::CallReleased => break,
                k if k != EventKind::CallProceeding && k != EventKind::CallRinging => {
                    panic!("unexpected {k:?} status {:?}", e.status())
                }
                _ => {}
            }
            if advance {
                let d = did.unwrap();
                match steps.pop() {
                    Some(m) => {
                        let mut req = ctx.build_request(d, m.clone()).unwrap();
                        if m == Method::Info {
                            req.set_body_with_type(
                                "Signal=5\r\nDuration=160\r\n",
                                "application/dtmf-relay",
                            );
                        } else {
                            req.set_body_with_type(ANSWER_SDP, "application/sdp");
                        }
                        ctx.send_request(d, req).unwrap();
                    }
                    None => bye_at = Some(Instant::now() + talk),
                }
            }
        }
        if clean {
            good += 1;
        }
    }
    ctx.quit();
    good
}
