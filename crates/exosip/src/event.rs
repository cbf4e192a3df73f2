//! Events handed to the application, the counterpart of `eXosip_event_t`.
//!
//! Each event owns its data (it is `Send`), carries its kind, the ids that
//! apply, the request, the last response and, for calls, the ACK
//! (RFC 3261 section 13.2.2.4).

use sip_parser::Message;

use crate::ids::{CallId, DialogId, TransactionId};

/// The kind of an event: `eXosip_event_type` one to one, in Rust casing.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// `EXOSIP_CALL_INVITE`: a new incoming call (RFC 3261 section 13.3).
    CallInvite,
    /// `EXOSIP_CALL_REINVITE`: a new INVITE inside a dialog (section 14.2).
    CallReinvite,
    /// `EXOSIP_CALL_NOANSWER`: the INVITE timed out (Timer B, section 17.1.1.2).
    CallNoAnswer,
    /// `EXOSIP_CALL_PROCEEDING`: a 1xx other than 180 for an INVITE.
    CallProceeding,
    /// `EXOSIP_CALL_RINGING`: a 180 for an INVITE.
    CallRinging,
    /// `EXOSIP_CALL_ANSWERED`: a 2xx for an INVITE (send the ACK).
    CallAnswered,
    /// `EXOSIP_CALL_REDIRECTED`: a 3xx for an INVITE.
    CallRedirected,
    /// `EXOSIP_CALL_REQUESTFAILURE`: a 4xx for an INVITE.
    CallRequestFailure,
    /// `EXOSIP_CALL_SERVERFAILURE`: a 5xx for an INVITE.
    CallServerFailure,
    /// `EXOSIP_CALL_GLOBALFAILURE`: a 6xx for an INVITE.
    CallGlobalFailure,
    /// `EXOSIP_CALL_ACK`: the ACK for our 2xx arrived (section 13.3.1.4).
    CallAck,
    /// `EXOSIP_CALL_CANCELLED`: the caller cancelled the call (section 9.2).
    CallCancelled,
    /// `EXOSIP_CALL_CLOSED`: the dialog ended by a BYE from the peer (section 15.1.2).
    CallClosed,
    /// `EXOSIP_CALL_RELEASED`: the call context is gone; its ids are no longer valid.
    CallReleased,
    /// `EXOSIP_CALL_MESSAGE_NEW`: a request other than INVITE inside a dialog.
    CallMessageNew,
    /// `EXOSIP_CALL_MESSAGE_PROCEEDING`: a 1xx for a request sent in a dialog.
    CallMessageProceeding,
    /// `EXOSIP_CALL_MESSAGE_ANSWERED`: a 2xx for a request sent in a dialog.
    CallMessageAnswered,
    /// `EXOSIP_CALL_MESSAGE_REDIRECTED`: a 3xx for a request sent in a dialog.
    CallMessageRedirected,
    /// `EXOSIP_CALL_MESSAGE_REQUESTFAILURE`: a 4xx (or a timeout) for a request sent in a dialog.
    CallMessageRequestFailure,
    /// `EXOSIP_CALL_MESSAGE_SERVERFAILURE`: a 5xx for a request sent in a dialog.
    CallMessageServerFailure,
    /// `EXOSIP_CALL_MESSAGE_GLOBALFAILURE`: a 6xx for a request sent in a dialog.
    CallMessageGlobalFailure,
    /// `EXOSIP_MESSAGE_NEW`: a request outside any dialog (OPTIONS, MESSAGE, REFER...).
    MessageNew,
    /// `EXOSIP_MESSAGE_PROCEEDING`: a 1xx for a request sent outside a dialog.
    MessageProceeding,
    /// `EXOSIP_MESSAGE_ANSWERED`: a 2xx for a request sent outside a dialog.
    MessageAnswered,
    /// `EXOSIP_MESSAGE_REDIRECTED`: a 3xx for a request sent outside a dialog.
    MessageRedirected,
    /// `EXOSIP_MESSAGE_REQUESTFAILURE`: a 4xx for a request sent outside a dialog.
    MessageRequestFailure,
    /// `EXOSIP_MESSAGE_SERVERFAILURE`: a 5xx for a request sent outside a dialog.
    MessageServerFailure,
    /// `EXOSIP_MESSAGE_GLOBALFAILURE`: a 6xx for a request sent outside a dialog.
    MessageGlobalFailure,
}

