//! `verify_server` against the verdicts Go gave for the same chains: Go 1.19 in cases.json
//! (testdata/tls/verify/gen.go writes it), every profile in go/<profile>.json.

mod common;

use std::path::PathBuf;
use std::time::Instant;

use serde::Deserialize;
use speclint::tls::cert::{self, Certificate};
use speclint::tls::time::parse_rfc3339;
use speclint::tls::verify::{
    self, CertRef, ServerVerifyError, SignatureError, VerifyErrorKind, VerifyOptions,
};

#[derive(Deserialize)]
struct Case {
    name: String,
    server_name: String,
    now: String,
    chain_pem: String,
    ca_bundle_pem: String,
    verdict: String,
}

fn cases() -> Vec<Case> {
    cases_in("cases.json")
}

fn cases_in(file: &str) -> Vec<Case> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/tls/verify")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn case(name: &str) -> Case {
    cases()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

fn chain_of(case: &Case) -> Vec<Certificate> {
    cert::parse_pem_chain(case.chain_pem.as_bytes(), speclint::tls::go::Go::GO_1_19)
        .unwrap_or_else(|e| panic!("{}: tls.crt does not parse: {e}", case.name))
        .into_iter()
        .map(|(_, c)| c)
        .collect()
}

fn run(case: &Case) -> Result<(), ServerVerifyError> {
    run_as(case, speclint::tls::go::Go::GO_1_19)
}

fn run_as(case: &Case, go: speclint::tls::go::Go) -> Result<(), ServerVerifyError> {
    let now = parse_rfc3339(&case.now).expect("fixture time");
    // An empty caBundle means the system roots; the chains are private, so an
    // empty store fails as Go did with this machine's roots.
    verify::verify_server(
        &chain_of(case),
        case.ca_bundle_pem.as_bytes(),
        &case.server_name,
        now,
        Some(&[]),
        go,
    )
}

fn options_of<'a>(
    case: &'a Case,
    chain: &'a [Certificate],
    roots: &'a [Certificate],
) -> VerifyOptions<'a> {
    VerifyOptions {
        roots,
        intermediates: &chain[1..],
        dns_name: &case.server_name,
        now: parse_rfc3339(&case.now).unwrap(),
        go: speclint::tls::go::Go::GO_1_19,
    }
}

fn roots_of(case: &Case) -> Vec<Certificate> {
    cert::append_certs_from_pem(
        case.ca_bundle_pem.as_bytes(),
        speclint::tls::go::Go::GO_1_19,
    )
    .into_iter()
    .map(|(_, c)| c)
    .collect()
}

