//! Replay keys as digests: a constant 32 bytes per stored key, whatever the
//! size of the id they were taken from.

use std::fmt;

use sha2::{Digest as _, Sha256};

/// The key a replay store keeps for one event: SHA-256 of `provider 0x00
/// route 0x00 key`, where `provider` is the scheme's name (`nomos`,
/// `github`, …), `route` the guard's route name (empty by default) and
/// `key` the event's replay key bytes.
///
/// Namespacing by provider and route keeps equal ids of two providers (or
/// two endpoints of one provider) apart; hashing bounds the memory and the
/// Redis key size per event, however long the id. `Debug` and `Display`
/// show the 64 lowercase hex digits, which are safe to log: the raw key is
/// never kept.
///
/// ```
/// use hookguard::replay::ReplayGuard;
///
/// let guard = ReplayGuard::in_memory();
/// let key = guard.key("nomos", b"evt_1");
/// assert_eq!(key.to_string().len(), 64);
/// assert_ne!(key, guard.key("stripe", b"evt_1"));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReplayKey([u8; 32]);

impl ReplayKey {
    /// The digest of `key` under `provider` and `route`. The separators are
    /// unambiguous because neither name contains 0x00: the route is checked
    /// when the guard is configured, and provider names are the schemes'
    /// fixed names.
    pub(crate) fn derive(provider: &str, route: &Route, key: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(provider.as_bytes());
        hasher.update([0]);
        hasher.update(route.0.as_bytes());
        hasher.update([0]);
        hasher.update(key);
        Self(hasher.finalize().into())
    }

    /// The key a guard without a route name stores for `key` of
    /// `provider` (the scheme's name, as the command spells it): what
    /// `hookguard verify` prints as the delivery's `"key"`.
    ///
    /// ```
    /// use hookguard::replay::{ReplayGuard, ReplayKey};
    ///
    /// let guard = ReplayGuard::in_memory();
    /// assert_eq!(ReplayKey::unrouted("nomos", b"evt_1"), guard.key("nomos", b"evt_1"));
    /// ```
    #[must_use]
    pub fn unrouted(provider: &str, key: &[u8]) -> Self {
        Self::derive(provider, &Route::default(), key)
    }

    /// A key from a digest computed elsewhere, e.g. read back from a store.
    #[must_use]
    pub const fn from_digest(digest: [u8; 32]) -> Self {
        Self(digest)
    }

    /// The 32 digest bytes, as the memory store keeps them.
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Display for ReplayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ReplayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The route name a guard puts into every key; never contains 0x00.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct Route(String);

impl Route {
    /// A route name, refused when it contains a NUL byte (0x00).
    pub(crate) fn new(name: impl Into<String>) -> Result<Self, RouteError> {
        let name = name.into();
        if name.contains('\0') {
            return Err(RouteError);
        }
        Ok(Self(name))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Route({:?})", self.0)
    }
}

/// Why [`ReplayGuard::with_route`](super::ReplayGuard::with_route) refused a
/// route name: it contains a NUL byte (0x00), which separates the parts of
/// a digested [`ReplayKey`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RouteError;

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "a replay guard route name must not contain a NUL byte (0x00): it separates the parts of a replay key",
        )
    }
}

impl std::error::Error for RouteError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_sha256_of_provider_route_and_key_separated_by_nul() {
        // printf 'nomos\0\0evt_1' | sha256sum
        let key = ReplayKey::derive("nomos", &Route::default(), b"evt_1");
        let expected: [u8; 32] = Sha256::digest(b"nomos\0\0evt_1").into();
        assert_eq!(key.as_bytes(), &expected);
        let routed = ReplayKey::derive("nomos", &Route::new("billing").unwrap(), b"evt_1");
        let expected: [u8; 32] = Sha256::digest(b"nomos\0billing\0evt_1").into();
        assert_eq!(routed.as_bytes(), &expected);
    }

    #[test]
    fn debug_and_display_are_64_lowercase_hex() {
        let key = ReplayKey::from_digest([0xab; 32]);
        assert_eq!(key.to_string(), "ab".repeat(32));
        assert_eq!(format!("{key:?}"), "ab".repeat(32));
    }

    #[test]
    fn a_route_with_a_nul_byte_is_refused() {
        assert_eq!(Route::new("a\0b"), Err(RouteError));
        assert_eq!(Route::new("billing").unwrap().as_str(), "billing");
    }

    #[test]
    fn a_key_that_moves_bytes_across_the_separator_differs() {
        // "nomos" + route "a" + key "b" must differ from route "" + key "a\0b".
        let split = ReplayKey::derive("nomos", &Route::new("a").unwrap(), b"b");
        let joined = ReplayKey::derive("nomos", &Route::default(), b"a\0b");
        assert_ne!(split, joined);
    }
}
