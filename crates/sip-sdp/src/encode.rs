//! The SDP serializer: CRLF line endings in the line order of RFC 8866
//! section 5 (`v o s i u e p c b t r z k a`, then `m i c b k a` per media).

use std::fmt;

use crate::model::{Bandwidth, ExtraLine, Media, Session};

impl Session {
    /// Appends the serialized session to `out` (RFC 8866 section 5), CRLF
    /// line endings, RFC line order.
    pub fn encode(&self, out: &mut Vec<u8>) {
        use std::io::Write as _;
        // Writing to a Vec<u8> cannot fail.
        let _ = write!(out, "{self}");
    }

    /// The serialized session as bytes (RFC 8866 section 5).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512);
        self.encode(&mut out);
        out
    }
}

fn line(f: &mut fmt::Formatter<'_>, t: char, v: &dyn fmt::Display) -> fmt::Result {
    write!(f, "{t}={v}\r\n")
}

fn opt_line(f: &mut fmt::Formatter<'_>, t: char, v: Option<&String>) -> fmt::Result {
    match v {
        Some(v) => line(f, t, v),
        None => Ok(()),
    }
}

fn bandwidths(f: &mut fmt::Formatter<'_>, bws: &[Bandwidth]) -> fmt::Result {
    bws.iter()
        .try_for_each(|b| write!(f, "b={}:{}\r\n", b.kind, b.value))
}

fn extra(f: &mut fmt::Formatter<'_>, lines: &[ExtraLine]) -> fmt::Result {
    lines.iter().try_for_each(|l| line(f, l.kind, &l.value))
}

impl fmt::Display for Session {
    /// The whole body, CRLF line endings (RFC 8866 section 5).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.origin;
        write!(f, "v={}\r\n", self.version)?;
        write!(
            f,
            "o={} {} {} {} {} {}\r\n",
            o.username,
            o.session_id,
            o.session_version,
            o.net_type,
            o.addr_type.as_str(),
            o.address
        )?;
        line(f, 's', &self.name)?;
        opt_line(f, 'i', self.info.as_ref())?;
        opt_line(f, 'u', self.uri.as_ref())?;
        self.emails.iter().try_for_each(|e| line(f, 'e', e))?;
        self.phones.iter().try_for_each(|p| line(f, 'p', p))?;
        if let Some(c) = &self.connection {
            line(f, 'c', c)?;
        }
        bandwidths(f, &self.bandwidths)?;
        if self.times.is_empty() {
            f.write_str("t=0 0\r\n")?;
        }
        for t in &self.times {
            write!(f, "t={} {}\r\n", t.start, t.stop)?;
            t.repeats.iter().try_for_each(|r| line(f, 'r', r))?;
        }
        opt_line(f, 'z', self.zone.as_ref())?;
        opt_line(f, 'k', self.key.as_ref())?;
        extra(f, &self.extra)?;
        self.attributes.iter().try_for_each(|a| line(f, 'a', a))?;
        self.media.iter().try_for_each(|m| write!(f, "{m}"))
    }
}

impl fmt::Display for Media {
    /// The m= line and its lines, CRLF line endings (RFC 8866 section 5.14).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "m={} {}", self.kind.as_str(), self.port)?;
        if let Some(n) = self.port_count {
            write!(f, "/{n}")?;
        }
        write!(f, " {}", self.proto)?;
        self.formats.iter().try_for_each(|x| write!(f, " {x}"))?;
        f.write_str("\r\n")?;
        opt_line(f, 'i', self.info.as_ref())?;
        self.connections.iter().try_for_each(|c| line(f, 'c', c))?;
        bandwidths(f, &self.bandwidths)?;
        opt_line(f, 'k', self.key.as_ref())?;
        extra(f, &self.extra)?;
        self.attributes.iter().try_for_each(|a| line(f, 'a', a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLOPPY: &str = "v=0\n\
o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com \n\
s=\n\
c=IN IP4 host.atlanta.example.com\n\
t=0 0\n\
a=x-session\n\
m=audio 49170 RTP/AVP 0 8 97\n\
a=rtpmap:0 PCMU/8000\n\
a=rtpmap:97 iLBC/8000\n\
m=video 51372/2 RTP/AVP 31 32\n\
b=AS:256\n\
y=unknown line\n\
a=rtpmap:31 H261/90000\n";

    #[test]
    fn crlf_in_rfc_order_and_round_trip() {
        let s = Session::parse(SLOPPY.as_bytes()).unwrap();
        let out = s.to_string();
        assert!(out.starts_with(
            "v=0\r\no=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\r\ns=\r\nc="
        ));
        assert!(out.contains("m=video 51372/2 RTP/AVP 31 32\r\nb=AS:256\r\ny=unknown line\r\na=rtpmap:31 H261/90000\r\n"));
        assert!(!out.replace("\r\n", "").contains('\n'));
        let again = Session::parse(out.as_bytes()).unwrap();
        assert_eq!(again, s);
        assert_eq!(again.to_bytes(), out.as_bytes());
    }

    #[test]
    fn session_level_order() {
        let src = "v=0\r\no=- 1 1 IN IP4 a\r\ns=x\r\ni=info\r\nu=http://x\r\ne=a@b\r\np=+1\r\nc=IN IP4 1.2.3.4\r\nb=CT:100\r\nt=1 2\r\nr=7d 1h 0 25h\r\nz=2882844526 -1h\r\nk=prompt\r\na=recvonly\r\n";
        let s = Session::parse(src.as_bytes()).unwrap();
        assert_eq!(s.to_string(), src);
    }
}
