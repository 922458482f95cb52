//! The API server's own validation of a client config (R1, R2), in its wording.

use super::context::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Endpoint, EndpointKind, ServiceReference};
use crate::resolve::parse_https_url;
use crate::source::Span;
use crate::yaml::{NodeRef, Value};

pub(crate) const RULE: Rule = Rule {
    id: "webhook-client-config",
    severity: Severity::Error,
    doc: rule_doc!("webhook-client-config"),
    check,
};

const URL_FORM: &str = "; desired format: https://host[/path]";

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for endpoint in &context.model.endpoints {
        let fallback = endpoint.span(context.model);
        for (message, span) in validate(endpoint, fallback) {
            out.push(
                context
                    .diagnostic_for(&RULE, endpoint.object, message, span)
                    .with_note("the API server refuses this object when it is applied"),
            );
        }
    }
}

/// Go's `%v` of a field value: strings quoted, numbers bare.
fn go_value(node: NodeRef<'_>) -> String {
    match node.value() {
        Value::Str(s) => format!("{s:?}"),
        _ => node.scalar_text().unwrap_or_default(),
    }
}

fn validate(endpoint: &Endpoint<'_>, fallback: Span) -> Vec<(String, Span)> {
    let path = &endpoint.field_path;
    let mut errors = Vec::new();
    if endpoint.kind == EndpointKind::ApiService {
        if let Some(service) = &endpoint.service {
            // The aggregator checks namespace, then name, then port.
            for (field, node) in [("namespace", service.namespace), ("name", service.name)] {
                if node.and_then(|n| n.as_str()).unwrap_or("").is_empty() {
                    let span = node
                        .map(|n| n.span())
                        .unwrap_or_else(|| service.node.span());
                    errors.push((format!("{path}.service.{field}: Required value"), span));
                }
            }
            validate_port(service, &format!("{path}.service"), &mut errors);
        }
        let insecure = endpoint.insecure_skip_tls_verify;
        let has_ca_bundle = endpoint
            .ca_bundle
            .and_then(|n| n.as_str())
            .is_some_and(|s| !s.is_empty());
        if let Some(flag) = insecure.filter(|n| n.as_bool() == Some(true)) {
            if has_ca_bundle {
                errors.push((
                    format!("{path}.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present"),
                    flag.span(),
                ));
            }
        }
        return errors;
    }
    match (&endpoint.service, endpoint.url) {
        (Some(_), Some(_)) | (None, None) => errors.push((
            format!("{path}: Required value: exactly one of url or service is required"),
            endpoint.client_config.map(|n| n.span()).unwrap_or(fallback),
        )),
        (None, Some(url)) => validate_url(url, &format!("{path}.url"), &mut errors),
        (Some(service), None) => validate_service(service, &format!("{path}.service"), &mut errors),
    }
    errors
}

fn validate_url(node: NodeRef<'_>, path: &str, errors: &mut Vec<(String, Span)>) {
    let span = node.span();
    let raw = node.as_str().unwrap_or("");
    let url = match parse_https_url(raw) {
        Ok(url) => url,
        Err(e) => {
            errors.push((
                format!(
                    "{path}: Required value: url must be a valid URL: parse {raw:?}: {e}{URL_FORM}"
                ),
                span,
            ));
            return;
        }
    };
    if url.scheme != "https" {
        errors.push((
            format!(
                "{path}: Invalid value: {:?}: 'https' is the only allowed URL scheme{URL_FORM}",
                url.scheme
            ),
            span,
        ));
    }
    if url.host.is_empty() {
        errors.push((
            format!("{path}: Invalid value: \"\": host must be specified{URL_FORM}"),
            span,
        ));
    }
    if let Some(user) = url.user_info {
        // Never echo a password.
        let shown = match user.split_once(':') {
            Some((name, _)) => format!("{name}:xxxxx"),
            None => user.to_string(),
        };
        errors.push((
            format!(
                "{path}: Invalid value: {shown:?}: user information is not permitted in the URL"
            ),
            span,
        ));
    }
    if !url.fragment.is_empty() {
        errors.push((
            format!(
                "{path}: Invalid value: {:?}: fragments are not permitted in the URL",
                url.fragment
            ),
            span,
        ));
    }
    if !url.query.is_empty() {
        errors.push((
            format!(
                "{path}: Invalid value: {:?}: query parameters are not permitted in the URL",
                url.query
            ),
            span,
        ));
    }
}

