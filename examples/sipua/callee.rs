//! The answering side: 180, then the configured final status with an SDP
//! answer; in-dialog requests and BYE answered.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use exosip::{CallId, Context, Event, EventKind, TransactionId};

use crate::media;

/// How the callee behaves.
pub(crate) struct CalleeOptions {
    pub(crate) answer: u16,
    pub(crate) ring: Duration,
    pub(crate) calls: Option<u64>,
    pub(crate) name: &'static str,
    pub(crate) print_events: bool,
    pub(crate) rtp_ip: IpAddr,
}

/// One line for an event.
pub(crate) fn event_line(name: &str, e: &Event) -> String {
    let id = |label: &str, v: Option<u32>| v.map_or(String::new(), |v| format!(" {label}={v}"));
    let status = e.status().map_or(String::new(), |s| format!(" status={s}"));
    let text = if e.text.is_empty() {
        String::new()
    } else {
        format!(" ({})", e.text)
    };
    format!(
        "{name}: {:?}{}{}{}{status}{text}",
        e.kind,
        id("cid", e.cid.map(CallId::get)),
        id("did", e.did.map(exosip::DialogId::get)),
        id("tid", e.tid.map(TransactionId::get))
    )
}

/// Answers calls until `opts.calls` calls have ended or `stop` is set.
/// Returns the number of calls that ended.
pub(crate) fn run(
    ctx: &Context,
    opts: &CalleeOptions,
    stop: &Arc<AtomicBool>,
) -> Result<u64, String> {
    let mut pending: Vec<(Instant, TransactionId)> = Vec::new();
    let mut live: HashMap<CallId, ()> = HashMap::new();
    let mut ended = 0u64;
    let mut next_port = 20000u16;
    while !stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        let due: Vec<TransactionId> = pending
            .iter()
            .filter(|(t, _)| *t <= now)
            .map(|(_, tid)| *tid)
            .collect();
        pending.retain(|(t, _)| *t > now);
        for tid in due {
            answer(ctx, tid, opts.answer, opts.rtp_ip, &mut next_port);
        }
        let wait = pending
            .iter()
            .map(|(t, _)| t.saturating_duration_since(now))
            .min()
            .unwrap_or(Duration::from_millis(100));
        let Some(e) = ctx.event_wait(wait.min(Duration::from_millis(100))) else {
            continue;
        };
        if opts.print_events {
            println!("{}", event_line(opts.name, &e));
        }
        match e.kind {
            EventKind::CallInvite => {
                let (Some(tid), Some(cid)) = (e.tid, e.cid) else {
                    continue;
                };
                live.insert(cid, ());
                let _ = ctx.send_answer(tid, 180, None);
                if opts.ring.is_zero() {
                    answer(ctx, tid, opts.answer, opts.rtp_ip, &mut next_port);
                } else {
                    pending.push((Instant::now() + opts.ring, tid));
                }
            }
            EventKind::CallReinvite => {
                let Some(tid) = e.tid else { continue };
                answer(ctx, tid, 200, opts.rtp_ip, &mut next_port);
            }
            EventKind::CallMessageNew | EventKind::MessageNew => {
                if let Some(tid) = e.tid {
                    let _ = ctx.send_answer(tid, 200, None);
                }
            }
            EventKind::CallReleased if e.cid.is_some_and(|c| live.remove(&c).is_some()) => {
                ended += 1;
                if opts.calls.is_some_and(|n| ended >= n) {
                    break;
                }
            }
            _ => {}
        }
    }
    Ok(ended)
}

/// Sends `status` for INVITE `tid`; a 2xx carries our SDP answer (or an
/// offer when the INVITE had none: the answer then comes in the ACK).
fn answer(ctx: &Context, tid: TransactionId, status: u16, ip: IpAddr, next_port: &mut u16) {
    let Ok(mut msg) = ctx.build_answer(tid, status) else {
        return;
    };
    if (200..300).contains(&status) {
        *next_port = next_port.wrapping_add(2).max(20000);
        let sdp = match ctx.remote_sdp_from_tid(tid).ok().flatten() {
            Some(offer) => media::answer_to(&offer, ip, *next_port),
            None => Some(media::offer(ip, *next_port)),
        };
        match sdp {
            Some(s) => media::set_sdp(&mut msg, &s),
            None => {
                let _ = ctx.send_answer(tid, 488, None);
                return;
            }
        }
    }
    let _ = ctx.send_answer(tid, status, Some(msg));
}
