//! What `tls inspect` finds in its input: certificates, private keys (reduced to their
//! public half), caBundles, other PEM blocks and problems, each with where it was.

use crate::cli::tls::input::{object_label, plain_pem, secret_field, unwrap_base64, Input};
use crate::kube_version;
use crate::model::{Model, Object};
use crate::tls::cert::{self, Certificate};
use crate::tls::key::{self, PrivateKey};
use crate::tls::verify::{self, ServerVerifyError};
use crate::tls::{base64, pem};
use crate::yaml::Document;
use foldhash::HashMap;
use serde::Serialize;

/// Where something was found. Serialized as part of `inspect --format json`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Origin {
    /// The input's name (`<stdin>` for standard input).
    pub(crate) file: String,
    /// `Kind namespace/name` (or `Kind name`) for manifests, else null.
    pub(crate) object: Option<String>,
    /// The field holding the value, e.g. `data["tls.crt"]` or
    /// `webhooks[0].clientConfig.caBundle`; null for plain PEM input.
    pub(crate) field: Option<String>,
    /// 1-based position among the value's PEM blocks; null for a caBundle as a whole.
    pub(crate) block: Option<usize>,
}

impl Origin {
    fn with_block(&self, block: usize) -> Origin {
        Origin {
            block: Some(block),
            ..self.clone()
        }
    }

    pub(crate) fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(object) = &self.object {
            parts.push(object.clone());
        }
        if let Some(field) = &self.field {
            parts.push(field.clone());
        }
        let block = self
            .block
            .map(|b| format!(", block {b}"))
            .unwrap_or_default();
        if parts.is_empty() {
            format!("{}{block}", self.file)
        } else {
            format!("{}{block} ({})", parts.join(" "), self.file)
        }
    }
}

pub(crate) struct FoundCertificate {
    pub(crate) origin: Origin,
    /// Certificates of the same value share a group: the server sends them together.
    pub(crate) group: usize,
    /// Index into `Inventory::bundles` when it came from a caBundle.
    pub(crate) bundle: Option<usize>,
    pub(crate) cert: Certificate,
}

/// A private key, reduced to its public half as soon as it is read.
pub(crate) struct FoundKey {
    pub(crate) origin: Origin,
    pub(crate) pem_type: String,
    pub(crate) key: Option<PrivateKey>,
}

pub(crate) struct FoundBundle {
    /// Every field holding this exact value, first one first.
    pub(crate) origins: Vec<Origin>,
    pub(crate) state: BundleState,
}

pub(crate) enum BundleState {
    /// Missing or empty: the API server uses its system trust store.
    Empty,
    /// `AppendCertsFromPEM` found these roots.
    Usable(Vec<Certificate>),
    /// client-go refuses it: `unable to load root certificates: ...`.
    Unusable(String),
}

#[derive(Default)]
pub(crate) struct Inventory {
    pub(crate) certificates: Vec<FoundCertificate>,
    pub(crate) keys: Vec<FoundKey>,
    pub(crate) bundles: Vec<FoundBundle>,
    /// Index into `bundles` by decoded value (certificates only: nothing secret).
    bundle_by_bytes: HashMap<Vec<u8>, usize>,
    pub(crate) other_blocks: Vec<(Origin, String)>,
    pub(crate) problems: Vec<(Origin, String)>,
    pub(crate) groups: usize,
}

impl Inventory {
    /// Records the PEM blocks of one value. `bundle` marks a caBundle's certificates.
    fn add_pem(&mut self, origin: &Origin, bytes: &[u8], bundle: Option<usize>) {
        let group = self.groups;
        self.groups += 1;
        for (index, block) in pem::decode_all(bytes).into_iter().enumerate() {
            let origin = origin.with_block(index + 1);
            if block.kind == "CERTIFICATE" {
                match cert::parse_der(&block.bytes, kube_version::newest().go) {
                    Ok(cert) => self.certificates.push(FoundCertificate {
                        origin,
                        group,
                        bundle,
                        cert,
                    }),
                    Err(e) => self
                        .problems
                        .push((origin, format!("CERTIFICATE block does not parse: {e}"))),
                }
            } else if key::is_private_key_type(&block.kind) {
                self.keys.push(FoundKey {
                    origin,
                    key: key::parse_private_key_for(&block.bytes, kube_version::newest().go),
                    pem_type: block.kind,
                });
            } else {
                self.other_blocks.push((origin, block.kind));
            }
        }
    }

