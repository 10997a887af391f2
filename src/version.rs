//! Gateway API release versions (`v1.3.0`): [`Version`] orders them by
//! number (`v1.10.0` after `v1.9.0`), and [`DEFAULT_GATEWAY_API`] is the one
//! the output targets when nothing names one.

use std::fmt;

/// Gateway API version the output targets when no profile names one.
pub const DEFAULT_GATEWAY_API: Version = Version::new(1, 1, 0);

/// A Gateway API release, `vMAJOR.MINOR.PATCH`, ordered by its numbers.
/// Displays as it is written (`v1.3.0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    major: u32,
    minor: u32,
    patch: u32,
}

impl Version {
    /// The release `vMAJOR.MINOR.PATCH`.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Self { major, minor, patch }
    }

    /// `vMAJOR.MINOR.PATCH` with decimal numbers; `None` for anything else
    /// (`1.3.0`, `v1.3`, `v1.3.0-rc.1`, a number past `u32`).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.strip_prefix('v')?.split('.');
        let mut number = || -> Option<u32> {
            let part = parts
                .next()
                .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))?;
            part.parse().ok()
        };
        let version = Self::new(number()?, number()?, number()?);
        parts.next().is_none().then_some(version)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Whether the version `text` names is `release` or newer; text that names
/// no release (see [`Version::parse`]) is older than every release.
pub fn at_least(text: &str, release: Version) -> bool {
    Version::parse(text).is_some_and(|v| v >= release)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_order_by_number_not_text() {
        let v = |t| Version::parse(t).unwrap_or_else(|| panic!("{t} parses"));
        assert!(v("v1.10.0") > v("v1.9.0"));
        assert!(v("v2.0.0") > v("v1.99.99"));
        assert!(v("v1.2.0") > v("v1.1.99"));
        assert_eq!(v("v1.02.0"), Version::new(1, 2, 0));
        assert_eq!(v("v1.6.1").to_string(), "v1.6.1");
        assert_eq!(DEFAULT_GATEWAY_API.to_string(), "v1.1.0");
    }

    #[test]
    fn only_full_releases_parse() {
        for text in [
            "",
            "v",
            "1.2.0",
            "v1.2",
            "v1.2.0.0",
            "v1..0",
            "v1.2.x",
            "v1.2.0-rc.1",
            "v+1.2.0",
            "v99999999999.0.0",
        ] {
            assert_eq!(Version::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn at_least_compares_with_a_release() {
        let v1_2 = Version::new(1, 2, 0);
        assert!(at_least("v1.2.0", v1_2));
        assert!(at_least("v1.10.0", v1_2));
        assert!(!at_least("v1.1.99", v1_2));
        assert!(!at_least("latest", v1_2));
    }
}
