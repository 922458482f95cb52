//! Go's chain building: `CertPool` (crypto/x509/cert_pool.go) and `buildChains`, `isValid`
//! and `alreadyInChain` (crypto/x509/verify.go), in Go's candidate order and budget.

use foldhash::HashMap;
use std::borrow::Cow;

use super::error::{SignatureHint, VerifyError, VerifyErrorKind};
use super::name_constraints::check_sans_against;
use super::options::{CertRef, Chain};
use super::serial::serial_decimal;
use crate::tls::cert::{Certificate, PublicKeyAlgorithm};
use crate::tls::go::Go;
use crate::tls::signature::{check_signature_from, rsa_key, SignatureError};
use crate::tls::time::Time;

/// [`VerifyOptions`](super::VerifyOptions) with the certificates already pooled: verifying many certificates
/// against the same roots or intermediates indexes them once rather than per call.
#[derive(Debug, Clone, Copy)]
pub struct PooledOptions<'a> {
    pub roots: &'a CertPool<'a>,
    pub intermediates: &'a CertPool<'a>,
    /// A certificate of `intermediates` (by index) left out as if the pool had been built
    /// without it, so one pool of a group serves each member with the others as intermediates.
    /// `CertRef::Intermediate` still indexes the whole pool.
    pub excluded_intermediate: Option<usize>,
    /// Checked with `VerifyHostname` when not empty.
    pub dns_name: &'a str,
    /// Go's `CurrentTime`, to the nanosecond.
    pub now: Time,
    /// The Go whose behaviour decides.
    pub go: Go,
}

/// Go's `leafCertificate` / `intermediateCertificate` / `rootCertificate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CertKind {
    Leaf,
    Intermediate,
    Root,
}

/// Go's `maxChainSignatureChecks`.
const MAX_CHAIN_SIGNATURE_CHECKS: usize = 100;

/// Go's `CertPool`: certificates deduplicated by their encoding, indexed by subject.
#[derive(Debug)]
pub struct CertPool<'a> {
    certs: &'a [Certificate],
    /// Index of the first copy of each encoding, ascending, by subject.
    by_subject: HashMap<&'a [u8], Vec<usize>>,
    /// Each encoding's first copy and second copy (the one kept if the first is excluded).
    by_raw: HashMap<&'a [u8], (usize, Option<usize>)>,
}

impl<'a> CertPool<'a> {
    pub fn new(certs: &'a [Certificate]) -> Self {
        let mut pool = CertPool {
            certs,
            by_subject: HashMap::default(),
            by_raw: HashMap::default(),
        };
        for (index, c) in certs.iter().enumerate() {
            match pool.by_raw.entry(c.raw.as_slice()) {
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert((index, None));
                    pool.by_subject
                        .entry(c.raw_subject())
                        .or_default()
                        .push(index);
                }
                std::collections::hash_map::Entry::Occupied(mut entry) => {
                    entry.get_mut().1.get_or_insert(index);
                }
            }
        }
        pool
    }

    pub(super) fn contains(&self, c: &Certificate) -> bool {
        self.by_raw.contains_key(c.raw.as_slice())
    }

    /// The indexes of the pool's certificates with `child`'s issuer as subject, in the
    /// order Go's pool holds them, as if `excluded` had never been added.
    fn with_subject_of_issuer(
        &self,
        child: &Certificate,
        excluded: Option<usize>,
    ) -> Cow<'_, [usize]> {
        let Some(indexes) = self.by_subject.get(child.raw_issuer()) else {
            return Cow::Borrowed(&[]);
        };
        let Some(excluded) = excluded.filter(|&e| indexes.binary_search(&e).is_ok()) else {
            return Cow::Borrowed(indexes);
        };
        // Without its first copy, an encoding is held from its second copy on, if any.
        let mut indexes: Vec<usize> = indexes.iter().copied().filter(|&i| i != excluded).collect();
        if let Some(&(_, Some(second))) = self.by_raw.get(self.certs[excluded].raw.as_slice()) {
            let at = indexes.partition_point(|&i| i < second);
            indexes.insert(at, second);
        }
        Cow::Owned(indexes)
    }

    /// Go's `findPotentialParents`: same subject as `child`'s issuer; matching key
    /// IDs first, then one key ID missing, then mismatching key IDs.
    fn potential_parents(&self, child: &Certificate, excluded: Option<usize>) -> Vec<usize> {
        let mut matching = Vec::new();
        let mut one_missing = Vec::new();
        let mut mismatching = Vec::new();
        for &index in self.with_subject_of_issuer(child, excluded).iter() {
            let candidate = &self.certs[index];
            if candidate.subject_key_id == child.authority_key_id {
                matching.push(index);
            } else if candidate.subject_key_id.is_empty() != child.authority_key_id.is_empty() {
                one_missing.push(index);
            } else {
                mismatching.push(index);
            }
        }
        matching.extend(one_missing);
        matching.extend(mismatching);
        matching
    }
}

