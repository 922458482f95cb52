use super::context::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::TargetPort;
use crate::resolve::ServiceLink;
use foldhash::HashSet;

pub(crate) const RULE: Rule = Rule {
    id: "webhook-target-port",
    severity: Severity::Error,
    doc: rule_doc!("webhook-target-port"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    // Several webhooks often share one Service: report each Service port and pod template once.
    let mut reported = HashSet::default();
    for resolution in context.resolutions {
        let ServiceLink::Found {
            service,
            port: Some(port),
            backends,
        } = &resolution.service
        else {
            continue;
        };
        let service = &context.model.services[*service];
        let service_port = &service.ports[*port];
        let Some(TargetPort::Name(port_name)) = service_port.target_port else {
            continue;
        };
        for backend in backends.iter().filter(|b| b.container.is_none()) {
            if !reported.insert((service.object, *port, backend.pod_template)) {
                continue;
            }
            let template = &context.model.pod_templates[backend.pod_template];
            let workload = &context.model.objects[template.object];
            let service_object = &context.model.objects[service.object];
            let declared: Vec<String> = template
                .containers
                .iter()
                .flat_map(|c| c.ports.iter())
                .filter_map(|p| p.name.map(|n| format!("{n:?}")))
                .collect();
            let declared_text = if declared.is_empty() {
                "no named port".to_string()
            } else {
                format!("named ports {}", declared.join(", "))
            };
            let span = service_port
                .target_port_node
                .map(|n| n.span())
                .unwrap_or_else(|| service_port.node.span());
            // Point at the declared port names, else at the first container's name.
            let workload_span = template
                .containers
                .iter()
                .flat_map(|c| c.ports.iter())
                .find_map(|p| p.node.get("name"))
                .or_else(|| template.containers.first().and_then(|c| c.node.get("name")))
                .map(|n| n.span())
                .unwrap_or_else(|| workload.name_span());
            out.push(
                Diagnostic::new(
                    RULE.id,
                    RULE.severity,
                    format!(
                        "targetPort {port_name:?} of {} matches no containerPort of {}",
                        service_object.display(),
                        workload.display()
                    ),
                    span,
                )
                .with_object(Some(service_object.object_ref()))
                .with_template(service_object.template.map(str::to_string))
                .with_span_label("no container declares a port with this name")
                .with_label(workload_span, format!("{} declares {declared_text}", workload.display()))
                .with_note("these pods get no endpoint in the Service, so the API server's calls find nobody to answer")
                .with_help(format!(
                    "name the webhook server's containerPort {port_name:?}, or set targetPort to its number"
                )),
            );
        }
    }
}
