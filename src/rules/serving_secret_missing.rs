//! A pod behind an endpoint mounts a Secret that nothing provides: not among the inputs, no
//! provisioner writes it, and no workload may create it. The kubelet cannot set the volume
//! up, so the pod never starts and the Service the API server calls has no endpoint.

use super::context::{rule_doc, Context, Rule};
use super::describe::describe_endpoint;
use super::shell_command::{self, Command};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{EndpointId, EndpointKind, Model, PodTemplateId, ServiceId};
use crate::provision::rbac::{Authorization, Grant, Request};
use crate::resolve::ServiceLink;
use crate::source::Span;
use foldhash::{HashMap, HashSet};

pub(crate) const RULE: Rule = Rule {
    id: "serving-secret-missing",
    severity: Severity::Warning,
    doc: rule_doc!("serving-secret-missing"),
    check,
};

/// Endpoints named in labels per finding; the rest are counted in a note.
const MAX_ENDPOINT_LABELS: usize = 3;

/// One Secret volume source of a serving pod template.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Mount {
    template: PodTemplateId,
    volume: usize,
    source: usize,
}

/// What calls the pods: the endpoint and the Service it goes through.
struct Caller {
    endpoint: EndpointId,
    service: ServiceId,
}

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    // Every Secret volume of every pod template behind an endpoint's Service: the kubelet
    // sets up all the pod's volumes, whichever container mounts them.
    let mut callers: HashMap<Mount, Vec<Caller>> = HashMap::default();
    let mut seen_templates: HashSet<(PodTemplateId, EndpointId)> = HashSet::default();
    for resolution in context.resolutions {
        let ServiceLink::Found {
            service, backends, ..
        } = &resolution.service
        else {
            continue;
        };
        for backend in backends {
            let t = backend.pod_template;
            let template = &model.pod_templates[t];
            let first_time = seen_templates.insert((t, resolution.endpoint));
            if !first_time {
                continue;
            }
            for (v, volume) in template.volumes.iter().enumerate() {
                for (s, source) in volume.secrets.iter().enumerate() {
                    if source.optional || source.secret_name.is_empty() {
                        continue;
                    }
                    callers
                        .entry(Mount {
                            template: t,
                            volume: v,
                            source: s,
                        })
                        .or_default()
                        .push(Caller {
                            endpoint: resolution.endpoint,
                            service: *service,
                        });
                }
            }
        }
    }
    let mut mounts: Vec<Mount> = callers.keys().copied().collect();
    mounts.sort_unstable();

    let authorization = &context.provenance.authorization;
    // Secrets by (namespace, name) to the templates that mount them without `optional`.
    let mut mounted_by: HashMap<(&str, &str), HashSet<PodTemplateId>> = HashMap::default();
    for mount in &mounts {
        let template = &model.pod_templates[mount.template];
        let source = &template.volumes[mount.volume].secrets[mount.source];
        let namespace = model.objects[template.object].namespace;
        mounted_by
            .entry((namespace, source.secret_name))
            .or_default()
            .insert(mount.template);
    }
    let live_secret_namespaces: HashSet<&str> = model
        .secrets
        .iter()
        .map(|s| &model.objects[s.object])
        .filter(|o| o.live)
        .map(|o| o.namespace)
        .collect();
    let mut creators: HashMap<(&str, &str), bool> = HashMap::default();

    for mount in mounts {
        let template = &model.pod_templates[mount.template];
        let volume = &template.volumes[mount.volume];
        let source = &volume.secrets[mount.source];
        let workload = &model.objects[template.object];
        let namespace = workload.namespace;
        let name = source.secret_name;
        if model.secret(namespace, name).is_some()
            // RBAC writers are judged below by whether they may create it.
            || context
                .provenance
                .provisioning
                .for_secret(namespace, name)
                .any(|p| p.kind != crate::provision::ProvisionerKind::Rbac)
            || survives_upgrade(context, namespace, name)
        {
            continue;
        }
        let may_be_created = *creators.entry((namespace, name)).or_insert_with(|| {
            if !authorization.is_complete() {
                return true;
            }
            let request = Request {
                verb: "create",
                group: "",
                resource: "secrets",
                namespace: Some(namespace),
                name: Some(name),
            };
            // A pod that mounts the Secret without `optional` cannot start to create it.
            let blocked = &mounted_by[&(namespace, name)];
            authorization
                .may_create(model, &request)
                .iter()
                .any(|(t, _)| !blocked.contains(t))
        });
        if may_be_created {
            continue;
        }
        let live = live_secret_namespaces.contains(namespace);
        out.push(diagnostic(
            context,
            mount,
            &callers[&mount],
            live,
            Some(authorization),
        ));
    }
}

