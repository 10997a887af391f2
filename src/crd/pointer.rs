//! JSON pointers into objects and schemas (RFC 6901).

/// Escape one JSON pointer segment.
pub(super) fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