pub(super) struct Verifier<'a> {
    leaf: &'a Certificate,
    now: Time,
    pub(super) go: Go,
    pub(super) roots: &'a CertPool<'a>,
    intermediates: &'a CertPool<'a>,
    excluded_intermediate: Option<usize>,
    signature_checks: usize,
    /// Signature checks done, by child and parent DER. A CA both among the roots and in the
    /// served chain is a candidate twice, with the same answer: Go checks it twice.
    signatures: Vec<CheckedSignature<'a>>,
}

/// A child's DER, its candidate parent's, and whether the parent signed the child.
type CheckedSignature<'a> = (&'a [u8], &'a [u8], Result<(), SignatureError>);

impl<'a> Verifier<'a> {
    pub(super) fn new(leaf: &'a Certificate, options: &PooledOptions<'a>) -> Self {
        Verifier {
            leaf,
            now: options.now,
            go: options.go,
            roots: options.roots,
            intermediates: options.intermediates,
            excluded_intermediate: options.excluded_intermediate,
            signature_checks: 0,
            signatures: Vec::new(),
        }
    }

    pub(super) fn cert(&self, r: CertRef) -> &'a Certificate {
        match r {
            CertRef::Leaf => self.leaf,
            CertRef::Root(i) => &self.roots.certs[i],
            CertRef::Intermediate(i) => &self.intermediates.certs[i],
        }
    }

    /// `CheckSignatureFrom`, once per pair of certificates.
    fn check_signature(
        &mut self,
        child: &'a Certificate,
        parent: &'a Certificate,
    ) -> Result<(), SignatureError> {
        let (child_der, parent_der) = (child.raw.as_slice(), parent.raw.as_slice());
        if let Some((_, _, known)) =
            (self.signatures.iter()).find(|(c, p, _)| *c == child_der && *p == parent_der)
        {
            return known.clone();
        }
        let result = check_signature_from(child, parent, self.go);
        self.signatures
            .push((child_der, parent_der, result.clone()));
        result
    }

    /// Go's `buildChains`. Like Go, every candidate is explored and the error
    /// returned is the one left by the last candidate that set it (a later
    /// candidate passing `isValid` clears it).
    pub(super) fn build_chains(
        &mut self,
        current: &[CertRef],
    ) -> (Vec<Chain>, Option<VerifyError>) {
        let child_ref = *current.last().expect("chains start with the leaf");
        let child = self.cert(child_ref);
        let candidates: Vec<(CertRef, CertKind)> = self
            .roots
            .potential_parents(child, None)
            .into_iter()
            .map(|i| (CertRef::Root(i), CertKind::Root))
            .chain(
                self.intermediates
                    .potential_parents(child, self.excluded_intermediate)
                    .into_iter()
                    .map(|i| (CertRef::Intermediate(i), CertKind::Intermediate)),
            )
            .collect();

        let mut chains: Vec<Chain> = Vec::new();
        let mut error: Option<VerifyError> = None;
        let mut hint: Option<SignatureHint> = None;
        for (candidate_ref, kind) in candidates {
            let candidate = self.cert(candidate_ref);
            // Go 1.21 passes over a candidate without a public key Go can use.
            let keyless = candidate.public_key.algorithm == PublicKeyAlgorithm::Unknown
                && self.go.skips_keyless_candidates();
            let stops = self.go.stops_at_signature_limit();
            if !stops && (keyless || self.already_in_chain(candidate, current)) {
                continue;
            }
            self.signature_checks += 1;
            if self.signature_checks > MAX_CHAIN_SIGNATURE_CHECKS {
                error = Some(VerifyError::new(VerifyErrorKind::SignatureCheckLimit));
                if stops {
                    break;
                }
                continue;
            }
            if stops && (keyless || self.already_in_chain(candidate, current)) {
                continue;
            }
            if let Err(signature_error) = self.check_signature(child, candidate) {
                if hint.is_none() {
                    hint = Some(SignatureHint {
                        candidate: candidate_ref,
                        candidate_name: hint_name(candidate),
                        error: signature_error,
                    });
                }
                continue;
            }
            error = self.is_valid(candidate_ref, kind, current).err();
            if error.is_some() {
                continue;
            }
            let mut extended = current.to_vec();
            extended.push(candidate_ref);
            match kind {
                CertKind::Root => chains.push(extended),
                CertKind::Intermediate => {
                    let (child_chains, child_error) = self.build_chains(&extended);
                    chains.extend(child_chains);
                    error = child_error;
                    let limit = matches!(
                        error.as_ref().map(VerifyError::kind),
                        Some(VerifyErrorKind::SignatureCheckLimit)
                    );
                    if limit && self.go.stops_at_signature_limit() {
                        break;
                    }
                }
                CertKind::Leaf => unreachable!("leaves are never candidates"),
            }
        }

        if !chains.is_empty() {
            error = None;
        } else if error.is_none() {
            error = Some(VerifyError::new(VerifyErrorKind::UnknownAuthority {
                cert: child_ref,
                hint,
            }));
        }
        (chains, error)
    }

    /// Go's `alreadyInChain`: same subject, same public key and same SAN extension
    /// (or both without one). Stops at the first subject-and-key match whose SAN
    /// presence differs, as Go does.
    fn already_in_chain(&self, candidate: &Certificate, chain: &[CertRef]) -> bool {
        for &r in chain {
            let c = self.cert(r);
            if candidate.raw_subject() != c.raw_subject() || !same_public_key(candidate, c) {
                continue;
            }
            match (&candidate.subject_alt_name_raw, &c.subject_alt_name_raw) {
                (None, None) => return true,
                (None, _) | (_, None) => return false,
                (Some(a), Some(b)) if a == b => return true,
                _ => {}
            }
        }
        false
    }

    /// Go's `isValid` for `cert_ref` about to be appended to `current`.
    pub(super) fn is_valid(
        &mut self,
        cert_ref: CertRef,
        kind: CertKind,
        current: &[CertRef],
    ) -> Result<(), VerifyError> {
        let c = self.cert(cert_ref);
        if !c.unhandled_critical_extensions.is_empty() {
            return Err(VerifyError::new(
                VerifyErrorKind::UnhandledCriticalExtension {
                    cert: cert_ref,
                    oids: c.unhandled_critical_extensions.clone(),
                },
            ));
        }

        // Go compares instants: `now.Before(NotBefore)`, `now.After(NotAfter)`.
        let now = self.now;
        if now.before(c.not_before) {
            return Err(VerifyError::new(VerifyErrorKind::NotYetValid {
                cert: cert_ref,
                now,
                not_before: c.not_before,
                not_before_utc_offset: c.not_before_utc_offset,
            }));
        }
        if now.after(c.not_after) {
            return Err(VerifyError::new(VerifyErrorKind::Expired {
                cert: cert_ref,
                now,
                not_after: c.not_after,
                not_after_utc_offset: c.not_after_utc_offset,
            }));
        }

        // Go 1.26 checks name constraints once a chain is built (`chain_constraints`).
        if kind != CertKind::Leaf
            && c.has_name_constraints
            && !self.go.checks_constraints_after_building()
        {
            let mut comparisons = 0usize;
            // Go 1.19 checks the leaf and the constraining certificate; Go 1.21 every
            // certificate already in the chain.
            let san_certs: Vec<&Certificate> = if self.go.constrains_whole_chain() {
                current.iter().map(|&r| self.cert(r)).collect()
            } else {
                vec![self.cert(current[0]), c]
            };
            for san_cert in san_certs {
                if let Some(san) = san_cert.subject_alt_name_raw.as_deref() {
                    check_sans_against(cert_ref, c, san, &mut comparisons, self.go)?;
                }
            }
        }

        if kind == CertKind::Intermediate && (!c.basic_constraints_valid || !c.is_ca) {
            return Err(VerifyError::new(VerifyErrorKind::NotAuthorizedToSign {
                cert: cert_ref,
            }));
        }

        if c.basic_constraints_valid && c.max_path_len >= 0 {
            let intermediates = current.len() as i64 - 1;
            if intermediates > c.max_path_len {
                return Err(VerifyError::new(VerifyErrorKind::TooManyIntermediates {
                    cert: cert_ref,
                    max_path_len: c.max_path_len,
                }));
            }
        }
        Ok(())
    }
}

