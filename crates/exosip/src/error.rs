//! The facade's error type: what an application call can fail with.
//! Errors caused by the peer are events, not errors (STYLE.md section 6).

use crate::ids::{CallId, DialogId, TransactionId};

/// Why an API call failed (eXosip returns `OSIP_*` codes for these).
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No call with this id (`OSIP_NOTFOUND`).
    #[error("unknown call {0}")]
    UnknownCall(CallId),
    /// No dialog with this id (`OSIP_NOTFOUND`).
    #[error("unknown dialog {0}")]
    UnknownDialog(DialogId),
    /// No transaction with this id, or it cannot take this action (`OSIP_NOTFOUND`).
    #[error("unknown transaction {0}")]
    UnknownTransaction(TransactionId),
    /// The call, dialog or transaction is not in a state that allows this
    /// (`OSIP_WRONG_STATE`), e.g. answering twice with a final response.
    #[error("wrong state: {0}")]
    WrongState(&'static str),
    /// An argument is not valid (`OSIP_BADPARAMETER`): a bad URI, a status
    /// code out of range, a message that is not the right kind.
    #[error("bad parameter: {0}")]
    BadParameter(String),
    /// No address to send to could be found for a URI (IP literals and
    /// `localhost` only: the core does no DNS).
    #[error("no route to {0}")]
    NoRoute(String),
    /// The transaction layer refused the message.
    #[error("transaction layer: {0}")]
    Transaction(String),
    /// A transport failed (bind, send).
    #[error("transport: {0}")]
    Transport(String),
    /// An SDP body could not be parsed or negotiated.
    #[error("sdp: {0}")]
    Sdp(#[from] sip_sdp::SdpError),
    /// The SIP message could not be parsed.
    #[error("sip: {0}")]
    Parse(#[from] sip_parser::ParseError),
    /// An operating-system error (thread spawn, socket).
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// The context was shut down (its worker thread is gone).
    #[error("the context is closed")]
    Closed,
}

/// `Result` with the facade [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