impl EventKind {
    /// The eXosip name of the event type (`EXOSIP_CALL_INVITE`, ...).
    pub fn exosip_name(self) -> &'static str {
        use EventKind::*;
        match self {
            CallInvite => "EXOSIP_CALL_INVITE",
            CallReinvite => "EXOSIP_CALL_REINVITE",
            CallNoAnswer => "EXOSIP_CALL_NOANSWER",
            CallProceeding => "EXOSIP_CALL_PROCEEDING",
            CallRinging => "EXOSIP_CALL_RINGING",
            CallAnswered => "EXOSIP_CALL_ANSWERED",
            CallRedirected => "EXOSIP_CALL_REDIRECTED",
            CallRequestFailure => "EXOSIP_CALL_REQUESTFAILURE",
            CallServerFailure => "EXOSIP_CALL_SERVERFAILURE",
            CallGlobalFailure => "EXOSIP_CALL_GLOBALFAILURE",
            CallAck => "EXOSIP_CALL_ACK",
            CallCancelled => "EXOSIP_CALL_CANCELLED",
            CallClosed => "EXOSIP_CALL_CLOSED",
            CallReleased => "EXOSIP_CALL_RELEASED",
            CallMessageNew => "EXOSIP_CALL_MESSAGE_NEW",
            CallMessageProceeding => "EXOSIP_CALL_MESSAGE_PROCEEDING",
            CallMessageAnswered => "EXOSIP_CALL_MESSAGE_ANSWERED",
            CallMessageRedirected => "EXOSIP_CALL_MESSAGE_REDIRECTED",
            CallMessageRequestFailure => "EXOSIP_CALL_MESSAGE_REQUESTFAILURE",
            CallMessageServerFailure => "EXOSIP_CALL_MESSAGE_SERVERFAILURE",
            CallMessageGlobalFailure => "EXOSIP_CALL_MESSAGE_GLOBALFAILURE",
            MessageNew => "EXOSIP_MESSAGE_NEW",
            MessageProceeding => "EXOSIP_MESSAGE_PROCEEDING",
            MessageAnswered => "EXOSIP_MESSAGE_ANSWERED",
            MessageRedirected => "EXOSIP_MESSAGE_REDIRECTED",
            MessageRequestFailure => "EXOSIP_MESSAGE_REQUESTFAILURE",
            MessageServerFailure => "EXOSIP_MESSAGE_SERVERFAILURE",
            MessageGlobalFailure => "EXOSIP_MESSAGE_GLOBALFAILURE",
        }
    }

    /// The kind for a response of class `status / 100` to an INVITE
    /// (initial or re-INVITE), as eXosip reports it.
    pub(crate) fn for_invite_response(status: u16) -> Self {
        if status == 180 {
            return Self::CallRinging;
        }
        Self::by_class(
            status,
            [
                Self::CallProceeding,
                Self::CallAnswered,
                Self::CallRedirected,
                Self::CallRequestFailure,
                Self::CallServerFailure,
                Self::CallGlobalFailure,
            ],
        )
    }

    /// The kind for a response to a non-INVITE request sent in a dialog.
    pub(crate) fn for_call_message_response(status: u16) -> Self {
        Self::by_class(
            status,
            [
                Self::CallMessageProceeding,
                Self::CallMessageAnswered,
                Self::CallMessageRedirected,
                Self::CallMessageRequestFailure,
                Self::CallMessageServerFailure,
                Self::CallMessageGlobalFailure,
            ],
        )
    }

    /// The kind for a response to a request sent outside any dialog.
    pub(crate) fn for_message_response(status: u16) -> Self {
        Self::by_class(
            status,
            [
                Self::MessageProceeding,
                Self::MessageAnswered,
                Self::MessageRedirected,
                Self::MessageRequestFailure,
                Self::MessageServerFailure,
                Self::MessageGlobalFailure,
            ],
        )
    }

    /// Picks the kind for the response class of `status` (RFC 3261
    /// section 21: 1xx, 2xx, 3xx, 4xx, 5xx, 6xx) from `kinds`, in that order.
    fn by_class(status: u16, kinds: [Self; 6]) -> Self {
        let class = usize::from(status / 100).clamp(1, 6);
        kinds[class - 1]
    }
}

/// One event for the application (`eXosip_event_t`).
///
/// `request` is the request of the transaction the event is about,
/// `response` its last response, `ack` the ACK of an INVITE 2xx
/// (for [`EventKind::CallAck`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// The call (`cid`), for call events.
    pub cid: Option<CallId>,
    /// The dialog (`did`), once one exists.
    pub did: Option<DialogId>,
    /// The transaction (`tid`) the event is about.
    pub tid: Option<TransactionId>,
    /// The request of that transaction.
    pub request: Option<Message>,
    /// The last response of that transaction.
    pub response: Option<Message>,
    /// The ACK (for [`EventKind::CallAck`]).
    pub ack: Option<Message>,
    /// The application reference attached with `set_reference`.
    pub reference: Option<u64>,
    /// A short human-readable note (eXosip's `textinfo`).
    pub text: String,
}

impl Event {
    pub(crate) fn new(kind: EventKind) -> Self {
        Self {
            kind,
            cid: None,
            did: None,
            tid: None,
            request: None,
            response: None,
            ack: None,
            reference: None,
            text: String::new(),
        }
    }

    /// The status code of the response, if the event has one.
    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().and_then(Message::status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_classes_map_to_exosip_kinds() {
        assert_eq!(EventKind::for_invite_response(180), EventKind::CallRinging);
        assert_eq!(
            EventKind::for_invite_response(183),
            EventKind::CallProceeding
        );
        assert_eq!(EventKind::for_invite_response(200), EventKind::CallAnswered);
        assert_eq!(
            EventKind::for_invite_response(302),
            EventKind::CallRedirected
        );
        assert_eq!(
            EventKind::for_invite_response(487),
            EventKind::CallRequestFailure
        );
        assert_eq!(
            EventKind::for_invite_response(503),
            EventKind::CallServerFailure
        );
        assert_eq!(
            EventKind::for_invite_response(603),
            EventKind::CallGlobalFailure
        );
        assert_eq!(
            EventKind::for_call_message_response(200),
            EventKind::CallMessageAnswered
        );
        assert_eq!(
            EventKind::for_message_response(404),
            EventKind::MessageRequestFailure
        );
        assert_eq!(EventKind::CallAck.exosip_name(), "EXOSIP_CALL_ACK");
    }

    #[test]
    fn events_are_send() {
        fn is_send<T: Send + 'static>() {}
        is_send::<Event>();
    }
}
