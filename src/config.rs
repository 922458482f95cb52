//! Configuration: `.speclint.yaml`, found by walking up from the working directory, or named
//! with `--config`. Every value is checked with its span, so a mistake in the file is
//! reported like any finding (rule `invalid-config`), and unknown keys are never ignored.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{self, Rule, RuleSettings};
use crate::source::{SourceFile, SourceMap, Span};
use crate::yaml::{self, NodeRef, Value};
use std::path::{Path, PathBuf};

pub(crate) const FILE_NAME: &str = ".speclint.yaml";

/// Rule options beyond `severity`: (rule, option, what it takes).
pub(crate) const RULE_OPTIONS: &[(&str, &str, &str)] = &[
    (
        "certificate-expiring",
        "min-validity",
        "a duration: days, or 30d, 720h, 90m, 3600s",
    ),
    (
        "weak-key",
        "min-rsa-bits",
        "a number of bits, 1024 to 16384",
    ),
    (
        "webhook-system-resources",
        "system-namespaces",
        "a list of namespace names",
    ),
    ("webhook-timeout", "lease-timeout", "seconds, 1 to 30"),
    ("webhook-timeout", "max-timeout", "seconds, 1 to 30"),
    (
        "webhook-timeout-total",
        "request-deadline",
        "seconds, 1 to 60",
    ),
];

const TOP_LEVEL_KEYS: &[&str] = &[
    "namespace",
    "now",
    "min-validity",
    "kube-version",
    "kube-versions",
    "fail-on",
    "require-reason",
    "exclude",
    "enable",
    "disable",
    "rules",
    "helm",
    "max-input-size",
];

const HELM_KEYS: &[&str] = &["render", "release", "args"];

/// What a configuration file sets; `None` leaves the default (or the CLI flag) in place.
#[derive(Clone, Debug, Default)]
pub(crate) struct Config {
    /// The file it was read from.
    pub(crate) path: PathBuf,
    pub(crate) namespace: Option<String>,
    pub(crate) now: Option<crate::tls::time::Time>,
    pub(crate) min_validity: Option<i64>,
    /// `kube-version`, like `--kube-version`.
    pub(crate) kube_version: Option<&'static crate::kube_version::KubeRelease>,
    /// `kube-versions`, like `--kube-versions`.
    pub(crate) kube_versions: Option<&'static [crate::kube_version::KubeRelease]>,
    pub(crate) fail_on: Option<Severity>,
    pub(crate) require_reason: Option<bool>,
    /// Glob patterns, relative to the file's directory.
    pub(crate) exclude: Vec<String>,
    /// Rule ids; `all` stands for every rule.
    pub(crate) enable: Vec<String>,
    pub(crate) disable: Vec<String>,
    pub(crate) rules: Vec<(&'static str, RuleConfig)>,
    pub(crate) helm: HelmConfig,
    /// Bytes, like `--max-input-size`.
    pub(crate) max_input_size: Option<u64>,
}

/// `helm:`: how charts among the inputs are rendered (like `--helm`, `--helm-release`, `--helm-arg`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct HelmConfig {
    pub(crate) render: Option<bool>,
    pub(crate) release: Option<String>,
    pub(crate) args: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RuleConfig {
    pub(crate) severity: Option<Severity>,
    pub(crate) min_validity: Option<i64>,
    pub(crate) min_rsa_bits: Option<u32>,
    pub(crate) system_namespaces: Option<Vec<String>>,
    pub(crate) lease_timeout: Option<i64>,
    pub(crate) max_timeout: Option<i64>,
    pub(crate) request_deadline: Option<i64>,
}

/// Why a configuration could not be used.
pub(crate) enum ConfigError {
    /// The file cannot be read: a usage failure.
    Io(String),
    /// The file was read but holds mistakes, each with its span in `sources`.
    Invalid {
        sources: SourceMap,
        diagnostics: Vec<Diagnostic>,
    },
}

/// The nearest `.speclint.yaml` in `start` or one of its ancestors.
pub(crate) fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

pub(crate) fn load(path: &Path) -> Result<Config, ConfigError> {
    let bytes = std::fs::read(path)
        .map_err(|e| ConfigError::Io(format!("cannot read {}: {e}", path.display())))?;
    let name = path.to_string_lossy();
    let name = name.strip_prefix("./").unwrap_or(&name).to_string();
    let mut config = parse(&name, bytes)?;
    config.path = path.to_path_buf();
    Ok(config)
}

/// Reads a configuration from its text; `name` is how diagnostics name the file.
pub(crate) fn parse(name: &str, bytes: Vec<u8>) -> Result<Config, ConfigError> {
    let mut sources = SourceMap::default();
    let file = sources.add(SourceFile::new(name, bytes));
    let (documents, errors) = yaml::load(file, sources.get(file));
    let mut diagnostics: Vec<Diagnostic> = errors
        .iter()
        .map(|e| invalid(e.span, e.message.clone()))
        .collect();
    let mut config = Config {
        path: PathBuf::from(name),
        ..Config::default()
    };
    for extra in documents.iter().skip(1) {
        diagnostics.push(
            invalid(extra.span, "a configuration file holds one YAML document")
                .with_help("merge the documents, or remove the `---` separator"),
        );
    }
    if let Some(root) = documents.first().and_then(|d| d.root()) {
        let mut reader = Reader {
            diagnostics: &mut diagnostics,
        };
        reader.top_level(root, &mut config);
    }
    if diagnostics.is_empty() {
        Ok(config)
    } else {
        Err(ConfigError::Invalid {
            sources,
            diagnostics,
        })
    }
}

fn invalid(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(
        rules::INVALID_CONFIG.id,
        rules::INVALID_CONFIG.severity,
        message,
        span,
    )
}

struct Reader<'d> {
    diagnostics: &'d mut Vec<Diagnostic>,
}

