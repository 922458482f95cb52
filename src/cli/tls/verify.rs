//! `speclint tls verify`: `ok` or Go's exact error for a serving chain, as kube-apiserver
//! would verify it.

use crate::cli::args::VerifyArgs;
use crate::cli::exit::{EXIT_FINDINGS, EXIT_OK};
use crate::cli::tls::input::{
    evaluation_time, manifest_documents, object_label, plain_pem, read_input, secret_field, Input,
};
use crate::cli::tls::usage::{note, write_output, CliResult, Usage};
use crate::kube_version::{self, KubeRelease};
use crate::model::{Model, SecretEntry};
use crate::secret_keys::{CERT_KEYS, KEY_KEYS};
use crate::tls::key;
use crate::tls::time::Time;
use crate::tls::verify::{self, ServerVerifyError};
use crate::tls::{base64, cert, pem, roots};
use crate::untrusted::escape;
use std::io::{Read, Write};

/// The serving chain as the server would send it, and its key when known.
struct ServingPair {
    chain_pem: Vec<u8>,
    key_pem: Option<Vec<u8>>,
    /// Where the chain is, e.g. `Secret system/webhook-tls data["tls.crt"]`.
    label: String,
    /// The file or Secret holding chain and key.
    owner: String,
}

pub(crate) fn run(
    args: &VerifyArgs,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
) -> CliResult<i32> {
    if args.chain == "-" && args.ca_bundle == "-" {
        return Err(Usage(
            "CHAIN and --ca-bundle cannot both be standard input".to_string(),
        ));
    }
    let now = evaluation_time(&args.now)?;
    let release = match &args.kube_version {
        None => kube_version::newest(),
        Some(text) => {
            kube_version::parse(text).map_err(|e| Usage(format!("--kube-version: {e}")))?
        }
    };
    let chain_input = read_input(&args.chain, stdin)?;
    let ca_input = read_input(&args.ca_bundle, stdin)?;
    let pair = serving_pair(&chain_input)?;
    let ca_bundle = ca_bundle_bytes(&ca_input)?;

    let verdict = verdict(&pair, &ca_bundle, &args.server_name, now, release)?;
    // Not part of the verdict: a server whose key does not match never answers.
    if let Some(key_pem) = &pair.key_pem {
        if let Err(e) = key::x509_key_pair(&pair.chain_pem, key_pem, release.go) {
            note(&format!(
                "the webhook server would not start with the key of {}: {e}",
                pair.owner
            ));
        }
    }
    let code = if verdict == "ok" {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    };
    write_output(stdout, &format!("{}\n", escape(&verdict)))?;
    Ok(code)
}

/// `ok` or Go's error, in the order the API server meets them: the client's root
/// pool, the server's certificates, then `Verify`.
fn verdict(
    pair: &ServingPair,
    ca_bundle: &[u8],
    server_name: &str,
    now: Time,
    release: &KubeRelease,
) -> CliResult<String> {
    let go = release.go;
    if !ca_bundle.is_empty() && cert::append_certs_from_pem(ca_bundle, go).is_empty() {
        return Ok(ServerVerifyError::RootCertificates {
            detail: verify::ca_data_error(ca_bundle, go),
        }
        .to_string());
    }
    let blocks: Vec<pem::Block> = pem::decode_all_for(&pair.chain_pem, go)
        .into_iter()
        .filter(|b| b.kind == "CERTIFICATE")
        .collect();
    if blocks.is_empty() {
        let why = match cert::parse_pem_chain(&pair.chain_pem, go) {
            Err(problem @ cert::ChainProblem::NotPem { .. }) => problem.to_string(),
            _ => "no \"CERTIFICATE\" PEM block".to_string(),
        };
        return Err(Usage(format!("{} holds no certificate: {why}", pair.label)));
    }
    let mut chain = Vec::with_capacity(blocks.len());
    for block in &blocks {
        match cert::parse_der(&block.bytes, go) {
            Ok(c) => chain.push(c),
            Err(e) => return Ok(format!("tls: failed to parse certificate from server: {e}")),
        }
    }
    if ca_bundle.is_empty() {
        note("the caBundle is empty: the API server then trusts its own system roots (approximated by the public web PKI roots)");
    }
    Ok(
        match verify::verify_server(
            &chain,
            ca_bundle,
            server_name,
            now,
            Some(roots::system_roots()),
            go,
        ) {
            Ok(_) => "ok".to_string(),
            // Since Go 1.20 crypto/tls wraps what Verify returns.
            Err(ServerVerifyError::Verify(e)) if go.tls_wraps_verify_errors() => {
                format!("tls: failed to verify certificate: {e}")
            }
            Err(e) => e.to_string(),
        },
    )
}

