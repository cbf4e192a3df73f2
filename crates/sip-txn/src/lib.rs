//! The RFC 3261 section 17 transaction layer as a sans-IO state machine.
//!
//! Four machines, named and drawn as in the RFC: the INVITE client
//! transaction (17.1.1), the non-INVITE client transaction (17.1.2), the
//! INVITE server transaction (17.2.1) and the non-INVITE server
//! transaction (17.2.2), with RFC 6026's Accepted states, every timer of
//! table 4 (A, B, D, E, F, G, H, I, J, K; RFC 6026's L and M; the 200 ms
//! automatic 100 Trying), and the matching rules of 17.1.3 and 17.2.3
//! including the RFC 2543 fallback. Timer C (proxies only) is not
//! implemented.
//!
//! # Contract (quinn-proto / str0m style)
//!
//! [`TxnLayer`] performs no I/O, spawns nothing and never reads a clock:
//! every input carries `now`, and work comes out of
//! [`TxnLayer::poll_output`]. **After every mutation (`handle_input`,
//! `send_request`, `send_response`, `send_stateless`, `cancel`,
//! `transport_error`), call `poll_output` until it returns
//! [`Output::Timeout`] or [`Output::Idle`].** Feed
//! `Input::Timeout(now)` when the clock reaches the deadline; feeding it
//! early is a harmless no-op. Retransmissions re-send the bytes encoded
//! once; nothing is re-encoded.
//!
//! Every transaction ends with exactly one [`TxnEvent::Terminated`].
//! Every [`TxnEvent::NewRequest`] must be answered with
//! [`TxnLayer::send_response`].
//! An INVITE client transaction in Proceeding has no timer (Timer C is a
//! proxy's): the TU ends an unanswered call with [`TxnLayer::cancel`].
//! A server transaction lives until the TU answers it; after a 2xx, the
//! TU retransmits it (RFC 3261 section 13.3.1.4) through `send_response`
//! while the INVITE server transaction is in Accepted.
//!
//! # Example: the run loop
//!
//! ```
//! use std::time::{Duration, Instant};
//! use sip_parser::{HeaderName, Message, Method, Transport};
//! use sip_txn::{new_branch, Input, Output, Target, TxnConfig, TxnEvent, TxnLayer};
//!
//! let t0 = Instant::now(); // the caller's clock: the layer never reads one
//! let mut layer = TxnLayer::new(TxnConfig::default(), t0);
//!
//! let mut req = Message::request(Method::Options, "sip:bob@192.0.2.2");
//! req.push_header(HeaderName::Via, format!("SIP/2.0/UDP 192.0.2.1:5060;branch={}", new_branch()));
//! req.push_header(HeaderName::MaxForwards, "70");
//! req.push_header(HeaderName::From, "<sip:alice@192.0.2.1>;tag=a1");
//! req.push_header(HeaderName::To, "<sip:bob@192.0.2.2>");
//! req.push_header(HeaderName::CallId, "c1@192.0.2.1");
//! req.push_header(HeaderName::CSeq, "1 OPTIONS");
//! let target = Target { transport: Transport::Udp, addr: "192.0.2.2:5060".parse().unwrap() };
//! let id = layer.send_request(t0, req, target).unwrap();
//!
//! let mut now = t0;
//! let mut sent = 0;
//! loop {
//!     match layer.poll_output() {
//!         // A real caller writes `t.bytes` to its socket for `t.destination`.
//!         Output::Transmit(t) => sent += 1,
//!         // Events go to the transaction user (UA core, dialog layer).
//!         Output::Event(TxnEvent::Timeout { .. }) => {}
//!         Output::Event(_) => {}
//!         // Nothing queued: wait for a packet or this deadline. With no
//!         // peer, we just jump the clock to the deadline.
//!         Output::Timeout(at) => {
//!             now = at;
//!             layer.handle_input(Input::Timeout(now));
//!         }
//!         Output::Idle => break,
//!     }
//! }
//! // Timer E retransmitted at 0.5, 1.5, 3.5, 7.5, 11.5, ... s; Timer F
//! // ended the transaction at 64*T1 = 32 s.
//! assert_eq!(now - t0, Duration::from_secs(32));
//! assert_eq!(sent, 11);
//! assert!(layer.is_empty());
//! # let _ = id;
//! ```
//!
//! A real event loop (sketch):
//!
//! ```no_run
//! # use std::time::Instant;
//! # use sip_txn::{Input, Output, TxnLayer, Received};
//! # fn recv_until(_: Option<Instant>) -> Option<Received> { None }
//! # fn send(_: sip_txn::Transmit) {}
//! # fn to_tu(_: sip_txn::TxnEvent) {}
//! # fn run(mut layer: TxnLayer) {
//! let mut deadline = None;
//! loop {
//!     match recv_until(deadline) {                // socket read with timeout
//!         Some(rx) => layer.handle_input(Input::Receive(rx)),
//!         None => layer.handle_input(Input::Timeout(Instant::now())),
//!     }
//!     // ... TU commands: layer.send_request / send_response / cancel ...
//!     deadline = loop {
//!         match layer.poll_output() {
//!             Output::Transmit(t) => send(t),
//!             Output::Event(e) => to_tu(e),
//!             Output::Timeout(at) => break Some(at),
//!             Output::Idle => break None,
//!         }
//!     };
//! }
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod branch;
mod client;
mod config;
mod ctx;
mod error;
mod event;
mod key;
mod layer;
mod server;
mod slab;
mod timer;

#[cfg(test)]
mod tests;

pub use branch::{MAGIC_COOKIE, new_branch, new_branch_with};
pub use client::build_cancel;
pub use config::TxnConfig;
pub use error::TxnError;
pub use event::{
    ClientTxnId, Input, Output, Received, ServerTxnId, Target, Transmit, TxnEvent, TxnId,
};
pub use layer::TxnLayer;
pub use timer::TimerKind;
