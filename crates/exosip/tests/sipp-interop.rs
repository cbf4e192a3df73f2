//! Interop with a real peer: `sipp` (Debian package `sip-tester`) on
//! 127.0.0.1, bounded call counts, every process started killed by pid.
//! Skipped with a note when `sipp` is not on PATH.
//!
//! The UA under test is an exosip `Context` answering (or calling) like
//! `sipua listen` (`sipua call`): 180, then 200 with an SDP answer; INFO,
//! re-INVITE, BYE answered.

use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use exosip::{Config, Context, EventKind, Method, TransactionId, Transport};

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
    format!("{}/tests/sipp/{name}", env!("CARGO_MANIFEST_DIR"))
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

/// An answering UA on its own thread until `stop`.
struct Callee {
    ctx: Arc<Context>,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<u64>>,
}

impl Callee {
    fn start(ring: Duration) -> Self {
        let ctx = Arc::new(Context::start(Config::default()).unwrap());
        let addr = ctx
            .listen(Transport::Udp, "127.0.0.1:0".parse().unwrap())
            .unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let (c, s) = (Arc::clone(&ctx), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            let mut pending: Vec<(Instant, TransactionId)> = Vec::new();
            let mut closed = 0;
            while !s.load(Ordering::Relaxed) {
                let now = Instant::now();
                for (_, tid) in pending.iter().filter(|(t, _)| *t <= now) {
                    answer_200(&c, *tid);
                }
                pending.retain(|(t, _)| *t > now);
                let Some(e) = c.event_wait(Duration::from_millis(20)) else {
                    continue;
                };
                match e.kind {
                    EventKind::CallInvite => {
                        let tid = e.tid.unwrap();
                        let _ = c.send_answer(tid, 180, None);
                        pending.push((Instant::now() + ring, tid));
                    }
                    EventKind::CallReinvite => answer_200(&c, e.tid.unwrap()),
                    EventKind::CallMessageNew | EventKind::MessageNew => {
                        let _ = c.send_answer(e.tid.unwrap(), 200, None);
                    }
                    EventKind::CallClosed => closed += 1,
                    _ => {}
                }
            }
            closed
        });
        Self {
            ctx,
            addr,
            stop,
            thread: Some(thread),
        }
    }

    fn stop(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let n = self.thread.take().unwrap().join().unwrap();
        self.ctx.quit();
        n
    }
}

fn answer_200(ctx: &Context, tid: TransactionId) {
    if let Ok(mut m) = ctx.build_answer(tid, 200) {
        m.set_body_with_type(ANSWER_SDP, "application/sdp");
        let _ = ctx.send_answer(tid, 200, Some(m));
    }
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
fn sipp_builtin_uac_500_calls_against_exosip() {
    need_sipp!();
    let callee = Callee::start(Duration::ZERO);
    let target = callee.addr.to_string();
    let port = free_port().to_string();
    let child = spawn_sipp(&[
        "-sn",
        "uac",
        "-m",
        "500",
        "-r",
        "200",
        "-i",
        "127.0.0.1",
        "-p",
        &port,
        &target,
    ]);
    let ok = finish(child, Duration::from_secs(60));
    let closed = callee.stop();
    assert!(ok, "sipp reported failed calls");
    assert_eq!(closed, 500);
}

#[test]
fn exosip_calls_sipp_builtin_uas() {
    need_sipp!();
    let port = free_port();
    let child = spawn_sipp(&[
        "-sn",
        "uas",
        "-m",
        "20",
        "-i",
        "127.0.0.1",
        "-p",
        &port.to_string(),
    ]);
    std::thread::sleep(Duration::from_millis(300));
    let ok = run_caller(port, 20, "", false, Duration::from_millis(100));
    assert_eq!(ok, 20);
    assert!(finish(child, Duration::from_secs(30)));
}

#[test]
fn sipp_sends_info_reinvite_bye() {
    need_sipp!();
    let callee = Callee::start(Duration::ZERO);
    let (sc, target, port) = (
        scenario("uac-info-reinvite-bye.xml"),
        callee.addr.to_string(),
        free_port().to_string(),
    );
    let child = spawn_sipp(&[
        "-sf",
        &sc,
        "-m",
        "5",
        "-i",
        "127.0.0.1",
        "-p",
        &port,
        &target,
    ]);
    let ok = finish(child, Duration::from_secs(40));
    assert_eq!(callee.stop(), 5);
    assert!(ok);
}

#[test]
fn sipp_cancels_while_ringing() {
    need_sipp!();
    let callee = Callee::start(Duration::from_secs(5));
    let (sc, target, port) = (
        scenario("uac-cancel.xml"),
        callee.addr.to_string(),
        free_port().to_string(),
    );
    let child = spawn_sipp(&[
        "-sf",
        &sc,
        "-m",
        "3",
        "-i",
        "127.0.0.1",
        "-p",
        &port,
        &target,
    ]);
    let ok = finish(child, Duration::from_secs(40));
    callee.stop();
    assert!(ok);
}

#[test]
fn udp_request_with_unsupported_require_is_rejected_420() {
    need_sipp!();
    let callee = Callee::start(Duration::ZERO);
    let (sc, target, port) = (
        scenario("uac-reject-require.xml"),
        callee.addr.to_string(),
        free_port().to_string(),
    );
    let child = spawn_sipp(&[
        "-sf",
        &sc,
        "-m",
        "3",
        "-i",
        "127.0.0.1",
        "-p",
        &port,
        &target,
    ]);
    let ok = finish(child, Duration::from_secs(40));
    callee.stop();
    assert!(ok);
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

#[test]
fn sipp_callee_hangs_up_first() {
    need_sipp!();
    let port = free_port();
    let sc = scenario("uas-callee-bye.xml");
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
    assert_eq!(run_caller(port, 3, "", false, Duration::from_secs(20)), 3);
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
