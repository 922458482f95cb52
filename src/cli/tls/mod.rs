//! `speclint tls verify` and `speclint tls inspect`: the verifier and decoder, by hand.
//!
//! Both read PEM, base64 of PEM (a caBundle value pasted in), a DER certificate,
//! or a manifest (YAML or JSON, possibly a `List`). Private keys are only ever
//! described (type, size, which certificate they belong to), never printed.

mod input;
mod inspect;
mod usage;
mod verify;

use crate::cli::args::TlsCommand;
use crate::cli::exit::EXIT_USAGE;
use crate::untrusted::escape;
use std::io::{Read, Write};
use usage::Usage;

pub(crate) fn run(command: &TlsCommand, stdin: &mut dyn Read, stdout: &mut dyn Write) -> i32 {
    let outcome = match command {
        TlsCommand::Verify(args) => verify::run(args, stdin, stdout),
        TlsCommand::Inspect(args) => inspect::run(args, stdin, stdout),
    };
    match outcome {
        Ok(code) => code,
        Err(Usage(message)) => {
            eprintln!("error: {}", escape(&message));
            EXIT_USAGE
        }
    }
}
