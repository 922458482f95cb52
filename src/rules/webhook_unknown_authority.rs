use super::context::{rule_doc, Context, Rule};
use super::verdict::{ca_bundle_span, diagnostic, failures, subject};
use crate::diagnostic::{Diagnostic, Severity};
use crate::resolve::secret_value_bytes;
use crate::tls::verify::VerifyErrorKind;

pub(crate) const RULE: Rule = Rule {
    id: "webhook-unknown-authority",
    severity: Severity::Error,
    doc: rule_doc!("webhook-unknown-authority"),
    check,
};

/// Keys under which provisioners keep the CA next to the serving pair.
const CA_KEYS: &[&str] = &["ca.crt", "ca", "ca-cert.pem"];

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for failure in failures(context) {
        let Some(VerifyErrorKind::UnknownAuthority { .. }) = failure.kind() else {
            continue;
        };
        // An empty caBundle is ca-bundle-empty's finding.
        if failure.verdict.system_roots {
            continue;
        }
        let chain = match &failure.serving.chain {
            Ok(chain) => &chain.certificates,
            Err(_) => continue,
        };
        let issuer = chain
            .last()
            .map(|c| c.issuer_display.clone())
            .unwrap_or_default();
        let mut d = diagnostic(
            context,
            &RULE,
            &failure,
            format!(
                "{} holds a certificate issued by {issuer}",
                failure.serving.cert_key
            ),
        );
        let endpoint = context.endpoint(failure.resolution);
        if let Some(span) = ca_bundle_span(context, failure.resolution) {
            let roots: Vec<String> = failure.verdict.roots.iter().map(subject).collect();
            d = d.with_label(span, format!("caBundle trusts {}", roots.join("; ")));
        }
        let secret = &context.model.secrets[failure.serving.secret];
        let secret_object = &context.model.objects[secret.object];
        let ca_in_secret = CA_KEYS.iter().find_map(|key| {
            let entry = secret.entry(key)?;
            let bytes = secret_value_bytes(entry).ok()?;
            (!bytes.is_empty()).then_some(*key)
        });
        d = match ca_in_secret {
            Some(key) => d.with_help(format!(
                "set {}.caBundle to the CA that signed the serving certificate; Secret {} keeps it under {key}{}",
                endpoint.field_path,
                secret_object.name,
                super::shell_command::shown(
                    super::shell_command::Command::kubectl()
                        .args(&["get", "secret"])
                        .name(secret_object.name)
                        .namespace(secret_object.namespace)
                        .args(&["-o", &format!("jsonpath={{.data.{}}}", key.replace('.', "\\."))])
                        .build()
                ),
            )),
            None => d.with_help(format!(
                "set {}.caBundle to the base64 of the PEM of the CA that signed the serving certificate ({issuer})",
                endpoint.field_path
            )),
        };
        out.push(d);
    }
}
