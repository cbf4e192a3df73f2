//! Stream framing for TCP (and later TLS): cuts a byte stream into messages
//! by Content-Length (RFC 3261 section 18.3) and reports the CRLF keep-alives
//! of RFC 5626 section 4.4.1.

use bytes::BytesMut;
use memchr::memmem;

use crate::config::ParserConfig;
use crate::error::{ParseError, ParseErrorKind as K, Result};
use crate::message::Message;
use crate::scan::{Head, scan_head};

/// One unit cut from a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A whole message.
    Message(Message),
    /// A double-CRLF keep-alive ping; the receiver answers with a single
    /// CRLF pong (RFC 5626 section 4.4.1).
    Ping,
    /// A single CRLF: a pong, or the CRLF that RFC 3261 section 7.5 lets
    /// precede a message. Nothing to answer.
    Pong,
}

/// A sans-IO stream framer: feed it bytes as they arrive with
/// [`Framer::push`], take frames with [`Framer::next_frame`].
///
/// A stream message must carry Content-Length (RFC 3261 section 18.3); a
/// message without one, with a malformed one, or larger than
/// [`ParserConfig::max_message_size`] is an error after which the
/// connection must be closed: the stream cannot be resynchronised.
///
/// ```
/// use sip_parser::{Frame, Framer};
/// let mut f = Framer::default();
/// f.push(b"\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\nContent-Le");
/// assert_eq!(f.next_frame().unwrap(), Some(Frame::Ping));
/// assert_eq!(f.next_frame().unwrap(), None);
/// f.push(b"ngth: 2\r\n\r\nhi");
/// let Some(Frame::Message(m)) = f.next_frame().unwrap() else { panic!() };
/// assert_eq!(m.body(), b"hi");
/// ```
#[derive(Debug, Default)]
pub struct Framer {
    buf: BytesMut,
    cfg: ParserConfig,
    /// The head of the message being received and its total length, once
    /// the head is complete.
    pending: Option<(Head, usize)>,
    /// How many buffered bytes were already searched for the end of the
    /// head, so that a peer trickling bytes costs linear, not quadratic, time.
    scanned: usize,
}

impl Framer {
    /// A framer with the given limits.
    pub fn new(cfg: ParserConfig) -> Self {
        Self {
            buf: BytesMut::new(),
            cfg,
            pending: None,
            scanned: 0,
        }
    }