/// The name Go gives a hint's candidate: CN, else first O, else `serial:N`.
fn hint_name(c: &Certificate) -> String {
    if let Some(cn) = c.subject_common_name.as_deref().filter(|cn| !cn.is_empty()) {
        return cn.to_string();
    }
    if let Some(organization) = c.subject_organizations.first() {
        return organization.clone();
    }
    format!("serial:{}", serial_decimal(c))
}

/// Go's `PublicKey.Equal` between two parsed keys.
fn same_public_key(a: &Certificate, b: &Certificate) -> bool {
    if a.public_key.algorithm != b.public_key.algorithm {
        return false;
    }
    match a.public_key.algorithm {
        // Go compares N and E; trailing data after the key is not part of them.
        PublicKeyAlgorithm::Rsa => match (rsa_key(a), rsa_key(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
        PublicKeyAlgorithm::Ecdsa => {
            a.public_key.curve == b.public_key.curve && a.public_key_bytes == b.public_key_bytes
        }
        PublicKeyAlgorithm::Ed25519 => a.public_key_bytes == b.public_key_bytes,
        PublicKeyAlgorithm::Dsa | PublicKeyAlgorithm::Unknown => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::cert;

    /// Every distinct certificate of the Go verification vectors, in order of appearance.
    fn vector_certificates() -> Vec<Certificate> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/tls/verify/cases.json"
        );
        let cases: Vec<serde_json::Value> =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut seen = HashMap::default();
        let mut certificates = Vec::new();
        for case in &cases {
            for field in ["chain_pem", "ca_bundle_pem"] {
                let pem_text = case[field].as_str().unwrap_or("");
                for (_, c) in
                    cert::append_certs_from_pem(pem_text.as_bytes(), crate::tls::go::Go::GO_1_19)
                {
                    if seen.insert(c.raw.clone(), ()).is_none() {
                        certificates.push(c);
                    }
                }
            }
        }
        certificates
    }

    /// Leaving a member out of a pool lists candidates as a pool built without it does:
    /// the same certificates in the same order, for every issuer looked up.
    #[test]
    fn leaving_a_member_out_equals_building_the_pool_without_it() {
        let distinct = vector_certificates();
        // Each certificate twice, then others sharing their subjects: a member left out
        // whose second copy must take its place before those.
        let (first, second): (Vec<_>, Vec<_>) = distinct
            .iter()
            .cloned()
            .enumerate()
            .partition(|(i, _)| i % 2 == 0);
        let first: Vec<Certificate> = first.into_iter().map(|(_, c)| c).collect();
        let group: Vec<Certificate> = first
            .iter()
            .chain(&first)
            .cloned()
            .chain(second.into_iter().map(|(_, c)| c))
            .collect();
        let pool = CertPool::new(&group);
        let mut reordered = 0;
        for excluded in 0..group.len() {
            let others: Vec<Certificate> = group
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != excluded)
                .map(|(_, c)| c.clone())
                .collect();
            let rebuilt = CertPool::new(&others);
            for child in &distinct {
                let left_out: Vec<&[u8]> = pool
                    .potential_parents(child, Some(excluded))
                    .iter()
                    .map(|&i| group[i].raw.as_slice())
                    .collect();
                let expected: Vec<&[u8]> = rebuilt
                    .potential_parents(child, None)
                    .iter()
                    .map(|&i| others[i].raw.as_slice())
                    .collect();
                assert_eq!(left_out, expected, "member {excluded}");
                let whole: Vec<&[u8]> = pool
                    .potential_parents(child, None)
                    .iter()
                    .map(|&i| group[i].raw.as_slice())
                    .collect();
                reordered += usize::from(whole != expected);
            }
        }
        // The fixture must hold cases where leaving out changes the order.
        assert!(reordered > 0);
    }
}
