//! The SIP transport layer on mio: UDP and TCP listeners (IPv4 and IPv6),
//! TCP connections with stream framing, connection reuse, idle timeout and
//! a connection cap, and the RFC 3261 section 18 / RFC 3581 rules
//! (`received` / `rport` on receipt, response routing, the 1300-byte rule).
//!
//! It knows nothing of transactions: it turns sockets into received
//! [`TransportEvent`]s and transmits into bytes on the wire. TLS comes
//! later (`Transport::Tls` is refused with [`TransportError::Unsupported`]
//! until then; the listener API takes a transport for that reason).
//!
//! # Run loop
//!
//! ```no_run
//! use std::time::{Duration, Instant};
//! use sip_parser::Transport;
//! use sip_transport::{Poller, TransportConfig, TransportEvent};
//!
//! let mut poller = Poller::new(TransportConfig::default())?;
//! let (_udp, bound) = poller.listen(Transport::Udp, "0.0.0.0:5060".parse().unwrap())?;
//! poller.listen(Transport::Tcp, bound)?;
//! loop {
//!     let now = Instant::now();
//!     let timeout = poller.poll_timeout().map(|t| t.saturating_duration_since(now));
//!     poller.poll(timeout.or(Some(Duration::from_secs(1))))?;
//!     poller.handle_timeout(Instant::now());
//!     while let Some(event) = poller.poll_event() {
//!         match event {
//!             TransportEvent::Received { transport, from, msg, .. } if msg.is_request() => {
//!                 // Hand to the transaction layer; here, answer at once.
//!                 let reply = sip_parser::Message::response_to(&msg, 200, Some("t1"));
//!                 poller.send_response(Instant::now(), transport, from, &reply);
//!             }
//!             TransportEvent::Error { destination, error, .. } => eprintln!("{destination}: {error}"),
//!             _ => {}
//!         }
//!     }
//! }
//! # #[allow(unreachable_code)]
//! # Ok::<(), sip_transport::TransportError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod bad_request;
mod config;
mod connection;
mod error;
mod event;
mod mtu;
mod poller;
mod response_route;
mod route_local;
mod send;
mod socket;
mod tcp;
mod udp;
mod via_fix;

pub use config::TransportConfig;
pub use error::TransportError;
pub use event::{ListenerId, TransportEvent, TransportStats};
pub use poller::Poller;
pub use response_route::{reconnect_destination, response_destination};
pub use route_local::local_ip_for;
pub use sip_parser::Transport;
pub use via_fix::fill_received;
