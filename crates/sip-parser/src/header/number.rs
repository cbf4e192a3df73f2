//! Headers whose value is a single number: `Expires`, `Min-Expires`,
//! `Content-Length`, `RSeq`, `Max-Forwards` (RFC 3261 sections 20.14, 20.19,
//! 20.22, 20.23; RFC 3262 section 7.1) and `Min-SE` (RFC 4028 section 5).

use std::borrow::Cow;

use super::scan::{number, whole_number};
use super::{HeaderValue, Param, Params};
use crate::error::Result;

macro_rules! number_header {
    ($(#[$doc:meta])* $name:ident, $ty:ty, $what:literal) => {
        $(#[$doc])*
        ///
        /// Leading zeros are allowed (RFC 4475 section 3.1.1.1); a value out
        /// of range is a [`crate::error::ParseErrorKind::Overflow`] error
        /// (RFC 4475 section 3.1.2.4).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $ty);

        impl HeaderValue<'_> for $name {
            fn parse(value: &[u8]) -> Result<Self> {
                whole_number(value, <$ty>::MAX as u64, $what).map(|n| Self(n as $ty))
            }

            fn encode(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(self.0.to_string().as_bytes());
            }
        }
    };
}

number_header!(
    /// `Expires: delta-seconds` (RFC 3261 section 20.19), 32 bits.
    Expires, u32, "delta-seconds (32 bits)"
);
number_header!(
    /// `Min-Expires: delta-seconds` (RFC 3261 section 20.23), 32 bits.
    MinExpires, u32, "delta-seconds (32 bits)"
);
number_header!(
    /// `Content-Length: 1*DIGIT` (RFC 3261 section 20.14), 32 bits.
    ContentLength, u32, "a length (32 bits)"
);
number_header!(
    /// `RSeq: 1*DIGIT` (RFC 3262 section 7.1), 1 ..= 2^32-1.
    RSeq, u32, "a response-num (32 bits)"
);
number_header!(
    /// `Max-Forwards: 1*DIGIT` (RFC 3261 section 20.22), 0 ..= 255.
    MaxForwards, u8, "a Max-Forwards value 0..=255"
);

/// `Min-SE: delta-seconds *( SEMI generic-param )` (RFC 4028 section 5).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MinSe<'a> {
    /// The minimum session interval in seconds.
    pub delta: u32,
    /// Extension parameters.
    pub params: Params<'a>,
}

impl MinSe<'_> {
    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> MinSe<'static> {
        MinSe {
            delta: self.delta,
            params: self.params.into_owned(),
        }
    }
}

impl<'a> HeaderValue<'a> for MinSe<'a> {
    fn parse(value: &'a [u8]) -> Result<Self> {
        let (delta, i) = number(value, 0, u64::from(u32::MAX), "delta-seconds (32 bits)")?;
        Ok(Self {
            delta: delta as u32,
            params: Params::parse_generic(value, i)?,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.delta.to_string().as_bytes());
        self.params.encode(out);
    }
}

/// `Session-Expires: delta-seconds *( SEMI se-params )` with
/// `refresher = "uac" / "uas"` (RFC 4028 section 4).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionExpires<'a> {
    /// The session interval in seconds.
    pub delta: u32,
    /// `refresher` and extension parameters.
    pub params: Params<'a>,
}

impl<'a> SessionExpires<'a> {
    /// A value with an optional refresher (`uac` / `uas`).
    pub fn new(delta: u32, refresher: Option<&'a str>) -> Self {
        let mut params = Params::new();
        if let Some(r) = refresher {
            params.push(Param::new("refresher", Some(Cow::Borrowed(r))));
        }
        Self { delta, params }
    }

    /// The `refresher` parameter (`uac` or `uas`).
    pub fn refresher(&self) -> Option<&str> {
        self.params.str("refresher")
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> SessionExpires<'static> {
        SessionExpires {
            delta: self.delta,
            params: self.params.into_owned(),
        }
    }
}

impl<'a> HeaderValue<'a> for SessionExpires<'a> {
    fn parse(value: &'a [u8]) -> Result<Self> {
        let (delta, i) = number(value, 0, u64::from(u32::MAX), "delta-seconds (32 bits)")?;
        let params = Params::parse_generic(value, i)?;
        if let Some(r) = params.get("refresher") {
            let ok = r
                .value()
                .is_some_and(|v| v.eq_ignore_ascii_case("uac") || v.eq_ignore_ascii_case("uas"));
            if !ok {
                return Err(crate::error::ParseError::value(
                    i,
                    "refresher=uac or refresher=uas",
                ));
            }
        }
        Ok(Self {
            delta: delta as u32,
            params,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.delta.to_string().as_bytes());
        self.params.encode(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ParseErrorKind;

    #[test]
    fn numbers() {
        assert_eq!(MaxForwards::parse(b"0068").unwrap(), MaxForwards(68));
        assert_eq!(MaxForwards::parse(b"255").unwrap(), MaxForwards(255));
        assert_eq!(
            MaxForwards::parse(b"300").unwrap_err().kind,
            ParseErrorKind::Overflow
        );
        assert_eq!(Expires::parse(b"4294967295").unwrap(), Expires(u32::MAX));
        assert_eq!(
            Expires::parse(&[b'1'; 100]).unwrap_err().kind,
            ParseErrorKind::Overflow
        );
        assert_eq!(ContentLength::parse(b"0").unwrap(), ContentLength(0));
        for bad in [&b""[..], b"-1", b"1 2", b"1a", b"0x10", b"\xff"] {
            assert!(ContentLength::parse(bad).is_err());
            assert!(RSeq::parse(bad).is_err());
            assert!(MinExpires::parse(bad).is_err());
        }
        let mut out = Vec::new();
        Expires(3600).encode(&mut out);
        assert_eq!(out, b"3600");
    }

    #[test]
    fn session_timers() {
        let s = SessionExpires::parse(b"1800;refresher=uas").unwrap();
        assert_eq!((s.delta, s.refresher()), (1800, Some("uas")));
        let mut out = Vec::new();
        SessionExpires::new(90, Some("uac")).encode(&mut out);
        assert_eq!(out, b"90;refresher=uac");
        assert!(SessionExpires::parse(b"1800;refresher=me").is_err());
        assert!(SessionExpires::parse(b"x").is_err());
        assert!(SessionExpires::parse(b"99999999999").is_err());
        assert_eq!(MinSe::parse(b"90").unwrap().delta, 90);
        assert!(MinSe::parse(b"90;").is_err());
    }
}
