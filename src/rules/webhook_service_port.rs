use super::context::{rule_doc, Context, Rule};
use super::describe::describe_endpoint;
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve::{ServiceLink, Target};

pub(crate) const RULE: Rule = Rule {
    id: "webhook-service-port",
    severity: Severity::Error,
    doc: rule_doc!("webhook-service-port"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for resolution in context.resolutions {
        let (
            ServiceLink::Found { service, port, .. },
            Target::Service {
                name, port: wanted, ..
            },
        ) = (&resolution.service, &resolution.target)
        else {
            continue;
        };
        let endpoint = context.endpoint(resolution);
        let service = &context.model.services[*service];
        let service_object = &context.model.objects[service.object];
        let Some(reference) = endpoint.service.as_ref() else {
            continue;
        };
        let port_span = reference
            .port
            .map(|n| n.span())
            .unwrap_or_else(|| reference.span());
        let port_label = if reference.port.is_some() {
            format!(
                "{} dials port {wanted}",
                describe_endpoint(context.model, endpoint)
            )
        } else {
            format!(
                "{} dials port 443: `port` is not set and defaults to 443",
                describe_endpoint(context.model, endpoint)
            )
        };
        if let Some(ip) = service.headless_cluster_ip() {
            let mut d = context
                .diagnostic_for(&RULE, endpoint.object, "cannot route to service with ClusterIP \"None\"", reference.span())
                .with_span_label(format!("the API server dials Service {name}"))
                .with_label(ip.span(), format!("{} is headless", service_object.display()))
                .with_help("point the webhook at a Service with a cluster IP (remove `clusterIP: None`, or add a second, non-headless Service)");
            // OpenShift's API server runs with --enable-aggregator-routing, whose endpoint
            // resolver also serves webhooks: a headless Service works there.
            if let Some(evidence) = context.provenance.service_ca.openshift_evidence() {
                d.severity = Severity::Note;
                d = d
                    .with_label(evidence, "these manifests are for OpenShift (its service CA)")
                    .with_note("OpenShift's kube-apiserver runs with --enable-aggregator-routing, which dials the Service's endpoints directly, so the call works there; on other clusters it fails");
            }
            out.push(d);
            continue;
        }
        if !matches!(
            service.service_type,
            "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName"
        ) {
            out.push(context.diagnostic_for(
                &RULE,
                endpoint.object,
                format!("unsupported service type {:?}", service.service_type),
                reference.span(),
            ));
            continue;
        }
        if port.is_some() || service.service_type == "ExternalName" {
            continue;
        }
        let exposed: Vec<String> = service
            .ports
            .iter()
            .filter_map(|p| {
                p.port.map(|n| match p.name {
                    Some(port_name) => format!("{n} ({port_name})"),
                    None => n.to_string(),
                })
            })
            .collect();
        let exposed_text = if exposed.is_empty() {
            "no port".to_string()
        } else {
            exposed.join(", ")
        };
        let service_span = service
            .ports_node
            .map(|n| n.span())
            .unwrap_or_else(|| service_object.name_span());
        let mut diagnostic = context
            .diagnostic_for(
                &RULE,
                endpoint.object,
                format!("no service port {wanted} found for service \"{name}\""),
                port_span,
            )
            .with_span_label(port_label)
            .with_label(
                service_span,
                format!("{} exposes {exposed_text}", service_object.display()),
            )
            .with_note("the call fails before TLS: the API server cannot resolve the Service port");
        if let Some(first) = service.ports.iter().find_map(|p| p.port) {
            diagnostic = diagnostic.with_help(format!(
                "set clientConfig.service.port to {first} (a `port` of the Service, not its targetPort), or add port {wanted} to {}",
                service_object.display()
            ));
        }
        out.push(diagnostic);
    }
}
