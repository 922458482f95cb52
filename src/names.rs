//! The forms Kubernetes gives object names (RFC 1123 labels and subdomains), shared by
//! the configuration reader and the commands suggested in help.

/// An RFC 1123 label of at most `max` characters: lowercase letters, digits and `-`,
/// starting and ending with a letter or digit (namespaces: 63; Helm release names: 53).
pub(crate) fn is_dns_label(text: &str, max: usize) -> bool {
    !text.is_empty()
        && text.len() <= max
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
}

/// An RFC 1123 subdomain: at most 253 characters of dot-separated labels.
pub(crate) fn is_dns_subdomain(text: &str) -> bool {
    text.len() <= 253 && text.split('.').all(|label| is_dns_label(label, 63))
}
