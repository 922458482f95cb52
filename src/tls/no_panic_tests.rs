//! Property tests: no input makes the Go ports panic. Cases default to a small
//! number; set PROPTEST_CASES to run more.

use proptest::prelude::*;

use super::go::Go;
use super::{base64, cert, hostname, ip, pem};

const LEAF_PEM: &[u8] = include_bytes!("../../testdata/tls/spark/server-cert.pem");

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    ProptestConfig::with_cases(cases)
}

fn leaf_der() -> Vec<u8> {
    pem::decode(LEAF_PEM).expect("fixture is PEM").0.bytes
}

/// A real certificate with a few bytes changed, to reach deep parser paths.
fn mutated_der() -> impl Strategy<Value = Vec<u8>> {
    let der = leaf_der();
    let len = der.len();
    prop::collection::vec((0..len, any::<u8>()), 1..6).prop_map(move |edits| {
        let mut der = der.clone();
        for (at, byte) in edits {
            der[at] = byte;
        }
        der
    })
}

/// The oldest and the newest Go: every switch of `tls::go` on one side or the other.
const GOS: [Go; 2] = [Go::GO_1_19, Go::new(26, 6, 26)];

fn exercise_cert(c: &cert::Certificate, host: &str) {
    for go in GOS {
        if let Err(e) = hostname::verify_hostname(c, host, go) {
            let _ = (e.to_string(), e.kind(), e.valid_names());
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = base64::decode_std(&data);
        let _ = pem::decode_all(&data);
        for go in GOS {
            if let Ok(c) = cert::parse_der(&data, go) {
                exercise_cert(&c, "svc.ns.svc");
            }
            if let Err(problem) = cert::parse_pem_chain(&data, go) {
                let _ = problem.to_string();
            }
            let _ = cert::append_certs_from_pem(&data, go);
        }
    }

    #[test]
    fn pem_shaped_text_never_panics(
        kind in "[A-Z ]{0,12}",
        body in "[A-Za-z0-9+/=\r\n \t:-]{0,200}",
        tail in "[-A-Z \r\n]{0,24}",
    ) {
        let text = format!("-----BEGIN {kind}-----\n{body}\n-----END {kind}-----{tail}");
        for block in pem::decode_all(text.as_bytes()) {
            prop_assert!(block.start < block.end && block.end <= text.len());
        }
        let _ = cert::parse_pem_chain(text.as_bytes(), Go::GO_1_19);
    }

    #[test]
    fn mutated_certificates_never_panic(der in mutated_der(), host in "\\PC{0,40}") {
        for go in GOS {
            if let Ok(c) = cert::parse_der(&der, go) {
                exercise_cert(&c, &host);
            }
        }
    }

    #[test]
    fn arbitrary_hosts_never_panic(host in "\\PC{0,64}|\\[[0-9a-f:.]{0,40}\\]") {
        let der = leaf_der();
        let c = cert::parse_der(&der, Go::GO_1_19).expect("fixture parses");
        exercise_cert(&c, &host);
        let _ = ip::parse_ip(&host);
    }
}
