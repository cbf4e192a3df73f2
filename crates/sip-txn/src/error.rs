//! Errors of the transaction layer commands (RFC 3261 section 17).

/// Why a command (`send_request`, `send_response`, `cancel`) was refused.
/// Errors caused by the peer never show up here: they become events.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TxnError {
    /// The message is not a request.
    #[error("not a request")]
    NotARequest,
    /// The message is not a response, or its status is outside 100..=699.
    #[error("not a response with a status in 100..=699")]
    NotAResponse,
    /// ACK has no client transaction (RFC 3261 section 17.1): send it with
    /// `send_stateless`.
    #[error("ACK is sent without a transaction (use send_stateless)")]
    AckNeedsNoTransaction,
    /// The request has no top Via with a `branch` (RFC 3261 section 8.1.1.7).
    #[error("request has no top Via with a branch parameter")]
    MissingBranch,
    /// The request has no CSeq, or its CSeq method differs from the method.
    #[error("request has no CSeq matching its method")]
    BadCSeq,
    /// A live client transaction already uses this branch and method.
    #[error("a live client transaction already uses this branch")]
    DuplicateBranch,
    /// No live transaction has this id (it terminated, or never existed).
    #[error("no such transaction")]
    UnknownTransaction,
    /// The transaction's state does not allow this response (e.g. a second
    /// final response, or a non-2xx after a 2xx).
    #[error("the transaction's state does not allow this")]
    InvalidState,
    /// CANCEL applies only to INVITE client transactions (RFC 3261 section 9.1).
    #[error("only an INVITE can be cancelled")]
    NotInvite,
    /// The INVITE already received a final response (RFC 3261 section 9.1).
    #[error("the INVITE already received a final response")]
    AlreadyFinal,
    /// The request's Request-URI is not UTF-8, so a CANCEL cannot be built.
    #[error("the Request-URI cannot be copied into a CANCEL")]
    BadRequestUri,
}
