//! Header names and typed header values (RFC 3261 section 20 and extensions).
//!
//! A [`Message`](crate::Message) keeps every header as raw bytes; the types
//! here parse a value on demand. Each type implements [`HeaderValue`]:
//! `parse` reads ONE value (one element of a comma-separated list for list
//! headers, see [`HeaderName::is_list`]) and `encode` writes it back.

mod address;
mod auth;
mod cseq;
mod event;
mod media;
mod name;
mod number;
mod param;
mod scan;
mod text;
mod validate;
mod via;

pub use address::{Address, Contact, FromHeader, ReferTo, ReferredBy, Route, To};
pub use auth::{Auth, AuthenticationInfo, Challenge, Credentials};
pub use cseq::{CSeq, CallId, RAck};
pub use event::{Event, Replaces, SubscriptionState};
pub use media::{Accept, ContentType, MediaType, OptionTag, SipETag, SipIfMatch, Token};
pub use name::HeaderName;
pub use number::{ContentLength, Expires, MaxForwards, MinExpires, MinSe, RSeq, SessionExpires};
pub use param::{Param, Params};
pub use text::{Date, Reason, RetryAfter, Server, UserAgent, Warning};
pub use validate::validate;
pub use via::Via;

use crate::error::Result;

/// A typed header value: parsed from the bytes of one value, encoded into a
/// caller's buffer (the rustls `Codec` shape).
///
/// For list headers (Via, Contact, Route, Allow, ...) a value is one list
/// element; the message splits the list (see [`crate::lex::split_list`]).
/// Errors carry offsets relative to the start of `value`.
pub trait HeaderValue<'a>: Sized {
    /// Parses one value. Leading and trailing LWS are already trimmed.
    fn parse(value: &'a [u8]) -> Result<Self>;
    /// Appends the value, without header name or colon, to `out`.
    fn encode(&self, out: &mut Vec<u8>);
}
