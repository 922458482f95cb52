//! Go-exact certificate handling: base64, PEM, X.509 parsing and hostname verification.

pub mod base64;
pub mod cert;
pub mod hostname;
pub mod pem;
