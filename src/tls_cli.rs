//! `speclint tls verify` and `speclint tls inspect`: the verifier and decoder, by hand.

use clap::{Args, Subcommand, ValueEnum};
use std::io::{Read, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum TlsCommand {
    /// Verify a serving chain as kube-apiserver would: prints `ok` or Go's exact error (exit 0 or 1).
    Verify(VerifyArgs),
    /// Describe every certificate and key found in PEM, base64 or a manifest.
    Inspect(InspectArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The caBundle: PEM, or a manifest (webhook configuration, CRD, APIService) to take it from.
    #[arg(long, value_name = "FILE")]
    pub ca_bundle: String,
    /// The name the API server dials, e.g. `my-svc.my-ns.svc`.
    #[arg(long, value_name = "NAME")]
    pub server_name: String,
    /// Evaluation time, RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// The serving chain: PEM (leaf first), or a Secret manifest to take it from; `-` is stdin.
    #[arg(value_name = "CHAIN")]
    pub chain: String,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// PEM, base64 of PEM, or a manifest; `-` is stdin.
    #[arg(value_name = "FILE")]
    pub input: String,
    #[arg(long, value_enum, default_value_t = InspectFormat::Human)]
    pub format: InspectFormat,
    /// Evaluation time for "days left", RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
}

pub fn run(command: &TlsCommand, stdin: &mut dyn Read, stdout: &mut dyn Write) -> i32 {
    let _ = (command, stdin, stdout);
    eprintln!("error: not implemented yet");
    crate::cli::EXIT_USAGE
}
