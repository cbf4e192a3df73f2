//! exosip: a Rust re-implementation of the libeXosip2 user-agent API on
//! top of `sip-parser`, `sip-sdp`, `sip-txn` and `sip-transport`.
//!
//! - [`Context`] is `eXosip_t`: it runs transport + transactions + the UA
//!   core on one background thread; the application reads [`Event`]s with
//!   [`Context::event_wait`] / [`Context::event_get`] and acts from any
//!   thread with the build / modify / send pattern of eXosip
//!   (`build_initial_invite` then `send_initial_invite`, `build_answer`
//!   then `send_answer`, ...).
//! - [`core::Ua`] is the same UA without threads or sockets (sans-IO,
//!   `handle_input` / `poll_output` with an explicit `now`), so whole call
//!   flows run on a virtual clock in tests.
//!
//! `docs/exosip-mapping.md` maps every eXosip function to its method here.
//!
//! # An answering user agent
//!
//! ```no_run
//! use std::time::Duration;
//! use exosip::{Config, Context, EventKind, Transport};
//!
//! let ctx = Context::start(Config::default().user_agent("example"))?;
//! let local = ctx.listen(Transport::Udp, "127.0.0.1:5060".parse().unwrap())?;
//! println!("listening on {local}");
//! loop {
//!     let Some(ev) = ctx.event_wait(Duration::from_millis(500)) else { continue };
//!     match ev.kind {
//!         EventKind::CallInvite => {
//!             let tid = ev.tid.expect("an INVITE event names its transaction");
//!             ctx.send_answer(tid, 180, None)?;
//!             // A real UA negotiates with sip_sdp::answer(); see `sipua`.
//!             let mut ok = ctx.build_answer(tid, 200)?;
//!             ok.set_body_with_type(
//!                 "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n\
//!                  t=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
//!                 "application/sdp",
//!             );
//!             ctx.send_answer(tid, 200, Some(ok))?;
//!         }
//!         EventKind::CallAck => println!("call {:?} established", ev.cid),
//!         EventKind::CallClosed => println!("call {:?} hung up", ev.cid),
//!         _ => {}
//!     }
//! }
//! # #[allow(unreachable_code)]
//! # Ok::<(), exosip::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod command;
pub mod config;
pub mod context;
pub mod core;
pub mod error;
pub mod event;
pub mod ids;
mod worker;

pub use config::Config;
pub use context::Context;
pub use core::{ReferTo, refer_to_of, sdp_of};
pub use error::{Error, Result};
pub use event::{Event, EventKind};
pub use ids::{CallId, DialogId, TransactionId};
pub use sip_parser::{Message, Method, Transport};
pub use worker::{Direction, MessageObserver};
