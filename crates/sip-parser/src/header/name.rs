//! Header names: the known headers of RFC 3261 section 20 and its extensions,
//! with their compact forms (RFC 3261 section 7.3.3 and the IANA registry).

/// Declares the enum, its canonical spellings and compact forms in one table.
macro_rules! header_names {
    ($( $(#[$doc:meta])* $variant:ident => $canon:literal $(, $compact:literal)? ;)*) => {
        /// A header name as the parser recognises it (case-insensitive,
        /// compact forms folded into their long form).
        ///
        /// Headers the parser does not know are [`HeaderName::Other`]; their
        /// spelling is kept in the message. RFC 3261 section 7.3.1 and 20.
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum HeaderName {
            $( $(#[$doc])* $variant, )*
            /// A header this crate has no name for (kept verbatim).
            Other,
        }

        impl HeaderName {
            /// Every known name, in declaration order.
            pub const ALL: &'static [HeaderName] = &[$(HeaderName::$variant,)*];

            /// The canonical long spelling (`Other` gives an empty string).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(HeaderName::$variant => $canon,)*
                    HeaderName::Other => "",
                }
            }

            /// The compact form of RFC 3261 section 7.3.3 (and later RFCs), if any.
            pub const fn compact(self) -> Option<u8> {
                match self {
                    $($(HeaderName::$variant => Some($compact),)?)*
                    _ => None,
                }
            }

            fn from_compact(c: u8) -> Self {
                match c.to_ascii_lowercase() {
                    $($($compact => HeaderName::$variant,)?)*
                    _ => HeaderName::Other,
                }
            }

            fn from_long(name: &[u8]) -> Self {
                // One table probe and one comparison (see `NAME_TABLE`).
                match NAME_TABLE[name_hash(name)] {
                    0 => HeaderName::Other,
                    n => {
                        let n = n as usize - 1;
                        if folded_eq(name, &FOLDED[n]) {
                            Self::ALL[n]
                        } else {
                            HeaderName::Other
                        }
                    }
                }
            }
        }
    };
}

header_names! {
    /// `Accept` (RFC 3261 section 20.1).
    Accept => "Accept";
    /// `Accept-Contact` (RFC 3841).
    AcceptContact => "Accept-Contact", b'a';
    /// `Accept-Encoding` (RFC 3261 section 20.2).
    AcceptEncoding => "Accept-Encoding";
    /// `Accept-Language` (RFC 3261 section 20.3).
    AcceptLanguage => "Accept-Language";
    /// `Alert-Info` (RFC 3261 section 20.4).
    AlertInfo => "Alert-Info";
    /// `Allow` (RFC 3261 section 20.5).
    Allow => "Allow";
    /// `Allow-Events` (RFC 6665 section 8.2.2).
    AllowEvents => "Allow-Events", b'u';
    /// `Authentication-Info` (RFC 3261 section 20.6).
    AuthenticationInfo => "Authentication-Info";
    /// `Authorization` (RFC 3261 section 20.7).
    Authorization => "Authorization";
    /// `Call-ID` (RFC 3261 section 20.8).
    CallId => "Call-ID", b'i';
    /// `Call-Info` (RFC 3261 section 20.9).
    CallInfo => "Call-Info";
    /// `Contact` (RFC 3261 section 20.10).
    Contact => "Contact", b'm';
    /// `Content-Disposition` (RFC 3261 section 20.11).
    ContentDisposition => "Content-Disposition";
    /// `Content-Encoding` (RFC 3261 section 20.12).
    ContentEncoding => "Content-Encoding", b'e';
    /// `Content-Language` (RFC 3261 section 20.13).
    ContentLanguage => "Content-Language";
    /// `Content-Length` (RFC 3261 section 20.14).
    ContentLength => "Content-Length", b'l';
    /// `Content-Type` (RFC 3261 section 20.15).
    ContentType => "Content-Type", b'c';
    /// `CSeq` (RFC 3261 section 20.16).
    CSeq => "CSeq";
    /// `Date` (RFC 3261 section 20.17).
    Date => "Date";
    /// `Error-Info` (RFC 3261 section 20.18).
    ErrorInfo => "Error-Info";
    /// `Event` (RFC 6665 section 8.2.1).
    Event => "Event", b'o';
    /// `Expires` (RFC 3261 section 20.19).
    Expires => "Expires";
    /// `From` (RFC 3261 section 20.20).
    From => "From", b'f';
    /// `Identity` (RFC 8224).
    Identity => "Identity", b'y';
    /// `In-Reply-To` (RFC 3261 section 20.21).
    InReplyTo => "In-Reply-To";
    /// `Max-Forwards` (RFC 3261 section 20.22).
    MaxForwards => "Max-Forwards";
    /// `MIME-Version` (RFC 3261 section 20.24).
    MimeVersion => "MIME-Version";
    /// `Min-Expires` (RFC 3261 section 20.23).
    MinExpires => "Min-Expires";
    /// `Min-SE` (RFC 4028 section 5).
    MinSe => "Min-SE";
    /// `Organization` (RFC 3261 section 20.25).
    Organization => "Organization";
    /// `P-Asserted-Identity` (RFC 3325).
    PAssertedIdentity => "P-Asserted-Identity";
    /// `Path` (RFC 3327).
    Path => "Path";
    /// `Priority` (RFC 3261 section 20.26).
    Priority => "Priority";
    /// `Proxy-Authenticate` (RFC 3261 section 20.27).
    ProxyAuthenticate => "Proxy-Authenticate";
    /// `Proxy-Authorization` (RFC 3261 section 20.28).
    ProxyAuthorization => "Proxy-Authorization";
    /// `Proxy-Require` (RFC 3261 section 20.29).
    ProxyRequire => "Proxy-Require";
    /// `RAck` (RFC 3262 section 7.2).
    RAck => "RAck";
    /// `Reason` (RFC 3326).
    Reason => "Reason";
    /// `Record-Route` (RFC 3261 section 20.30).
    RecordRoute => "Record-Route";
    /// `Refer-To` (RFC 3515 section 2.1).
    ReferTo => "Refer-To", b'r';
    /// `Referred-By` (RFC 3892).
    ReferredBy => "Referred-By", b'b';
    /// `Reject-Contact` (RFC 3841).
    RejectContact => "Reject-Contact", b'j';
    /// `Replaces` (RFC 3891).
    Replaces => "Replaces";
    /// `Reply-To` (RFC 3261 section 20.31).
    ReplyTo => "Reply-To";
    /// `Request-Disposition` (RFC 3841).
    RequestDisposition => "Request-Disposition", b'd';
    /// `Require` (RFC 3261 section 20.32).
    Require => "Require";
    /// `Retry-After` (RFC 3261 section 20.33).
    RetryAfter => "Retry-After";
    /// `Route` (RFC 3261 section 20.34).
    Route => "Route";
    /// `RSeq` (RFC 3262 section 7.1).
    RSeq => "RSeq";
    /// `Server` (RFC 3261 section 20.35).
    Server => "Server";
    /// `Service-Route` (RFC 3608).
    ServiceRoute => "Service-Route";
    /// `Session-Expires` (RFC 4028 section 4).
    SessionExpires => "Session-Expires", b'x';
    /// `SIP-ETag` (RFC 3903 section 11.3.1).
    SipETag => "SIP-ETag";
    /// `SIP-If-Match` (RFC 3903 section 11.3.2).
    SipIfMatch => "SIP-If-Match";
    /// `Subject` (RFC 3261 section 20.36).
    Subject => "Subject", b's';
    /// `Subscription-State` (RFC 6665 section 8.2.3).
    SubscriptionState => "Subscription-State";
    /// `Supported` (RFC 3261 section 20.37).
    Supported => "Supported", b'k';
    /// `Timestamp` (RFC 3261 section 20.38).
    Timestamp => "Timestamp";
    /// `To` (RFC 3261 section 20.39).
    To => "To", b't';
    /// `Unsupported` (RFC 3261 section 20.40).
    Unsupported => "Unsupported";
    /// `User-Agent` (RFC 3261 section 20.41).
    UserAgent => "User-Agent";
    /// `Via` (RFC 3261 section 20.42).
    Via => "Via", b'v';
    /// `Warning` (RFC 3261 section 20.43).
    Warning => "Warning";
    /// `WWW-Authenticate` (RFC 3261 section 20.44).
    WwwAuthenticate => "WWW-Authenticate";
}

/// A hash of a header name (case-insensitive) that is distinct for every
/// long name in [`HeaderName::ALL`] (checked when `NAME_TABLE` is built):
/// first, middle and last byte and the length.
const fn name_hash(name: &[u8]) -> usize {
    let len = name.len();
    if len == 0 {
        return 0;
    }
    let first = name[0].to_ascii_lowercase() as usize;
    let mid = name[len / 2].to_ascii_lowercase() as usize;
    let last = name[len - 1].to_ascii_lowercase() as usize;
    (first * 12 + last * 22 + mid * 23 + len) & 255
}

/// `name_hash` of each long name to 1 + its index in [`HeaderName::ALL`]
/// (0: no known name). A collision fails the build.
const NAME_TABLE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < HeaderName::ALL.len() {
        let h = name_hash(HeaderName::ALL[i].as_str().as_bytes());
        assert!(t[h] == 0, "header name hash collision");
        t[h] = i as u8 + 1;
        i += 1;
    }
    t
};

/// Room for the longest long name (19 bytes), a multiple of 8.
const FOLD_LEN: usize = 24;

/// A long name prepared for a case-insensitive compare eight bytes at a
/// time: its length, its lower-case bytes and a mask with `0x20` on the
/// letters (zero-padded).
struct Folded {
    len: usize,
    lower: [u8; FOLD_LEN],
    mask: [u8; FOLD_LEN],
}

/// [`Folded`] form of each name of [`HeaderName::ALL`], by index.
const FOLDED: [Folded; HeaderName::ALL.len()] = {
    let mut t = [const {
        Folded {
            len: 0,
            lower: [0; FOLD_LEN],
            mask: [0; FOLD_LEN],
        }
    }; HeaderName::ALL.len()];
    let mut i = 0;
    while i < HeaderName::ALL.len() {
        let name = HeaderName::ALL[i].as_str().as_bytes();
        assert!(name.len() <= FOLD_LEN, "header name too long");
        t[i].len = name.len();
        let mut j = 0;
        while j < name.len() {
            t[i].lower[j] = name[j].to_ascii_lowercase();
            if name[j].is_ascii_alphabetic() {
                t[i].mask[j] = 0x20;
            }
            j += 1;
        }
        i += 1;
    }
    t
};

/// Whether `name` equals the folded name, ASCII case-insensitively: a byte
/// matches a letter if it is that letter in either case, any other byte
/// only itself. No early exit, so the loop has no data-dependent branch.
#[inline]
fn folded_eq(name: &[u8], f: &Folded) -> bool {
    if name.len() != f.len || name.len() > FOLD_LEN {
        return false;
    }
    let diff = name
        .iter()
        .zip(&f.lower)
        .zip(&f.mask)
        .fold(0u8, |acc, ((&b, &l), &m)| acc | ((b | m) ^ l));
    diff == 0
}

impl HeaderName {
    /// Recognises a header name (case-insensitive; one-letter compact forms
    /// map to their long form). Unknown names give [`HeaderName::Other`].
    pub fn from_bytes(name: &[u8]) -> Self {
        match name.len() {
            0 => Self::Other,
            1 => Self::from_compact(name[0]),
            _ => Self::from_long(name),
        }
    }

    /// Whether `name` spells this header (long or compact form, any case).
    pub fn matches(self, name: &[u8]) -> bool {
        Self::from_bytes(name) == self && self != Self::Other
    }

    /// Whether the header's grammar is a comma-separated list, so that
    /// several values may share one header line (RFC 3261 section 7.3.1).
    pub const fn is_list(self) -> bool {
        matches!(
            self,
            Self::Accept
                | Self::AcceptContact
                | Self::AcceptEncoding
                | Self::AcceptLanguage
                | Self::AlertInfo
                | Self::Allow
                | Self::AllowEvents
                | Self::CallInfo
                | Self::Contact
                | Self::ContentEncoding
                | Self::ContentLanguage
                | Self::ErrorInfo
                | Self::InReplyTo
                | Self::PAssertedIdentity
                | Self::Path
                | Self::ProxyRequire
                | Self::Reason
                | Self::RecordRoute
                | Self::RejectContact
                | Self::RequestDisposition
                | Self::Require
                | Self::Route
                | Self::ServiceRoute
                | Self::Supported
                | Self::Unsupported
                | Self::Via
                | Self::Warning
        )
    }
}

impl core::fmt::Display for HeaderName {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::HeaderName;

    #[test]
    fn long_and_compact_forms() {
        assert_eq!(HeaderName::from_bytes(b"v"), HeaderName::Via);
        assert_eq!(HeaderName::from_bytes(b"V"), HeaderName::Via);
        assert_eq!(HeaderName::from_bytes(b"vIA"), HeaderName::Via);
        assert_eq!(HeaderName::from_bytes(b"i"), HeaderName::CallId);
        assert_eq!(HeaderName::from_bytes(b"CALL-id"), HeaderName::CallId);
        assert_eq!(
            HeaderName::from_bytes(b"www-authenticate"),
            HeaderName::WwwAuthenticate
        );
        assert_eq!(HeaderName::from_bytes(b"X-Custom"), HeaderName::Other);
        assert_eq!(HeaderName::from_bytes(b""), HeaderName::Other);
        assert_eq!(HeaderName::from_bytes(b"q"), HeaderName::Other);
    }

    #[test]
    fn near_misses_are_other() {
        for bad in [
            &b"Call_ID"[..],
            b"Call\x0dID",
            b"C\x01ll-ID",
            b"Call-IDx",
            b"Vi",
            b"\xffia",
            b"Content-Length-Content-Length-Content-Length",
        ] {
            assert_eq!(HeaderName::from_bytes(bad), HeaderName::Other, "{bad:?}");
        }
        assert_eq!(
            HeaderName::from_bytes(b"CONTENT-length"),
            HeaderName::ContentLength
        );
    }

    #[test]
    fn every_name_round_trips() {
        for &h in HeaderName::ALL {
            assert_eq!(HeaderName::from_bytes(h.as_str().as_bytes()), h, "{h:?}");
            if let Some(c) = h.compact() {
                assert_eq!(HeaderName::from_bytes(&[c]), h);
            }
        }
    }
}