impl Reader<'_> {
    fn error(&mut self, node: NodeRef<'_>, message: impl Into<String>, label: &str, help: &str) {
        let mut diagnostic = invalid(node.span(), message).with_span_label(label);
        if !help.is_empty() {
            diagnostic = diagnostic.with_help(help);
        }
        self.diagnostics.push(diagnostic);
    }

    /// The entries of a mapping, with duplicate and non-string keys reported.
    fn entries<'a>(
        &mut self,
        node: NodeRef<'a>,
        what: &str,
    ) -> Vec<(NodeRef<'a>, &'a str, NodeRef<'a>)> {
        if node.is_null() {
            return Vec::new();
        }
        if !node.is_map() {
            self.error(
                node,
                format!("{what} must be a mapping"),
                "expected `key: value` entries",
                "",
            );
            return Vec::new();
        }
        let mut seen: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for (key, value) in node.all_entries() {
            let Some(name) = key.as_str() else {
                self.error(
                    key,
                    format!("keys of {what} are strings"),
                    "not a string",
                    "",
                );
                continue;
            };
            if seen.contains(&name) {
                self.error(
                    key,
                    format!("duplicate key `{name}` in {what}"),
                    "set again here",
                    "keep one",
                );
                continue;
            }
            seen.push(name);
            out.push((key, name, value));
        }
        out
    }

    fn top_level(&mut self, root: NodeRef<'_>, config: &mut Config) {
        for (key, name, value) in self.entries(root, "the configuration") {
            match name {
                "namespace" => config.namespace = self.namespace(value),
                "now" => config.now = self.time(value),
                "min-validity" => config.min_validity = self.duration(value),
                "kube-version" => config.kube_version = self.kube_version(value),
                "kube-versions" => config.kube_versions = self.kube_versions(value),
                "fail-on" => config.fail_on = self.severity(value),
                "require-reason" => config.require_reason = self.boolean(value),
                "exclude" => config.exclude = self.globs(value),
                "enable" => config.enable = self.rule_ids(value),
                "disable" => config.disable = self.rule_ids(value),
                "rules" => config.rules = self.rule_table(value),
                "helm" => config.helm = self.helm(value),
                "max-input-size" => config.max_input_size = self.size(value),
                _ => self.unknown_key(key, name, TOP_LEVEL_KEYS, "the configuration"),
            }
        }
    }

    fn unknown_key(&mut self, key: NodeRef<'_>, name: &str, known: &[&str], what: &str) {
        let help = match crate::suggest::closest_known(name, known) {
            Some(near) => format!("did you mean `{near}`? {what} takes: {}", known.join(", ")),
            None => format!("{what} takes: {}", known.join(", ")),
        };
        self.error(
            key,
            format!("unknown key `{name}` in {what}"),
            "unknown key",
            &help,
        );
    }

    fn string<'a>(&mut self, node: NodeRef<'a>, what: &str) -> Option<&'a str> {
        match node.as_str() {
            Some(text) => Some(text),
            None => {
                self.error(
                    node,
                    format!("{what} must be a string"),
                    &format!("found {}", kind_of(node)),
                    "",
                );
                None
            }
        }
    }

    fn namespace(&mut self, node: NodeRef<'_>) -> Option<String> {
        let text = self.string(node, "`namespace`")?;
        if crate::names::is_dns_label(text, 63) {
            Some(text.to_string())
        } else {
            self.error(
                node,
                format!("`{text}` is not a valid namespace name"),
                "not an RFC 1123 label",
                "a namespace is at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit",
            );
            None
        }
    }

    fn kube_version(
        &mut self,
        node: NodeRef<'_>,
    ) -> Option<&'static crate::kube_version::KubeRelease> {
        if let Value::Float(_) = node.value() {
            self.error(
                node,
                "`kube-version` must be a quoted string".to_string(),
                "a number to YAML (1.30 reads as 1.3)",
                "quote it: kube-version: \"1.33\"",
            );
            return None;
        }
        let text = self.string(node, "`kube-version`")?;
        match crate::kube_version::parse(text) {
            Ok(release) => Some(release),
            Err(e) => {
                self.error(
                    node,
                    format!("`kube-version`: {e}"),
                    "not a supported release",
                    "",
                );
                None
            }
        }
    }

    fn kube_versions(
        &mut self,
        node: NodeRef<'_>,
    ) -> Option<&'static [crate::kube_version::KubeRelease]> {
        let text = self.string(node, "`kube-versions`")?;
        match crate::kube_version::parse_range(text) {
            Ok(range) => Some(range),
            Err(e) => {
                self.error(
                    node,
                    format!("`kube-versions`: {e}"),
                    "not a range of supported releases",
                    "write it like 1.30..1.35",
                );
                None
            }
        }
    }

    fn time(&mut self, node: NodeRef<'_>) -> Option<crate::tls::time::Time> {
        let text = self.string(node, "`now`")?;
        match crate::tls::time::parse_rfc3339(text) {
            Ok(t) => Some(t),
            Err(e) => {
                self.error(
                    node,
                    format!("`now` is not an RFC 3339 time: {e}"),
                    "not RFC 3339",
                    "write it like 2026-01-01T00:00:00Z",
                );
                None
            }
        }
    }

    fn duration(&mut self, node: NodeRef<'_>) -> Option<i64> {
        let seconds = match node.value() {
            Value::Int(days) if days >= 0 => days.checked_mul(86_400),
            Value::Str(text) => parse_duration(text),
            _ => None,
        };
        if seconds.is_none() {
            self.error(
                node,
                "not a duration",
                "expected a duration",
                "use a number of days, or a number with d, h, m or s (30d, 720h)",
            );
        }
        seconds
    }

    /// A number of bytes, or a size with a unit, as `--max-input-size` takes it.
    fn size(&mut self, node: NodeRef<'_>) -> Option<u64> {
        let parsed = match node.value() {
            Value::Int(bytes) => crate::input::parse_size(&bytes.to_string()),
            Value::Str(text) => crate::input::parse_size(text),
            _ => Err(format!("found {}", kind_of(node))),
        };
        match parsed {
            Ok(bytes) => Some(bytes),
            Err(why) => {
                self.error(node, "not a size", "expected a size, such as 512MiB", &why);
                None
            }
        }
    }

    fn severity(&mut self, node: NodeRef<'_>) -> Option<Severity> {
        let text = self.string(node, "a severity")?;
        match parse_severity(text) {
            Some(severity) => Some(severity),
            None => {
                self.error(
                    node,
                    format!("unknown severity `{text}`"),
                    "not a severity",
                    "use error, warning or note",
                );
                None
            }
        }
    }

    fn boolean(&mut self, node: NodeRef<'_>) -> Option<bool> {
        let value = node.as_bool();
        if value.is_none() {
            self.error(
                node,
                "expected true or false",
                &format!("found {}", kind_of(node)),
                "",
            );
        }
        value
    }

    fn list<'a>(&mut self, node: NodeRef<'a>, what: &str) -> Vec<NodeRef<'a>> {
        if node.is_null() {
            return Vec::new();
        }
        if !node.is_seq() {
            self.error(
                node,
                format!("{what} must be a list"),
                &format!("found {}", kind_of(node)),
                "write it as a YAML list: [a, b] or one `- item` per line",
            );
            return Vec::new();
        }
        node.items().collect()
    }

    fn globs(&mut self, node: NodeRef<'_>) -> Vec<String> {
        let mut out = Vec::new();
        for item in self.list(node, "`exclude`") {
            let Some(pattern) = self.string(item, "a glob pattern") else {
                continue;
            };
            match crate::input::Exclude::check_pattern(pattern) {
                Ok(()) => out.push(pattern.to_string()),
                Err(e) => self.error(item, format!("invalid glob pattern: {e}"), "here", ""),
            }
        }
        out
    }

    fn rule_ids(&mut self, node: NodeRef<'_>) -> Vec<String> {
        let mut out = Vec::new();
        for item in self.list(node, "a rule list") {
            let Some(id) = self.string(item, "a rule id") else {
                continue;
            };
            if id == "all" || self.rule(item, id).is_some() {
                out.push(id.to_string());
            }
        }
        out
    }

    fn rule(&mut self, node: NodeRef<'_>, id: &str) -> Option<&'static Rule> {
        if id == rules::INVALID_CONFIG.id {
            self.error(
                node,
                format!("`{id}` cannot be configured"),
                "not configurable",
                "a configuration with mistakes is never used, so this rule always applies",
            );
            return None;
        }
        let rule = rules::find(id);
        if rule.is_none() {
            let near = crate::suggest::closest_rule_ids(id, 1);
            let help = match near.first() {
                Some(near) => format!("did you mean `{near}`? `speclint rules` lists every rule"),
                None => "`speclint rules` lists every rule".to_string(),
            };
            self.error(node, format!("unknown rule `{id}`"), "no such rule", &help);
        }
        rule
    }

    fn rule_table(&mut self, node: NodeRef<'_>) -> Vec<(&'static str, RuleConfig)> {
        let mut out = Vec::new();
        for (key, id, value) in self.entries(node, "`rules`") {
            let Some(rule) = self.rule(key, id) else {
                continue;
            };
            let mut settings = RuleConfig::default();
            let what = format!("rule `{id}`");
            let mut known = vec!["severity"];
            known.extend(
                RULE_OPTIONS
                    .iter()
                    .filter(|(r, _, _)| *r == rule.id)
                    .map(|(_, option, _)| *option),
            );
            for (option_key, option, option_value) in self.entries(value, &what) {
                match (rule.id, option) {
                    (_, "severity") => settings.severity = self.severity(option_value),
                    ("certificate-expiring", "min-validity") => {
                        settings.min_validity = self.duration(option_value)
                    }
                    ("weak-key", "min-rsa-bits") => settings.min_rsa_bits = self.bits(option_value),
                    ("webhook-system-resources", "system-namespaces") => {
                        settings.system_namespaces = Some(self.namespaces(option_value))
                    }
                    ("webhook-timeout", "lease-timeout") => {
                        settings.lease_timeout = self.seconds(option_value, option, 30)
                    }
                    ("webhook-timeout", "max-timeout") => {
                        settings.max_timeout = self.seconds(option_value, option, 30)
                    }
                    ("webhook-timeout-total", "request-deadline") => {
                        settings.request_deadline = self.seconds(option_value, option, 60)
                    }
                    _ => self.unknown_key(option_key, option, &known, &what),
                }
            }
            out.push((rule.id, settings));
        }
        out
    }

    fn helm(&mut self, node: NodeRef<'_>) -> HelmConfig {
        let mut helm = HelmConfig::default();
        for (key, name, value) in self.entries(node, "`helm`") {
            match name {
                "render" => helm.render = self.boolean(value),
                "release" => helm.release = self.release(value),
                "args" => {
                    for item in self.list(value, "`helm.args`") {
                        if let Some(arg) = self.string(item, "a helm argument") {
                            helm.args.push(arg.to_string());
                        }
                    }
                }
                _ => self.unknown_key(key, name, HELM_KEYS, "`helm`"),
            }
        }
        helm
    }

    /// Helm's own rule for release names: a DNS-1123 label of at most 53 characters.
    fn release(&mut self, node: NodeRef<'_>) -> Option<String> {
        let text = self.string(node, "`helm.release`")?;
        if !crate::names::is_dns_label(text, 53) {
            self.error(
                node,
                format!("`{text}` is not a valid Helm release name"),
                "not a release name",
                "at most 53 lowercase letters, digits and `-`, starting and ending with a letter or digit",
            );
            return None;
        }
        Some(text.to_string())
    }

    /// A whole number of seconds from 1 to `max`.
    fn seconds(&mut self, node: NodeRef<'_>, option: &str, max: i64) -> Option<i64> {
        let seconds = node.as_i64().filter(|s| (1..=max).contains(s));
        if seconds.is_none() {
            self.error(
                node,
                format!("`{option}` must be a number of seconds from 1 to {max}"),
                "out of range",
                "",
            );
        }
        seconds
    }

    fn namespaces(&mut self, node: NodeRef<'_>) -> Vec<String> {
        let mut out = Vec::new();
        for item in self.list(node, "`system-namespaces`") {
            if let Some(name) = self.string(item, "a namespace name") {
                out.push(name.to_string());
            }
        }
        out
    }

    fn bits(&mut self, node: NodeRef<'_>) -> Option<u32> {
        let bits = node
            .as_i64()
            .filter(|b| (1024..=16384).contains(b))
            .map(|b| b as u32);
        if bits.is_none() {
            self.error(
                node,
                "`min-rsa-bits` must be a number from 1024 to 16384",
                "out of range",
                "",
            );
        }
        bits
    }
}

