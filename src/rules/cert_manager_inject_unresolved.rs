//! cainjector annotations that lead nowhere: the caBundle they should fill stays as it is
//! (usually empty).

use super::context::{rule_doc, Context, Rule};
use super::describe::describe_endpoint;
use super::shell_command::{self, Command};
use crate::diagnostic::{Diagnostic, Severity};
use crate::provision::cert_manager::{
    AnnotationKind, CertManager, DirectInjection, Injection, Source, Unresolved,
    ALLOW_DIRECT_INJECTION, INJECT_CA_FROM, INJECT_CA_FROM_SECRET, LEGACY_INJECT_CA_FROM,
};
use crate::resolve::ca_bundle_pem;

pub(crate) const RULE: Rule = Rule {
    id: "cert-manager-inject-unresolved",
    severity: Severity::Error,
    doc: rule_doc!("cert-manager-inject-unresolved"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let cm = &context.provenance.cert_manager;
    for injection in &cm.injections {
        let Some(d) = finding(context, cm, injection) else {
            continue;
        };
        out.push(with_consequence(context, injection, d));
    }
}

fn finding(
    context: &Context<'_, '_>,
    cm: &CertManager<'_>,
    injection: &Injection<'_>,
) -> Option<Diagnostic> {
    let model = context.model;
    let key = injection.kind.key();
    let value = injection.value;
    let start = |message: String| {
        context.diagnostic_for(
            &RULE,
            injection.object,
            message,
            injection.value_node.span(),
        )
    };
    let run_time = context
        .provenance
        .run_time_certificates
        .iter()
        .find(|(o, _, _)| *o == injection.object);
    let d = match (&injection.source, run_time) {
        (
            Source::Unresolved(Unresolved::NoSuchCertificate { namespace, name }),
            Some((_, by, rule)),
        ) => {
            let mut d = start(format!(
                "{key} names Certificate {namespace}/{name}, which is made at run time"
            ))
            .with_span_label(format!("filled by {by}"))
            .with_label(*rule, "this rule lets it create the Certificate")
            .with_note("which names the Certificate will carry is not known from the inputs: its TLS verdict is not checked");
            d.severity = Severity::Note;
            d
        }
        (Source::Unresolved(Unresolved::NoSuchCertificate { namespace, name }), _) => {
            let mut d = start(format!(
                "{key} names Certificate {namespace}/{name}, which is not among the inputs"
            ))
            .with_span_label("cainjector finds no such Certificate and injects nothing");
            d = list_certificates(context, cm, d);
            if let Some(c) = cm.certificates.iter().find(|c| c.writes(namespace, name)) {
                d = d.with_note(format!(
                    "{name} is the secretName of Certificate {}: {key} takes the Certificate's name ({INJECT_CA_FROM_SECRET} takes a Secret's)",
                    c.id()
                ));
            }
            match suggestion(context, cm, injection, namespace, name) {
                Some(i) => {
                    let c = &cm.certificates[i];
                    d = d.with_help(format!(
                        "point the annotation at the Certificate that serves this webhook: `{INJECT_CA_FROM}: {}`",
                        c.id()
                    ));
                    if c.name.ends_with(name.as_str()) || c.namespace != *namespace {
                        d = d.with_help(format!(
                            "kustomize's namePrefix/namespace renamed the Certificate to {} but not the annotation: let a `replacements` entry in config/default/kustomization.yaml copy the Certificate's .metadata.namespace and .metadata.name into .metadata.annotations.[{INJECT_CA_FROM}] (delimiter '/', index 0 and 1), as kubebuilder scaffolds it",
                            c.id()
                        ));
                    }
                    d
                }
                None if cm.certificates.is_empty() => d.with_help(
                    "render the Certificate too (kubebuilder: enable `- ../certmanager` in config/default/kustomization.yaml) or pass the file that defines it; otherwise remove the annotation and set the caBundle yourself",
                ),
                None => d.with_help(format!(
                    "set `{key}: <namespace>/<name>` to the Certificate whose secretName the webhook's pods mount"
                )),
            }
        }
        (Source::Unresolved(Unresolved::Malformed), _) => {
            let mut d = start(format!(
                "{key}: {value:?} is not <namespace>/<name>: cainjector skips the object (invalid certificate name; needs a namespace/ prefix)"
            ));
            let fix = match injection.kind {
                AnnotationKind::InjectCaFromSecret => "<namespace>/<Secret>",
                _ => "<namespace>/<Certificate>",
            };
            let known = cm
                .certificates
                .iter()
                .find(|c| c.name == value || c.secret_name_text() == Some(value));
            d = match known {
                Some(c) => d.with_help(format!("write it as `{key}: {}/{value}`", c.namespace)),
                None => d.with_help(format!("write it as `{key}: {fix}`")),
            };
            d
        }
        (Source::Unresolved(Unresolved::GroupMismatch { certificate }), _) => {
            let c = &cm.certificates[*certificate];
            let label = format!("Certificate {} is here", c.id());
            if injection.kind == AnnotationKind::LegacyInjectCaFrom {
                start(format!(
                    "{LEGACY_INJECT_CA_FROM} is read only by cert-manager before v0.11, but Certificate {} is cert-manager.io: its cainjector never sees this annotation",
                    c.id()
                ))
                .with_label(model.objects[c.object].name_span(), label)
                .with_help(format!(
                    "rename the annotation key: `{INJECT_CA_FROM}: {value}`"
                ))
            } else {
                start(format!(
                    "Certificate {} is certmanager.k8s.io (cert-manager before v0.11), whose cainjector reads {LEGACY_INJECT_CA_FROM}, not {key}",
                    c.id()
                ))
                .with_label(model.objects[c.object].name_span(), label)
                .with_help(
                    "move the Certificate and Issuer to apiVersion cert-manager.io/v1 (`cmctl convert`), which the current cainjector reads",
                )
            }
        }
        (Source::Unresolved(Unresolved::NoSuchSecret { namespace, name }), _) => {
            let d = start(format!(
                "{key} names Secret {namespace}/{name}, which is not among the inputs, and no Certificate among them writes it"
            ))
            .with_span_label("cainjector finds no such Secret and injects nothing");
            let d = list_certificates(context, cm, d);
            d.with_help(format!(
                "if the Secret exists in the cluster, pass it too{}; otherwise inject from the Certificate that writes the serving Secret: `{INJECT_CA_FROM}: <namespace>/<Certificate>`",
                Command::kubectl()
                    .args(&["get", "secret"])
                    .name(name)
                    .namespace(namespace)
                    .args(&["-o", "yaml"])
                    .build()
                    .map_or_else(String::new, |c| format!(" (`{c}`)"))
            ))
        }
        (
            Source::Secret {
                namespace,
                name,
                secret,
                written_by,
                made_by,
                direct,
            },
            _,
        ) => match direct {
            DirectInjection::Allowed => return None,
            DirectInjection::Refused => {
                let mut d = start(format!(
                    "Secret {namespace}/{name} does not carry {ALLOW_DIRECT_INJECTION}: \"true\": cainjector refuses to inject from it"
                ));
                if let Some(s) = secret {
                    let object = &model.objects[model.secrets[*s].object];
                    d = d.with_label(object.name_span(), "this Secret has no such annotation");
                }
                for &c in written_by {
                    let c = &cm.certificates[c];
                    let span = c
                        .secret_name
                        .map(|n| n.span())
                        .unwrap_or_else(|| model.objects[c.object].name_span());
                    d = d.with_label(
                        span,
                        format!(
                            "Certificate {} writes it, with no such annotation in spec.secretTemplate",
                            c.id()
                        ),
                    );
                }
                match written_by.first().map(|&c| &cm.certificates[c]) {
                    Some(c) => d
                        .with_help(format!(
                            "inject from the Certificate instead: `{INJECT_CA_FROM}: {}`",
                            c.id()
                        ))
                        .with_help(format!(
                            "or add to Certificate {}: `spec.secretTemplate.annotations: {{{ALLOW_DIRECT_INJECTION}: \"true\"}}`",
                            c.id()
                        )),
                    None => d.with_help(
                        match Command::kubectl()
                            .args(&["annotate", "secret"])
                            .name(name)
                            .namespace(namespace)
                            .annotation(ALLOW_DIRECT_INJECTION, "true")
                            .build()
                        {
                            Some(command) => format!("annotate the Secret: `{command}` (and in its manifest)"),
                            None => format!("annotate the Secret with {ALLOW_DIRECT_INJECTION}: \"true\""),
                        },
                    ),
                }
            }
            DirectInjection::Unknown => {
                let makers: Vec<String> = made_by
                    .iter()
                    .map(|&t| model.objects[model.pod_templates[t].object].display())
                    .collect();
                let mut d = start(format!(
                    "Secret {namespace}/{name} is made at run time by {}: whether it carries {ALLOW_DIRECT_INJECTION}: \"true\", without which cainjector does not inject, cannot be known from the inputs",
                    makers.join(", ")
                ));
                d.severity = Severity::Note;
                d = d.with_help(format!(
                    "check it in the cluster{}",
                    shell_command::shown(
                        Command::kubectl()
                            .args(&["get", "secret"])
                            .name(name)
                            .namespace(namespace)
                            .args(&["-o", "jsonpath={.metadata.annotations}"])
                            .build()
                    )
                ));
                return Some(d);
            }
        },
        (
            Source::Unresolved(Unresolved::Placeholder(_))
            | Source::Certificate(_)
            | Source::ApiserverCa
            | Source::Off,
            _,
        ) => return None,
    };
    Some(d)
}

/// What the annotation not resolving does to the endpoints of the object, and the severity.
fn with_consequence(
    context: &Context<'_, '_>,
    injection: &Injection<'_>,
    mut d: Diagnostic,
) -> Diagnostic {
    if d.severity == Severity::Note {
        return d;
    }
    let model = context.model;
    let object = &model.objects[injection.object];
    let endpoints: Vec<_> = model
        .endpoints
        .iter()
        .filter(|e| e.object == injection.object)
        .collect();
    let called: Vec<_> = endpoints.iter().filter(|e| !e.never_called).collect();
    let empty: Vec<_> = called
        .iter()
        .filter(|e| ca_bundle_pem(e).is_some_and(|pem| pem.iter().all(u8::is_ascii_whitespace)))
        .collect();
    if endpoints.is_empty() {
        d.severity = Severity::Warning;
        return d.with_note(format!(
            "{} calls no webhook, so nothing depends on the injection yet",
            object.display()
        ));
    }
    if called.is_empty() {
        d.severity = Severity::Warning;
        return d.with_note(
            "the CRD serves a single version, so the API server does not call its conversion webhook yet; it will fail as soon as a second version is served",
        );
    }
    match empty.first() {
        Some(first) => {
            let more = if empty.len() > 1 {
                format!(" (and {} more)", empty.len() - 1)
            } else {
                String::new()
            };
            d.with_note(format!(
                "the caBundle of {}{more} stays empty: the API server then trusts only its system store, which holds no self-signed or private CA, and every call fails with `tls: failed to verify certificate: x509: certificate signed by unknown authority`",
                describe_endpoint(model, first)
            ))
        }
        None => {
            d.severity = Severity::Warning;
            d.with_note(
                "the caBundle written in the manifest stays in place, since nothing overwrites it",
            )
        }
    }
}

/// Names every Certificate among the inputs, pointing at a few.
fn list_certificates(context: &Context<'_, '_>, cm: &CertManager<'_>, d: Diagnostic) -> Diagnostic {
    if cm.certificates.is_empty() {
        return d.with_note("no cert-manager Certificate is among the inputs");
    }
    let mut d = d;
    for c in cm.certificates.iter().take(4) {
        d = d.with_label(
            context.model.objects[c.object].name_span(),
            format!("Certificate {} is among the inputs", c.id()),
        );
    }
    let names: Vec<String> = cm.certificates.iter().map(|c| c.id()).collect();
    d.with_note(format!(
        "Certificates among the inputs: {}",
        names.join(", ")
    ))
}

/// The Certificate the annotation most likely meant: the one writing the Secret the
/// webhook's pods mount, else the one whose name differs only by a kustomize prefix or
/// namespace, else the only serving Certificate.
fn suggestion(
    context: &Context<'_, '_>,
    cm: &CertManager<'_>,
    injection: &Injection<'_>,
    namespace: &str,
    name: &str,
) -> Option<usize> {
    let model = context.model;
    let serving = context
        .provenance
        .cert_manager_serving_object(model, injection.object);
    if let [only] = serving.as_slice() {
        return Some(*only);
    }
    let unique = |candidates: Vec<usize>| match candidates.as_slice() {
        [only] => Some(*only),
        _ => None,
    };
    let near: Vec<usize> = cm
        .certificates
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.legacy)
        .filter(|(_, c)| {
            (c.name != name && (c.name.ends_with(name) || name.ends_with(c.name)))
                || (c.name == name && c.namespace != namespace)
        })
        .map(|(i, _)| i)
        .collect();
    unique(near).or_else(|| {
        unique(
            cm.certificates
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.legacy && !c.is_ca)
                .map(|(i, _)| i)
                .collect(),
        )
    })
}