fn validate_port(service: &ServiceReference<'_>, path: &str, errors: &mut Vec<(String, Span)>) {
    let Some(node) = service.port else { return };
    match node.as_i64() {
        Some(port) if (1..=65535).contains(&port) => {}
        Some(port) => errors.push((
            format!("{path}.port: Invalid value: {port}: port is not valid: must be between 1 and 65535, inclusive"),
            node.span(),
        )),
        None => errors.push((
            format!("{path}.port: Invalid value: {}: must be an integer", go_value(node)),
            node.span(),
        )),
    }
}

fn validate_service(service: &ServiceReference<'_>, path: &str, errors: &mut Vec<(String, Span)>) {
    for (field, node) in [("name", service.name), ("namespace", service.namespace)] {
        match node {
            None => errors.push((
                format!("{path}.{field}: Required value"),
                service.node.span(),
            )),
            Some(n) if n.as_str() == Some("") => {
                errors.push((format!("{path}.{field}: Required value"), n.span()))
            }
            Some(n) if n.as_str().is_none() => errors.push((
                format!(
                    "{path}.{field}: Invalid value: {}: must be a string",
                    go_value(n)
                ),
                n.span(),
            )),
            Some(_) => {}
        }
    }
    validate_port(service, path, errors);
    if let Some(node) = service.path {
        match node.as_str() {
            Some(url_path) => {
                for message in validate_path(url_path) {
                    errors.push((
                        format!("{path}.path: Invalid value: {url_path:?}: {message}"),
                        node.span(),
                    ));
                }
            }
            None => errors.push((
                format!(
                    "{path}.path: Invalid value: {}: must be a string",
                    go_value(node)
                ),
                node.span(),
            )),
        }
    }
}

/// `ValidateWebhookService`'s path checks (k8s.io/apiserver pkg/util/webhook/validation.go).
fn validate_path(url_path: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if url_path == "/" || url_path.is_empty() {
        return errors;
    }
    if url_path == "//" {
        return vec!["segment[0] may not be empty".into()];
    }
    if !url_path.starts_with('/') {
        errors.push("must start with a '/'".into());
    }
    let mut to_check = &url_path[url_path.chars().next().map_or(0, char::len_utf8)..];
    if let Some(stripped) = to_check.strip_suffix('/') {
        to_check = stripped;
    }
    for (i, step) in to_check.split('/').enumerate() {
        if step.is_empty() {
            errors.push(format!("segment[{i}] may not be empty"));
            continue;
        }
        for failure in dns1123_subdomain_errors(step) {
            errors.push(format!("segment[{i}]: {failure}"));
        }
    }
    errors
}

const DNS1123_SUBDOMAIN_ERROR: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/// apimachinery's `IsDNS1123Subdomain`.
fn dns1123_subdomain_errors(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > 253 {
        errors.push("must be no more than 253 characters".to_string());
    }
    let label_ok = |label: &str| {
        let bytes = label.as_bytes();
        !bytes.is_empty()
            && bytes[0].is_ascii_lowercase() | bytes[0].is_ascii_digit()
            && (bytes[bytes.len() - 1].is_ascii_lowercase()
                | bytes[bytes.len() - 1].is_ascii_digit())
            && bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
    };
    if !value.split('.').all(label_ok) {
        errors.push(DNS1123_SUBDOMAIN_ERROR.to_string());
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked_like_the_api_server() {
        assert!(validate_path("/validate-v1-pod").is_empty());
        assert!(validate_path("/").is_empty());
        assert_eq!(validate_path("//"), vec!["segment[0] may not be empty"]);
        assert_eq!(validate_path("validate"), vec!["must start with a '/'"]);
        assert_eq!(validate_path("/a//b"), vec!["segment[1] may not be empty"]);
        assert_eq!(validate_path("/Mutate").len(), 1);
        assert!(validate_path("/mutate_pods")[0].starts_with("segment[0]: a lowercase RFC 1123"));
    }
}