    /// Appends received bytes.
    pub fn push(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Bytes received but not yet returned as frames.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next whole frame, `Ok(None)` if more bytes are needed. After an
    /// error the stream is unusable and the connection should be closed.
    pub fn next_frame(&mut self) -> Result<Option<Frame>> {
        if self.pending.is_none() {
            match self.buf.as_ref() {
                [b'\r', b'\n', b'\r', b'\n', ..] => {
                    let _ = self.buf.split_to(4);
                    self.scanned = 0;
                    return Ok(Some(Frame::Ping));
                }
                [b'\r', b'\n', b'\r'] | [b'\r', b'\n'] | [b'\r'] => return Ok(None),
                [b'\r', b'\n', ..] => {
                    let _ = self.buf.split_to(2);
                    self.scanned = 0;
                    return Ok(Some(Frame::Pong));
                }
                [b'\n', ..] if self.cfg.allow_lf_line_ends => {
                    let _ = self.buf.split_to(1);
                    self.scanned = 0;
                    return Ok(Some(Frame::Pong));
                }
                [] => return Ok(None),
                _ => {}
            }
            let Some(head_end) = self.head_end() else {
                self.scanned = self.buf.len();
                if self.buf.len() > self.cfg.max_message_size {
                    return Err(ParseError::new(
                        K::MessageTooLarge,
                        self.cfg.max_message_size,
                        "a shorter message head",
                    ));
                }
                return Ok(None);
            };
            let head = scan_head(&self.buf[..head_end], &self.cfg)?;
            let length = head.content_length.ok_or_else(|| {
                ParseError::new(
                    K::ContentLength,
                    head.body_start,
                    "Content-Length on a stream",
                )
            })?;
            let total = head.body_start + length;
            if total > self.cfg.max_message_size {
                return Err(ParseError::new(
                    K::MessageTooLarge,
                    self.cfg.max_message_size,
                    "a smaller message",
                ));
            }
            self.pending = Some((head, total));
        }
        let Some((_, total)) = &self.pending else {
            return Ok(None);
        };
        if self.buf.len() < *total {
            return Ok(None);
        }
        let Some((head, total)) = self.pending.take() else {
            return Ok(None);
        };
        let bytes = self.buf.split_to(total).freeze();
        self.scanned = 0;
        Ok(Some(Frame::Message(Message::from_parts(
            bytes,
            head.msg_start,
            head.start,
            head.headers,
            head.body_start,
            total,
        ))))
    }

    /// Takes a lone CRLF left at the end of the buffer as a pong. A lone
    /// CRLF could still be the first half of a ping, so
    /// [`Framer::next_frame`] waits for more bytes; a transport calls this
    /// once its socket has no more data to read (RFC 5626 section 4.4.1).
    pub fn take_idle_pong(&mut self) -> bool {
        if self.pending.is_none() && self.buf.as_ref() == b"\r\n" {
            let _ = self.buf.split_to(2);
            self.scanned = 0;
            return true;
        }
        false
    }

    /// Offset just past the empty line that ends the head, if it arrived.
    fn head_end(&self) -> Option<usize> {
        let limit = self
            .buf
            .len()
            .min(self.cfg.max_message_size.saturating_add(4));
        // Resume where the last search stopped, backing up over a line end
        // that may have been cut between two reads.
        let from = self.scanned.saturating_sub(3).min(limit);
        let hay = &self.buf[from..limit];
        let crlf = memmem::find(hay, b"\r\n\r\n").map(|i| from + i + 4);
        if !self.cfg.allow_lf_line_ends {
            return crlf;
        }
        let lf = memmem::find(hay, b"\n\n").map(|i| from + i + 2);
        match (crlf, lf) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &[u8] = b"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 1\r\nContent-Length: 3\r\n\r\nabc";
    const B: &[u8] = b"SIP/2.0 200 OK\r\nCall-ID: 2\r\nl: 0\r\n\r\n";

    fn drain(f: &mut Framer) -> Vec<Frame> {
        let mut out = Vec::new();
        while let Some(fr) = f.next_frame().unwrap() {
            out.push(fr);
        }
        out
    }

    #[test]
    fn two_messages_in_one_read_and_byte_by_byte() {
        let mut stream = A.to_vec();
        stream.extend_from_slice(b"\r\n\r\n");
        stream.extend_from_slice(B);
        let mut f = Framer::default();
        f.push(&stream);
        let all = drain(&mut f);
        assert_eq!(all.len(), 3);
        let mut g = Framer::default();
        let mut each = Vec::new();
        for b in &stream {
            g.push(core::slice::from_ref(b));
            each.extend(drain(&mut g));
        }
        assert_eq!(all, each);
        assert_eq!(all[1], Frame::Ping);
        assert_eq!(f.buffered(), 0);
    }

    #[test]
    fn lone_crlf_is_a_pong_once_idle() {
        let mut f = Framer::default();
        f.push(b"\r\n");
        assert_eq!(f.next_frame().unwrap(), None);
        assert!(f.take_idle_pong());
        assert_eq!(f.buffered(), 0);
        f.push(b"\r\nOPTIONS");
        assert_eq!(f.next_frame().unwrap(), Some(Frame::Pong));
        assert!(!f.take_idle_pong());
    }

    #[test]
    fn stream_errors() {
        let mut f = Framer::default();
        f.push(b"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 1\r\n\r\n");
        assert_eq!(f.next_frame().unwrap_err().kind, K::ContentLength);
        let mut f = Framer::new(ParserConfig::default().max_message_size(100));
        f.push(b"OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 1000\r\n\r\n");
        assert_eq!(f.next_frame().unwrap_err().kind, K::MessageTooLarge);
        let mut f = Framer::new(ParserConfig::default().max_message_size(100));
        f.push(&[b'A'; 200]);
        assert_eq!(f.next_frame().unwrap_err().kind, K::MessageTooLarge);
        let mut f = Framer::default();
        f.push(b"\x00\x01garbage\r\n\r\n");
        assert!(f.next_frame().is_err());
    }
}