fn diagnostic(
    context: &Context<'_, '_>,
    mount: Mount,
    callers: &[Caller],
    live: bool,
    authorization: Option<&Authorization<'_>>,
) -> Diagnostic {
    let model = context.model;
    let template = &model.pod_templates[mount.template];
    let volume = &template.volumes[mount.volume];
    let source = &volume.secrets[mount.source];
    let workload = &model.objects[template.object];
    let namespace = workload.namespace;
    let name = source.secret_name;
    let severity = if live {
        Severity::Error
    } else {
        Severity::Warning
    };
    let mut d = context
        .diagnostic_for(
            &RULE,
            template.object,
            format!(
                "Secret {namespace}/{name} does not exist and nothing creates it: the pods of {} never start",
                workload.display()
            ),
            source.secret_name_node.span(),
        )
        .with_span_label(format!(
            "volume \"{}\" needs this Secret (not `optional`)",
            volume.name
        ));
    d.severity = severity;

    let mut services_labelled: HashSet<ServiceId> = HashSet::default();
    let mut endpoints_labelled: HashSet<Span> = HashSet::default();
    for caller in callers {
        let service = &model.services[caller.service];
        if services_labelled.insert(caller.service) {
            let object = &model.objects[service.object];
            d = d.with_label(
                service
                    .selector_node
                    .map(|n| n.span())
                    .unwrap_or_else(|| object.name_span()),
                format!(
                    "Service {}/{} sends the calls to these pods",
                    object.namespace, object.name
                ),
            );
        }
    }
    let mut unlabelled = 0;
    for caller in callers {
        let endpoint = &model.endpoints[caller.endpoint];
        let span = endpoint.span(model);
        if endpoints_labelled.contains(&span) {
            continue;
        }
        if endpoints_labelled.len() == MAX_ENDPOINT_LABELS {
            unlabelled += 1;
            continue;
        }
        endpoints_labelled.insert(span);
        d = d.with_label(
            span,
            format!("{} calls them", describe_endpoint(model, endpoint)),
        );
    }
    d = d.with_note(format!(
        "the kubelet reports: MountVolume.SetUp failed for volume \"{}\" : secret \"{name}\" not found",
        volume.name
    ));
    let first = &model.endpoints[callers[0].endpoint];
    let service = &model.objects[model.services[callers[0].service].object];
    d = d.with_note(match first.kind {
        EndpointKind::ValidatingWebhook | EndpointKind::MutatingWebhook => format!(
            "with no ready pod, the API server's calls fail: failed calling webhook \"{}\": failed to call webhook: Post \"{}?timeout={}s\": no endpoints available for service \"{}\"",
            first.name,
            super::describe::call_url(model, first),
            first.timeout_seconds,
            service.name
        ),
        _ => format!(
            "with no ready pod, the API server's calls to {} fail: no endpoints available for service \"{}\"",
            describe_endpoint(model, first),
            service.name
        ),
    });
    if unlabelled > 0 {
        d = d.with_note(format!("{unlabelled} more endpoints call these pods"));
    }
    d = d.with_note(format!(
        "looked for: a Secret {namespace}/{name} among the inputs, a provisioner that writes it (cert-manager Certificate, kube-webhook-certgen create, an operator of the catalogue), and a pod template whose ServiceAccount may create secrets in namespace {namespace} (RBAC)"
    ));
    if live {
        d = d.with_note(format!(
            "the cluster state among the inputs holds Secrets of namespace {namespace}, but not this one"
        ));
    }
    if let Some(hint) = authorization.and_then(|a| rbac_hint(context, a, namespace, name)) {
        d = d.with_note(hint);
    }
    let command = Command::kubectl()
        .args(&["create", "secret", "tls"])
        .name(name)
        .namespace(namespace)
        .args(&["--cert=tls.crt", "--key=tls.key"])
        .build();
    d.with_help(format!(
        "create the Secret before the pods{}",
        shell_command::shown(command)
    ))
    .with_help(format!(
        "or have it provisioned: a cert-manager Certificate with `secretName: {name}` in namespace {namespace}, or a Job whose ServiceAccount may create secrets there"
    ))
    .with_help("or, if the server can start without it, set `optional: true` on the volume source")
}

