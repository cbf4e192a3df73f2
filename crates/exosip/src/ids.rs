//! The handles of the eXosip API: call id (`cid`), dialog id (`did`) and
//! transaction id (`tid`), as newtypes rather than bare integers.
//!
//! An eXosip call is the context of one INVITE session (RFC 3261 section 13)
//! and may hold several dialogs (section 12, forking); every request or
//! response exchange is a transaction (section 17).

use core::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub(crate) u32);

        impl $name {
            /// The number behind the id, as eXosip's `int` ids.
            pub fn get(self) -> u32 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id_type!(
    /// A call (eXosip `cid`): one INVITE session and its dialogs (RFC 3261 section 13).
    CallId,
    "cid"
);
id_type!(
    /// A dialog (eXosip `did`): RFC 3261 section 12, early or confirmed.
    DialogId,
    "did"
);
id_type!(
    /// A transaction (eXosip `tid`): RFC 3261 section 17, client or server.
    TransactionId,
    "tid"
);

/// Hands out increasing ids, starting at 1 like eXosip (0 means "none" there).
#[derive(Debug, Default)]
pub(crate) struct IdGen(u32);

impl IdGen {
    pub(crate) fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_add(1).max(1);
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_start_at_one_and_display_with_prefix() {
        let mut g = IdGen::default();
        let c = CallId(g.next());
        assert_eq!(c.get(), 1);
        assert_eq!(c.to_string(), "cid1");
        assert_eq!(DialogId(g.next()).to_string(), "did2");
        assert_eq!(TransactionId(7).to_string(), "tid7");
    }
}
