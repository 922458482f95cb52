use super::context::{rule_doc, Context, Rule};
use super::describe::{cause_key, describe_endpoint};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::ServiceId;
use crate::resolve::{ServedCertificate, ServiceLink};

pub(crate) const RULE: Rule = Rule {
    id: "certificate-undetermined",
    severity: Severity::Note,
    doc: rule_doc!("certificate-undetermined"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let mut per_endpoint: Vec<super::by_cause::PerEndpoint> = Vec::new();
    // Endpoints calling one Service port share its pods: their provisioners are found once.
    let mut by_service_port = foldhash::HashMap::default();
    // service-selects-no-pods reports these Services' selectors: no second word on that cause.
    let mut selects_nothing: Option<Vec<ServiceId>> = None;
    for resolution in context.resolutions {
        let ServedCertificate::Undetermined(reason) = &resolution.certificate else {
            continue;
        };
        if let ServiceLink::Found {
            service, backends, ..
        } = &resolution.service
        {
            if backends.is_empty()
                && selects_nothing
                    .get_or_insert_with(|| {
                        super::service_selects_no_pods::reported_services(context)
                    })
                    .contains(service)
            {
                continue;
            }
        }
        let endpoint = context.endpoint(resolution);
        let described = describe_endpoint(context.model, endpoint);
        let provisioners = match &resolution.service {
            ServiceLink::Found { service, port, .. } => by_service_port
                .entry((*service, *port))
                .or_insert_with(|| context.provenance.provisioners_for(resolution))
                .clone(),
            _ => context.provenance.provisioners_for(resolution),
        };
        let mut diagnostic = if provisioners.is_empty() {
            context
                .diagnostic_for(
                    &RULE,
                    endpoint.object,
                    format!("the serving certificate of {described} cannot be determined: {reason}"),
                    endpoint.span(context.model),
                )
                .with_note("no provisioner speclint knows makes it (cert-manager, kube-webhook-certgen, or an operator of the catalogue in rules/provisioners/): its TLS verdict is not checked")
        } else {
            let names: Vec<&str> = provisioners
                .iter()
                .map(|p| p.description.as_str())
                .collect();
            let mut d = context
                .diagnostic_for(
                    &RULE,
                    endpoint.object,
                    format!(
                        "the serving certificate of {described} is made at run time by {}",
                        names.join(", ")
                    ),
                    endpoint.span(context.model),
                )
                .with_note(if provisioners.iter().all(|p| p.names_known) {
                    "the names it will carry are checked against the name the API server calls"
                } else {
                    "which names it will put in the certificate cannot be read from the inputs (RBAC shows who may write the Secret, not what): its TLS verdict is not checked"
                });
            for provisioner in &provisioners {
                d = d.with_label(
                    provisioner.span,
                    format!("{} makes the certificate here", provisioner.description),
                );
            }
            d
        };
        if let Some(server_name) = &resolution.server_name {
            diagnostic =
                diagnostic.with_span_label(format!("the API server will verify {server_name}"));
        }
        per_endpoint.push(super::by_cause::PerEndpoint {
            endpoint: resolution.endpoint,
            cause: cause_key(context, resolution.endpoint, &diagnostic),
            diagnostic,
        });
    }
    super::by_cause::merge(context.model, per_endpoint, out);
}
