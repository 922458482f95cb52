//! speclint: predicts kube-apiserver's TLS verdict for webhooks, CRD conversion webhooks
//! and aggregated APIs, offline, from Kubernetes manifests.
//!
//! The pipeline ([`pipeline`] runs it): [`input`] -> [`yaml`] -> [`model`] -> [`resolve`]
//! (with [`tls`] for the verdict, per [`kube_version`]) -> [`provision`] -> [`rules`] ->
//! [`suppress`] and [`baseline`] -> [`report`]. ARCHITECTURE.md says where things go.

pub(crate) mod admission;
pub(crate) mod baseline;
pub mod cli;
pub(crate) mod config;
pub mod diagnostic;
pub(crate) mod input;
pub mod kube_version;
pub mod model;
pub(crate) mod names;
pub mod pipeline;
pub mod progress;
pub(crate) mod provision;
pub mod report;
pub(crate) mod resolve;
pub mod rules;
pub(crate) mod secret_keys;
pub mod source;
pub(crate) mod suggest;
pub(crate) mod suppress;
pub(crate) mod timings;
pub mod tls;
pub(crate) mod untrusted;
pub mod yaml;