pub(crate) fn parse_severity(text: &str) -> Option<Severity> {
    match text {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "note" => Some(Severity::Note),
        _ => None,
    }
}

fn kind_of(node: NodeRef<'_>) -> &'static str {
    match node.value() {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Int(_) | Value::Float(_) => "a number",
        Value::Str(_) => "a string",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

/// `30`, `30d`, `720h`, `90m` or `3600s`, in seconds (`min-validity`, `--min-validity`).
pub(crate) fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&text[..i], &text[i..]),
        None => (text, "d"),
    };
    let value: i64 = number.parse().ok()?;
    let scale = match unit {
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" => 1,
        _ => return None,
    };
    value.checked_mul(scale)
}

/// Which rules run and how: the file's settings, then the command line's on top.
pub(crate) fn rule_settings(
    config: Option<&Config>,
    cli_enable: &[String],
    cli_disable: &[String],
) -> RuleSettings {
    let mut settings = RuleSettings::default();
    let mut apply = |disable: &[String], enable: &[String]| {
        // Within one layer `enable` wins, so `disable: [all]` with `enable: [x]` runs only x.
        for id in disable {
            settings.set_enabled(id, false);
        }
        for id in enable {
            settings.set_enabled(id, true);
        }
    };
    if let Some(config) = config {
        apply(&config.disable, &config.enable);
    }
    apply(cli_disable, cli_enable);
    if let Some(config) = config {
        for (id, rule) in &config.rules {
            if let Some(severity) = rule.severity {
                settings.severity.insert(id, severity);
            }
            if let Some(seconds) = rule.min_validity {
                settings.expiring_min_validity = Some(seconds);
            }
            if let Some(bits) = rule.min_rsa_bits {
                settings.min_rsa_bits = bits;
            }
            if let Some(names) = &rule.system_namespaces {
                settings.system_namespaces = names.clone();
            }
            if let Some(seconds) = rule.lease_timeout {
                settings.lease_timeout = seconds;
            }
            if let Some(seconds) = rule.max_timeout {
                settings.critical_timeout = seconds;
            }
            if let Some(seconds) = rule.request_deadline {
                settings.request_deadline = seconds;
            }
        }
    }
    settings
}

