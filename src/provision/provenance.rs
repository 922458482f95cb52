//! Provenance, computed once: who makes each serving certificate, who fills each caBundle,
//! and which Secrets the pods behind each endpoint serve from. Rules read it from the
//! context and never re-read the provisioners' objects themselves.

use super::cert_manager::{CertManager, EndpointLinks};
use super::certgen::{self, Generator, Invocation};
use super::{catalogue, cert_manager, Provisioning};
use crate::model::{Model, ObjectId};
use crate::resolve::{serving_secrets, MountedSecret, Resolution, ServiceLink};

/// Everything the provision stage found, for the rules.
pub struct Provenance<'a> {
    /// Provisioners and injectors of every kind.
    pub provisioning: Provisioning,
    /// The one reading of the cert-manager objects.
    pub cert_manager: CertManager<'a>,
    /// Every kube-webhook-certgen `create` and `patch` container.
    pub certgen_invocations: Vec<Invocation<'a>>,
    /// Run-time generators with the inputs their names come from: certgen `create`
    /// containers, then catalogue operators.
    pub generators: Vec<Generator>,
    /// By endpoint index: the Secrets its serving pods use.
    mounted: Vec<Vec<MountedSecret<'a>>>,
    /// By endpoint index: how cert-manager reaches it.
    cert_manager_links: Vec<EndpointLinks<'a>>,
}

impl<'a> Provenance<'a> {
    pub fn compute(model: &Model<'a>, resolutions: &[Resolution]) -> Provenance<'a> {
        let certgen_invocations = certgen::invocations(model);
        let recognitions = catalogue::recognise(model);
        let mut generators = certgen::generators(model, &certgen_invocations);
        generators.extend(catalogue::generators(model, &recognitions));
        let cert_manager = CertManager::read(model, &generators);

        let mut provisioning = Provisioning::default();
        cert_manager::discover(model, &cert_manager, &mut provisioning);
        provisioning
            .provisioners
            .extend(generators.iter().map(|g| g.provisioner.clone()));
        certgen::discover_injectors(model, &certgen_invocations, &mut provisioning);
        catalogue::discover_injectors(model, &recognitions, &mut provisioning);

        let mut mounted = vec![Vec::new(); model.endpoints.len()];
        for resolution in resolutions {
            if let ServiceLink::Found { backends, .. } = &resolution.service {
                mounted[resolution.endpoint] = serving_secrets(model, backends);
            }
        }
        let mut cert_manager_links = vec![EndpointLinks::default(); model.endpoints.len()];
        for resolution in resolutions {
            cert_manager_links[resolution.endpoint] =
                cert_manager.links(model, resolution, &mounted[resolution.endpoint]);
        }
        Provenance {
            provisioning,
            cert_manager,
            certgen_invocations,
            generators,
            mounted,
            cert_manager_links,
        }
    }

    /// The Secrets the pods behind an endpoint's Service serve from (volumes of the serving
    /// container, else Secrets named by flags), whether or not they are among the inputs.
    pub fn mounted(&self, endpoint: usize) -> &[MountedSecret<'a>] {
        self.mounted.get(endpoint).map_or(&[], Vec::as_slice)
    }

    /// How an endpoint is tied to cert-manager.
    pub fn cert_manager_links(&self, endpoint: usize) -> &EndpointLinks<'a> {
        static EMPTY: std::sync::OnceLock<EndpointLinks<'static>> = std::sync::OnceLock::new();
        self.cert_manager_links
            .get(endpoint)
            .unwrap_or_else(|| EMPTY.get_or_init(EndpointLinks::default))
    }

    /// Certificates that back some endpoint: their CA is injected into it, or the pods
    /// behind it serve their Secret.
    pub fn cert_manager_backing(&self) -> Vec<bool> {
        let mut backs = vec![false; self.cert_manager.certificates.len()];
        for links in &self.cert_manager_links {
            for &i in links.injected.iter().chain(&links.serving) {
                backs[i] = true;
            }
        }
        backs
    }

    /// The Certificates whose Secrets the pods behind any endpoint of `object` serve from.
    pub fn cert_manager_serving_object(&self, model: &Model<'_>, object: ObjectId) -> Vec<usize> {
        let mut serving: Vec<usize> = model
            .endpoints
            .iter()
            .enumerate()
            .filter(|(_, endpoint)| endpoint.object == object)
            .flat_map(|(i, _)| self.cert_manager_links(i).serving.iter().copied())
            .collect();
        serving.sort_unstable();
        serving.dedup();
        serving
    }
}
