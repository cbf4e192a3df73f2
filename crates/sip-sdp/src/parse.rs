//! The SDP parser (RFC 8866 sections 5 and 9), lenient where phones are
//! sloppy, strict where meaning would be lost, bounded by [`Limits`].

use crate::attribute::Attribute;
use crate::error::{ErrorKind, SdpError};
use crate::model::{
    AddrType, Bandwidth, Connection, ExtraLine, Media, MediaKind, Origin, Session, Timing,
};

/// Bounds on what [`Session::parse_with`] accepts, so that no input
/// allocates without bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest body in bytes (default 64 KiB).
    pub max_bytes: usize,
    /// Most lines, empty ones included (default 1024).
    pub max_lines: usize,
    /// Longest line in bytes (default 4096).
    pub max_line_len: usize,
    /// Most m= sections (default 32).
    pub max_media: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024,
            max_lines: 1024,
            max_line_len: 4096,
            max_media: 32,
        }
    }
}

impl Session {
    /// Parses an SDP body with the default [`Limits`] (RFC 8866 section 5).
    ///
    /// Accepts CRLF or LF-only line endings, trailing blanks and empty lines;
    /// a missing `s=` reads as `s=-` and a missing `t=` as `t=0 0`.
    pub fn parse(input: &[u8]) -> Result<Self, SdpError> {
        Self::parse_with(input, &Limits::default())
    }

    /// Parses an SDP body with explicit [`Limits`] (RFC 8866 section 5).
    pub fn parse_with(input: &[u8], limits: &Limits) -> Result<Self, SdpError> {
        if input.len() > limits.max_bytes {
            return Err(SdpError::syntax(1, ErrorKind::TooLarge));
        }
        let mut p = Parser::default();
        let mut line_no = 0usize;
        for raw in input.split(|&b| b == b'\n') {
            line_no += 1;
            if line_no > limits.max_lines {
                return Err(SdpError::syntax(line_no, ErrorKind::TooManyLines));
            }
            if raw.len() > limits.max_line_len {
                return Err(SdpError::syntax(line_no, ErrorKind::LineTooLong));
            }
            let raw = trim_end(raw);
            if raw.is_empty() {
                continue;
            }
            let line = std::str::from_utf8(raw)
                .map_err(|_| SdpError::syntax(line_no, ErrorKind::NotUtf8))?;
            let b = line.as_bytes();
            if b.len() < 2 || b[1] != b'=' || !b[0].is_ascii_lowercase() {
                return Err(SdpError::syntax(line_no, ErrorKind::BadLine));
            }
            p.line(char::from(b[0]), &line[2..], line_no, limits)?;
        }
        // A final line ending does not start another line.
        let lines = if input.is_empty() || input.ends_with(b"\n") {
            line_no - 1
        } else {
            line_no
        };
        p.finish(lines + 1)
    }
}

