//! A zero-copy, fast SIP message parser and serializer: the libosip2 parser,
//! done in safe Rust (RFC 3261 sections 7, 19, 20 and 25; RFC 4475; RFC 5118).
//!
//! # Model
//!
//! A [`Message`] owns its bytes once (a shared [`bytes::Bytes`]) and keeps
//! every header as a name plus a span into them. Typed values
//! ([`uri::Uri`], [`header`] types) are parsed on demand; the headers that
//! the transaction and dialog layers need on every message (top Via branch,
//! CSeq, Call-ID, From / To tags, Max-Forwards, Content-Type) are reached
//! without a scan or an allocation.
//!
//! ```
//! use sip_parser::{HeaderName, Message, Method};
//!
//! let wire = b"INVITE sip:bob@example.com SIP/2.0\r\n\
//! Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds\r\n\
//! Max-Forwards: 70\r\n\
//! To: Bob <sip:bob@example.com>\r\n\
//! From: Alice <sip:alice@example.com>;tag=1928301774\r\n\
//! Call-ID: a84b4c76e66710@pc33.example.com\r\n\
//! CSeq: 314159 INVITE\r\n\
//! Content-Length: 0\r\n\r\n";
//! let msg = Message::parse(&wire[..])?;
//! assert_eq!(msg.method(), Some(&Method::Invite));
//! assert_eq!(msg.branch(), Some(&b"z9hG4bK776asdhds"[..]));
//! assert_eq!(msg.cseq(), Some((314159, &b"INVITE"[..])));
//! assert_eq!(msg.from_tag(), Some(&b"1928301774"[..]));
//! assert_eq!(msg.to_tag(), None);
//!
//! // Unmodified messages serialize to exactly their bytes.
//! assert_eq!(msg.to_vec(), &wire[..]);
//!
//! // Build / modify / send.
//! let mut reply = Message::response(180);
//! for via in msg.header_all(HeaderName::Via) {
//!     reply.push_header(HeaderName::Via, via);
//! }
//! reply.push_header(HeaderName::CSeq, "314159 INVITE");
//! let mut out = Vec::new();
//! reply.encode(&mut out);
//! assert!(out.starts_with(b"SIP/2.0 180 Ringing\r\n"));
//! # Ok::<(), sip_parser::ParseError>(())
//! ```
//!
//! # Streams
//!
//! On TCP, a [`Framer`] cuts the byte stream into messages by
//! Content-Length (RFC 3261 section 18.3) and reports CRLF keep-alives
//! (RFC 5626 section 4.4.1).
//!
//! # Safety
//!
//! No input panics, loops forever or allocates without bound: limits are set
//! by [`ParserConfig`]; every failure is a [`ParseError`].
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod config;
mod encode;
pub mod error;
mod framer;
pub mod header;
mod key;
pub mod lex;
mod message;
mod method;
mod mutate;
mod response;
mod scan;
mod span;
mod status;
mod transport;
pub mod uri;
mod validate;

pub use config::ParserConfig;
pub use error::{ParseError, ParseErrorKind};
pub use framer::{Frame, Framer};
pub use header::HeaderName;
pub use key::{address_params, find_param};
pub use message::{HeaderRef, Message};
pub use method::Method;
pub use status::reason_phrase;
pub use transport::Transport;
pub use validate::Rejection;