fn verdict(result: &Result<(), ServerVerifyError>) -> String {
    match result {
        Ok(_) => "ok".to_string(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn verify_server_agrees_with_go() {
    agrees_with_go(cases(), "", 60);
}

/// Every key type and signature algorithm Go 1.19 verifies, signed and tampered with
/// (`go run gen.go signatures`): the fast verifiers tried first never decide otherwise.
#[test]
fn every_signature_algorithm_agrees_with_go() {
    let cases = cases_in("signatures.json");
    for algorithm in [
        "p224-ECDSA-SHA256",
        "p521-ECDSA-SHA512",
        "rsa512-SHA256-RSA",
        "rsa4096-SHA512-RSAPSS",
    ] {
        assert!(
            cases
                .iter()
                .any(|c| c.name == algorithm && c.verdict == "ok"),
            "{algorithm}"
        );
    }
    agrees_with_go(cases, "signatures-", 65);
}

#[derive(Deserialize)]
struct ProfileVerdict {
    index: usize,
    name: String,
    verdict: String,
}

/// Every case under every profile: `go/<prefix><profile>.json` holds that Go's verdicts
/// (the go1.19.8 ones equal the committed file's).
fn agrees_with_go(cases: Vec<Case>, prefix: &str, at_least: usize) {
    assert!(cases.len() >= at_least, "only {} cases", cases.len());
    let mut disagreements = Vec::new();
    for profile in common::go_profiles::PROFILES {
        let verdicts: Vec<ProfileVerdict> =
            common::go_profiles::oracle("tls/verify", &profile.with_prefix(prefix));
        assert_eq!(verdicts.len(), cases.len(), "{}", profile.name);
        let mut agree = 0;
        for (case, go) in cases.iter().zip(&verdicts) {
            assert_eq!((go.index, go.name.as_str()), (go.index, case.name.as_str()));
            if profile.name == "go1.19.8" {
                assert_eq!(go.verdict, case.verdict, "{}", case.name);
            }
            let ours = verdict(&run_as(case, profile.go));
            if ours == go.verdict {
                agree += 1;
            } else {
                disagreements.push(format!(
                    "{} {}:\n  go:   {}\n  rust: {ours}",
                    profile.name, case.name, go.verdict
                ));
            }
        }
        println!(
            "verify_server agrees with {} on {agree} of {} cases",
            profile.name,
            cases.len()
        );
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}

fn verify_error(name: &str) -> VerifyErrorKind {
    match run(&case(name)) {
        Err(ServerVerifyError::Verify(e)) => e.kind().clone(),
        other => panic!("{name}: expected a Verify error, got {other:?}"),
    }
}

/// Go compares the evaluation time with the validity window to the nanosecond:
/// `now.After(NotAfter)` and `now.Before(NotBefore)`, so both bounds are inside it.
#[test]
fn the_validity_window_is_compared_to_the_nanosecond() {
    use speclint::tls::time::Time;
    let case = case("san-exact");
    let chain = chain_of(&case);
    let roots = roots_of(&case);
    let all: Vec<&Certificate> = chain.iter().chain(&roots).collect();
    let first_expiry = all.iter().map(|c| c.not_after).min().unwrap();
    let last_start = all.iter().map(|c| c.not_before).max().unwrap();
    let at = |now: Time| {
        let options = VerifyOptions {
            now,
            ..options_of(&case, &chain, &roots)
        };
        verify::verify(&chain[0], &options)
            .map(|_| ())
            .map_err(|e| e.kind().clone())
    };
    assert_eq!(at(Time::from_unix(first_expiry)), Ok(()));
    assert!(matches!(
        at(Time::new(first_expiry, 1)),
        Err(VerifyErrorKind::Expired { now, not_after, .. })
            if now == Time::new(first_expiry, 1) && not_after == first_expiry
    ));
    assert_eq!(at(Time::from_unix(last_start)), Ok(()));
    assert!(matches!(
        at(Time::new(last_start - 1, 999_999_999)),
        Err(VerifyErrorKind::NotYetValid { not_before, .. }) if not_before == last_start
    ));
}

#[test]
fn errors_say_which_certificate_failed() {
    assert!(matches!(
        verify_error("expired-leaf"),
        VerifyErrorKind::Expired {
            cert: CertRef::Leaf,
            ..
        }
    ));
    assert!(matches!(
        verify_error("expired-root"),
        VerifyErrorKind::Expired {
            cert: CertRef::Root(0),
            ..
        }
    ));
    assert!(matches!(
        verify_error("not-yet-valid-intermediate"),
        VerifyErrorKind::NotYetValid {
            cert: CertRef::Intermediate(0),
            ..
        }
    ));
    assert!(matches!(
        verify_error("pathlen-0-violated"),
        VerifyErrorKind::TooManyIntermediates {
            cert: CertRef::Root(0),
            max_path_len: 0
        }
    ));
    assert!(matches!(
        verify_error("v1-intermediate-sent"),
        VerifyErrorKind::NotAuthorizedToSign {
            cert: CertRef::Intermediate(0)
        }
    ));
    assert!(matches!(
        verify_error("name-constraint-on-intermediate"),
        VerifyErrorKind::NameConstraint {
            cert: CertRef::Intermediate(0),
            ..
        }
    ));
    assert!(matches!(
        verify_error("intermediate-eku-client-auth"),
        VerifyErrorKind::IncompatibleUsage { certs } if certs == [CertRef::Intermediate(0)]
    ));
    assert!(matches!(
        verify_error("intermediate-missing"),
        VerifyErrorKind::UnknownAuthority {
            cert: CertRef::Leaf,
            hint: None
        }
    ));
    match verify_error("sha1-signed-leaf") {
        VerifyErrorKind::UnknownAuthority {
            hint: Some(hint), ..
        } => {
            assert_eq!(hint.candidate, CertRef::Root(0));
            assert_eq!(hint.candidate_name, "webhook-ca");
            assert_eq!(
                hint.error,
                SignatureError::InsecureAlgorithm {
                    algorithm: "SHA1-RSA".into(),
                    godebug_hint: true,
                }
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        verify_error("ca-without-ca-true"),
        VerifyErrorKind::UnknownAuthority {
            hint: Some(verify::SignatureHint {
                error: SignatureError::ParentCannotSign,
                ..
            }),
            ..
        }
    ));
    assert!(matches!(
        verify_error("leaf-unknown-critical-extension"),
        VerifyErrorKind::UnhandledCriticalExtension { cert: CertRef::Leaf, oids } if oids == ["1.2.3.4.5"]
    ));
    assert!(matches!(
        verify_error("san-cluster-local-only"),
        VerifyErrorKind::Hostname(_)
    ));
    assert!(matches!(
        run(&case("rsa-8193-bit-leaf")),
        Err(ServerVerifyError::RsaKeyTooLarge {
            position: 0,
            bits: 8193
        })
    ));
    assert!(matches!(
        run(&case("bundle-garbage")),
        Err(ServerVerifyError::RootCertificates { .. })
    ));
}

#[test]
fn the_chain_found_is_returned() {
    let reversed = case("two-intermediates-reversed");
    let (chain, roots) = (chain_of(&reversed), roots_of(&reversed));
    let options = options_of(&reversed, &chain, &roots);
    let found = verify::verify(&chain[0], &options).expect("verifies");
    assert_eq!(
        found,
        [
            CertRef::Leaf,
            CertRef::Intermediate(1),
            CertRef::Intermediate(0),
            CertRef::Root(0)
        ]
    );
    let self_signed = case("self-signed-leaf-in-bundle");
    let (chain, roots) = (chain_of(&self_signed), roots_of(&self_signed));
    let options = options_of(&self_signed, &chain, &roots);
    let found = verify::verify(&chain[0], &options).expect("verifies");
    assert_eq!(found, [CertRef::Leaf]);
}

#[test]
fn serials_print_as_go_prints_them() {
    let mut negative = roots_of(&case("rsa1024-ca")).pop().expect("root");
    negative.serial_hex = "ff01".into();
    assert_eq!(verify::serial_decimal(&negative), "-255");
}

/// Verifying a typical chain must stay far below a millisecond in release
/// builds; this guards against accidental quadratic work with a loose bound
/// that also holds for unoptimised test builds.
#[test]
fn verification_is_cheap() {
    for name in [
        "san-exact",
        "intermediate-sent",
        "rsa2048-ca-rsa2048-leaf",
        "rsa4096-ca-p256-leaf",
        "p521-ca-p521-leaf",
        "ed25519-ca-ed25519-leaf",
    ] {
        let case = case(name);
        let (chain, roots) = (chain_of(&case), roots_of(&case));
        let options = options_of(&case, &chain, &roots);
        let rounds = 20;
        let start = Instant::now();
        for _ in 0..rounds {
            verify::verify(&chain[0], &options).expect("verifies");
        }
        let per_call = start.elapsed() / rounds;
        println!("verify {name}: {per_call:?} per call");
        assert!(
            per_call.as_millis() < 50,
            "{name}: {per_call:?} per verification"
        );
    }
}

/// Every accepted chain is refused once the leaf's signature is altered: the
/// signature checks of each algorithm really run.
#[test]
fn altered_signatures_are_refused() {
    let mut checked = 0;
    for case in cases() {
        if case.verdict != "ok" {
            continue;
        }
        let (mut chain, roots) = (chain_of(&case), roots_of(&case));
        if roots.iter().any(|r| r.raw == chain[0].raw) {
            continue; // A leaf found in the caBundle is trusted without a signature check.
        }
        let middle = chain[0].signature_value.len() / 2;
        chain[0].signature_value[middle] ^= 0x01;
        let options = options_of(&case, &chain, &roots);
        let error = verify::verify(&chain[0], &options)
            .expect_err(&format!("{}: altered signature accepted", case.name));
        assert!(
            matches!(
                error.kind(),
                VerifyErrorKind::UnknownAuthority {
                    hint: Some(verify::SignatureHint {
                        error: SignatureError::BadSignature { .. },
                        ..
                    }),
                    ..
                }
            ),
            "{}: {error}",
            case.name
        );
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} chains checked");
}

mod no_panics {
    use super::*;
    use proptest::prelude::*;

    fn chains() -> Vec<(Case, Vec<Certificate>, Vec<Certificate>)> {
        [
            "intermediate-sent",
            "rsa2049-ca-pss-sha256",
            "rsa2048-ca-sha512",
            "p521-ca-sha256",
            "ed25519-ca-ed25519-leaf",
            "name-constraint-ip-refused",
            "name-constraint-email-refused",
        ]
        .into_iter()
        .map(|name| {
            let case = case(name);
            let (chain, roots) = (chain_of(&case), roots_of(&case));
            (case, chain, roots)
        })
        .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Altered DER, signatures and keys never make `verify` panic.
        #[test]
        fn altered_chains_do_not_panic(
            which in 0usize..7,
            target in 0usize..3,
            edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
            field in 0usize..3,
            replacement in prop::collection::vec(any::<u8>(), 0..80),
        ) {
            let (case, mut chain, mut roots) = chains().swap_remove(which);
            let cert = match target {
                0 => &mut chain[0],
                1 if chain.len() > 1 => &mut chain[1],
                _ => &mut roots[0],
            };
            match field {
                0 => {
                    let mut der = cert.raw.clone();
                    for (at, byte) in &edits {
                        let at = at.index(der.len());
                        der[at] = *byte;
                    }
                    match cert::parse_der(&der, speclint::tls::go::Go::GO_1_19) {
                        Ok(parsed) => *cert = parsed,
                        Err(_) => return Ok(()),
                    }
                }
                1 => cert.signature_value = replacement,
                _ => cert.public_key_bytes = replacement,
            }
            let options = options_of(&case, &chain, &roots);
            let _ = verify::verify(&chain[0], &options).map_err(|e| e.to_string());
        }
    }
}
