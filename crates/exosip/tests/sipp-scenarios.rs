//! Interop with SIPp (Debian package `sip-tester`): the XML scenarios of
//! `tests/sipp/` at the repository root (described in its README) played
//! against the `sipua` command-line user agent (`examples/sipua.rs`).
//!
//! Each test runs `sipua` and `sipp` as child processes on 127.0.0.1 with
//! bounded call counts (`-m N`), SIPp's own global timeout
//! (`-timeout 30s -timeout_error`) and a wall-clock guard that kills a
//! child by pid when it overruns. Every child is owned by a [`Proc`] guard
//! that kills and reaps it on drop, so a failing assertion leaks nothing.
//! A test is skipped with a note when `sipp` is not on PATH.
//!
//! On failure the assertion message carries SIPp's `-trace_err` log, the
//! last messages of its `-trace_msg` log and sipua's output; the work
//! directory (under the system temp dir) is kept for inspection.

use std::fmt::Write as _;
use std::fs;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The wall-clock limit of any one child process.
const WALL: Duration = Duration::from_secs(60);

/// A child process killed (by pid, `Child::kill`) and reaped on drop.
struct Proc {
    child: Child,
}

impl Proc {
    fn spawn(cmd: &mut Command) -> Self {
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        Self { child }
    }

    /// The exit status, or `None` when `limit` passed first (the child is
    /// then killed).
    fn wait(&mut self, limit: Duration) -> Option<ExitStatus> {
        let end = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= end {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

macro_rules! need_sipp {
    () => {
        match on_path("sipp") {
            Some(p) => p,
            None => {
                eprintln!("skipped: sipp not installed");
                return;
            }
        }
    };
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scenario(name: &str) -> String {
    let p = workspace_root().join("tests/sipp").join(name);
    assert!(p.is_file(), "scenario {} missing", p.display());
    p.to_string_lossy().into_owned()
}

/// The `sipua` binary of this test run's target dir and profile.
///
/// The test binary is `<target>/<profile>/deps/sipp_scenarios-HASH`, so
/// its grandparent is `<target>/<profile>` and sipua is
/// `<target>/<profile>/examples/sipua`. sipua belongs to the `examples`
/// package, which `cargo test -p exosip` does not build, and an old binary
/// may be left from an earlier build: so we always run
/// `cargo build -p examples --example sipua` with `env!("CARGO")` into
/// that target dir and profile (a no-op when up to date). Only when that
/// command cannot run at all do we fall back to an existing binary.
fn sipua() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("current_exe");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("<target>/<profile>/deps/test");
        let target = profile_dir.parent().expect("<target>");
        let bin = profile_dir
            .join("examples")
            .join(format!("sipua{}", std::env::consts::EXE_SUFFIX));
        let mut cmd = Command::new(env!("CARGO"));
        cmd.current_dir(workspace_root())
            .args([
                "build",
                "-p",
                "examples",
                "--example",
                "sipua",
                "--target-dir",
            ])
            .arg(target);
        match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => {}
            Some("release") => {
                cmd.arg("--release");
            }
            Some(other) => {
                cmd.args(["--profile", other]);
            }
        }
        match cmd.status() {
            Ok(s) => assert!(
                s.success(),
                "`cargo build -p examples --example sipua` failed: {s}"
            ),
            Err(e) => eprintln!("cannot run cargo ({e}); using {} as it is", bin.display()),
        }
        assert!(bin.is_file(), "sipua not found at {}", bin.display());
        bin
    })
}

/// A UDP port free on 127.0.0.1 a moment ago (bind port 0, then close).
fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// A fresh work directory for one test: SIPp writes its logs to its cwd.
fn work_dir(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sipp-scenarios-{}-{test}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).expect("create work dir");
    d
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// What went on, for a failure message.
fn report(dir: &Path) -> String {
    let mut out = format!("work dir: {}\n", dir.display());
    let mut names: Vec<PathBuf> = fs::read_dir(dir)
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    names.sort();
    for p in names {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let lines = if name.ends_with("_errors.log") {
            60
        } else if name.ends_with("_messages.log") || name.starts_with("sipua") {
            40
        } else {
            continue;
        };
        let text = fs::read_to_string(&p).unwrap_or_default();
        let _ = write!(
            out,
            "----- {name} (last {lines} lines)\n{}\n",
            tail(&text, lines)
        );
    }
    out
}

fn output_to(cmd: &mut Command, dir: &Path, stem: &str) {
    let out = fs::File::create(dir.join(format!("{stem}.out"))).expect("create log");
    let err = fs::File::create(dir.join(format!("{stem}.err"))).expect("create log");
    cmd.stdin(Stdio::null()).stdout(out).stderr(err);
}

