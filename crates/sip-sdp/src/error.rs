//! The one error type of the crate: SDP syntax (RFC 8866 section 5 and 9)
//! and offer/answer (RFC 3264 sections 5 to 8) failures.

use std::fmt;

/// What was wrong on an SDP line (RFC 8866 section 9 grammar).
///
/// A small `Copy` enum that callers can match on; the line number travels
/// beside it in [`SdpError::Syntax`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The body holds no SDP line at all.
    Empty,
    /// The line is not valid UTF-8 (RFC 8866 section 5: the text is UTF-8).
    NotUtf8,
    /// The line is longer than [`Limits::max_line_len`](crate::Limits).
    LineTooLong,
    /// The body has more lines than [`Limits::max_lines`](crate::Limits).
    TooManyLines,
    /// The body has more m= sections than [`Limits::max_media`](crate::Limits).
    TooManyMedia,
    /// The body is larger than [`Limits::max_bytes`](crate::Limits).
    TooLarge,
    /// The line is not `<type>=<value>` with a lowercase letter type (RFC 8866 section 5).
    BadLine,
    /// The first line is not `v=` (RFC 8866 section 5.1).
    MissingVersion,
    /// `v=` holds another version than 0 (RFC 8866 section 5.1).
    UnsupportedVersion,
    /// The `o=` line is missing (RFC 8866 section 5.2).
    MissingOrigin,
    /// The `o=` line does not have its six fields (RFC 8866 section 5.2).
    BadOrigin,
    /// A `c=` line is malformed (RFC 8866 section 5.7).
    BadConnection,
    /// A `b=` line is malformed (RFC 8866 section 5.8).
    BadBandwidth,
    /// A `t=` or `r=` line is malformed (RFC 8866 sections 5.9 and 5.10).
    BadTiming,
    /// An `m=` line is malformed (RFC 8866 section 5.14).
    BadMedia,
    /// A line type that may appear only once in its section appears again.
    Duplicate,
    /// An `a=rtpmap` value is malformed (RFC 8866 section 6.6).
    BadRtpmap,
    /// An `a=fmtp` value is malformed (RFC 8866 section 6.15).
    BadFmtp,
    /// An `a=ptime` or `a=maxptime` value is malformed (RFC 8866 sections 6.4 and 6.5).
    BadPtime,
    /// An `a=rtcp` value is malformed (RFC 3605 section 2.1).
    BadRtcp,
}

impl ErrorKind {
    /// A short, stable, human-readable description.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Empty => "empty SDP body",
            Self::NotUtf8 => "line is not UTF-8",
            Self::LineTooLong => "line too long",
            Self::TooManyLines => "too many lines",
            Self::TooManyMedia => "too many media sections",
            Self::TooLarge => "body too large",
            Self::BadLine => "not a <type>=<value> line",
            Self::MissingVersion => "first line is not v=",
            Self::UnsupportedVersion => "unsupported SDP version",
            Self::MissingOrigin => "missing o= line",
            Self::BadOrigin => "bad o= line",
            Self::BadConnection => "bad c= line",
            Self::BadBandwidth => "bad b= line",
            Self::BadTiming => "bad t= or r= line",
            Self::BadMedia => "bad m= line",
            Self::Duplicate => "line type repeated in its section",
            Self::BadRtpmap => "bad a=rtpmap",
            Self::BadFmtp => "bad a=fmtp",
            Self::BadPtime => "bad a=ptime or a=maxptime",
            Self::BadRtcp => "bad a=rtcp",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error type of `sip-sdp`.
///
/// [`SdpError::Syntax`] comes from [`Session::parse`](crate::Session::parse)
/// (RFC 8866 section 9); the other variants come from offer/answer
/// (RFC 3264) and carry the 0-based index of the m= section at fault.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdpError {
    /// The body does not follow the SDP grammar (RFC 8866 section 9).
    #[error("line {line}: {kind}")]
    Syntax {
        /// 1-based line number (the line after the last one for a missing line).
        line: usize,
        /// What was wrong.
        kind: ErrorKind,
    },
    /// The answer has another number of m= lines than the offer (RFC 3264 section 6).
    #[error("answer has {answer} m-lines, offer has {offer}")]
    MediaCountMismatch {
        /// m= lines in the offer.
        offer: usize,
        /// m= lines in the answer.
        answer: usize,
    },
    /// An answer m= line has another media type than its offer m= line (RFC 3264 section 6).
    #[error("m-line {index}: media type differs from the offer")]
    MediaKindMismatch {
        /// 0-based m= section index.
        index: usize,
    },
    /// An accepted answer stream lists a format the offer did not (RFC 3264 section 6.1).
    #[error("m-line {index}: answer format not in the offer")]
    FormatNotOffered {
        /// 0-based m= section index.
        index: usize,
    },
    /// An accepted stream has no connection address, neither media nor
    /// session level (RFC 8866 section 5.7).
    #[error("m-line {index}: no connection address")]
    MissingConnection {
        /// 0-based m= section index.
        index: usize,
    },
    /// The o= session version cannot be incremented (RFC 3264 section 8).
    #[error("o= session version overflow")]
    VersionOverflow,
}

impl SdpError {
    /// Builds a [`SdpError::Syntax`].
    pub(crate) fn syntax(line: usize, kind: ErrorKind) -> Self {
        Self::Syntax { line, kind }
    }

    /// The error kind, when this is a syntax error.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            Self::Syntax { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// The 1-based line number, when this is a syntax error.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Syntax { line, .. } => Some(*line),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_line_and_kind() {
        let e = SdpError::syntax(3, ErrorKind::BadMedia);
        assert_eq!(e.to_string(), "line 3: bad m= line");
        assert_eq!(e.kind(), Some(ErrorKind::BadMedia));
        assert_eq!(e.line(), Some(3));
    }

    #[test]
    fn negotiation_errors_have_no_line() {
        let e = SdpError::MediaCountMismatch {
            offer: 2,
            answer: 1,
        };
        assert_eq!(e.line(), None);
        assert_eq!(e.to_string(), "answer has 1 m-lines, offer has 2");
    }
}
