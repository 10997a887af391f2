//! Object names of at most 63 characters, shortened deterministically: the
//! name depends only on its own parts, never on the other objects. The
//! generated GitOps objects are named `<name>-<env>-<namespace>` (Flux and
//! Argo CD write the name of the object that applied a resource into a
//! label of that resource, and a label value is at most 63 characters);
//! `import` shortens route and gateway names the same way.

/// The longest object name.
pub const MAX: usize = 63;
/// Characters kept of a longer name; `-` and at most 10 digits follow.
const KEEP: usize = 52;

/// The parts joined with `-`; a name longer than [`MAX`] becomes its first
/// 52 characters, `-`, and the decimal Adler-32 checksum of the whole name:
/// what sprig's `adler32sum` prints, so the Argo CD git-generator template
/// ([`go_template`]) computes the same name.
pub fn object_name(parts: &[&str]) -> String {
    let full = parts.join("-");
    if full.len() <= MAX {
        return full;
    }
    let cut = full.char_indices().nth(KEEP).map_or(full.len(), |(i, _)| i);
    format!("{}-{}", &full[..cut], adler32(full.as_bytes()))
}

/// A Go template (with sprig, as `ApplicationSet`s evaluate) computing
/// [`object_name`] of the string the pipeline `full` gives.
pub fn go_template(full: &str) -> String {
    format!(
        "{{{{ $n := {full} }}}}{{{{ if gt (len $n) {MAX} }}}}{{{{ trunc {KEEP} $n }}}}-{{{{ adler32sum $n }}}}\
         {{{{ else }}}}{{{{ $n }}}}{{{{ end }}}}"
    )
}

/// Adler-32 (RFC 1950).
fn adler32(bytes: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + u32::from(x)) % MOD;
        b = (b + a) % MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler32_matches_the_reference_value() {
        // RFC 1950's checksum of "Wikipedia", as Go's hash/adler32 computes it.
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn short_names_are_joined_long_ones_shortened_apart() {
        assert_eq!(object_name(&["gatewright", "dev", "shop"]), "gatewright-dev-shop");
        let ns_a = format!("{}-a", "x".repeat(60));
        let ns_b = format!("{}-b", "x".repeat(60));
        let a = object_name(&["gatewright", "dev", &ns_a]);
        let b = object_name(&["gatewright", "dev", &ns_b]);
        assert!(a.len() <= MAX && b.len() <= MAX, "{a} {b}");
        assert_ne!(a, b, "same prefix, different namespaces");
        assert!(a.starts_with("gatewright-dev-xxx"), "{a}");
        assert_eq!(a, object_name(&["gatewright", "dev", &ns_a]), "stable");
        let exact = "y".repeat(MAX - "gatewright-".len());
        assert_eq!(
            object_name(&["gatewright", &exact]).len(),
            MAX,
            "63 characters stay as they are"
        );
    }
}
