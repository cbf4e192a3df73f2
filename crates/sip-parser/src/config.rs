//! Parser limits and leniency switches (strict by default, httparse style).

/// Limits and leniency switches for [`Message::parse_with`](crate::Message::parse_with)
/// and the stream [`Framer`](crate::Framer).
///
/// Every limit bounds memory and time: exceeding one is a typed error,
/// never an allocation without bound.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParserConfig {
    /// Largest message (head and body) accepted, in bytes. Default 65,535,
    /// the largest UDP datagram (RFC 3261 section 18.1.1).
    pub max_message_size: usize,
    /// Most header lines in one message. Default 256.
    pub max_headers: usize,
    /// Longest header line (folded lines counted together). Default 16,384.
    pub max_header_line: usize,
    /// Accept a bare LF as a line end (some phones send them). Default true:
    /// RFC 3261 section 7 requires CRLF, but nothing is lost by accepting LF.
    pub allow_lf_line_ends: bool,
}

impl Default for ParserConfig {
    fn default() -> Self {
        Self {
            max_message_size: 65_535,
            max_headers: 256,
            max_header_line: 16_384,
            allow_lf_line_ends: true,
        }
    }
}

impl ParserConfig {
    /// Sets [`ParserConfig::max_message_size`].
    #[must_use]
    pub fn max_message_size(mut self, n: usize) -> Self {
        self.max_message_size = n;
        self
    }

    /// Sets [`ParserConfig::max_headers`].
    #[must_use]
    pub fn max_headers(mut self, n: usize) -> Self {
        self.max_headers = n;
        self
    }

    /// Sets [`ParserConfig::max_header_line`].
    #[must_use]
    pub fn max_header_line(mut self, n: usize) -> Self {
        self.max_header_line = n;
        self
    }

    /// Sets [`ParserConfig::allow_lf_line_ends`].
    #[must_use]
    pub fn allow_lf_line_ends(mut self, allow: bool) -> Self {
        self.allow_lf_line_ends = allow;
        self
    }
}
