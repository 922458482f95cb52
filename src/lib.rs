//! speclint: predicts kube-apiserver's TLS verdict for webhooks, CRD conversion webhooks
//! and aggregated APIs, offline, from Kubernetes manifests.
//!
//! The pipeline ([`pipeline`] runs it): [`input`] -> [`yaml`] -> [`model`] -> [`resolve`]
//! (with [`tls`] for the verdict, per [`kube_version`]) -> [`provision`] -> [`rules`] ->
//! [`suppress`] and [`baseline`] -> [`report`]. ARCHITECTURE.md says where things go.

pub mod admission;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod input;
pub mod kube_version;
pub mod model;
pub mod names;
pub mod pipeline;
pub mod progress;
pub mod provision;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod secret_keys;
pub mod source;
pub mod suggest;
pub mod suppress;
pub mod timings;
pub mod tls;
pub mod untrusted;
pub mod yaml;
