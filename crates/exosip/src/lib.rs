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
