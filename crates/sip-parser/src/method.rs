//! SIP methods (RFC 3261 section 7.1 and the extension RFCs).

use crate::lex::is_token_str;

/// A request method. The methods of RFC 3261 and its common extensions have
/// their own variant; any other token is kept as [`Method::Other`]
/// (RFC 3261 section 25.1 `extension-method`), so that a UA can answer 501.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Method {
    /// INVITE (RFC 3261 section 13).
    Invite,
    /// ACK (RFC 3261 section 13).
    Ack,
    /// BYE (RFC 3261 section 15).
    Bye,
    /// CANCEL (RFC 3261 section 9).
    Cancel,
    /// REGISTER (RFC 3261 section 10).
    Register,
    /// OPTIONS (RFC 3261 section 11).
    Options,
    /// INFO (RFC 6086).
    Info,
    /// UPDATE (RFC 3311).
    Update,
    /// PRACK (RFC 3262).
    Prack,
    /// SUBSCRIBE (RFC 6665).
    Subscribe,
    /// NOTIFY (RFC 6665).
    Notify,
    /// PUBLISH (RFC 3903).
    Publish,
    /// REFER (RFC 3515).
    Refer,
    /// MESSAGE (RFC 3428).
    Message,
    /// Any other method token, kept as written (methods are case-sensitive).
    Other(Box<str>),
}

impl Method {
    /// Parses a method token; `None` if `s` is not a token (RFC 3261 section 25.1).
    /// Method names are case-sensitive: `invite` is an extension method.
    pub fn from_bytes(s: &[u8]) -> Option<Self> {
        Some(match s {
            b"INVITE" => Self::Invite,
            b"ACK" => Self::Ack,
            b"BYE" => Self::Bye,
            b"CANCEL" => Self::Cancel,
            b"REGISTER" => Self::Register,
            b"OPTIONS" => Self::Options,
            b"INFO" => Self::Info,
            b"UPDATE" => Self::Update,
            b"PRACK" => Self::Prack,
            b"SUBSCRIBE" => Self::Subscribe,
            b"NOTIFY" => Self::Notify,
            b"PUBLISH" => Self::Publish,
            b"REFER" => Self::Refer,
            b"MESSAGE" => Self::Message,
            _ if is_token_str(s) => {
                // Token characters are ASCII, so this cannot fail.
                Self::Other(core::str::from_utf8(s).ok()?.into())
            }
            _ => return None,
        })
    }

    /// The method as written on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Invite => "INVITE",
            Self::Ack => "ACK",
            Self::Bye => "BYE",
            Self::Cancel => "CANCEL",
            Self::Register => "REGISTER",
            Self::Options => "OPTIONS",
            Self::Info => "INFO",
            Self::Update => "UPDATE",
            Self::Prack => "PRACK",
            Self::Subscribe => "SUBSCRIBE",
            Self::Notify => "NOTIFY",
            Self::Publish => "PUBLISH",
            Self::Refer => "REFER",
            Self::Message => "MESSAGE",
            Self::Other(s) => s,
        }
    }

    /// Whether this is one of the methods this crate names.
    pub fn is_known(&self) -> bool {
        !matches!(self, Self::Other(_))
    }
}

impl core::fmt::Display for Method {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl core::str::FromStr for Method {
    type Err = crate::ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_bytes(s.as_bytes()).ok_or(crate::ParseError::new(
            crate::ParseErrorKind::Method,
            0,
            "a method token",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::Method;

    #[test]
    fn known_unknown_and_bad() {
        assert_eq!(Method::from_bytes(b"INVITE"), Some(Method::Invite));
        assert_eq!(
            Method::from_bytes(b"invite"),
            Some(Method::Other("invite".into()))
        );
        assert_eq!(
            Method::from_bytes(b"!interesting-Method0123456789_*+`.%'~"),
            Some(Method::Other(
                "!interesting-Method0123456789_*+`.%'~".into()
            ))
        );
        assert_eq!(Method::from_bytes(b"IN VITE"), None);
        assert_eq!(Method::from_bytes(b""), None);
        assert_eq!(
            "BYE"
                .parse::<Method>()
                .map(|m| m.to_string())
                .ok()
                .as_deref(),
            Some("BYE")
        );
    }
}
