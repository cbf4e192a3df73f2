//! Ladder lines: `time  side  arrow  method-or-status  call-id`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use exosip::{Direction, Message, MessageObserver};

/// A short label of a message: its method, or its status and CSeq method.
pub(crate) fn label(m: &Message) -> String {
    match (m.method(), m.status()) {
        (Some(meth), _) => meth.as_str().to_owned(),
        (None, Some(s)) => {
            let reason = String::from_utf8_lossy(m.reason().unwrap_or_default()).into_owned();
            let cseq =
                String::from_utf8_lossy(m.cseq().map(|c| c.1).unwrap_or_default()).into_owned();
            format!("{s} {reason} ({cseq})")
        }
        _ => "?".into(),
    }
}

/// The first 8 characters of the Call-ID.
pub(crate) fn short_call_id(m: &Message) -> String {
    String::from_utf8_lossy(m.call_id().unwrap_or_default())
        .chars()
        .take(8)
        .collect()
}

/// An observer printing ladder lines for side `name` (time since `start`).
pub(crate) fn observer(name: &'static str, start: Arc<Instant>) -> MessageObserver {
    Box::new(move |dir: Direction, m: &Message, peer: SocketAddr| {
        let t = start.elapsed().as_secs_f64();
        let arrow = match dir {
            Direction::Sent => "------>",
            Direction::Received => "<------",
        };
        println!(
            "{t:8.3}  {name:<6} {arrow} {:<28} {peer:<21} [{}]",
            label(m),
            short_call_id(m)
        );
    })
}
