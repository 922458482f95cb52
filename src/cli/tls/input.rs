//! The `tls` commands' inputs: a file or standard input, sniffed as a manifest, DER, PEM or
//! base64 of PEM.

use crate::cli::tls::usage::{note, CliResult, Usage};
use crate::kube_version;
use crate::model::{Model, Object, SecretEncoding, SecretEntry};
use crate::source::SourceFile;
use crate::tls::time::{self, Time};
use crate::tls::{base64, cert, pem};
use crate::yaml::Document;
use std::io::Read;

/// `--now`, or the current time.
pub(crate) fn evaluation_time(now: &Option<String>) -> CliResult<Time> {
    match now {
        None => Ok(Time::now()),
        Some(text) => time::parse_rfc3339(text).map_err(|e| Usage(format!("--now: {e}"))),
    }
}

/// One input file (or standard input) as bytes.
pub(crate) struct Input {
    pub(crate) name: String,
    pub(crate) bytes: Vec<u8>,
}

/// The file at `path`, or standard input for `-`.
pub(crate) fn read_input(path: &str, stdin: &mut dyn Read) -> CliResult<Input> {
    if path == "-" {
        let mut bytes = Vec::new();
        stdin
            .read_to_end(&mut bytes)
            .map_err(|e| Usage(format!("cannot read standard input: {e}")))?;
        return Ok(Input {
            name: "<stdin>".to_string(),
            bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Usage(format!("cannot read {path}: {e}")))?;
    Ok(Input {
        name: path.to_string(),
        bytes,
    })
}

/// The documents of an input when it is a manifest (at least one object with a `kind`).
pub(crate) fn manifest_documents(input: &Input) -> Option<Vec<Document>> {
    // A DER certificate is not YAML; don't let the loader report it.
    if looks_like_der(&input.bytes) {
        return None;
    }
    let file = SourceFile::new(input.name.clone(), input.bytes.clone());
    let (documents, _errors) = crate::yaml::load(0, &file);
    let has_objects = !Model::build(&documents, "default").objects.is_empty();
    has_objects.then_some(documents)
}

/// An input that is not a manifest, as PEM: a DER certificate in a `CERTIFICATE` block,
/// base64 of PEM decoded (said in a note), anything else as given.
pub(crate) fn plain_pem(input: &Input) -> Vec<u8> {
    if looks_like_der(&input.bytes) {
        return pem::encode("CERTIFICATE", &input.bytes);
    }
    let (bytes, decoded) = unwrap_base64(&input.bytes);
    if decoded {
        note(&format!("{} is base64 of PEM; decoded it", input.name));
    }
    bytes
}

/// One DER certificate, as Go parses it.
fn looks_like_der(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x30) && cert::parse_der(bytes, kube_version::newest().go).is_ok()
}

/// PEM as given; or the decoded text when the input is base64 of PEM (e.g. a
/// caBundle value pasted in). The flag says it was decoded.
pub(crate) fn unwrap_base64(bytes: &[u8]) -> (Vec<u8>, bool) {
    if !pem::decode_all(bytes).is_empty() {
        return (bytes.to_vec(), false);
    }
    let compact: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    match base64::decode_std(&compact) {
        Ok(decoded) if !compact.is_empty() && !pem::decode_all(&decoded).is_empty() => {
            (decoded, true)
        }
        _ => (bytes.to_vec(), false),
    }
}

/// `Kind namespace/name`, or `Kind name` for cluster-scoped objects.
pub(crate) fn object_label(object: &Object<'_>) -> String {
    if object.namespace.is_empty() {
        format!("{} {}", object.kind, object.name)
    } else {
        format!("{} {}/{}", object.kind, object.namespace, object.name)
    }
}

/// `data["tls.crt"]` or `stringData["tls.crt"]`.
pub(crate) fn secret_field(entry: &SecretEntry<'_>) -> String {
    let field = match entry.encoding {
        SecretEncoding::Base64 => "data",
        SecretEncoding::Plain => "stringData",
    };
    format!("{field}[{:?}]", entry.key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_of_pem_is_unwrapped_but_pem_and_text_are_not() {
        let block = pem::encode("CERTIFICATE", &[1, 2, 3]);
        assert_eq!(unwrap_base64(&block), (block.clone(), false));
        let twice = base64::encode(&block);
        let with_newlines = format!("{}\n{}\n", &twice[..8], &twice[8..]);
        assert_eq!(unwrap_base64(with_newlines.as_bytes()), (block, true));
        assert_eq!(unwrap_base64(b"hello"), (b"hello".to_vec(), false));
        assert_eq!(unwrap_base64(b""), (Vec::new(), false));
    }
}
