//! The operator catalogue: run-time certificate generators known by their containers,
//! described as data in `rules/provisioners/<id>.yaml` (schema in the README there).
//!
//! The entries are embedded at build time, loaded and validated once; a broken entry is a
//! bug, caught by the unit test that loads them all.

mod schema;

pub(crate) use schema::{parse_version, Condition, Entry, InjectSpec, Source, Version};

use super::certgen::{flag_setting, split_names, Generator, NameInput, NameRole, Setting};
use super::provisioning::{InjectTarget, Injector, Provisioner, ProvisionerKind, Provisioning};
use crate::model::{Container, EndpointKind, EnvValue, Model, PodTemplate, PodTemplateId};
use crate::source::Span;
use foldhash::HashMap;
use std::sync::OnceLock;

macro_rules! entry_file {
    ($id:literal) => {
        (
            $id,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/rules/provisioners/",
                $id,
                ".yaml"
            )),
        )
    };
}

/// Every catalogue file, by id. A test keeps this list and the directory in step.
const FILES: &[(&str, &str)] = &[
    entry_file!("cert-manager-webhook"),
    entry_file!("external-secrets"),
    entry_file!("gatekeeper"),
    entry_file!("istiod"),
    entry_file!("istiod-revision"),
    entry_file!("knative"),
    entry_file!("knative-eventing"),
    entry_file!("knative-net-istio"),
    entry_file!("knative-serving"),
    entry_file!("kueue"),
    entry_file!("kyverno"),
    entry_file!("metallb"),
    entry_file!("spark-operator-1.x-gencerts"),
    entry_file!("spark-operator-1.x-operator"),
    entry_file!("spark-operator-1.4"),
    entry_file!("spark-operator-2.0"),
    entry_file!("spark-operator-2.2"),
    entry_file!("spire-controller-manager"),
    entry_file!("vault-agent-injector"),
];

/// Loads and validates every entry.
pub(crate) fn load_all() -> Result<Vec<Entry>, String> {
    let mut entries = Vec::new();
    for (id, text) in FILES {
        let entry =
            schema::load(id, text).map_err(|e| format!("rules/provisioners/{id}.yaml: {e}"))?;
        entries.push(entry);
    }
    Ok(entries)
}

/// The catalogue, loaded on first use.
pub(crate) fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| load_all().unwrap_or_else(|e| panic!("invalid operator catalogue: {e}")))
}

/// A value of an entry as found in one container.
#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    /// None when it cannot be known from the inputs.
    pub(crate) text: Option<String>,
    pub(crate) setting: Setting,
    pub(crate) span: Option<Span>,
}

/// A container recognised as a catalogue entry.
#[derive(Clone, Debug)]
pub(crate) struct Recognition {
    pub(crate) entry: &'static Entry,
    pub(crate) pod_template: PodTemplateId,
    pub(crate) container: usize,
    pub(crate) values: HashMap<String, Resolved>,
}

/// Every container of the inputs that an entry recognises (the highest priority wins).
pub(crate) fn recognise(model: &Model<'_>) -> Vec<Recognition> {
    // Loading the catalogue compiles its globs: not worth it when no container could match.
    if model.pod_templates.iter().all(|t| t.containers.is_empty()) {
        return Vec::new();
    }
    let entries = entries();
    let mut found = Vec::new();
    for (pod_template, template) in model.pod_templates.iter_ids() {
        let namespace = &model.objects[template.object].namespace;
        for (index, container) in template.containers.iter().enumerate() {
            let version = version_of(model, template, container);
            let mut best: Option<&'static Entry> = None;
            for entry in entries {
                if best.is_some_and(|b| b.priority >= entry.priority) {
                    continue;
                }
                if matches(entry, container, namespace, version) {
                    best = Some(entry);
                }
            }
            if let Some(entry) = best {
                found.push(Recognition {
                    entry,
                    pod_template,
                    container: index,
                    values: resolve_values(model, entry, container, namespace),
                });
            }
        }
    }
    found
}