/// `sipua listen --bind 127.0.0.1:0 ARGS`; returns it and the address it
/// printed (`listening on ADDR (udp)`).
fn start_listen(dir: &Path, args: &[&str]) -> (Proc, String) {
    let mut cmd = Command::new(sipua());
    cmd.args(["listen", "--bind", "127.0.0.1:0"]).args(args);
    output_to(&mut cmd, dir, "sipua");
    let mut p = Proc::spawn(&mut cmd);
    let end = Instant::now() + Duration::from_secs(10);
    while Instant::now() < end {
        let out = fs::read_to_string(dir.join("sipua.out")).unwrap_or_default();
        if let Some(addr) = out.lines().find_map(|l| l.strip_prefix("listening on ")) {
            return (p, addr.split(' ').next().unwrap_or_default().to_owned());
        }
        if let Ok(Some(s)) = p.child.try_wait() {
            panic!("sipua listen exited at start: {s}\n{}", report(dir));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("sipua listen printed no address\n{}", report(dir));
}

/// Runs sipp to completion in `dir` with the common bounds; returns its
/// exit status (`None`: killed by the wall-clock guard).
fn run_sipp(sipp: &Path, dir: &Path, args: &[&str]) -> Option<ExitStatus> {
    spawn_sipp(sipp, dir, args).wait(WALL)
}

fn spawn_sipp(sipp: &Path, dir: &Path, args: &[&str]) -> Proc {
    let mut cmd = Command::new(sipp);
    cmd.current_dir(dir).args(args).args([
        "-i",
        "127.0.0.1",
        "-timeout",
        "30s",
        "-timeout_error",
        "-nostdin",
        "-trace_err",
    ]);
    output_to(&mut cmd, dir, "sipp");
    Proc::spawn(&mut cmd)
}

/// sipp plays `xml` as the caller `calls` times against `sipua listen
/// LISTEN_ARGS`. With `ended`, sipua runs with `--calls ended` and must
/// exit 0 after that many calls ended.
fn sipp_calls_sipua(
    test: &str,
    xml: &str,
    calls: u32,
    listen_args: &[&str],
    sipp_args: &[&str],
    ended: Option<u32>,
) {
    let sipp = need_sipp!();
    let dir = work_dir(test);
    let n = ended.map(|n| n.to_string());
    let mut largs = listen_args.to_vec();
    if let Some(n) = &n {
        largs.extend(["--calls", n.as_str()]);
    }
    let (mut ua, target) = start_listen(&dir, &largs);
    let (sc, m, port) = (scenario(xml), calls.to_string(), free_port().to_string());
    let mut args = vec![
        "-sf",
        sc.as_str(),
        "-m",
        m.as_str(),
        "-p",
        port.as_str(),
        "-trace_msg",
    ];
    args.extend(sipp_args);
    args.push(&target);
    let status = run_sipp(&sipp, &dir, &args);
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "sipp {xml} failed: {status:?}\n{}",
        report(&dir)
    );
    if let Some(n) = ended {
        let st = ua.wait(Duration::from_secs(10));
        let out = fs::read_to_string(dir.join("sipua.out")).unwrap_or_default();
        assert!(
            st.is_some_and(|s| s.success()),
            "sipua listen --calls {n} did not exit 0: {st:?}\n{}",
            report(&dir)
        );
        assert!(
            out.contains(&format!("calls ended={n}")),
            "sipua summary\n{}",
            report(&dir)
        );
    }
    drop(ua);
    let _ = fs::remove_dir_all(&dir);
}

/// `sipua call` places `count` calls to sipp running `sipp_args` as the
/// callee; both must succeed and sipua print the all-answered summary.
fn sipua_calls_sipp(test: &str, sipp_args: &[&str], count: u32, call_args: &[&str]) {
    let sipp = need_sipp!();
    let dir = work_dir(test);
    let (port, m) = (free_port(), count.to_string());
    let p = port.to_string();
    let mut args = vec!["-m", m.as_str(), "-p", p.as_str()];
    args.extend(sipp_args);
    let mut uas = spawn_sipp(&sipp, &dir, &args);
    // sipp binds within milliseconds; an INVITE sent earlier is lost and
    // retransmitted by sipua 500 ms later (RFC 3261 Timer A), not fatal.
    std::thread::sleep(Duration::from_millis(300));
    let mut cmd = Command::new(sipua());
    cmd.args([
        "call",
        &format!("sip:service@127.0.0.1:{port}"),
        "--bind",
        "127.0.0.1:0",
        "--count",
        &m,
    ])
    .args(call_args);
    output_to(&mut cmd, &dir, "sipua");
    let st = Proc::spawn(&mut cmd).wait(WALL);
    let out = fs::read_to_string(dir.join("sipua.out")).unwrap_or_default();
    let summary = format!("calls attempted={count} answered={count} failed=0");
    assert_eq!(
        out.lines().last(),
        Some(summary.as_str()),
        "sipua call summary\n{}",
        report(&dir)
    );
    assert!(
        st.is_some_and(|s| s.success()),
        "sipua call exit: {st:?}\n{}",
        report(&dir)
    );
    let status = uas.wait(WALL);
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "sipp callee failed: {status:?}\n{}",
        report(&dir)
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn sipp_reinvite_with_new_sdp() {
    sipp_calls_sipua("reinvite", "uac-reinvite.xml", 5, &[], &[], Some(5));
}

#[test]
fn sipp_reinvite_over_tcp() {
    sipp_calls_sipua(
        "reinvite-tcp",
        "uac-reinvite.xml",
        3,
        &["--transport", "tcp"],
        &["-t", "t1"],
        Some(3),
    );
}

#[test]
fn sipp_info_dtmf_relay() {
    sipp_calls_sipua("info", "uac-info.xml", 5, &[], &[], Some(5));
}

#[test]
fn sipp_cancels_while_ringing() {
    sipp_calls_sipua(
        "cancel",
        "uac-cancel.xml",
        3,
        &["--ring-ms", "20000"],
        &[],
        Some(3),
    );
}

#[test]
fn sipp_100rel_prack_while_ringing() {
    // The PRACK arrives long before the answer is due. With `--ring-ms 0`
    // sipua may send its 200 before the PRACK of a reliable 180 that carried
    // no SDP, which RFC 3262 section 3 allows; the scenario expects the
    // PRACK first, so the answer is delayed here.
    sipp_calls_sipua(
        "100rel-ring",
        "uac-100rel.xml",
        3,
        &["--ring-ms", "1000"],
        &[],
        Some(3),
    );
}

#[test]
fn reject_unsupported_require_420() {
    sipp_calls_sipua("reject-420", "uac-reject-420.xml", 2, &[], &[], None);
}

#[test]
fn reject_unknown_uri_scheme_416() {
    sipp_calls_sipua("reject-416", "uac-reject-416.xml", 2, &[], &[], None);
}

#[test]
fn reject_unknown_content_type_415() {
    sipp_calls_sipua("reject-415", "uac-reject-415.xml", 2, &[], &[], None);
}

#[test]
fn reject_unknown_method_501() {
    sipp_calls_sipua("reject-501", "uac-reject-501.xml", 2, &[], &[], None);
}

#[test]
fn reject_bad_version_505() {
    sipp_calls_sipua("reject-505", "uac-reject-505.xml", 2, &[], &[], None);
}

#[test]
fn reject_malformed_400() {
    sipp_calls_sipua("reject-400", "uac-reject-400.xml", 2, &[], &[], None);
}

#[test]
fn sipp_callee_hangs_up_first() {
    // sipua would hang up after 20 s; sipp's BYE comes 0.5 s after the ACK.
    let sc = scenario("uas-bye-from-callee.xml");
    sipua_calls_sipp(
        "bye-from-callee",
        &["-sf", &sc, "-trace_msg"],
        3,
        &["--duration-ms", "20000", "--rate", "10"],
    );
}

#[test]
fn sipp_builtin_uac_500_calls_against_sipua_listen() {
    sipp_calls_sipua_builtin();
}

fn sipp_calls_sipua_builtin() {
    let sipp = need_sipp!();
    let dir = work_dir("builtin-uac");
    let (mut ua, target) = start_listen(&dir, &["--calls", "500"]);
    let port = free_port().to_string();
    let status = run_sipp(
        &sipp,
        &dir,
        &[
            "-sn", "uac", "-m", "500", "-r", "200", "-l", "100", "-p", &port, &target,
        ],
    );
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "sipp uac failed: {status:?}\n{}",
        report(&dir)
    );
    let st = ua.wait(Duration::from_secs(10));
    assert!(
        st.is_some_and(|s| s.success()),
        "sipua listen --calls 500 did not exit 0: {st:?}\n{}",
        report(&dir)
    );
    let out = fs::read_to_string(dir.join("sipua.out")).unwrap_or_default();
    assert!(
        out.contains("calls ended=500"),
        "sipua summary\n{}",
        report(&dir)
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn sipua_call_against_sipp_builtin_uas() {
    sipua_calls_sipp(
        "builtin-uas",
        &["-sn", "uas"],
        50,
        &["--duration-ms", "200", "--rate", "50"],
    );
}