/// With `--previous`: the previous release's Secret stays when it is rendered with
/// `helm.sh/resource-policy: keep`, or when its provisioner made it at run time (Helm does
/// not own it, so `helm upgrade` leaves it).
fn survives_upgrade(context: &Context<'_, '_>, namespace: &str, name: &str) -> bool {
    let Some((previous, provenance)) = context.previous else {
        return false;
    };
    let kept = previous.secret(namespace, name).is_some_and(|secret| {
        previous.objects[secret.object]
            .node()
            .path(&["metadata", "annotations", "helm.sh/resource-policy"])
            .and_then(|n| n.as_str())
            == Some("keep")
    });
    kept || provenance
        .provisioning
        .for_secret(namespace, name)
        .any(|p| p.kind != crate::provision::ProvisionerKind::Rbac)
}

/// Workloads that may write the Secret but not create it: the usual half-done RBAC.
fn rbac_hint(
    context: &Context<'_, '_>,
    authorization: &Authorization<'_>,
    namespace: &str,
    name: &str,
) -> Option<String> {
    let model: &Model<'_> = context.model;
    let update = Request {
        verb: "update",
        group: "",
        resource: "secrets",
        namespace: Some(namespace),
        name: Some(name),
    };
    let (template, grants) = authorization
        .templates_allowed(model, &update)
        .into_iter()
        .next()?;
    let grant: &Grant = grants.first()?;
    let why = if grant.names_object {
        " (a create names no object, so a rule limited by `resourceNames` cannot allow it)"
    } else {
        ""
    };
    Some(format!(
        "{} may update it but not create it{why}: {}",
        model.objects[model.pod_templates[template].object].display(),
        authorization.describe(model, grant, &update)
    ))
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::{Diagnostic, Severity};
    use crate::pipeline::{lint, Options};
    use crate::source::{SourceFile, SourceMap};

    const SERVING: &str = "apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: w}
webhooks:
- name: v.example.org
  clientConfig: {service: {name: svc, namespace: ns}}
---
apiVersion: v1
kind: Service
metadata: {name: svc, namespace: ns}
spec: {selector: {app: server}, ports: [{port: 443, targetPort: 8443}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: server, namespace: ns}
spec:
  template:
    metadata: {labels: {app: server}}
    spec:
      serviceAccountName: server
      containers: [{name: c, ports: [{containerPort: 8443}], volumeMounts: [{name: certs, mountPath: /certs}]}]
      volumes:
      - {name: certs, secret: {secretName: tls}}
      - name: extra
        projected: {sources: [{secret: {name: unmounted-but-required}}, {secret: {name: optional-one, optional: true}}]}
---
";

    const CREATE_IN_NS: &str = "apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: writer, namespace: ns}
rules: [{apiGroups: [''], resources: [secrets], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: writer, namespace: ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: writer}
subjects: [{kind: ServiceAccount, name: SUBJECT}]
---
";

    fn findings(text: &str) -> Vec<Diagnostic> {
        let mut sources = SourceMap::default();
        sources.add(SourceFile::new("in.yaml", text.as_bytes().to_vec()));
        let mut options = Options::new("default");
        options.now = crate::tls::time::Time::new(1_800_000_000, 0);
        lint(&sources, &options)
            .diagnostics
            .into_iter()
            .filter(|d| d.rule == "serving-secret-missing")
            .collect()
    }

    fn secrets(found: &[Diagnostic]) -> Vec<String> {
        found
            .iter()
            .map(|d| {
                d.message
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn every_required_secret_volume_of_a_serving_pod_counts() {
        let found = findings(SERVING);
        assert_eq!(secrets(&found), ["ns/tls", "ns/unmounted-but-required"]);
        assert!(found.iter().all(|d| d.severity == Severity::Warning));
        let d = &found[0];
        assert!(d.notes[0]
            .contains("MountVolume.SetUp failed for volume \"certs\" : secret \"tls\" not found"));
        assert_eq!(d.labels.len(), 2, "{:?}", d.labels);
        assert!(d.labels[0].message.starts_with("Service ns/svc"));
        assert!(d.labels[1].message.starts_with("webhook \"v.example.org\""));
    }

    #[test]
    fn a_secret_among_the_inputs_or_provisioned_is_no_finding() {
        let with_secrets = format!("{SERVING}apiVersion: v1\nkind: Secret\nmetadata: {{name: tls, namespace: ns}}\n---\napiVersion: v1\nkind: Secret\nmetadata: {{name: unmounted-but-required, namespace: ns}}\n");
        assert!(findings(&with_secrets).is_empty());
        let certificate = format!("{SERVING}apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {{name: c, namespace: ns}}\nspec: {{secretName: tls, dnsNames: [svc.ns.svc], issuerRef: {{name: i}}}}\n");
        assert_eq!(
            secrets(&findings(&certificate)),
            ["ns/unmounted-but-required"]
        );
    }

    #[test]
    fn a_workload_that_may_create_secrets_silences_it_unless_it_mounts_them_itself() {
        let job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: gen, namespace: ns}\nspec: {template: {spec: {serviceAccountName: gen, containers: [{name: c}]}}}\n---\n";
        let text = format!("{SERVING}{}{job}", CREATE_IN_NS.replace("SUBJECT", "gen"));
        assert!(findings(&text).is_empty());
        // The serving pods themselves may create secrets, but cannot start to do it.
        let text = format!("{SERVING}{}", CREATE_IN_NS.replace("SUBJECT", "server"));
        assert_eq!(findings(&text).len(), 2);
        // Another namespace's permission does not help.
        let text = format!(
            "{SERVING}{}{job}",
            CREATE_IN_NS
                .replace("SUBJECT", "gen")
                .replace("namespace: ns", "namespace: other")
        );
        assert_eq!(findings(&text).len(), 2);
    }

    #[test]
    fn live_secrets_of_the_namespace_make_it_an_error() {
        let live = format!("{SERVING}apiVersion: v1\nkind: Secret\nmetadata: {{name: unrelated, namespace: ns, resourceVersion: '1'}}\n---\n");
        let found = findings(&live);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|d| d.severity == Severity::Error));
        let elsewhere = live.replace(
            "name: unrelated, namespace: ns",
            "name: unrelated, namespace: other",
        );
        assert!(findings(&elsewhere)
            .iter()
            .all(|d| d.severity == Severity::Warning));
    }

    /// Names from the manifest reach the message raw (JSON keeps them exact); the human
    /// and GitHub reports show their control characters, never emit them.
    #[test]
    fn hostile_names_are_shown_not_emitted() {
        let text = SERVING.replace(
            "{secretName: tls}",
            "{secretName: \"tls\\n::error::owned\\e[2J\\u202e\"}",
        );
        let mut sources = SourceMap::default();
        sources.add(SourceFile::new("in.yaml", text.as_bytes().to_vec()));
        let mut options = Options::new("default");
        options.now = crate::tls::time::Time::new(1_800_000_000, 0);
        let outcome = lint(&sources, &options);
        let found: Vec<&Diagnostic> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.rule == "serving-secret-missing")
            .collect();
        assert!(found[0].message.contains("tls\n::error::owned"));
        // No command is suggested for a name no Secret can have.
        assert!(found[0].help.iter().all(|h| !h.contains("kubectl")));
        for color in [false, true] {
            let mut out = Vec::new();
            crate::report::human::render(
                &mut out,
                &outcome.diagnostics,
                &sources,
                &outcome.redactions,
                color,
            )
            .unwrap();
            let out = String::from_utf8(out).unwrap();
            assert!(out.contains("tls␊::error::owned␛[2J<U+202E>"), "{out}");
            assert!(!out.contains("\n::error"));
            assert!(!out.contains('\u{202e}'));
        }
        let mut out = Vec::new();
        crate::report::github::render(&mut out, &outcome.diagnostics, &sources).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.lines().all(|l| !l.starts_with("::error::owned")),
            "{out}"
        );
    }

    /// One webhook, Service, Deployment, binding and named ClusterRole per Secret: the
    /// named rules are looked up by name, not scanned for every Secret (once quadratic).
    #[test]
    fn many_missing_secrets_with_named_rules_stay_linear() {
        let mut text = String::new();
        let n = 4_000;
        for i in 0..n {
            let ns = format!("ns{}", i % 50);
            text.push_str(&format!("apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {{name: w{i}}}\nwebhooks: [{{name: v{i}.example.org, clientConfig: {{service: {{name: s{i}, namespace: {ns}}}}}}}]\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: s{i}, namespace: {ns}}}\nspec: {{selector: {{app: a{i}}}, ports: [{{port: 443, targetPort: 8443}}]}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}, namespace: {ns}}}\nspec: {{template: {{metadata: {{labels: {{app: a{i}}}}}, spec: {{serviceAccountName: sa{i}, containers: [{{name: c, ports: [{{containerPort: 8443}}]}}], volumes: [{{name: certs, secret: {{secretName: tls{i}}}}}]}}}}}}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {{name: b{i}}}\nroleRef: {{apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r{i}}}\nsubjects: [{{kind: ServiceAccount, name: sa{i}, namespace: {ns}}}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {{name: r{i}}}\nrules: [{{apiGroups: [''], resources: [secrets], resourceNames: [tls{i}], verbs: [get, update]}}]\n---\n"));
        }
        let started = std::time::Instant::now();
        let found = findings(&text);
        assert_eq!(found.len(), n);
        assert!(found[0]
            .notes
            .iter()
            .any(|n| n.contains("may update it but not create it")));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{:?}",
            started.elapsed()
        );
    }
}