fn matches(
    entry: &Entry,
    container: &Container<'_>,
    namespace: &str,
    version: Option<Version>,
) -> bool {
    let m = &entry.matcher;
    if !m.images.is_empty() {
        let Some(image) = container.image else {
            return false;
        };
        if !m.images.iter().any(|(_, glob)| glob.is_match(image)) {
            return false;
        }
    }
    if !m.not_images.is_empty()
        && container
            .image
            .is_some_and(|image| m.not_images.iter().any(|(_, glob)| glob.is_match(image)))
    {
        return false;
    }
    let arguments: Vec<&str> = container
        .arguments
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    if !m
        .args
        .iter()
        .all(|(_, glob)| arguments.iter().any(|a| glob.is_match(a)))
    {
        return false;
    }
    if !m.all.iter().all(|c| holds(c, container, namespace)) {
        return false;
    }
    if !m.any.is_empty() && !m.any.iter().any(|c| holds(c, container, namespace)) {
        return false;
    }
    if m.none.iter().any(|c| holds(c, container, namespace)) {
        return false;
    }
    match (&m.version, version) {
        (None, _) => true,
        (Some(req), Some(v)) => req.matches(v),
        (Some(_), None) => m.version_unknown,
    }
}

/// Whether a condition holds for a container.
pub(crate) fn holds(condition: &Condition, container: &Container<'_>, namespace: &str) -> bool {
    match condition {
        Condition::Flag {
            name, set: true, ..
        } => super::certgen::bool_flag(container, name, false).value,
        Condition::Flag {
            name, value: None, ..
        } => flag_argument(container, name).is_some(),
        Condition::Flag {
            name,
            value: Some(value),
            ..
        } => container
            .flag(name)
            .is_some_and(|(v, _)| container.expand(v, namespace) == *value),
        Condition::Env { name, value: None } => container
            .env
            .iter()
            .any(|v| v.name == name && !matches!(v.value, EnvValue::Literal(""))),
        Condition::Env {
            name,
            value: Some(value),
        } => container.env_value(name, namespace).as_deref() == Some(value.as_str()),
    }
}

/// The argument that sets flag `name`, in any form.
fn flag_argument<'a>(container: &Container<'a>, name: &str) -> Option<crate::yaml::NodeRef<'a>> {
    container.arguments.iter().copied().find(|node| {
        let Some(text) = node.as_str() else {
            return false;
        };
        let bare = text.trim_start_matches('-');
        if bare.len() == text.len() || bare.len() + 2 < text.len() {
            return false;
        }
        bare == name || bare.strip_prefix(name).is_some_and(|r| r.starts_with('='))
    })
}

fn resolve_values(
    model: &Model<'_>,
    entry: &Entry,
    container: &Container<'_>,
    namespace: &str,
) -> HashMap<String, Resolved> {
    let mut values: HashMap<String, Resolved> = HashMap::default();
    for spec in &entry.values {
        let mut resolved = None;
        for source in &spec.sources {
            match source {
                Source::Flag { name, repeated } => {
                    let mut occurrences = container.flag_occurrences(name);
                    if !repeated && occurrences.len() > 1 {
                        occurrences.drain(..occurrences.len() - 1);
                    }
                    let values: Vec<String> = occurrences
                        .iter()
                        .map(|(value, _)| container.expand(value, namespace))
                        .filter(|value| !value.is_empty())
                        .collect();
                    let (Some((_, first)), Some((_, last))) =
                        (occurrences.first(), occurrences.last())
                    else {
                        continue;
                    };
                    if values.is_empty() {
                        continue;
                    }
                    let value = values.join(",");
                    let (first, last) = (first.span(), last.span());
                    let span = if first.file == last.file {
                        Span::new(
                            first.file,
                            first.start.min(last.start),
                            first.end.max(last.end),
                        )
                    } else {
                        last
                    };
                    let mut setting = flag_setting(occurrences[0].1, name);
                    if let Setting::Flag { repeated: r, .. } = &mut setting {
                        *r = *repeated;
                    }
                    resolved = Some(Resolved {
                        text: (!value.contains("$(")).then_some(value),
                        setting,
                        span: Some(span),
                    });
                }
                Source::Env(name) => {
                    let Some(var) = container.env.iter().rev().find(|v| v.name == name) else {
                        continue;
                    };
                    if matches!(var.value, EnvValue::Literal("")) {
                        continue;
                    }
                    let text = container
                        .env_value(name, namespace)
                        .filter(|v| !v.contains("$("));
                    let node = var
                        .node
                        .get("value")
                        .or_else(|| var.node.get("valueFrom"))
                        .unwrap_or(var.node);
                    resolved = Some(Resolved {
                        text,
                        setting: Setting::Env(name.clone()),
                        span: Some(node.span()),
                    });
                }
                Source::ConfigurationService(template) => {
                    let Some(config) = substitute(template, &values, namespace) else {
                        continue;
                    };
                    let Some((text, span)) = configuration_service(model, &config) else {
                        continue;
                    };
                    resolved = Some(Resolved {
                        text: Some(text),
                        setting: Setting::Fixed,
                        span: Some(span),
                    });
                }
                Source::Default(template) => {
                    resolved = Some(Resolved {
                        text: substitute(template, &values, namespace),
                        setting: preferred_setting(&spec.sources),
                        span: None,
                    });
                }
            }
            break;
        }
        let resolved = resolved.unwrap_or_else(|| Resolved {
            text: None,
            setting: preferred_setting(&spec.sources),
            span: None,
        });
        values.insert(spec.name.clone(), resolved);
    }
    values
}