/// The directory a configuration's relative paths start from.
pub(crate) fn base_dir(config: &Config) -> PathBuf {
    match config.path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30"), Some(30 * 86_400));
        assert_eq!(parse_duration("720h"), Some(720 * 3_600));
        assert_eq!(parse_duration("90m"), Some(5_400));
        assert_eq!(parse_duration("0s"), Some(0));
        assert_eq!(parse_duration("3w"), None);
        assert_eq!(parse_duration(""), None);
    }

    #[test]
    fn kube_versions_are_quoted_releases() {
        let config = parse(
            "c.yaml",
            b"kube-version: \"1.33\"\nkube-versions: 1.30..1.35\n".to_vec(),
        )
        .ok()
        .expect("parses");
        assert_eq!(config.kube_version.map(|r| r.minor), Some(33));
        assert_eq!(config.kube_versions.map(|r| r.len()), Some(6));
        let unquoted = errors("kube-version: 1.30\n");
        assert_eq!(unquoted.len(), 1);
        assert!(
            unquoted[0].contains("must be a quoted string"),
            "{unquoted:?}"
        );
        assert!(errors("kube-version: \"1.40\"\n")[0].contains("not supported"));
    }

    fn errors(text: &str) -> Vec<String> {
        match parse("c.yaml", text.as_bytes().to_vec()) {
            Ok(_) => Vec::new(),
            Err(ConfigError::Invalid {
                sources,
                diagnostics,
            }) => diagnostics
                .iter()
                .map(|d| {
                    let (start, _) = sources.line_col(d.span);
                    format!("{}:{}: {}", start.line, start.column, d.message)
                })
                .collect(),
            Err(ConfigError::Io(e)) => vec![e],
        }
    }

    #[test]
    fn a_full_configuration_reads() {
        let config = parse(
            "c.yaml",
            b"namespace: webhooks\nnow: 2026-01-01T00:00:00Z\nmin-validity: 60d\nfail-on: warning\n\
require-reason: true\nexclude: [charts/*/tests/**, '*.golden.yaml']\nenable: [all]\ndisable: [weak-key]\n\
helm: {render: true, release: web, args: [--values=ci/prod.yaml]}\n\
rules:\n  certificate-expiring:\n    severity: error\n    min-validity: 90d\n  weak-key:\n    min-rsa-bits: 3072\n"
                .to_vec(),
        )
        .ok()
        .expect("valid");
        assert_eq!(config.namespace.as_deref(), Some("webhooks"));
        assert_eq!(
            config.now,
            Some(crate::tls::time::Time::from_unix(1_767_225_600))
        );
        assert_eq!(config.min_validity, Some(60 * 86_400));
        assert_eq!(config.fail_on, Some(Severity::Warning));
        assert_eq!(config.require_reason, Some(true));
        assert_eq!(config.exclude.len(), 2);
        assert_eq!(config.disable, vec!["weak-key"]);
        assert_eq!(
            config.helm,
            HelmConfig {
                render: Some(true),
                release: Some("web".into()),
                args: vec!["--values=ci/prod.yaml".into()]
            }
        );
        assert_eq!(
            config.rules,
            vec![
                (
                    "certificate-expiring",
                    RuleConfig {
                        severity: Some(Severity::Error),
                        min_validity: Some(90 * 86_400),
                        ..RuleConfig::default()
                    }
                ),
                (
                    "weak-key",
                    RuleConfig {
                        min_rsa_bits: Some(3072),
                        ..RuleConfig::default()
                    }
                )
            ]
        );
    }

    #[test]
    fn every_rule_option_is_documented() {
        for (id, option, _) in RULE_OPTIONS {
            let doc = rules::find(id).expect("a rule").doc;
            let options = doc.split("## Options").nth(1).unwrap_or("");
            assert!(
                options.contains(option),
                "rules/{id}.md documents no `{option}` under ## Options"
            );
        }
    }

    #[test]
    fn empty_file_is_the_defaults() {
        assert!(errors("").is_empty());
        assert!(errors("# nothing yet\n").is_empty());
    }

    #[test]
    fn mistakes_are_reported_where_they_are() {
        assert_eq!(
            errors("namespce: x\n"),
            vec!["1:1: unknown key `namespce` in the configuration"]
        );
        assert_eq!(
            errors("disable: [weak-kee, all]\n"),
            vec!["1:11: unknown rule `weak-kee`"]
        );
        assert_eq!(
            errors("disable: [invalid-config]\n"),
            vec!["1:11: `invalid-config` cannot be configured"]
        );
        assert_eq!(
            errors("fail-on: fatal\nmin-validity: 3w\n"),
            vec!["1:10: unknown severity `fatal`", "2:15: not a duration"]
        );
        assert_eq!(
            errors("rules:\n  weak-key:\n    min-bits: 4096\n"),
            vec!["3:5: unknown key `min-bits` in rule `weak-key`"]
        );
        assert_eq!(
            errors("rules:\n  webhook-hostname:\n    min-validity: 3d\n"),
            vec!["3:5: unknown key `min-validity` in rule `webhook-hostname`"]
        );
        assert_eq!(
            errors("exclude: tests/\n"),
            vec!["1:10: `exclude` must be a list"]
        );
        assert_eq!(
            errors("namespace: Web_Hooks\n"),
            vec!["1:12: `Web_Hooks` is not a valid namespace name"]
        );
        let now = errors("now: yesterday\n");
        assert_eq!(now.len(), 1);
        assert!(
            now[0].starts_with("1:6: `now` is not an RFC 3339 time"),
            "{now:?}"
        );
        assert_eq!(errors("fail-on: error\nfail-on: note\n").len(), 1);
        assert_eq!(
            errors("- a\n"),
            vec!["1:1: the configuration must be a mapping"]
        );
        assert_eq!(
            errors("rules:\n  weak-key:\n    min-rsa-bits: 512\n"),
            vec!["3:19: `min-rsa-bits` must be a number from 1024 to 16384"]
        );
        assert_eq!(
            errors("namespace: a\n---\nnamespace: b\n"),
            vec!["3:1: a configuration file holds one YAML document"]
        );
        assert_eq!(errors("a: [\n").len(), 1, "a YAML error is reported");
        assert_eq!(
            errors("helm: {release: My_Release, valuess: x}\n"),
            vec![
                "1:17: `My_Release` is not a valid Helm release name",
                "1:29: unknown key `valuess` in `helm`"
            ]
        );
    }

    #[test]
    fn enable_wins_within_a_layer_and_the_command_line_wins_over_the_file() {
        let config = Config {
            disable: vec!["all".into()],
            enable: vec!["webhook-hostname".into()],
            ..Config::default()
        };
        let settings = rule_settings(Some(&config), &[], &[]);
        assert!(settings.is_enabled("webhook-hostname"));
        assert!(!settings.is_enabled("weak-key"));
        let settings = rule_settings(Some(&config), &["weak-key".into()], &[]);
        assert!(settings.is_enabled("weak-key"));
        let settings = rule_settings(Some(&config), &[], &["webhook-hostname".into()]);
        assert!(!settings.is_enabled("webhook-hostname"));
        let settings = rule_settings(None, &[], &[]);
        assert!(crate::rules::RULES
            .iter()
            .all(|r| settings.is_enabled(r.id)));
    }
}
