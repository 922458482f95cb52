//! Reading and validating one catalogue entry (`rules/provisioners/<id>.yaml`) with the
//! crate's own YAML loader. Unknown keys are refused, so a typo cannot silently disable
//! part of an entry.

use crate::model::EndpointKind;
use crate::source::SourceFile;
use crate::yaml::{NodeRef, Value};
use globset::{Glob, GlobMatcher};

/// A `major.minor.patch` version, pre-release and build ignored.
pub(crate) type Version = (u64, u64, u64);

/// Reads `1.2.3`, `v1.2`, `2.5.0-rc.0`; None for anything that does not start so.
pub(crate) fn parse_version(text: &str) -> Option<Version> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let core = text.split(['-', '+']).next()?;
    let mut parts = core.split('.');
    let number = |p: Option<&str>| -> Option<u64> {
        let p = p?;
        (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok())?
    };
    let major = number(parts.next())?;
    let minor = number(parts.next())?;
    let patch = match parts.next() {
        None => 0,
        some => number(some)?,
    };
    parts.next().is_none().then_some((major, minor, patch))
}

/// The placeholder every template may use: the namespace of the matched pod.
pub(crate) const POD_NAMESPACE: &str = "pod_namespace";

#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) id: String,
    /// For messages: `Spark operator 2.0-2.1 webhook`.
    pub(crate) name: String,
    /// When several entries match a container, the highest priority wins (then file order).
    pub(crate) priority: i64,
    pub(crate) matcher: Matcher,
    /// Named inputs, resolved in order; later defaults may use earlier values.
    pub(crate) values: Vec<ValueSpec>,
    pub(crate) certificate: Option<CertificateSpec>,
    pub(crate) injects: Vec<InjectSpec>,
}

