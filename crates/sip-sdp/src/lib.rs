//! SDP for SIP user agents: the model, parser and serializer of RFC 8866
//! (formerly RFC 4566), RFC 3264 offer/answer, and the SDP helpers of
//! eXosip2.
//!
//! The crate depends only on std, nom and thiserror: no SIP crate, no I/O,
//! no clock. Input is `&[u8]`; every failure is a typed [`SdpError`] with
//! the 1-based line number, and [`Limits`] bound what a body may cost.
//!
//! # Contract
//!
//! - [`Session::parse`] -> [`Session::encode`] / `to_string()` ->
//!   [`Session::parse`] gives an equal session; output uses CRLF and the
//!   RFC's line order. Unknown line types and attributes are kept verbatim.
//! - [`answer`] builds the RFC 3264 answer to an offer from [`Capabilities`];
//!   [`negotiate`] checks an answer against its offer and reports the agreed
//!   codecs, addresses, ports, direction and DTMF payload per stream.
//! - [`OfferBuilder`] makes an initial offer; [`Session::hold`] and
//!   [`Session::resume`] make re-offers with the o= version incremented.
//!
//! # Example
//!
//! ```
//! use sip_sdp::{answer, negotiate, AnswerOptions, Capabilities, Direction, Session};
//!
//! let offer = Session::parse(
//!     b"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n\
//!       m=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n\
//!       a=fmtp:101 0-15\r\n",
//! )?;
//! let opts = AnswerOptions::new("198.51.100.7".parse().unwrap()).session("42", 1);
//! let ans = answer(&offer, &Capabilities::default_audio(), &opts)?;
//! assert!(ans.to_string().contains("m=audio 4000 RTP/AVP 0 8 101\r\n"));
//!
//! let agreed = negotiate(&offer, &ans)?;
//! let audio = &agreed.streams[0];
//! assert_eq!(audio.codecs[0].name, "PCMU");
//! assert_eq!(audio.dtmf_payload, Some(101));
//! assert_eq!(audio.direction, Direction::SendRecv);
//! # Ok::<(), sip_sdp::SdpError>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod attribute;
mod codec;
mod encode;
mod error;
mod helpers;
mod model;
mod negotiated;
mod offer_answer;
mod parse;

pub use attribute::{Attribute, Crypto, Direction, Fmtp, Group, Rtcp, Rtpmap};
pub use codec::{Capabilities, Codec, CodecInfo, EventSet, TELEPHONE_EVENT};
pub use error::{ErrorKind, SdpError};
pub use model::{
    AddrType, Bandwidth, Connection, ExtraLine, Media, MediaKind, Origin, Session, Timing,
};
pub use negotiated::{Negotiated, NegotiatedStream, negotiate, negotiate_as_answerer};
pub use offer_answer::{AnswerOptions, HoldMode, OfferBuilder, answer, fresh_session_id};
pub use parse::Limits;
