//! Branch generation (RFC 3261 section 8.1.1.7).

use rand::Rng;

/// The RFC 3261 magic cookie that starts every compliant branch
/// (section 8.1.1.7).
pub const MAGIC_COOKIE: &str = "z9hG4bK";

/// A fresh branch: the magic cookie followed by 128 random bits in hex
/// (RFC 3261 section 8.1.1.7: unique across space and time). Uses the
/// thread-local generator of `rand`.
pub fn new_branch() -> String {
    new_branch_with(&mut rand::rng())
}

/// [`new_branch`] with a caller's generator (e.g. a seeded one in tests).
pub fn new_branch_with<R: Rng + ?Sized>(rng: &mut R) -> String {
    let bits: u128 = rng.random();
    format!("{MAGIC_COOKIE}{bits:032x}")
}

/// Whether `branch` starts with the magic cookie, i.e. its sender follows
/// RFC 3261 (sections 17.1.3 and 17.2.3); otherwise the RFC 2543 rules apply.
pub(crate) fn has_cookie(branch: &[u8]) -> bool {
    branch.starts_with(MAGIC_COOKIE.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn unique_and_cookied() {
        let set: HashSet<String> = (0..10_000).map(|_| new_branch()).collect();
        assert_eq!(set.len(), 10_000);
        assert!(
            set.iter()
                .all(|b| has_cookie(b.as_bytes()) && b.len() == 7 + 32)
        );
        assert!(!has_cookie(b"z9hG4b"));
    }
}