fn trim_end(mut s: &[u8]) -> &[u8] {
    while let [rest @ .., b'\r' | b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

#[derive(Default)]
struct Parser {
    version: Option<u32>,
    origin: Option<Origin>,
    name: Option<String>,
    session: Option<Session>,
}

impl Parser {
    fn line(&mut self, t: char, v: &str, n: usize, limits: &Limits) -> Result<(), SdpError> {
        let err = |kind| SdpError::syntax(n, kind);
        let Some(version) = self.version else {
            if t != 'v' {
                return Err(err(ErrorKind::MissingVersion));
            }
            if v.trim() != "0" {
                return Err(err(ErrorKind::UnsupportedVersion));
            }
            self.version = Some(0);
            return Ok(());
        };
        let Some(s) = self.session.as_mut() else {
            // Before the session is built: only o= and s= may come here.
            match t {
                'o' if self.origin.is_none() => {
                    self.origin = Some(parse_origin(v).ok_or_else(|| err(ErrorKind::BadOrigin))?);
                    return Ok(());
                }
                's' if self.name.is_none() && self.origin.is_some() => {
                    self.name = Some(v.to_owned());
                    return Ok(());
                }
                'v' | 'o' => return Err(err(ErrorKind::Duplicate)),
                's' if self.origin.is_some() => return Err(err(ErrorKind::Duplicate)),
                _ => {}
            }
            let origin = self
                .origin
                .take()
                .ok_or_else(|| err(ErrorKind::MissingOrigin))?;
            let mut session =
                Session::new(origin, self.name.take().unwrap_or_else(|| "-".to_owned()));
            session.version = version;
            self.session = Some(session);
            return self.line(t, v, n, limits);
        };
        if t == 'm' {
            if s.media.len() >= limits.max_media {
                return Err(err(ErrorKind::TooManyMedia));
            }
            s.media
                .push(parse_media(v).ok_or_else(|| err(ErrorKind::BadMedia))?);
            return Ok(());
        }
        if let Some(m) = s.media.last_mut() {
            return media_line(m, t, v, n);
        }
        match t {
            'v' | 'o' | 's' => return Err(err(ErrorKind::Duplicate)),
            'i' => set_once(&mut s.info, v, n)?,
            'u' => set_once(&mut s.uri, v, n)?,
            'e' => s.emails.push(v.to_owned()),
            'p' => s.phones.push(v.to_owned()),
            'c' => {
                if s.connection.is_some() {
                    return Err(err(ErrorKind::Duplicate));
                }
                s.connection =
                    Some(parse_connection(v).ok_or_else(|| err(ErrorKind::BadConnection))?);
            }
            'b' => s
                .bandwidths
                .push(parse_bandwidth(v).ok_or_else(|| err(ErrorKind::BadBandwidth))?),
            't' => s
                .times
                .push(parse_timing(v).ok_or_else(|| err(ErrorKind::BadTiming))?),
            'r' => match s.times.last_mut() {
                Some(t) => t.repeats.push(v.to_owned()),
                None => return Err(err(ErrorKind::BadTiming)),
            },
            'z' => set_once(&mut s.zone, v, n)?,
            'k' => set_once(&mut s.key, v, n)?,
            'a' => s.attributes.push(Attribute::parse(v, n)?),
            kind => s.extra.push(ExtraLine {
                kind,
                value: v.to_owned(),
            }),
        }
        Ok(())
    }

    fn finish(self, end_line: usize) -> Result<Session, SdpError> {
        if self.version.is_none() {
            return Err(SdpError::syntax(end_line, ErrorKind::Empty));
        }
        let mut s = match self.session {
            Some(s) => s,
            None => {
                // Only v=, o= and maybe s= were present.
                let origin = self
                    .origin
                    .ok_or_else(|| SdpError::syntax(end_line, ErrorKind::MissingOrigin))?;
                Session::new(origin, self.name.unwrap_or_else(|| "-".to_owned()))
            }
        };
        if s.times.is_empty() {
            s.times.push(Timing::default());
        }
        Ok(s)
    }
}

fn set_once(slot: &mut Option<String>, v: &str, n: usize) -> Result<(), SdpError> {
    if slot.is_some() {
        return Err(SdpError::syntax(n, ErrorKind::Duplicate));
    }
    *slot = Some(v.to_owned());
    Ok(())
}

fn media_line(m: &mut Media, t: char, v: &str, n: usize) -> Result<(), SdpError> {
    let err = |kind| SdpError::syntax(n, kind);
    match t {
        'i' => set_once(&mut m.info, v, n)?,
        'c' => m
            .connections
            .push(parse_connection(v).ok_or_else(|| err(ErrorKind::BadConnection))?),
        'b' => m
            .bandwidths
            .push(parse_bandwidth(v).ok_or_else(|| err(ErrorKind::BadBandwidth))?),
        'k' => set_once(&mut m.key, v, n)?,
        'a' => m.attributes.push(Attribute::parse(v, n)?),
        'v' => return Err(err(ErrorKind::Duplicate)),
        kind => m.extra.push(ExtraLine {
            kind,
            value: v.to_owned(),
        }),
    }
    Ok(())
}

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`.
/// A username holding spaces (seen in the wild) is accepted: the last five
/// fields are the fixed ones.
fn parse_origin(v: &str) -> Option<Origin> {
    let fields: Vec<&str> = v.split_ascii_whitespace().collect();
    let k = fields.len().checked_sub(5).filter(|&k| k >= 1)?;
    let [id, ver, net, at, addr] = fields[k..] else {
        return None;
    };
    Some(Origin {
        username: fields[..k].join(" "),
        session_id: id.to_owned(),
        session_version: ver.parse().ok()?,
        net_type: net.to_owned(),
        addr_type: AddrType::from_token(at),
        address: addr.to_owned(),
    })
}

/// `c=<nettype> <addrtype> <connection-address>` (RFC 8866 section 5.7).
pub(crate) fn parse_connection(v: &str) -> Option<Connection> {
    let mut it = v.split_ascii_whitespace();
    let (net, at, addr) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    let addr_type = AddrType::from_token(at);
    let mut parts = addr.split('/');
    let address = parts.next().filter(|a| !a.is_empty())?;
    let nums: Vec<u32> = parts.map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let (ttl, count) = match (&addr_type, nums.as_slice()) {
        (_, []) => (None, None),
        (AddrType::Ip4, [ttl]) => (Some(*ttl), None),
        (AddrType::Ip4, [ttl, n]) => (Some(*ttl), Some(*n)),
        (AddrType::Ip6, [n]) => (None, Some(*n)),
        _ => return None,
    };
    if addr_type == AddrType::Ip4 && address.contains(':') {
        return None;
    }
    Some(Connection {
        net_type: net.to_owned(),
        addr_type,
        address: address.to_owned(),
        ttl,
        count,
    })
}

fn parse_bandwidth(v: &str) -> Option<Bandwidth> {
    let (kind, value) = v.split_once(':')?;
    let kind = kind.trim();
    (!kind.is_empty() && !kind.contains(' ')).then_some(())?;
    Some(Bandwidth {
        kind: kind.to_owned(),
        value: value.trim().parse().ok()?,
    })
}

fn parse_timing(v: &str) -> Option<Timing> {
    let mut it = v.split_ascii_whitespace();
    let start = it.next()?.parse().ok()?;
    let stop = it.next()?.parse().ok()?;
    it.next().is_none().then(|| Timing {
        start,
        stop,
        repeats: Vec::new(),
    })
}

/// `m=<media> <port>[/<number of ports>] <proto> <fmt> ...` (RFC 8866 section 5.14).
fn parse_media(v: &str) -> Option<Media> {
    let mut it = v.split_ascii_whitespace();
    let kind = MediaKind::from_token(it.next()?);
    let port_s = it.next()?;
    let (port, port_count) = match port_s.split_once('/') {
        Some((p, n)) => (p.parse().ok()?, Some(n.parse().ok()?)),
        None => (port_s.parse().ok()?, None),
    };
    let proto = it.next()?;
    let mut m = Media::new(kind, port, proto, it.map(str::to_owned).collect());
    m.port_count = port_count;
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASIC: &str = "v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

    fn err(s: &[u8]) -> (usize, ErrorKind) {
        let e = Session::parse(s).unwrap_err();
        (e.line().unwrap(), e.kind().unwrap())
    }

    #[test]
    fn basic() {
        let s = Session::parse(BASIC.as_bytes()).unwrap();
        assert_eq!(s.origin.session_version, 2);
        assert_eq!(s.media.len(), 1);
        assert_eq!(s.media[0].formats, ["0", "101"]);
        assert_eq!(s.media[0].attributes.len(), 1);
    }

    #[test]
    fn lf_only_and_trailing_spaces() {
        let lf = BASIC.replace("\r\n", "  \n");
        assert_eq!(
            Session::parse(lf.as_bytes()).unwrap(),
            Session::parse(BASIC.as_bytes()).unwrap()
        );
    }

    #[test]
    fn errors_have_lines() {
        assert_eq!(err(b""), (1, ErrorKind::Empty));
        assert_eq!(err(b"x"), (1, ErrorKind::BadLine));
        assert_eq!(err(b"o=- 1 1 IN IP4 a\r\n"), (1, ErrorKind::MissingVersion));
        assert_eq!(err(b"v=1\r\n"), (1, ErrorKind::UnsupportedVersion));
        assert_eq!(err(b"v=0\r\ns=x\r\n"), (2, ErrorKind::MissingOrigin));
        assert_eq!(err(b"v=0\r\nv=0\r\n"), (2, ErrorKind::Duplicate));
        assert_eq!(err(b"v=0\r\nt=0 0\r\n"), (2, ErrorKind::MissingOrigin));
        assert_eq!(
            err(b"v=0\r\no=- 1 x IN IP4 a\r\n"),
            (2, ErrorKind::BadOrigin)
        );
        assert_eq!(
            err(b"v=0\r\no=- 1 1 IN IP4 a\r\nm=audio x RTP/AVP 0\r\n"),
            (3, ErrorKind::BadMedia)
        );
        assert_eq!(
            err(b"v=0\r\no=- 1 1 IN IP4 a\r\nc=IN IP4\r\n"),
            (3, ErrorKind::BadConnection)
        );
        assert_eq!(
            err(b"v=0\r\no=- 1 1 IN IP4 a\r\ns=\xff\r\n"),
            (3, ErrorKind::NotUtf8)
        );
    }

    #[test]
    fn limits() {
        let l = Limits {
            max_media: 1,
            ..Limits::default()
        };
        let two = format!("{BASIC}m=video 0 RTP/AVP 31\r\n");
        let e = Session::parse_with(two.as_bytes(), &l).unwrap_err();
        assert_eq!(e.kind(), Some(ErrorKind::TooManyMedia));
        let l = Limits {
            max_lines: 3,
            ..Limits::default()
        };
        assert_eq!(
            Session::parse_with(BASIC.as_bytes(), &l)
                .unwrap_err()
                .line(),
            Some(4)
        );
        let long = format!("v=0\r\ni={}\r\n", "x".repeat(5000));
        assert_eq!(err(long.as_bytes()), (2, ErrorKind::LineTooLong));
        assert_eq!(err(&vec![b'a'; 70_000]), (1, ErrorKind::TooLarge));
    }

    #[test]
    fn connections_and_origin() {
        let c = parse_connection("IN IP4 224.2.1.1/127/3").unwrap();
        assert_eq!((c.ttl, c.count), (Some(127), Some(3)));
        let c = parse_connection("IN IP6 ff15::101/3").unwrap();
        assert_eq!((c.ttl, c.count), (None, Some(3)));
        assert!(parse_connection("IN IP4 2001:db8::1").is_none());
        let o = parse_origin("Cisco Systems 1 2 IN IP4 10.0.0.1").unwrap();
        assert_eq!(o.username, "Cisco Systems");
        assert!(parse_origin("1 2 IN IP4 10.0.0.1").is_none());
    }

    #[test]
    fn defaults_for_missing_s_and_t() {
        let s = Session::parse(b"v=0\no=- 1 1 IN IP4 a\nm=audio 0 RTP/AVP 0\n").unwrap();
        assert_eq!(s.name, "-");
        assert_eq!(s.times, [Timing::default()]);
    }
}
