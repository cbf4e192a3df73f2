//! A call (eXosip's `eXosip_call_t`): one INVITE session, the dialogs it
//! created (RFC 3261 section 12, several with forking) and the records of
//! the transactions the application can name by `tid`.

use std::net::SocketAddr;

use sip_parser::{Message, Transport};
use sip_txn::{Target, TxnId};

use crate::ids::{CallId, DialogId, TransactionId};

/// Which side of the INVITE we are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// We sent the initial INVITE (RFC 3261 section 13.2).
    Uac,
    /// We received it (section 13.3).
    Uas,
}

/// One call context.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) cid: CallId,
    pub(crate) role: Role,
    pub(crate) reference: Option<u64>,
    /// The dialogs of the call, early or confirmed.
    pub(crate) dialogs: Vec<DialogId>,
    /// The transaction of the initial INVITE.
    pub(crate) invite_tid: TransactionId,
    /// The initial INVITE got (UAC) or was given (UAS) a final response,
    /// was cancelled or timed out.
    pub(crate) invite_done: bool,
    /// UAC: `terminate` was called before a final response (a CANCEL went out).
    pub(crate) cancelling: bool,
    /// The Reason (RFC 3326) for the CANCEL, or the BYE if the 2xx wins the race.
    pub(crate) cancel_reason: Option<String>,
    /// A CANCEL with a Reason waits for the first provisional (RFC 3261 section 9.1).
    pub(crate) cancel_waiting: bool,
    /// The Call-ID header value.
    pub(crate) call_id: String,
    /// The transport of the call's dialogs: UAC, what the INVITE's next
    /// hop resolved to before any RFC 3261 section 18.1.1 switch to TCP
    /// (later small requests go on over it); UAS, where the INVITE came in.
    pub(crate) transport: Transport,
}

/// What a transaction is for, as the UA core sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TxnKind {
    /// The INVITE that created the call.
    InitialInvite,
    /// An INVITE inside a dialog (RFC 3261 section 14).
    ReInvite,
    /// A BYE (section 15).
    Bye,
    /// A CANCEL we sent (section 9.1).
    Cancel,
    /// Any other request inside a dialog.
    InDialog,
    /// A request outside any dialog (OPTIONS, MESSAGE, REFER...).
    OutOfDialog,
}

/// The record behind a `tid`.
#[derive(Debug)]
pub(crate) struct TxnRec {
    pub(crate) id: TxnId,
    pub(crate) kind: TxnKind,
    pub(crate) cid: Option<CallId>,
    pub(crate) did: Option<DialogId>,
    pub(crate) request: Message,
    pub(crate) last_response: Option<Message>,
    /// Server transactions: where the request came from.
    pub(crate) source: Option<(Transport, SocketAddr)>,
    /// Client transactions: where the request went.
    pub(crate) target: Option<Target>,
    /// Server transactions: a final response was sent.
    pub(crate) answered: bool,
}

impl TxnRec {
    /// The CSeq number of the request.
    pub(crate) fn cseq(&self) -> u32 {
        self.request.cseq().map_or(0, |(n, _)| n)
    }
}
