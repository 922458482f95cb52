//! Texts that several rules share: how an endpoint is named, called and refused.

use super::context::{Context, Rule};
use crate::diagnostic::Diagnostic;
use crate::model::{Endpoint, EndpointId, EndpointKind, Model, ObjectId};
use crate::resolve::Resolution;

/// What the API server reports when the call fails, as users see it (apiserver-tls.md F).
pub(crate) fn call_failure_note(
    context: &Context<'_, '_>,
    resolution: &Resolution,
    error: &str,
) -> String {
    let endpoint = context.endpoint(resolution);
    let object = &context.model.objects[endpoint.object];
    let url = call_url(context.model, endpoint);
    match endpoint.kind {
        EndpointKind::ValidatingWebhook | EndpointKind::MutatingWebhook => {
            let failure = format!(
                "failed calling webhook \"{}\": failed to call webhook: Post \"{url}?timeout={}s\": tls: failed to verify certificate: {error}",
                endpoint.name, endpoint.timeout_seconds
            );
            if endpoint.failure_policy == "Ignore" {
                format!("with failurePolicy Ignore the API server skips this webhook on every request, silently; it logs: {failure}")
            } else {
                format!("with failurePolicy Fail every request this webhook matches is refused: Internal error occurred: {failure}")
            }
        }
        EndpointKind::CrdConversion => conversion_failure_note(
            object,
            &format!("Post \"{url}?timeout=30s\": tls: failed to verify certificate: {error}"),
        ),
        EndpointKind::ApiService => format!(
            "the APIService {} stays Available=False (FailedDiscoveryCheck): failing or missing response from {url}: Get \"{url}\": tls: failed to verify certificate: {error}",
            object.name
        ),
    }
}

/// What reads and writes of a CRD's objects fail with when its conversion webhook does not
/// answer; `failure` is what follows `failed: `.
pub(crate) fn conversion_failure_note(object: &crate::model::Object<'_>, failure: &str) -> String {
    let spec = object.node().get("spec");
    let text = |path: &[&str]| {
        spec.and_then(|s| s.path(path))
            .and_then(|n| n.as_str())
            .unwrap_or("")
    };
    // The API server converts to any served version other than the stored one.
    let version = spec
        .and_then(|s| s.get("versions"))
        .into_iter()
        .flat_map(|v| v.items())
        .find(|v| v.get("storage").and_then(|n| n.as_bool()) != Some(true))
        .and_then(|v| v.get("name"))
        .and_then(|n| n.as_str())
        .unwrap_or("<version>");
    format!(
        "reads and writes of {} that need another version fail: conversion webhook for {}/{version}, Kind={} failed: {failure}",
        object.name,
        text(&["group"]),
        text(&["names", "kind"]),
    )
}

/// The URL the API server posts to.
pub(crate) fn call_url(model: &Model<'_>, endpoint: &Endpoint<'_>) -> String {
    if let Some(service) = &endpoint.service {
        let path = if endpoint.kind == EndpointKind::ApiService {
            // The availability check fetches the group-version's discovery document.
            let spec = model.objects[endpoint.object].node().get("spec");
            let text = |key: &str| {
                spec.and_then(|s| s.get(key))
                    .and_then(|n| n.as_str())
                    .unwrap_or("")
            };
            format!("/apis/{}/{}", text("group"), text("version"))
        } else {
            service.path().unwrap_or("").to_string()
        };
        let port = service.port().unwrap_or(crate::model::DEFAULT_SERVICE_PORT);
        return format!(
            "https://{}.{}.svc:{port}{path}",
            service.name(),
            service.namespace()
        );
    }
    endpoint
        .url
        .and_then(|u| u.as_str())
        .unwrap_or("")
        .to_string()
}

/// The API server's refusal of an object on create, as kubectl prints a 422 Invalid with
/// one cause (`cmd/util/helpers.go`): `The Kind "name" is invalid: field: body`.
pub(crate) fn refusal(
    context: &Context<'_, '_>,
    rule: &Rule,
    object: ObjectId,
    error: String,
    span: crate::source::Span,
) -> Diagnostic {
    let shown = &context.model.objects[object];
    context
        .diagnostic_for(
            rule,
            object,
            format!(
                "the API server refuses this object: The {} {:?} is invalid: {error}",
                shown.kind, shown.name
            ),
            span,
        )
        .with_note("the object is not created, so none of its webhooks is registered; kubectl prints this line (an object with several errors gets one `* field: error` line each)")
}

/// The field naming the Service, for help texts.
pub(crate) fn service_field(endpoint: &Endpoint<'_>) -> String {
    match endpoint.kind {
        EndpointKind::ApiService => "spec.service".to_string(),
        _ => format!("{}.service", endpoint.field_path),
    }
}

/// What makes two findings of one rule the same cause: the message without the endpoint's
/// own description, its label and its notes.
pub(crate) fn cause_key(
    context: &Context<'_, '_>,
    endpoint: EndpointId,
    diagnostic: &Diagnostic,
) -> String {
    let described = describe_endpoint(context.model, &context.model.endpoints[endpoint]);
    format!(
        "{}\0{}\0{}",
        diagnostic.message.replacen(&described, "", 1),
        diagnostic.span_label,
        diagnostic.notes.join("\0")
    )
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [only] => only.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// Which webhook of which object, for messages: `webhook "x" of ValidatingWebhookConfiguration/y`.
pub(crate) fn describe_endpoint(model: &Model<'_>, endpoint: &Endpoint<'_>) -> String {
    let object = &model.objects[endpoint.object];
    match endpoint.kind {
        EndpointKind::ValidatingWebhook | EndpointKind::MutatingWebhook => {
            format!("webhook \"{}\" of {}", endpoint.name, object.display())
        }
        EndpointKind::CrdConversion => format!("the conversion webhook of {}", object.display()),
        EndpointKind::ApiService => object.display(),
    }
}
