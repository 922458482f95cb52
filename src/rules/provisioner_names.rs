//! The names a run-time generator (kube-webhook-certgen `create`, or an operator of the
//! catalogue) will put in the certificate must cover the name the API server calls, by Go's
//! `VerifyHostname`: otherwise every certificate it makes is refused.

use super::context::{rule_doc, Context, Rule};
use super::describe::{call_failure_note, describe_endpoint, service_field};
use crate::diagnostic::{Diagnostic, Severity};
use crate::provision::certgen::{self, Generator, NameRole, Setting};
use crate::provision::provenance::Link;
use crate::resolve::Target;

pub(crate) const RULE: Rule = Rule {
    id: "provisioner-names",
    severity: Severity::Error,
    doc: rule_doc!("provisioner-names"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for generator in &context.provenance.generators {
        let provisioner = &generator.provisioner;
        if !provisioner.names_known {
            continue;
        }
        for (resolution, link) in context.provenance.served_by(context.resolutions, generator) {
            let endpoint = context.endpoint(resolution);
            if endpoint
                .insecure_skip_tls_verify
                .is_some_and(|n| n.as_bool() == Some(true))
            {
                continue;
            }
            let Some(server_name) = resolution.server_name.as_deref() else {
                continue;
            };
            let Some(message) = certgen::names_refuse(
                &provisioner.dns_names,
                &provisioner.ip_addresses,
                server_name,
                context.go,
            ) else {
                continue;
            };
            out.push(diagnostic(
                context,
                generator,
                resolution,
                link,
                server_name,
                message,
            ));
        }
    }
}

fn diagnostic(
    context: &Context<'_, '_>,
    generator: &Generator,
    resolution: &crate::resolve::Resolution,
    link: Link,
    server_name: &str,
    message: String,
) -> Diagnostic {
    let model = context.model;
    let endpoint = context.endpoint(resolution);
    let provisioner = &generator.provisioner;
    let template = &model.pod_templates[generator.pod_template];
    let workload = &model.objects[template.object];
    let container_name = template.containers[generator.container].name.unwrap_or("");
    let mut names: Vec<String> = provisioner.dns_names.clone();
    names.extend(provisioner.ip_addresses.iter().cloned());
    let issued = if names.is_empty() {
        "no name".to_string()
    } else {
        names.join(", ")
    };
    let (service, namespace) = match &resolution.target {
        Target::Service {
            name, namespace, ..
        } => (name.as_str(), namespace.as_str()),
        _ => ("", ""),
    };
    // The input that gave the wrong name: the Service or host list first, then the namespace.
    let culprit = generator
        .name_inputs
        .iter()
        .filter(|input| match input.role {
            NameRole::Service => input.value != service,
            NameRole::Namespace => input.value != namespace,
            NameRole::Hosts => true,
        })
        .min_by_key(|input| input.role == NameRole::Namespace);
    let generator_label = match culprit {
        Some(input) if input.span.is_none() => format!(
            "{} leaves {} to its default {} and will issue its certificate for {issued}",
            provisioner.description,
            setting_name(&input.setting),
            input.value
        ),
        _ => format!(
            "{} will issue its certificate for {issued}",
            provisioner.description
        ),
    };
    let label_span = culprit
        .and_then(|input| input.span)
        .unwrap_or(provisioner.span);
    let mut d = context
        .diagnostic_for(
            &RULE,
            endpoint.object,
            message.clone(),
            endpoint.span(model),
        )
        .with_span_label(format!(
            "{} is called as {server_name}",
            describe_endpoint(model, endpoint)
        ))
        .with_label(label_span, generator_label);
    if let Link::Mounts(span) = link {
        if let Some((namespace, name)) = &provisioner.secret {
            d = d.with_label(
                span,
                format!("the webhook's pods serve the Secret {namespace}/{name} it writes"),
            );
        }
    }
    if endpoint.never_called {
        d.severity = Severity::Warning;
        d = d.with_note("the CRD serves a single version, so the API server does not call this webhook yet; it will fail as soon as a second version is served");
    }
    d = d.with_note(call_failure_note(context, resolution, &message));
    let where_ = format!(
        "container {container_name} of {}/{} -n {}",
        workload.kind, workload.name, workload.namespace
    );
    let mut fixes = Vec::new();
    let mut generator_service = None;
    for input in &generator.name_inputs {
        match input.role {
            NameRole::Service => {
                generator_service = Some(input.value.clone());
                if input.value != service {
                    fixes.push(fix(&input.setting, service, &where_));
                }
            }
            NameRole::Namespace => {
                if input.value != namespace {
                    fixes.push(fix(&input.setting, namespace, &where_));
                }
            }
            NameRole::Hosts => {
                let hosts = if input.value.is_empty() {
                    server_name.to_string()
                } else {
                    format!("{},{server_name}", input.value)
                };
                fixes.push(match &input.setting {
                    Setting::Fixed => format!(
                        "the names are compiled into the generator: call it as one of {issued}"
                    ),
                    setting @ Setting::Flag { repeated: true, .. } => format!(
                        "add {server_name} to the names: add {} to the arguments of {where_}",
                        setting.edit(server_name)
                    ),
                    setting => format!(
                        "add {server_name} to the names: set {} in {where_}",
                        setting.edit(&hosts)
                    ),
                });
            }
        }
    }
    if fixes.is_empty() {
        fixes.push(format!(
            "make the generator issue for {server_name}, or point {} at a name it issues for",
            service_field(endpoint)
        ));
    }
    for help in fixes {
        d = d.with_help(help);
    }
    let existing = generator_service
        .filter(|s| !s.is_empty() && s != service)
        .filter(|s| model.service_index(namespace, s).is_some());
    if let Some(generator_service) = existing {
        d = d.with_help(format!(
            "or point {} at the Service the generator issues for: `name: {generator_service}`",
            service_field(endpoint)
        ));
    }
    if provisioner.reuses_without_check {
        if let Some((namespace, name)) = &provisioner.secret {
            d = d.with_help(format!(
                "it keeps an existing Secret without checking its names: after the fix, delete it so it is generated again{}",
                super::shell_command::shown(super::shell_command::delete_secret(name, namespace))
            ));
        }
    }
    d
}

fn fix(setting: &Setting, value: &str, where_: &str) -> String {
    match setting {
        Setting::Fixed => {
            "the generator's name is compiled in: rename the Service to match it".to_string()
        }
        Setting::Env(_) => format!("set {} in {where_}", setting.edit(value)),
        Setting::Flag { .. } => format!("set {} in the arguments of {where_}", setting.edit(value)),
    }
}

/// The flag or env a setting names, for labels.
fn setting_name(setting: &Setting) -> String {
    match setting {
        Setting::Flag { spelled, .. } => spelled.clone(),
        Setting::Env(name) => name.clone(),
        Setting::Fixed => "its name".to_string(),
    }
}
