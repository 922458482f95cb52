use super::context::{rule_doc, Context, Rule};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Id, Secret, SecretId};
use crate::resolve::{cert_entry, secret_value_bytes, ServedCertificate, CERT_KEYS, KEY_KEYS};
use crate::tls::key::x509_key_pair_with_leaf_for;
use foldhash::HashSet;

pub(crate) const RULE: Rule = Rule {
    id: "serving-key",
    severity: Severity::Error,
    doc: rule_doc!("serving-key"),
    check,
};

fn check(context: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    let model = context.model;
    let serving: HashSet<SecretId> = context
        .resolutions
        .iter()
        .filter_map(|r| match &r.certificate {
            ServedCertificate::Found(s) => Some(s.secret),
            _ => None,
        })
        .collect();
    // Deriving each private key's public half is the costly part: Secrets run in parallel.
    use rayon::prelude::*;
    let found: Vec<Diagnostic> = model
        .secrets
        .par_iter()
        .enumerate()
        .map(|(index, secret)| (SecretId::from_index(index), secret))
        .filter(|(index, secret)| {
            secret.secret_type == Some("kubernetes.io/tls") || serving.contains(index)
        })
        .filter_map(|(index, secret)| match context.chains.of(index) {
            // The certificate itself must decode; certificate-decode reports it otherwise.
            Some(Ok(chain)) => check_pair(context, secret, chain.certificates.first()?),
            _ => None,
        })
        .collect();
    out.extend(found);
}

/// `tls.X509KeyPair` on the Secret's pair, as the webhook server loads it at start-up.
fn check_pair(
    context: &Context<'_, '_>,
    secret: &Secret<'_>,
    leaf: &crate::tls::cert::Certificate,
) -> Option<Diagnostic> {
    let cert = cert_entry(secret)?;
    let cert_bytes = secret_value_bytes(cert).ok()?;
    let pair_index = CERT_KEYS.iter().position(|k| *k == cert.key)?;
    let object = &context.model.objects[secret.object];
    let key_name = KEY_KEYS[pair_index];
    let Some(key) = secret.entry(key_name) else {
        return Some(
            context
                .diagnostic_for(
                    &RULE,
                    secret.object,
                    format!(
                        "{} holds {} but no private key {key_name}",
                        object.display(),
                        cert.key
                    ),
                    cert.key_node.span(),
                )
                .with_span_label(format!("the certificate has no {key_name} beside it"))
                .with_note("the webhook server cannot start without its private key")
                .with_help(format!("add the private key under {key_name}")),
        );
    };
    let key_bytes = secret_value_bytes(key).ok()?;
    if key_bytes.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let error = x509_key_pair_with_leaf_for(&cert_bytes, leaf, &key_bytes, context.go).err()?;
    Some(
        context
            .diagnostic_for(&RULE, secret.object, format!("{}: {error}", object.display()), key.key_node.span())
            .with_span_label(format!("{key_name} does not pair with {}", cert.key))
            .with_label(cert.key_node.span(), "the certificate it must match")
            .with_note("the webhook server refuses to start (tls.X509KeyPair fails), so every call fails")
            .with_help(format!(
                "store the key that belongs to the certificate in {key_name}; if a provisioner manages this Secret, delete it so it issues both again"
            )),
    )
}
