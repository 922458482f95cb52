//! kube-webhook-certgen `create --secret-name` must be the Secret the webhook's pods serve:
//! otherwise the patch Job copies one CA into the caBundle while the pods serve another
//! certificate (or none).

use super::context::{rule_doc, Context, Rule};
use super::describe::describe_endpoint;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{EndpointKind, ObjectId};
use crate::provision::certgen::{self, Command};
use crate::resolve::ServiceLink;
use crate::source::Span;

pub(crate) const RULE: Rule = Rule {
    id: "certgen-secret-not-mounted",
    severity: Severity::Error,
    doc: rule_doc!("certgen-secret-not-mounted"),
    check,
};

/// A serving container that mounts another Secret.
struct Elsewhere {
    span: Span,
    secret: String,
    workload: ObjectId,
    endpoint: String,
}

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let invocations = &context.provenance.certgen_invocations;
    let certgen_generators = context
        .provenance
        .generators
        .iter()
        .filter(|g| g.provisioner.kind == crate::provision::ProvisionerKind::Certgen);
    for generator in certgen_generators {
        let provisioner = &generator.provisioner;
        let (Some((namespace, secret)), Some(secret_span)) =
            (&provisioner.secret, generator.secret_span)
        else {
            continue;
        };
        // What the certificate is for: the configurations a patch Job of the same Secret
        // fills, and the endpoints whose name the hosts cover.
        let mut patched: Vec<ObjectId> = Vec::new();
        for invocation in invocations {
            let Command::Patch(patch) = &invocation.command else {
                continue;
            };
            if patch.namespace != *namespace
                || patch
                    .secret_name
                    .as_ref()
                    .is_some_and(|s| s.value != *secret)
            {
                continue;
            }
            for (id, object) in model.objects.iter_ids() {
                let by_configuration = patch.webhook_name.as_ref().is_some_and(|w| {
                    w.value == object.name
                        && EndpointKind::from_kind(object.kind)
                            .is_some_and(|k| patch.kinds().contains(&k))
                });
                let by_api_service = patch.apiservice_name.as_ref().is_some_and(|a| {
                    a.value == object.name && object.kind == EndpointKind::ApiService.as_str()
                });
                if by_configuration || by_api_service {
                    patched.push(id);
                }
            }
        }
        let mut served_here = false;
        let mut elsewhere: Vec<Elsewhere> = Vec::new();
        for resolution in context.resolutions {
            let endpoint = context.endpoint(resolution);
            let covered = provisioner.names_known
                && resolution.server_name.as_deref().is_some_and(|name| {
                    certgen::names_refuse(
                        &provisioner.dns_names,
                        &provisioner.ip_addresses,
                        name,
                        context.go,
                    )
                    .is_none()
                });
            if !covered && !patched.contains(&endpoint.object) {
                continue;
            }
            let ServiceLink::Found { backends, .. } = &resolution.service else {
                continue;
            };
            for backend in backends {
                let mounts = context
                    .provenance
                    .mounted(resolution.endpoint)
                    .iter()
                    .filter(|m| m.pod_template == backend.pod_template && m.flag.is_none());
                for mounted in mounts {
                    if mounted.namespace == *namespace && mounted.name == secret {
                        served_here = true;
                    }
                    let (name, span) = (mounted.name, mounted.span);
                    if elsewhere.iter().all(|e| e.span != span) {
                        elsewhere.push(Elsewhere {
                            span,
                            secret: name.to_string(),
                            workload: model.pod_templates[backend.pod_template].object,
                            endpoint: describe_endpoint(model, endpoint),
                        });
                    }
                }
            }
        }
        if served_here || elsewhere.is_empty() {
            continue;
        }
        let job = &model.objects[provisioner.object];
        let mut others: Vec<&str> = elsewhere.iter().map(|e| e.secret.as_str()).collect();
        others.sort_unstable();
        others.dedup();
        let mut d = context
            .diagnostic_for(
                &RULE,
                provisioner.object,
                format!(
                    "kube-webhook-certgen writes Secret {namespace}/{secret}, but the webhook's pods serve {}",
                    others.join(", ")
                ),
                secret_span,
            )
            .with_span_label(format!("{} writes the certificate here", job.display()));
        for e in &elsewhere {
            d = d.with_label(
                e.span,
                format!(
                    "{} serves {} from Secret {}",
                    model.objects[e.workload].display(),
                    e.endpoint,
                    e.secret
                ),
            );
        }
        let first = &elsewhere[0];
        let workload = &model.objects[first.workload];
        out.push(
            d.with_note(format!(
                "the patch Job copies the CA of {secret} into the caBundle while the pods serve what {} holds: calls fail with `x509: certificate signed by unknown authority`, or the pods never start when that Secret does not exist",
                others.join(", ")
            ))
            .with_help(format!(
                "set `--secret-name={}` on the certgen create and patch Jobs",
                first.secret
            ))
            .with_help(format!(
                "or serve the Secret certgen writes: in {}/{} -n {}, set the volume's `secretName: {secret}`",
                workload.kind, workload.name, workload.namespace
            )),
        );
    }
}
