//! Go-exact certificate handling: base64, PEM, X.509 parsing and hostname verification.

pub mod base64;
pub mod cert;
mod curve;
mod der;
pub mod go;
mod go_names;
pub mod hostname;
pub mod ip;
pub mod key;
pub mod pem;
pub(crate) mod roots;
mod signature;
pub mod time;
pub mod verify;

#[cfg(test)]
mod no_panic_tests;