fn serving_pair(input: &Input) -> CliResult<ServingPair> {
    let Some(documents) = manifest_documents(input) else {
        let bytes = plain_pem(input);
        let has_key = pem::decode_all(&bytes)
            .iter()
            .any(|b| key::is_private_key_type(&b.kind));
        return Ok(ServingPair {
            key_pem: has_key.then(|| bytes.clone()),
            chain_pem: bytes,
            label: input.name.clone(),
            owner: input.name.clone(),
        });
    };
    let model = Model::build(&documents, "default");
    let mut candidates = model.secrets.iter().filter_map(|secret| {
        CERT_KEYS
            .iter()
            .zip(KEY_KEYS)
            .find_map(|(chain_key, key_key)| {
                let entry = secret.entry(chain_key)?;
                Some((secret, entry, secret.entry(key_key)))
            })
    });
    let Some((secret, entry, key_entry)) = candidates.next() else {
        return Err(Usage(format!(
            "{}: no Secret with {}",
            input.name,
            cert_key_list()
        )));
    };
    let owner = object_label(model.object(secret.object));
    let label = format!("{owner} {}", secret_field(entry));
    let others = candidates.count();
    if others > 0 {
        note(&format!(
            "{} holds {} more Secret(s) with a certificate; using {label}",
            input.name, others
        ));
    }
    let decode = |entry: &SecretEntry<'_>| {
        crate::resolve::secret_value_bytes(entry).map_err(|e| {
            Usage(format!(
                "{} {} is not valid base64: {e}",
                object_label(model.object(secret.object)),
                secret_field(entry)
            ))
        })
    };
    let chain_pem = decode(entry)?;
    let key_pem = key_entry.map(decode).transpose()?;
    Ok(ServingPair {
        chain_pem,
        key_pem,
        label,
        owner,
    })
}

fn ca_bundle_bytes(input: &Input) -> CliResult<Vec<u8>> {
    let Some(documents) = manifest_documents(input) else {
        return Ok(plain_pem(input));
    };
    let model = Model::build(&documents, "default");
    let mut bundles: Vec<(String, Vec<u8>)> = Vec::new();
    for endpoint in &model.endpoints {
        let label = format!(
            "{} {}.caBundle",
            object_label(model.object(endpoint.object)),
            endpoint.field_path
        );
        let text = endpoint.ca_bundle.and_then(|n| n.as_str()).unwrap_or("");
        let bytes = base64::decode_std(text.as_bytes())
            .map_err(|e| Usage(format!("{label} is not valid base64: {e}")))?;
        bundles.push((label, bytes));
    }
    let Some((first_label, first)) = bundles.first() else {
        return Err(Usage(format!(
            "{}: no webhook configuration, CRD conversion webhook or APIService to take a caBundle from",
            input.name
        )));
    };
    let differing = bundles.iter().filter(|(_, b)| b != first).count();
    if differing > 0 {
        note(&format!(
            "{} holds {differing} caBundle(s) that differ from the first; using {first_label}",
            input.name
        ));
    }
    Ok(first.clone())
}

/// `` `tls.crt`, `cert` or `server-cert.pem` ``: the keys a serving Secret is found by.
fn cert_key_list() -> String {
    let quoted: Vec<String> = CERT_KEYS.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_missing_secret_message_names_the_keys() {
        assert_eq!(
            super::cert_key_list(),
            "`tls.crt`, `cert` or `server-cert.pem`"
        );
    }
}