/// `<svc>.<ns>.svc` of the first service-backed webhook of the configuration `name`
/// (validating first), with the span of its service reference.
fn configuration_service(model: &Model<'_>, name: &str) -> Option<(String, Span)> {
    [
        EndpointKind::ValidatingWebhook,
        EndpointKind::MutatingWebhook,
    ]
    .iter()
    .find_map(|kind| {
        model.endpoints.iter().find_map(|endpoint| {
            if endpoint.kind != *kind || model.objects[endpoint.object].name != name {
                return None;
            }
            let reference = endpoint.service.as_ref()?;
            let span = endpoint
                .client_config
                .and_then(|c| c.get("service"))
                .map(|n| n.span())
                .unwrap_or_else(|| endpoint.span(model));
            Some((
                format!("{}.{}.svc", reference.name(), reference.namespace()),
                span,
            ))
        })
    })
}

/// How to set a value that was left to its default: its first flag, else its first env.
fn preferred_setting(sources: &[Source]) -> Setting {
    sources
        .iter()
        .find_map(|s| match s {
            Source::Flag { name, repeated } => Some(Setting::Flag {
                spelled: format!("--{name}"),
                separate: false,
                repeated: *repeated,
            }),
            _ => None,
        })
        .or_else(|| {
            sources.iter().find_map(|s| match s {
                Source::Env(name) => Some(Setting::Env(name.clone())),
                _ => None,
            })
        })
        .unwrap_or(Setting::Fixed)
}