#[derive(Debug)]
pub(crate) struct Matcher {
    /// Any must match the image (globs); empty: any image.
    pub(crate) images: Vec<(String, GlobMatcher)>,
    /// None may match the image.
    pub(crate) not_images: Vec<(String, GlobMatcher)>,
    /// Each must match some argument (command or args) as a whole.
    pub(crate) args: Vec<(String, GlobMatcher)>,
    pub(crate) all: Vec<Condition>,
    /// At least one must hold (when not empty).
    pub(crate) any: Vec<Condition>,
    pub(crate) none: Vec<Condition>,
    pub(crate) version: Option<VersionReq>,
    /// Whether the entry applies when the version cannot be read.
    pub(crate) version_unknown: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Condition {
    /// `{flag: x}` present in any form; `{flag: x, value: v}` has that value (after `$(VAR)`
    /// expansion); `{flag: x, set: true}` is a boolean flag that is true.
    Flag {
        name: String,
        value: Option<String>,
        set: bool,
    },
    /// `{env: X}` defined (not to an empty literal); `{env: X, value: v}` has that value.
    Env { name: String, value: Option<String> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// `repeated`: a slice flag, every occurrence adds to the list (pflag `StringSlice`);
    /// otherwise the last occurrence wins.
    Flag {
        name: String,
        repeated: bool,
    },
    Env(String),
    /// `<svc>.<ns>.svc` of the first service-backed webhook of the webhook configuration
    /// named by the template (validating, else mutating) among the inputs.
    ConfigurationService(String),
    /// A template; always the last source.
    Default(String),
}

#[derive(Debug)]
pub(crate) struct ValueSpec {
    pub(crate) name: String,
    pub(crate) sources: Vec<Source>,
}

#[derive(Debug)]
pub(crate) struct CertificateSpec {
    /// Templates; each result is split on commas; names that parse as IPs become IP SANs.
    pub(crate) names: Vec<String>,
    /// (name, namespace) templates of the Secret it writes; None when it keeps it in memory.
    pub(crate) secret: Option<(String, String)>,
    pub(crate) reuses_without_check: bool,
    /// The matched container serves the certificate itself.
    pub(crate) serves: bool,
}

#[derive(Debug)]
pub(crate) enum InjectSpec {
    /// A named object's caBundle, optionally only when a condition holds.
    Named {
        kind: EndpointKind,
        name: String,
        when: Option<Condition>,
    },
    /// Every object of this kind among the inputs carrying these labels (values are
    /// templates); for webhook configurations with `webhooks`, only those whose webhooks
    /// all match one of the globs.
    Labelled {
        kind: EndpointKind,
        labels: Vec<(String, String)>,
        webhooks: Vec<(String, GlobMatcher)>,
        when: Option<Condition>,
    },
    /// Every object of these kinds whose webhooks call the entry's `service` in `namespace`.
    CallingService { kinds: Vec<EndpointKind> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

#[derive(Clone, Debug)]
pub(crate) struct VersionReq {
    comparators: Vec<(Op, Version)>,
}

impl VersionReq {
    /// `>=2.0.0, <2.2.0`.
    pub(crate) fn parse(text: &str) -> Result<VersionReq, String> {
        let mut comparators = Vec::new();
        for part in text.split(',') {
            let part = part.trim();
            let (op, rest) = [
                (">=", Op::Ge),
                ("<=", Op::Le),
                (">", Op::Gt),
                ("<", Op::Lt),
                ("=", Op::Eq),
            ]
            .iter()
            .find_map(|(prefix, op)| part.strip_prefix(prefix).map(|r| (*op, r)))
            .unwrap_or((Op::Eq, part));
            let version = parse_version(rest.trim())
                .ok_or_else(|| format!("version: {part:?} is not a comparison with a version"))?;
            comparators.push((op, version));
        }
        Ok(VersionReq { comparators })
    }

    pub(crate) fn matches(&self, version: Version) -> bool {
        self.comparators.iter().all(|(op, v)| match op {
            Op::Lt => version < *v,
            Op::Le => version <= *v,
            Op::Gt => version > *v,
            Op::Ge => version >= *v,
            Op::Eq => version == *v,
        })
    }
}

/// Loads the entry `id` from its YAML text.
pub(crate) fn load(id: &str, text: &str) -> Result<Entry, String> {
    let file = SourceFile::new(format!("{id}.yaml"), text.as_bytes().to_vec());
    let (documents, errors) = crate::yaml::load(0, &file);
    if let Some(error) = errors.first() {
        return Err(error.message.clone());
    }
    let roots: Vec<NodeRef<'_>> = documents.iter().filter_map(|d| d.root()).collect();
    let [root] = roots.as_slice() else {
        return Err(format!("expected one document, found {}", roots.len()));
    };
    let root = Map::new(*root, "entry")?;
    root.only(&[
        "id",
        "name",
        "reference",
        "priority",
        "match",
        "values",
        "certificate",
        "injects",
    ])?;
    let entry_id = root.string("id")?.ok_or("id is required")?;
    if entry_id != id {
        return Err(format!("id {entry_id:?} differs from the file name {id:?}"));
    }
    let name = root
        .string("name")?
        .filter(|n| !n.is_empty())
        .ok_or("name is required")?;
    let priority = match root.get("priority") {
        None => 0,
        Some(node) => node.as_i64().ok_or("priority must be an integer")?,
    };
    let matcher = read_matcher(root.get("match").ok_or("match is required")?)?;
    let values = read_values(root.get("values"))?;
    let defined: Vec<&str> = values.iter().map(|v| v.name.as_str()).collect();
    let certificate = root
        .get("certificate")
        .map(|node| read_certificate(node, &defined))
        .transpose()?;
    let injects = read_injects(root.get("injects"), &defined)?;
    if certificate.is_none() && injects.is_empty() {
        return Err("an entry needs a certificate, injects, or both".into());
    }
    // Every entry cites its source, though nothing prints it.
    root.string("reference")?;
    Ok(Entry {
        id: entry_id,
        name,
        priority,
        matcher,
        values,
        certificate,
        injects,
    })
}

/// A mapping being read, for key checks and typed access.
struct Map<'a> {
    node: NodeRef<'a>,
    what: String,
}

impl<'a> Map<'a> {
    fn new(node: NodeRef<'a>, what: impl Into<String>) -> Result<Map<'a>, String> {
        let what = what.into();
        if !node.is_map() {
            return Err(format!("{what} must be a mapping"));
        }
        Ok(Map { node, what })
    }

    fn only(&self, keys: &[&str]) -> Result<(), String> {
        for (key, _) in self.node.entries() {
            let key = key.scalar_text().unwrap_or_default();
            if !keys.contains(&key.as_str()) {
                return Err(format!(
                    "{}: unknown key {key:?} (known: {})",
                    self.what,
                    keys.join(", ")
                ));
            }
        }
        Ok(())
    }

    fn get(&self, key: &str) -> Option<NodeRef<'a>> {
        self.node.get(key).filter(|n| !n.is_null())
    }

    fn string(&self, key: &str) -> Result<Option<String>, String> {
        self.get(key)
            .map(|n| {
                n.as_str().map(str::to_string).ok_or_else(|| {
                    if n.as_bool().is_some() {
                        format!(
                            "{}.{key} must be a string: quote it, YAML 1.1 reads y, n, yes, no, on, off as booleans",
                            self.what
                        )
                    } else {
                        format!("{}.{key} must be a string", self.what)
                    }
                })
            })
            .transpose()
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>, String> {
        self.get(key)
            .map(|n| {
                n.as_bool()
                    .ok_or_else(|| format!("{}.{key} must be true or false", self.what))
            })
            .transpose()
    }

    fn strings(&self, key: &str) -> Result<Vec<String>, String> {
        let Some(node) = self.get(key) else {
            return Ok(Vec::new());
        };
        if !node.is_seq() {
            return Err(format!("{}.{key} must be a list", self.what));
        }
        node.items()
            .map(|n| {
                n.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("{}.{key} holds a non-string", self.what))
            })
            .collect()
    }

    fn globs(&self, key: &str) -> Result<Vec<(String, GlobMatcher)>, String> {
        self.strings(key)?
            .into_iter()
            .map(|pattern| {
                let glob = Glob::new(&pattern).map_err(|e| format!("{}.{key}: {e}", self.what))?;
                Ok((pattern, glob.compile_matcher()))
            })
            .collect()
    }
}

fn read_matcher(node: NodeRef<'_>) -> Result<Matcher, String> {
    let map = Map::new(node, "match")?;
    map.only(&[
        "image",
        "not_image",
        "args",
        "all",
        "any",
        "none",
        "version",
        "version_unknown",
    ])?;
    let conditions = |key: &str| -> Result<Vec<Condition>, String> {
        let Some(node) = map.get(key) else {
            return Ok(Vec::new());
        };
        if !node.is_seq() {
            return Err(format!("match.{key} must be a list"));
        }
        node.items()
            .map(|n| read_condition(n, &format!("match.{key}")))
            .collect()
    };
    let matcher = Matcher {
        images: map.globs("image")?,
        not_images: map.globs("not_image")?,
        args: map.globs("args")?,
        all: conditions("all")?,
        any: conditions("any")?,
        none: conditions("none")?,
        version: map
            .string("version")?
            .map(|v| VersionReq::parse(&v))
            .transpose()?,
        version_unknown: map.boolean("version_unknown")?.unwrap_or(false),
    };
    if matcher.images.is_empty()
        && matcher.args.is_empty()
        && matcher.all.is_empty()
        && matcher.any.is_empty()
    {
        return Err("match needs image, args, all or any: it would match every container".into());
    }
    if matcher.version.is_none() && map.get("version_unknown").is_some() {
        return Err("match.version_unknown without match.version".into());
    }
    Ok(matcher)
}

fn read_condition(node: NodeRef<'_>, what: &str) -> Result<Condition, String> {
    let map = Map::new(node, what)?;
    map.only(&["flag", "env", "value", "set"])?;
    let value = match map.get("value") {
        None => None,
        Some(n) => Some(
            n.scalar_text()
                .ok_or_else(|| format!("{what}: value must be a scalar"))?,
        ),
    };
    match (map.string("flag")?, map.string("env")?) {
        (Some(name), None) => {
            let set = map.boolean("set")?.unwrap_or(false);
            if set && value.is_some() {
                return Err(format!(
                    "{what}: a flag condition takes value or set, not both"
                ));
            }
            Ok(Condition::Flag { name, value, set })
        }
        (None, Some(name)) => {
            if map.get("set").is_some() {
                return Err(format!("{what}: set applies to flags only"));
            }
            Ok(Condition::Env { name, value })
        }
        _ => Err(format!("{what}: a condition names one flag or one env")),
    }
}

fn read_values(node: Option<NodeRef<'_>>) -> Result<Vec<ValueSpec>, String> {
    let Some(node) = node else {
        return Ok(Vec::new());
    };
    let Value::Map(_) = node.value() else {
        return Err("values must be a mapping".into());
    };
    let mut values: Vec<ValueSpec> = Vec::new();
    for (key, sources_node) in node.entries() {
        let name = key
            .as_str()
            .ok_or("values: keys must be strings")?
            .to_string();
        let what = format!("values.{name}");
        if name.is_empty()
            || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            || name == POD_NAMESPACE
        {
            return Err(format!(
                "{what}: names are lower_case and not {POD_NAMESPACE}"
            ));
        }
        if values.iter().any(|v| v.name == name) {
            return Err(format!("{what} is defined twice"));
        }
        if !sources_node.is_seq() || sources_node.items().next().is_none() {
            return Err(format!("{what} must be a non-empty list of sources"));
        }
        let mut sources = Vec::new();
        for source in sources_node.items() {
            if matches!(sources.last(), Some(Source::Default(_))) {
                return Err(format!("{what}: nothing can follow a default"));
            }
            let map = Map::new(source, what.clone())?;
            map.only(&[
                "flag",
                "env",
                "default",
                "repeated",
                "configuration_service",
            ])?;
            let repeated = map.boolean("repeated")?;
            if repeated.is_some() && map.get("flag").is_none() {
                return Err(format!("{what}: repeated applies to flags only"));
            }
            let earlier: Vec<&str> = values.iter().map(|v| v.name.as_str()).collect();
            if let Some(config) = map.string("configuration_service")? {
                if map.get("flag").is_some()
                    || map.get("env").is_some()
                    || map.get("default").is_some()
                {
                    return Err(format!(
                        "{what}: each source is one of flag, env, configuration_service, default"
                    ));
                }
                check_template(&config, &earlier, &what)?;
                sources.push(Source::ConfigurationService(config));
                continue;
            }
            let source = match (map.string("flag")?, map.string("env")?, map.get("default")) {
                (Some(name), None, None) => Source::Flag {
                    name,
                    repeated: repeated.unwrap_or(false),
                },
                (None, Some(env), None) => Source::Env(env),
                (None, None, Some(default)) => {
                    let template = default
                        .scalar_text()
                        .ok_or_else(|| format!("{what}: default must be a scalar"))?;
                    check_template(&template, &earlier, &what)?;
                    Source::Default(template)
                }
                _ => return Err(format!("{what}: each source is one of flag, env, default")),
            };
            sources.push(source);
        }
        values.push(ValueSpec { name, sources });
    }
    Ok(values)
}

fn read_certificate(node: NodeRef<'_>, defined: &[&str]) -> Result<CertificateSpec, String> {
    let map = Map::new(node, "certificate")?;
    map.only(&["names", "secret", "reuses_without_check", "serves"])?;
    let names = map.strings("names")?;
    if names.is_empty() {
        return Err("certificate.names is required".into());
    }
    for name in &names {
        check_template(name, defined, "certificate.names")?;
    }
    let secret = match map.get("secret") {
        None => None,
        Some(node) => {
            let secret = Map::new(node, "certificate.secret")?;
            secret.only(&["name", "namespace"])?;
            let name = secret
                .string("name")?
                .ok_or("certificate.secret.name is required")?;
            let namespace = secret
                .string("namespace")?
                .unwrap_or_else(|| format!("{{{POD_NAMESPACE}}}"));
            check_template(&name, defined, "certificate.secret.name")?;
            check_template(&namespace, defined, "certificate.secret.namespace")?;
            Some((name, namespace))
        }
    };
    Ok(CertificateSpec {
        names,
        secret,
        reuses_without_check: map
            .boolean("reuses_without_check")?
            .ok_or("certificate.reuses_without_check is required (true or false)")?,
        serves: map.boolean("serves")?.unwrap_or(true),
    })
}

fn kind_of(text: &str, what: &str) -> Result<EndpointKind, String> {
    EndpointKind::from_kind(text).ok_or_else(|| {
        let known: Vec<&str> = EndpointKind::ALL.iter().map(|k| k.as_str()).collect();
        format!(
            "{what}: unknown kind {text:?} (known: {})",
            known.join(", ")
        )
    })
}

fn read_injects(node: Option<NodeRef<'_>>, defined: &[&str]) -> Result<Vec<InjectSpec>, String> {
    let Some(node) = node else {
        return Ok(Vec::new());
    };
    if !node.is_seq() {
        return Err("injects must be a list".into());
    }
    let mut injects = Vec::new();
    for item in node.items() {
        let map = Map::new(item, "injects")?;
        map.only(&[
            "kind",
            "name",
            "labels",
            "webhooks",
            "when",
            "calling_service",
        ])?;
        if map.get("calling_service").is_some() {
            if map.get("kind").is_some()
                || map.get("name").is_some()
                || map.get("labels").is_some()
                || map.get("webhooks").is_some()
                || map.get("when").is_some()
            {
                return Err("injects: calling_service stands alone".into());
            }
            if !defined.contains(&"service") || !defined.contains(&"namespace") {
                return Err(
                    "injects: calling_service needs the values service and namespace".into(),
                );
            }
            let kinds = map
                .strings("calling_service")?
                .iter()
                .map(|k| kind_of(k, "injects.calling_service"))
                .collect::<Result<Vec<_>, _>>()?;
            if kinds.is_empty() {
                return Err("injects.calling_service lists no kind".into());
            }
            injects.push(InjectSpec::CallingService { kinds });
            continue;
        }
        let kind = kind_of(
            &map.string("kind")?.ok_or("injects: kind is required")?,
            "injects",
        )?;
        let when = map
            .get("when")
            .map(|n| read_condition(n, "injects.when"))
            .transpose()?;
        if let Some(labels_node) = map.get("labels") {
            if map.get("name").is_some() {
                return Err("injects: name and labels exclude each other".into());
            }
            if !labels_node.is_map() {
                return Err("injects.labels must be a mapping".into());
            }
            let mut labels = Vec::new();
            for (key, value) in labels_node.entries() {
                let key = key
                    .as_str()
                    .filter(|k| !k.is_empty())
                    .ok_or("injects.labels: keys must be strings")?;
                let value = value
                    .as_str()
                    .ok_or("injects.labels: values must be strings (quote them)")?;
                check_template(value, defined, "injects.labels")?;
                labels.push((key.to_string(), value.to_string()));
            }
            if labels.is_empty() {
                return Err("injects.labels lists no label".into());
            }
            let webhooks = map.globs("webhooks")?;
            if !webhooks.is_empty() && !kind.is_admission() {
                return Err(format!(
                    "injects.webhooks: {} has no webhooks",
                    kind.as_str()
                ));
            }
            injects.push(InjectSpec::Labelled {
                kind,
                labels,
                webhooks,
                when,
            });
            continue;
        }
        if map.get("webhooks").is_some() {
            return Err("injects.webhooks applies to labels only".into());
        }
        let name = map
            .string("name")?
            .ok_or("injects: name or labels is required")?;
        check_template(&name, defined, "injects.name")?;
        injects.push(InjectSpec::Named { kind, name, when });
    }
    Ok(injects)
}

/// The placeholders of a template, in order; Err when a brace is unbalanced.
fn placeholders(template: &str) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find(['{', '}']) {
        if rest[start..].starts_with('}') {
            return Err(format!("unbalanced '}}' in {template:?}"));
        }
        let end = rest[start..]
            .find('}')
            .ok_or_else(|| format!("unclosed '{{' in {template:?}"))?
            + start;
        found.push(rest[start + 1..end].to_string());
        rest = &rest[end + 1..];
    }
    Ok(found)
}

/// The distinct placeholders of several (validated) templates, in order of appearance.
pub(crate) fn placeholders_of(templates: &[String]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for template in templates {
        for name in placeholders(template).unwrap_or_default() {
            if name != POD_NAMESPACE && !found.contains(&name) {
                found.push(name);
            }
        }
    }
    found
}

fn check_template(template: &str, defined: &[&str], what: &str) -> Result<(), String> {
    for name in placeholders(template).map_err(|e| format!("{what}: {e}"))? {
        if name != POD_NAMESPACE && !defined.contains(&name.as_str()) {
            return Err(format!(
                "{what}: {{{name}}} is not a value defined before it (nor {{{POD_NAMESPACE}}})"
            ));
        }
    }
    Ok(())
}
