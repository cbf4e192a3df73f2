//! The calling side: places calls at a rate, ACKs answers, sends DTMF by
//! INFO, holds and resumes with re-INVITEs, hangs up after the duration.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use exosip::{CallId, Context, DialogId, EventKind, Method, TransactionId};
use sip_sdp::{HoldMode, Session};

use crate::callee::event_line;
use crate::media;

/// What the caller does.
pub(crate) struct CallerOptions {
    pub(crate) to: String,
    pub(crate) from: String,
    pub(crate) duration: Duration,
    pub(crate) count: u64,
    pub(crate) rate: f64,
    pub(crate) dtmf: String,
    pub(crate) hold: bool,
    pub(crate) name: &'static str,
    pub(crate) print_events: bool,
    pub(crate) rtp_ip: IpAddr,
}

/// The outcome of a run.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    pub(crate) attempted: u64,
    pub(crate) answered: u64,
    pub(crate) failed: u64,
    pub(crate) codec: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Calling,
    Dtmf(usize),
    Hold,
    Resume,
    Talking,
    Bye,
}

struct CallState {
    did: Option<DialogId>,
    offer: Session,
    step: Step,
    pending: Option<TransactionId>,
    hangup_at: Option<Instant>,
    answered: bool,
    clean: bool,
}

/// Places `opts.count` calls and returns the summary.
pub(crate) fn run(ctx: &Context, opts: &CallerOptions) -> Summary {
    let mut sum = Summary::default();
    let mut calls: HashMap<CallId, CallState> = HashMap::new();
    let start = Instant::now();
    let gap = Duration::from_secs_f64(1.0 / opts.rate);
    let deadline = start
        + gap * u32::try_from(opts.count).unwrap_or(u32::MAX)
        + opts.duration
        + Duration::from_secs(40);
    let mut port = 30000u16;
    let mut done = 0u64;
    while done < opts.count && Instant::now() < deadline {
        // Launch the calls that are due.
        while sum.attempted < opts.count
            && start + gap * u32::try_from(sum.attempted).unwrap_or(u32::MAX) <= Instant::now()
        {
            sum.attempted += 1;
            port = port.wrapping_add(2).max(30000);
            let offer = media::offer(opts.rtp_ip, port);
            let placed = ctx
                .build_initial_invite(&opts.to, &opts.from, None, Some("sipua"))
                .and_then(|mut inv| {
                    media::set_sdp(&mut inv, &offer);
                    ctx.send_initial_invite(inv)
                });
            match placed {
                Ok(cid) => {
                    calls.insert(
                        cid,
                        CallState {
                            did: None,
                            offer,
                            step: Step::Calling,
                            pending: None,
                            hangup_at: None,
                            answered: false,
                            clean: false,
                        },
                    );
                }
                Err(e) => {
                    eprintln!("{}: cannot place call: {e}", opts.name);
                    sum.failed += 1;
                    done += 1;
                }
            }
        }
        // Hang up the calls whose time is up.
        let now = Instant::now();
        for (cid, c) in calls.iter_mut() {
            if c.step == Step::Talking && c.hangup_at.is_some_and(|t| t <= now) {
                c.step = Step::Bye;
                if ctx.terminate(*cid, c.did).is_err() {
                    c.clean = false;
                }
            }
        }
        let Some(e) = ctx.event_wait(Duration::from_millis(20)) else {
            continue;
        };
        if opts.print_events {
            println!("{}", event_line(opts.name, &e));
        }
        let Some(cid) = e.cid else { continue };
        let Some(c) = calls.get_mut(&cid) else {
            continue;
        };
        match e.kind {
            EventKind::CallAnswered => {
                let Some(did) = e.did else { continue };
                if c.did.is_some_and(|d| d != did) {
                    // A second fork answered: ACK it and hang it up.
                    let _ = ctx.send_ack(did, None);
                    let _ = ctx.terminate(cid, Some(did));
                    continue;
                }
                let _ = ctx.send_ack(did, None);
                if c.step == Step::Calling {
                    c.did = Some(did);
                    c.answered = true;
                    sum.answered += 1;
                    if sum.codec.is_none() {
                        if let Ok(Some(ans)) = ctx.remote_sdp(did) {
                            sum.codec = media::agreed_codec(&c.offer, &ans);
                        }
                    }
                    c.hangup_at = Some(Instant::now() + opts.duration);
                }
                next_step(ctx, c, opts);
            }
            EventKind::CallMessageAnswered => {
                if c.step == Step::Bye {
                    c.clean = e.status().is_some_and(|s| (200..300).contains(&s));
                } else if e.tid == c.pending {
                    next_step(ctx, c, opts);
                }
            }
            EventKind::CallRequestFailure
            | EventKind::CallServerFailure
            | EventKind::CallGlobalFailure
            | EventKind::CallRedirected
                if c.step != Step::Calling =>
            {
                // A re-INVITE failed: the old session stays; carry on.
                next_step(ctx, c, opts);
            }
            EventKind::CallMessageRequestFailure
            | EventKind::CallMessageServerFailure
            | EventKind::CallMessageGlobalFailure => {
                if c.step == Step::Bye {
                    c.clean = false;
                } else {
                    next_step(ctx, c, opts);
                }
            }
            EventKind::CallClosed => {
                // The callee hung up first: a clean end too.
                c.clean = c.answered;
            }
            EventKind::CallReleased => {
                let c = calls.remove(&cid).expect("looked up above");
                if !(c.answered && c.clean) {
                    sum.failed += 1;
                }
                done += 1;
            }
            _ => {}
        }
    }
    sum.failed += opts.count - done;
    sum
}

/// Moves a call to its next step: DTMF digits, hold, resume, then talk.
fn next_step(ctx: &Context, c: &mut CallState, opts: &CallerOptions) {
    let Some(did) = c.did else { return };
    let digits: Vec<char> = opts.dtmf.chars().collect();
    c.step = match c.step {
        Step::Calling if !digits.is_empty() => Step::Dtmf(0),
        Step::Dtmf(i) if i + 1 < digits.len() => Step::Dtmf(i + 1),
        Step::Calling | Step::Dtmf(_) if opts.hold => Step::Hold,
        Step::Hold => Step::Resume,
        Step::Bye => Step::Bye,
        _ => Step::Talking,
    };
    c.pending = match c.step {
        Step::Dtmf(i) => ctx
            .build_request(did, Method::Info)
            .ok()
            .and_then(|mut info| {
                info.set_body_with_type(
                    format!("Signal={}\r\nDuration=160\r\n", digits[i]),
                    "application/dtmf-relay",
                );
                ctx.send_request(did, info).ok()
            }),
        Step::Hold | Step::Resume => {
            let current = ctx
                .local_sdp(did)
                .ok()
                .flatten()
                .unwrap_or_else(|| c.offer.clone());
            let sdp = if c.step == Step::Hold {
                current.hold(HoldMode::SendOnly)
            } else {
                current.resume()
            };
            match (sdp, ctx.build_request(did, Method::Invite)) {
                (Ok(sdp), Ok(mut re)) => {
                    media::set_sdp(&mut re, &sdp);
                    ctx.send_request(did, re).ok()
                }
                _ => None,
            }
        }
        _ => None,
    };
    if c.pending.is_none() && !matches!(c.step, Step::Talking | Step::Bye) {
        c.step = Step::Talking;
    }
}