/// Fills `{value}` placeholders; None when one of them is unknown.
pub(crate) fn substitute(
    template: &str,
    values: &HashMap<String, Resolved>,
    pod_namespace: &str,
) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}')? + start;
        let name = &rest[start + 1..end];
        if name == schema::POD_NAMESPACE {
            out.push_str(pod_namespace);
        } else {
            out.push_str(values.get(name)?.text.as_deref()?);
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// The version a container runs: its image tag, else the `app.kubernetes.io/version` label
/// of the pod template or its workload, else the `helm.sh/chart` label's suffix.
fn version_of(
    model: &Model<'_>,
    template: &PodTemplate<'_>,
    container: &Container<'_>,
) -> Option<Version> {
    let from_tag = container.image.and_then(|image| {
        let image = image.split('@').next()?;
        let last = image.rsplit('/').next()?;
        let (_, tag) = last.split_once(':')?;
        parse_version(tag)
    });
    if from_tag.is_some() {
        return from_tag;
    }
    let object = &model.objects[template.object];
    let object_labels: Vec<(&str, &str)> = object
        .node()
        .path(&["metadata", "labels"])
        .map(|labels| {
            labels
                .entries()
                .filter_map(|(k, v)| Some((k.as_str()?, v.as_str()?)))
                .collect()
        })
        .unwrap_or_default();
    let label = |key: &str| {
        template
            .labels
            .iter()
            .chain(object_labels.iter())
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    };
    label("app.kubernetes.io/version")
        .and_then(parse_version)
        .or_else(|| {
            let chart = label("helm.sh/chart")?;
            // `name-1.2.3` or `name-1.2.3-rc.1`: the version follows the last dash that is
            // followed by a digit.
            let (at, _) = chart.char_indices().rev().find(|(i, c)| {
                *c == '-' && chart[i + 1..].starts_with(|d: char| d.is_ascii_digit())
            })?;
            parse_version(&chart[at + 1..])
        })
}

/// The generators of the recognised containers.
pub(crate) fn generators(model: &Model<'_>, recognitions: &[Recognition]) -> Vec<Generator> {
    recognitions
        .iter()
        .filter_map(|r| generator(model, r))
        .collect()
}

fn generator(model: &Model<'_>, recognition: &Recognition) -> Option<Generator> {
    let entry = recognition.entry;
    let certificate = entry.certificate.as_ref()?;
    let template = &model.pod_templates[recognition.pod_template];
    let object = &model.objects[template.object];
    let container = &template.containers[recognition.container];
    let namespace = object.namespace;
    let values = &recognition.values;
    let mut names = Vec::new();
    let mut names_known = true;
    for name in &certificate.names {
        match substitute(name, values, namespace) {
            Some(text) => names.extend(
                text.split(',')
                    .filter(|n| !n.is_empty())
                    .map(str::to_string),
            ),
            None => names_known = false,
        }
    }
    let (dns_names, ip_addresses) = split_names(&names);
    let referenced = schema::placeholders_of(&certificate.names);
    let name_inputs: Vec<NameInput> = referenced
        .iter()
        .filter_map(|name| {
            let resolved = values.get(name.as_str())?;
            Some(NameInput {
                role: match name.as_str() {
                    "service" => NameRole::Service,
                    "namespace" => NameRole::Namespace,
                    _ => NameRole::Hosts,
                },
                value: resolved.text.clone().unwrap_or_default(),
                setting: resolved.setting.clone(),
                span: resolved.span,
            })
        })
        .collect();
    let fallback_span = container
        .node
        .get("image")
        .or_else(|| container.node.get("name"))
        .unwrap_or(container.node)
        .span();
    let span = name_inputs
        .iter()
        .filter(|input| input.role != NameRole::Namespace)
        .find_map(|input| input.span)
        .unwrap_or(fallback_span);
    let secret = certificate.secret.as_ref().and_then(|(name, ns)| {
        Some((
            substitute(ns, values, namespace)?,
            substitute(name, values, namespace)?,
        ))
    });
    Some(Generator {
        provisioner: Provisioner {
            kind: ProvisionerKind::Operator(entry.id.as_str()),
            description: format!(
                "{} in {} {}/{}",
                entry.name, object.kind, object.namespace, object.name
            ),
            span,
            object: template.object,
            secret,
            dns_names,
            ip_addresses,
            names_known,
            reuses_without_check: certificate.reuses_without_check,
            pod_templates: if certificate.serves {
                vec![recognition.pod_template]
            } else {
                Vec::new()
            },
        },
        pod_template: recognition.pod_template,
        container: recognition.container,
        serves_itself: certificate.serves,
        name_inputs,
        secret_span: None,
    })
}

fn injectors(model: &Model<'_>, recognition: &Recognition, out: &mut Vec<Injector>) {
    let entry = recognition.entry;
    let template = &model.pod_templates[recognition.pod_template];
    let object = &model.objects[template.object];
    let container = &template.containers[recognition.container];
    let namespace = object.namespace;
    let values = &recognition.values;
    let description = format!(
        "{} in {} {}/{}",
        entry.name, object.kind, object.namespace, object.name
    );
    let span = container.node.get("image").unwrap_or(container.node).span();
    let mut targets: Vec<InjectTarget> = Vec::new();
    for inject in &entry.injects {
        match inject {
            InjectSpec::Named { kind, name, when } => {
                if when
                    .as_ref()
                    .is_some_and(|c| !holds(c, container, namespace))
                {
                    continue;
                }
                let Some(name) = substitute(name, values, namespace) else {
                    continue;
                };
                targets.push(target(*kind, name));
            }
            InjectSpec::Labelled {
                kind,
                labels,
                webhooks,
                when,
            } => {
                if when
                    .as_ref()
                    .is_some_and(|c| !holds(c, container, namespace))
                {
                    continue;
                }
                let Some(labels) = labels
                    .iter()
                    .map(|(k, v)| Some((k.as_str(), substitute(v, values, namespace)?)))
                    .collect::<Option<Vec<_>>>()
                else {
                    continue;
                };
                for (id, candidate) in model.objects.iter_ids() {
                    if candidate.kind != kind.as_str() {
                        continue;
                    }
                    let carried = candidate.node().path(&["metadata", "labels"]);
                    let labelled = labels.iter().all(|(k, v)| {
                        carried
                            .and_then(|l| l.get(k))
                            .and_then(|n| n.scalar_text())
                            .as_deref()
                            == Some(v.as_str())
                    });
                    if !labelled {
                        continue;
                    }
                    // Injectors are per object: a configuration with a webhook the
                    // generator leaves alone is not claimed.
                    let all_match = webhooks.is_empty()
                        || model
                            .endpoints
                            .iter()
                            .filter(|e| e.object == id)
                            .all(|e| webhooks.iter().any(|(_, g)| g.is_match(&e.name)));
                    if all_match {
                        targets.push(InjectTarget::Object(id));
                    }
                }
            }
            InjectSpec::CallingService { kinds } => {
                let service = substitute("{service}", values, namespace);
                let service_namespace = substitute("{namespace}", values, namespace);
                let (Some(service), Some(service_namespace)) = (service, service_namespace) else {
                    continue;
                };
                for endpoint in &model.endpoints {
                    let Some(reference) = &endpoint.service else {
                        continue;
                    };
                    if reference.name() != service || reference.namespace() != service_namespace {
                        continue;
                    }
                    let kind = endpoint.kind;
                    if kinds.contains(&kind) {
                        targets.push(target(
                            kind,
                            model.objects[endpoint.object].name.to_string(),
                        ));
                    }
                }
            }
        }
    }
    let mut seen = Vec::new();
    for target in targets {
        if seen.contains(&target) {
            continue;
        }
        seen.push(target.clone());
        out.push(Injector {
            kind: ProvisionerKind::Operator(entry.id.as_str()),
            description: description.clone(),
            span,
            object: template.object,
            target,
            evidence: Vec::new(),
        });
    }
}

fn target(kind: EndpointKind, name: String) -> InjectTarget {
    match kind {
        EndpointKind::CrdConversion => InjectTarget::Crd(name),
        EndpointKind::ApiService => InjectTarget::ApiService(name),
        EndpointKind::ValidatingWebhook | EndpointKind::MutatingWebhook => {
            InjectTarget::Configuration {
                kind: Some(kind),
                name,
            }
        }
    }
}

/// The caBundles the recognised containers fill.
pub(crate) fn discover_injectors(
    model: &Model<'_>,
    recognitions: &[Recognition],
    found: &mut Provisioning,
) {
    for recognition in recognitions {
        injectors(model, recognition, &mut found.injectors);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_loads_and_the_list_matches_the_directory() {
        let entries = load_all().unwrap_or_else(|e| panic!("{e}"));
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/provisioners");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                name.strip_suffix(".yaml").map(str::to_string)
            })
            .collect();
        files.sort();
        let mut listed: Vec<String> = FILES.iter().map(|(id, _)| id.to_string()).collect();
        listed.sort();
        assert_eq!(files, listed, "rules/provisioners/*.yaml and FILES differ");
        let mut ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), entries.len(), "duplicate ids");
    }

    #[test]
    fn broken_entries_are_refused() {
        let cases = [
            ("x", "id: y\nname: demo\nmatch: {image: ['*a*']}\ncertificate: {names: [a]}\n", "id"),
            ("x", "id: x\nname: demo\nmatch: {}\ncertificate: {names: [a]}\n", "match"),
            ("x", "id: x\nname: demo\nmatch: {image: ['*a*']}\ncertificate: {names: ['{nope}.svc']}\n", "nope"),
            ("x", "id: x\nname: demo\nmatch: {image: ['*a*'], colour: red}\ncertificate: {names: [a]}\n", "colour"),
            ("x", "id: x\nname: demo\nmatch: {image: ['*a*'], version: '>=x'}\ncertificate: {names: [a]}\n", "version"),
            ("x", "id: x\nname: demo\nmatch: {image: ['*a*']}\ninjects: [{kind: Pod, name: a}]\n", "Pod"),
            ("x", "id: x\nname: demo\nmatch: {image: ['*a*']}\n", "certificate"),
            (
                "x",
                "id: x\nname: demo\nmatch: {image: ['*a*']}\nvalues: {a: [{default: '{b}'}], b: [{default: c}]}\ncertificate: {names: ['{a}']}\n",
                "{b} is not a value defined before it",
            ),
        ];
        let boolean = schema::load("x", "id: x\nname: n\nmatch: {image: ['*a*']}\ncertificate: {names: [a], reuses_without_check: true}\n")
            .expect_err("n is a boolean");
        assert!(boolean.contains("quote it"), "{boolean}");
        for (id, text, needle) in cases {
            let error = schema::load(id, text).expect_err(text);
            assert!(error.contains(needle), "{text}: {error}");
        }
    }

    #[test]
    fn versions_parse_like_tags() {
        assert_eq!(parse_version("v2.5.0-rc.0"), Some((2, 5, 0)));
        assert_eq!(parse_version("2.1"), Some((2, 1, 0)));
        assert_eq!(parse_version("v1beta2-1.3.8-3.1.1"), None);
        assert_eq!(parse_version("main"), None);
        let req = schema::VersionReq::parse(">=2.0.0, <2.2.0").unwrap();
        assert!(req.matches((2, 1, 9)));
        assert!(!req.matches((2, 2, 0)));
    }

    #[test]
    fn versions_come_from_the_container_then_labels() {
        let docs = documents(
            r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, labels: {helm.sh/chart: spark-operator-2.1.0}}
spec:
  template:
    spec:
      containers:
      - {name: proxy, image: quay.io/brancz/kube-rbac-proxy:v0.13.1}
      - {name: webhook, image: example.com/mirror/spark-operator:latest, args: [webhook, start]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b}
spec:
  template:
    spec:
      containers:
      - {name: webhook, image: example.com/mirror/spark-operator:latest, args: [webhook, start]}
"#,
        );
        let model = Model::build(&docs, "default");
        let ids: Vec<&str> = recognise(&model)
            .iter()
            .map(|r| r.entry.id.as_str())
            .collect();
        assert_eq!(ids, ["spark-operator-2.0", "spark-operator-2.2"]);
    }

    use crate::yaml::documents_for_test as documents;

    #[test]
    fn spark_versions_and_defaults() {
        let docs = documents(
            r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: spark-operator-webhook, namespace: spark}
spec:
  template:
    metadata: {labels: {app: w}}
    spec:
      containers:
      - name: webhook
        image: docker.io/kubeflow/spark-operator:2.1.0
        args: [webhook, start, --webhook-svc-name=spark-operator-webhook, --webhook-svc-namespace=$(NS), --mutating-webhook-name=m]
        env: [{name: NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: gatekeeper-controller-manager, namespace: gatekeeper-system}
spec:
  template:
    spec:
      containers:
      - {name: manager, image: openpolicyagent/gatekeeper:v3.24.0, args: [--port=8443], env: [{name: POD_NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: gatekeeper-audit, namespace: gatekeeper-system}
spec:
  template:
    spec:
      containers:
      - {name: manager, image: openpolicyagent/gatekeeper:v3.24.0, args: [--disable-cert-rotation]}
"#,
        );
        let model = Model::build(&docs, "default");
        let found = generators(&model, &recognise(&model));
        assert_eq!(found.len(), 2, "{found:#?}");
        let spark = &found[0].provisioner;
        assert_eq!(spark.kind, ProvisionerKind::Operator("spark-operator-2.0"));
        assert_eq!(
            spark.dns_names,
            ["localhost", "spark-operator-webhook.spark.svc"]
        );
        assert!(spark.reuses_without_check);
        assert_eq!(
            spark.secret,
            Some((
                "spark-operator".into(),
                "spark-operator-webhook-certs".into()
            ))
        );
        let gatekeeper = &found[1].provisioner;
        assert_eq!(
            gatekeeper.dns_names,
            ["gatekeeper-webhook-service.gatekeeper-system.svc"]
        );
        let provisioning = crate::provision::Provenance::compute(&model, &[]).provisioning;
        let targets: Vec<&InjectTarget> =
            provisioning.injectors.iter().map(|i| &i.target).collect();
        assert!(targets.contains(&&InjectTarget::Configuration {
            kind: Some(EndpointKind::MutatingWebhook),
            name: "m".into()
        }));
        assert!(targets.contains(&&InjectTarget::Configuration {
            kind: Some(EndpointKind::ValidatingWebhook),
            name: "gatekeeper-validating-webhook-configuration".into()
        }));
    }
}