    /// A plain input: PEM, base64 of PEM, or one DER certificate.
    pub(crate) fn add_raw(&mut self, input: &Input) {
        let origin = Origin {
            file: input.name.clone(),
            object: None,
            field: None,
            block: None,
        };
        self.add_pem(&origin, &plain_pem(input), None);
    }

    /// Every Secret and ConfigMap value holding PEM, and every caBundle.
    pub(crate) fn add_manifest(&mut self, input: &Input, documents: &[Document]) {
        let model = Model::build(documents, "default");
        let origin_of = |object: &Object<'_>, field: String| Origin {
            file: input.name.clone(),
            object: Some(object_label(object)),
            field: Some(field),
            block: None,
        };
        for secret in &model.secrets {
            let object = model.object(secret.object);
            for entry in &secret.entries {
                let origin = origin_of(object, secret_field(entry));
                match crate::resolve::secret_value_bytes(entry) {
                    Ok(bytes) => self.add_value(&origin, &bytes),
                    Err(e) => self
                        .problems
                        .push((origin, format!("not valid base64: {e}"))),
                }
            }
        }
        for object in model.objects.iter().filter(|o| o.kind == "ConfigMap") {
            for field in ["data", "binaryData"] {
                for (key, value) in object
                    .node()
                    .get(field)
                    .into_iter()
                    .flat_map(|n| n.entries())
                {
                    let (Some(key), Some(text)) = (key.as_str(), value.as_str()) else {
                        continue;
                    };
                    let origin = origin_of(object, format!("{field}[{key:?}]"));
                    if field == "data" {
                        self.add_value(&origin, text.as_bytes());
                    } else if let Ok(bytes) = base64::decode_std(text.as_bytes()) {
                        self.add_value(&origin, &bytes);
                    }
                }
            }
        }
        for endpoint in &model.endpoints {
            let object = model.object(endpoint.object);
            let origin = origin_of(object, format!("{}.caBundle", endpoint.field_path));
            let text = endpoint.ca_bundle.and_then(|n| n.as_str()).unwrap_or("");
            match base64::decode_std(text.as_bytes()) {
                Ok(bytes) => self.add_bundle(origin, &bytes),
                Err(e) => self
                    .problems
                    .push((origin, format!("not valid base64: {e}"))),
            }
        }
    }

    /// A Secret or ConfigMap value: PEM, or PEM encoded once more (a common slip).
    fn add_value(&mut self, origin: &Origin, bytes: &[u8]) {
        let (bytes, decoded) = unwrap_base64(bytes);
        if decoded {
            self.problems.push((
                origin.clone(),
                "the value is base64 of PEM: it was base64-encoded twice".to_string(),
            ));
        }
        self.add_pem(origin, &bytes, None);
    }

    fn add_bundle(&mut self, origin: Origin, bytes: &[u8]) {
        if let Some(&index) = self.bundle_by_bytes.get(bytes) {
            self.bundles[index].origins.push(origin);
            return;
        }
        let index = self.bundles.len();
        self.bundle_by_bytes.insert(bytes.to_vec(), index);
        if unwrap_base64(bytes).1 {
            self.problems.push((
                origin.clone(),
                "the caBundle is base64 of PEM text: it was base64-encoded twice".to_string(),
            ));
        }
        let state = if bytes.is_empty() {
            BundleState::Empty
        } else {
            let roots: Vec<Certificate> =
                cert::append_certs_from_pem(bytes, kube_version::newest().go)
                    .into_iter()
                    .map(|(_, c)| c)
                    .collect();
            if roots.is_empty() {
                BundleState::Unusable(
                    ServerVerifyError::RootCertificates {
                        detail: verify::ca_data_error(bytes, kube_version::newest().go),
                    }
                    .to_string(),
                )
            } else {
                BundleState::Usable(roots)
            }
        };
        self.bundles.push(FoundBundle {
            origins: vec![origin.clone()],
            state,
        });
        self.add_pem(&origin, bytes, Some(index));
    }
}
