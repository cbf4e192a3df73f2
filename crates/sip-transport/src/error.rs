//! The one error type of the transport (RFC 3261 section 18 failures that
//! are the caller's, not the peer's).

use std::io;
use std::net::SocketAddr;

use sip_parser::Transport;

/// A failure of a [`Poller`](crate::Poller) call.
///
/// Failures caused by a peer (refused, reset, unreachable) are not errors
/// of a call: they come back as
/// [`TransportEvent::Error`](crate::TransportEvent::Error).
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// A system call failed; `context` says which one.
    #[error("{context}: {source}")]
    Io {
        /// What was being done (`"bind"`, `"poll"`, ...).
        context: &'static str,
        /// The address concerned, when there is one.
        addr: Option<SocketAddr>,
        /// The system error.
        #[source]
        source: io::Error,
    },
    /// The transport is not implemented here (yet): TLS, SCTP, WS, WSS.
    #[error("transport {0} is not supported")]
    Unsupported(Transport),
    /// No listener has that id.
    #[error("no such listener")]
    UnknownListener,
}

impl TransportError {
    /// Wraps an I/O error with what was being done.
    pub(crate) fn io(
        context: &'static str,
        addr: Option<SocketAddr>,
    ) -> impl FnOnce(io::Error) -> Self {
        move |source| Self::Io {
            context,
            addr,
            source,
        }
    }
}
