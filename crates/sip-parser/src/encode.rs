//! Serialization into a caller's buffer (RFC 3261 section 7; rustls
//! `Codec` style: append to a `Vec<u8>`).

use crate::header::HeaderName;
use crate::message::Message;
use crate::scan::StartLine;

fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&tmp[i..]);
}

impl Message {
    /// Appends the message to `out`.
    ///
    /// An unmodified parsed message writes exactly the bytes it was parsed
    /// from. A changed or built one is written from its parts, with
    /// `Content-Length` always equal to the body length (one header, added
    /// if it was missing): the message on the wire is always well framed.
    pub fn encode(&self, out: &mut Vec<u8>) {
        if !self.modified {
            out.extend_from_slice(self.get(self.raw));
            return;
        }
        let body = self.body();
        out.reserve(64 + self.headers.len() * 40 + body.len());
        match &self.start {
            StartLine::Request { method, uri } => {
                out.extend_from_slice(method.as_str().as_bytes());
                out.push(b' ');
                out.extend_from_slice(self.get(*uri));
                out.extend_from_slice(b" SIP/2.0\r\n");
            }
            StartLine::Response { code, reason } => {
                out.extend_from_slice(b"SIP/2.0 ");
                push_decimal(out, u64::from(*code));
                out.push(b' ');
                out.extend_from_slice(self.get(*reason));
                out.extend_from_slice(b"\r\n");
            }
        }
        let mut wrote_length = false;
        for h in &self.headers {
            if h.name == HeaderName::ContentLength {
                if wrote_length {
                    continue;
                }
                wrote_length = true;
                out.extend_from_slice(self.get(h.name_span));
                out.extend_from_slice(b": ");
                push_decimal(out, body.len() as u64);
                out.extend_from_slice(b"\r\n");
                continue;
            }
            out.extend_from_slice(self.get(h.name_span));
            out.extend_from_slice(b": ");
            out.extend_from_slice(self.get(h.value));
            out.extend_from_slice(b"\r\n");
        }
        if !wrote_length {
            out.extend_from_slice(b"Content-Length: ");
            push_decimal(out, body.len() as u64);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(body);
    }

    /// The encoded message in a new vector.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.get(self.raw).len() + 64);
        self.encode(&mut out);
        out
    }

    /// The encoded message as shared bytes; free for an unmodified message.
    pub fn to_bytes(&self) -> bytes::Bytes {
        if self.modified {
            self.to_vec().into()
        } else {
            self.buf.slice(self.raw.start()..self.raw.end())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::push_decimal;

    #[test]
    fn decimals() {
        for n in [0u64, 7, 10, 314159, u64::MAX] {
            let mut v = Vec::new();
            push_decimal(&mut v, n);
            assert_eq!(v, n.to_string().as_bytes());
        }
    }
}
