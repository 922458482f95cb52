//! Provisioners: whatever makes a serving certificate that is not in the render (cert-manager,
//! kube-webhook-certgen Jobs, operators from the catalogue), and whatever fills a caBundle
//! at run time (injectors).

pub mod catalogue;
pub mod cert_manager;
pub mod certgen;
pub mod provenance;
mod provisioning;
pub mod rbac;
pub mod service_ca;

pub use provenance::Provenance;
pub use provisioning::{InjectTarget, Injector, Provisioner, ProvisionerKind, Provisioning};
