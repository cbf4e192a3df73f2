//! Transport protocols as named in Via (RFC 3261 section 18 and 20.42).

/// A transport protocol of the Via `sent-protocol` (RFC 3261 section 20.42),
/// shared by the transaction and transport layers.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Transport {
    /// UDP (RFC 3261 section 18): unreliable, retransmissions by timers.
    Udp,
    /// TCP (RFC 3261 section 18): reliable, stream framed by Content-Length.
    Tcp,
    /// TLS over TCP (RFC 3261 section 26.2).
    Tls,
    /// SCTP (RFC 4168).
    Sctp,
    /// WebSocket (RFC 7118).
    Ws,
    /// Secure WebSocket (RFC 7118).
    Wss,
}

impl Transport {
    /// The Via token (`UDP`, `TCP`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Udp => "UDP",
            Self::Tcp => "TCP",
            Self::Tls => "TLS",
            Self::Sctp => "SCTP",
            Self::Ws => "WS",
            Self::Wss => "WSS",
        }
    }

    /// Parses a Via transport token or a `transport=` URI parameter value
    /// (case-insensitive).
    pub fn from_bytes(s: &[u8]) -> Option<Self> {
        Some(match s.to_ascii_uppercase().as_slice() {
            b"UDP" => Self::Udp,
            b"TCP" => Self::Tcp,
            b"TLS" => Self::Tls,
            b"SCTP" => Self::Sctp,
            b"WS" => Self::Ws,
            b"WSS" => Self::Wss,
            _ => return None,
        })
    }

    /// Whether the transport is reliable: no retransmission timers and zero
    /// wait times in the transaction layer (RFC 3261 section 17).
    pub const fn is_reliable(self) -> bool {
        !matches!(self, Self::Udp)
    }

    /// Whether the transport is secure (a `sips:` URI requires one).
    pub const fn is_secure(self) -> bool {
        matches!(self, Self::Tls | Self::Wss)
    }

    /// The default port: 5061 for TLS-based transports, 5060 otherwise
    /// (RFC 3261 section 19.1.2).
    pub const fn default_port(self) -> u16 {
        if self.is_secure() { 5061 } else { 5060 }
    }
}

impl core::fmt::Display for Transport {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Transport;

    #[test]
    fn tokens() {
        assert_eq!(Transport::from_bytes(b"udp"), Some(Transport::Udp));
        assert_eq!(Transport::from_bytes(b"TLS"), Some(Transport::Tls));
        assert_eq!(Transport::from_bytes(b"UNKNOWN"), None);
        assert!(Transport::Tcp.is_reliable() && !Transport::Udp.is_reliable());
        assert_eq!(Transport::Tls.default_port(), 5061);
    }
}
