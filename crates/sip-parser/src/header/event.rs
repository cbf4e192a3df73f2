//! `Event` and `Subscription-State` (RFC 6665 sections 8.2.1 and 8.2.3) and
//! `Replaces` (RFC 3891 section 6.1).

use std::borrow::Cow;

use super::scan::token;
use super::{HeaderValue, Params};
use crate::error::{ParseError, ParseErrorKind, Result};

macro_rules! token_with_params {
    ($(#[$doc:meta])* $name:ident, $field:ident, $what:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name<'a> {
            #[doc = concat!("The ", $what, ".")]
            pub $field: Cow<'a, str>,
            /// The parameters.
            pub params: Params<'a>,
        }

        impl<'a> $name<'a> {
            /// A value without parameters.
            pub fn new($field: impl Into<Cow<'a, str>>) -> Self {
                Self { $field: $field.into(), params: Params::new() }
            }

            /// An owned copy that no longer borrows the input.
            pub fn into_owned(self) -> $name<'static> {
                $name { $field: Cow::Owned(self.$field.into_owned()), params: self.params.into_owned() }
            }
        }

        impl<'a> HeaderValue<'a> for $name<'a> {
            fn parse(value: &'a [u8]) -> Result<Self> {
                let (t, i) = token(value, 0, $what)?;
                let params = Params::parse_generic(value, i)?;
                let check: fn(&Params<'_>, usize) -> Result<()> = $check;
                check(&params, i)?;
                Ok(Self { $field: Cow::Borrowed(t), params })
            }

            fn encode(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(self.$field.as_bytes());
                self.params.encode(out);
            }
        }
    };
}

fn check_u32(params: &Params<'_>, names: &[&str], off: usize) -> Result<()> {
    for n in names {
        if let Some(p) = params.get(n) {
            if p.value()
                .and_then(|v| crate::lex::parse_u64(v.as_bytes(), u64::from(u32::MAX)))
                .is_none()
            {
                return Err(ParseError::new(
                    ParseErrorKind::Overflow,
                    off,
                    "delta-seconds (32 bits)",
                ));
            }
        }
    }
    Ok(())
}

token_with_params!(
    /// `Event: event-type *( SEMI event-param )` (RFC 6665 section 8.2.1),
    /// e.g. `presence;id=1`. The event type is a token (`package.template`).
    Event, event_type, "event type", |_, _| Ok(())
);

impl Event<'_> {
    /// The `id` parameter.
    pub fn id(&self) -> Option<&str> {
        self.params.str("id")
    }
}

token_with_params!(
    /// `Subscription-State: substate-value *( SEMI subexp-params )`
    /// (RFC 6665 section 8.2.3): `active`, `pending`, `terminated` or an
    /// extension, with `expires`, `reason`, `retry-after` (32-bit numbers).
    SubscriptionState, state, "substate value", |p, off| check_u32(p, &["expires", "retry-after"], off)
);

impl SubscriptionState<'_> {
    /// The `expires` parameter in seconds.
    pub fn expires(&self) -> Option<u32> {
        self.params.str("expires")?.parse().ok()
    }
    /// The `reason` parameter (e.g. `deactivated`, `timeout`, `noresource`).
    pub fn reason(&self) -> Option<&str> {
        self.params.str("reason")
    }
    /// The `retry-after` parameter in seconds.
    pub fn retry_after(&self) -> Option<u32> {
        self.params.str("retry-after")?.parse().ok()
    }
    /// Whether the state is `terminated`.
    pub fn is_terminated(&self) -> bool {
        self.state.eq_ignore_ascii_case("terminated")
    }
}

/// `Replaces: callid *( SEMI replaces-param )` with `to-tag`, `from-tag`,
/// `early-only` (RFC 3891 section 6.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Replaces<'a> {
    /// The Call-ID of the dialog to replace.
    pub call_id: Cow<'a, str>,
    /// `to-tag`, `from-tag`, `early-only` and extension parameters.
    pub params: Params<'a>,
}

impl Replaces<'_> {
    /// The `to-tag` parameter.
    pub fn to_tag(&self) -> Option<&str> {
        self.params.str("to-tag")
    }
    /// The `from-tag` parameter.
    pub fn from_tag(&self) -> Option<&str> {
        self.params.str("from-tag")
    }
    /// Whether `early-only` is present.
    pub fn early_only(&self) -> bool {
        self.params.contains("early-only")
    }

    /// An owned copy that no longer borrows the input.
    pub fn into_owned(self) -> Replaces<'static> {
        Replaces {
            call_id: Cow::Owned(self.call_id.into_owned()),
            params: self.params.into_owned(),
        }
    }
}

impl<'a> HeaderValue<'a> for Replaces<'a> {
    fn parse(value: &'a [u8]) -> Result<Self> {
        let end = value
            .iter()
            .position(|&b| b == b';' || crate::lex::is_lws(b))
            .unwrap_or(value.len());
        let call_id = <super::CallId<'a> as HeaderValue<'a>>::parse(&value[..end])?;
        let params = Params::parse_generic(value, end)?;
        if !params.contains("to-tag") || !params.contains("from-tag") {
            return Err(ParseError::value(end, "to-tag and from-tag"));
        }
        Ok(Self {
            call_id: call_id.0,
            params,
        })
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.call_id.as_bytes());
        self.params.encode(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events() {
        let e = Event::parse(b"presence;id=1").unwrap();
        assert_eq!((&*e.event_type, e.id()), ("presence", Some("1")));
        assert_eq!(
            Event::parse(b"message-summary.winfo").unwrap().event_type,
            "message-summary.winfo"
        );
        assert!(
            Event::parse(b"").is_err()
                && Event::parse(b"a;").is_err()
                && Event::parse(b"a b").is_err()
        );
        let s = SubscriptionState::parse(b"terminated;reason=timeout;retry-after=30").unwrap();
        assert!(s.is_terminated());
        assert_eq!((s.reason(), s.retry_after()), (Some("timeout"), Some(30)));
        assert_eq!(
            SubscriptionState::parse(b"active;expires=600")
                .unwrap()
                .expires(),
            Some(600)
        );
        assert!(SubscriptionState::parse(b"active;expires=99999999999").is_err());
        let mut out = Vec::new();
        Event::new("refer").encode(&mut out);
        assert_eq!(out, b"refer");
    }

    #[test]
    fn replaces() {
        let r =
            Replaces::parse(b"98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff;early-only")
                .unwrap();
        assert_eq!(r.call_id, "98732@sip.example.com");
        assert_eq!(
            (r.from_tag(), r.to_tag(), r.early_only()),
            (Some("r33th4x0r"), Some("ff87ff"), true)
        );
        assert!(Replaces::parse(b"abc;to-tag=1").is_err());
        assert!(Replaces::parse(b";to-tag=1;from-tag=2").is_err());
    }
}
