//! Provisioners: whatever makes a serving certificate that is not in the render (cert-manager,
//! kube-webhook-certgen Jobs, operators from the catalogue), and whatever fills a caBundle
//! at run time (injectors).

pub(crate) mod catalogue;
pub(crate) mod cert_manager;
pub(crate) mod certgen;
pub(crate) mod provenance;
mod provisioning;
pub(crate) mod rbac;
pub(crate) mod service_ca;

pub(crate) use provenance::Provenance;
pub(crate) use provisioning::{InjectTarget, Injector, Provisioner, ProvisionerKind};
