//! Commands that help text suggests, safe to copy into a POSIX shell.
//!
//! Names come from manifests, so a name such as `ns3<&>` or `x;rm -rf ~` must never
//! become shell syntax. A name that no Kubernetes object could have is not put into a
//! command at all (the help then says what to do in words); every other argument is
//! quoted when the shell would read it as anything but one plain word.

use crate::names::{is_dns_label, is_dns_subdomain};
use std::borrow::Cow;

/// A `kubectl` command line under construction; see [`Command::build`].
#[derive(Debug)]
pub(crate) struct Command {
    words: Vec<String>,
    valid: bool,
}

impl Command {
    pub(crate) fn kubectl() -> Command {
        Command {
            words: vec!["kubectl".to_string()],
            valid: true,
        }
    }

    /// Arguments written by speclint (verbs, kinds, flags, JSONPath); quoted if needed.
    pub(crate) fn args(mut self, words: &[&str]) -> Command {
        self.words
            .extend(words.iter().map(|w| quote(w).into_owned()));
        self
    }

    /// An object name from a manifest: an RFC 1123 subdomain (Secrets, Deployments,
    /// Services and webhook configurations all use this form).
    pub(crate) fn name(mut self, name: &str) -> Command {
        self.valid &= is_dns_subdomain(name);
        self.words.push(quote(name).into_owned());
        self
    }

    /// `kind/name` (`deployment/webhook`), the kind written by speclint.
    pub(crate) fn resource(mut self, kind: &str, name: &str) -> Command {
        self.valid &= is_dns_subdomain(name) && kind.bytes().all(|b| b.is_ascii_alphanumeric());
        self.words
            .push(quote(&format!("{kind}/{name}")).into_owned());
        self
    }

    /// `-n NAMESPACE`, the namespace an RFC 1123 label.
    pub(crate) fn namespace(mut self, namespace: &str) -> Command {
        self.valid &= is_dns_label(namespace, 63);
        self.words.push("-n".to_string());
        self.words.push(quote(namespace).into_owned());
        self
    }

    /// `KEY=VALUE` for `kubectl annotate`: a qualified annotation key and a plain value.
    pub(crate) fn annotation(mut self, key: &str, value: &str) -> Command {
        self.valid &= is_qualified_name(key);
        self.words
            .push(quote(&format!("{key}={value}")).into_owned());
        self
    }

    /// The command line, or `None` when a name in it cannot be a Kubernetes name.
    pub(crate) fn build(self) -> Option<String> {
        self.valid.then(|| self.words.join(" "))
    }
}

/// `: `command`` to end a sentence of help with, or nothing when there is no command.
pub(crate) fn shown(command: Option<String>) -> String {
    command.map_or_else(String::new, |c| format!(": `{c}`"))
}

/// `kubectl delete secret NAME -n NAMESPACE`.
pub(crate) fn delete_secret(name: &str, namespace: &str) -> Option<String> {
    Command::kubectl()
        .args(&["delete", "secret"])
        .name(name)
        .namespace(namespace)
        .build()
}

/// `text` as one word for a POSIX shell: as is when it holds only characters no shell
/// treats specially, otherwise in single quotes (a `'` inside becomes `'\''`).
pub(crate) fn quote(text: &str) -> Cow<'_, str> {
    let plain = |b: u8| b.is_ascii_alphanumeric() || b"-_./=:,@%+".contains(&b);
    if !text.is_empty() && text.bytes().all(plain) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(format!("'{}'", text.replace('\'', r"'\''")))
}

/// A qualified name (`prefix/name`), as annotation and label keys are.
fn is_qualified_name(text: &str) -> bool {
    let (prefix, name) = match text.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, text),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    name_ok && prefix.is_none_or(is_dns_subdomain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_a_shell_would_read() {
        assert_eq!(quote("webhook-certs"), "webhook-certs");
        assert_eq!(
            quote("jsonpath={.data.ca\\.crt}"),
            "'jsonpath={.data.ca\\.crt}'"
        );
        assert_eq!(quote("ns3<&>"), "'ns3<&>'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
    }

    #[test]
    fn names_that_cannot_exist_give_no_command() {
        let delete = |name: &str, namespace: &str| {
            Command::kubectl()
                .args(&["delete", "secret"])
                .name(name)
                .namespace(namespace)
                .build()
        };
        assert_eq!(
            delete("webhook-certs", "default").as_deref(),
            Some("kubectl delete secret webhook-certs -n default")
        );
        assert_eq!(
            delete("a.b-c", "ns-1").as_deref(),
            Some("kubectl delete secret a.b-c -n ns-1")
        );
        for (name, namespace) in [
            ("certs", "ns3<&>"),
            ("certs;rm -rf ~", "default"),
            ("certs", "a.b"),
            ("Certs", "default"),
            ("certs\n::error::x", "default"),
            ("", "default"),
            ("certs", "$(id)"),
        ] {
            assert_eq!(delete(name, namespace), None, "{name:?} {namespace:?}");
        }
        assert_eq!(
            Command::kubectl()
                .args(&["annotate", "secret"])
                .name("s")
                .annotation("cert-manager.io/allow-direct-injection", "true")
                .build()
                .as_deref(),
            Some("kubectl annotate secret s cert-manager.io/allow-direct-injection=true")
        );
    }
}
