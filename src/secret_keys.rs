//! The Secret keys that hold a serving certificate and its private key, by convention
//! (provisioners.md), for the resolver and for `tls verify`.

/// Key names that hold the serving chain, in order of preference.
pub(crate) const CERT_KEYS: &[&str] = &["tls.crt", "cert", "server-cert.pem"];
/// Key names that hold the private key, each at the index of its chain's.
pub(crate) const KEY_KEYS: &[&str] = &["tls.key", "key", "server-key.pem"];
