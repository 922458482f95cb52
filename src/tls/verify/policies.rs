//! Go 1.24's certificate-policy validation, ported from crypto/x509/verify.go: `policiesValid`
//! and its `policyGraph` (RFC 5280 6.1 as updated by RFC 9618), for the options
//! kube-apiserver passes (no `CertificatePolicies`, no inhibit or require flags); and the
//! tail of `Verify` that drops the candidate chains with invalid policies or without
//! serverAuth, and says why when none is left.
//!
//! Cost: the graph has one stratum per certificate, and a stratum at most one node per
//! policy OID of its certificate, per OID the previous stratum expects (anyPolicy carries
//! those down) and per mapping; edges follow the previous stratum's expected sets. So it
//! grows with the policy entries of the chain times its length, and each certificate
//! prunes it once: polynomial, as in Go (Go 1.24 and 1.25 prune once per inhibited
//! mapping, golang/go#78281; pruning once after them gives the same graph). Nothing
//! bounds it further, in Go or here: one certificate with 20,000 policies above 30
//! intermediates with anyPolicy makes 600,000 nodes (about 0.5 s and 150 MB here), for
//! each candidate chain through them.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;

use super::chain::Verifier;
use super::error::{VerifyError, VerifyErrorKind};
use super::options::Chain;
use crate::tls::cert::{Certificate, Policies};
use crate::tls::go::Go;

/// `2.5.29.32.0`, anyPolicy: the contents of its DER encoding.
const ANY_POLICY: &[u8] = &[0x55, 0x1d, 0x20, 0x00];

/// A certificate without policy extensions, as Go's zero fields.
static NO_POLICIES: Policies = Policies {
    identifiers: Vec::new(),
    mappings: Vec::new(),
    require_explicit_policy: 0,
    require_explicit_policy_zero: false,
    inhibit_policy_mapping: 0,
    inhibit_policy_mapping_zero: false,
    inhibit_any_policy: 0,
    inhibit_any_policy_zero: false,
};

/// The end of Go's `Verify`: which candidate chains it keeps, counting why it drops the
/// others, and the error when it keeps none. Before Go 1.24, the key usage check alone.
pub(super) struct ChainFilter {
    go: Go,
    invalid_policies: usize,
    incompatible_usage: usize,
}

impl ChainFilter {
    pub(super) fn new(go: Go) -> Self {
        ChainFilter {
            go,
            invalid_policies: 0,
            incompatible_usage: 0,
        }
    }

    /// Whether `chain` passes `policiesValid` and serverAuth (`checkChainForKeyUsage`),
    /// in this Go's order.
    pub(super) fn keeps(&mut self, verifier: &Verifier<'_>, chain: &Chain) -> bool {
        let usage = || chain.iter().all(|&r| verifier.cert(r).allows_server_auth());
        if !self.go.validates_policies() {
            return usage();
        }
        let policies = || {
            let certs: Vec<&Certificate> = chain.iter().map(|&r| verifier.cert(r)).collect();
            policies_valid(&certs)
        };
        if self.go.checks_policies_before_usage() {
            if !policies() {
                self.invalid_policies += 1;
                return false;
            }
            if !usage() {
                self.incompatible_usage += 1;
                return false;
            }
        } else {
            // Go 1.24.0 to 1.24.3: key usage first, in the same loop.
            if !usage() {
                self.incompatible_usage += 1;
                return false;
            }
            if !policies() {
                self.invalid_policies += 1;
                return false;
            }
        }
        true
    }

    /// Go's error once every one of `candidate_chains` was dropped (by [`Self::keeps`] or by
    /// a later filter of this Go).
    pub(super) fn error(&self, verifier: &Verifier<'_>, candidate_chains: &[Chain]) -> VerifyError {
        if let Some(detail) = self.no_valid_chains(candidate_chains.len()) {
            return VerifyError::new(VerifyErrorKind::NoValidChains { detail });
        }
        let certs = candidate_chains
            .first()
            .map(|chain| {
                chain
                    .iter()
                    .copied()
                    .filter(|&r| !verifier.cert(r).allows_server_auth())
                    .collect()
            })
            .unwrap_or_default();
        VerifyError::new(VerifyErrorKind::IncompatibleUsage { certs })
    }

    /// The detail of Go's `NoValidChains`, or `None` for `IncompatibleUsage`.
    fn no_valid_chains(&self, candidates: usize) -> Option<String> {
        let go = self.go;
        if !go.validates_policies() {
            return None;
        }
        // Go 1.24.4 and 1.25 check every chain's policies first and stop there.
        if go.checks_policies_before_usage()
            && !go.counts_candidate_chains()
            && self.invalid_policies == candidates
        {
            return Some("all candidate chains have invalid policies".to_string());
        }
        let chains = if go.counts_candidate_chains() {
            "candidate chains"
        } else {
            "chains"
        };
        let mut details = Vec::new();
        if self.incompatible_usage > 0 {
            if self.invalid_policies == 0 {
                return None;
            }
            details.push(format!(
                "{} {chains} with incompatible key usage",
                self.incompatible_usage
            ));
        }
        if self.invalid_policies > 0 {
            details.push(format!(
                "{} {chains} with invalid policies",
                self.invalid_policies
            ));
        }
        Some(details.join(", "))
    }
}

/// Go's `policiesValid(chain, opts)` for a chain leaf first, root last.
pub(super) fn policies_valid(chain: &[&Certificate]) -> bool {
    let certs: Vec<PolicyCert<'_>> = chain
        .iter()
        .map(|c| PolicyCert {
            self_issued: c.is_self_issued(),
            policies: c.policies.as_deref().unwrap_or(&NO_POLICIES),
        })
        .collect();
    valid(&certs)
}

/// What `policiesValid` reads of a certificate.
#[derive(Clone, Copy)]
struct PolicyCert<'a> {
    /// Go's `isSelfSigned`: issuer and subject are the same bytes.
    self_issued: bool,
    policies: &'a Policies,
}

type Oid<'a> = &'a [u8];

/// Go's `policyGraphNode`. Its `parents` set is exact; of its `children` set, what Go asks
/// is whether it is empty (`live_children`) and, to delete a leaf, who may list it as a
/// parent (`children`, which may also name nodes deleted since).
struct Node<'a> {
    valid_policy: Oid<'a>,
    expected_policy_set: Vec<Oid<'a>>,
    /// The stratum the node was inserted in.
    depth: usize,
    /// Sorted, each once.
    parents: Vec<usize>,
    children: Vec<usize>,
    /// How many nodes list this one among their `parents`.
    live_children: usize,
}

/// Go's `policyGraph`; nodes live in `nodes` and are named by their index.
struct PolicyGraph<'a> {
    nodes: Vec<Node<'a>>,
    strata: Vec<HashMap<Oid<'a>, usize>>,
    /// OID -> nodes of `strata[depth - 1]` with the OID in their expected policy set.
    parent_index: HashMap<Oid<'a>, Vec<usize>>,
    depth: usize,
}

impl<'a> PolicyGraph<'a> {
    fn new() -> Self {
        let root = Node {
            valid_policy: ANY_POLICY,
            expected_policy_set: vec![ANY_POLICY],
            depth: 0,
            parents: Vec::new(),
            children: Vec::new(),
            live_children: 0,
        };
        PolicyGraph {
            nodes: vec![root],
            strata: vec![HashMap::from_iter([(ANY_POLICY, 0)])],
            parent_index: HashMap::default(),
            depth: 0,
        }
    }

    /// `newPolicyGraphNode`: a node expecting its own policy, child of `parents`, for
    /// the current stratum.
    fn new_node(&mut self, valid: Oid<'a>, parents: &[usize]) -> usize {
        let id = self.nodes.len();
        let mut parents = parents.to_vec();
        parents.sort_unstable();
        parents.dedup();
        for &p in &parents {
            self.nodes[p].children.push(id);
            self.nodes[p].live_children += 1;
        }
        self.nodes.push(Node {
            valid_policy: valid,
            expected_policy_set: vec![valid],
            depth: self.depth,
            parents,
            children: Vec::new(),
            live_children: 0,
        });
        id
    }

    fn insert(&mut self, id: usize) {
        let valid = self.nodes[id].valid_policy;
        self.strata[self.depth].insert(valid, id);
    }

    fn parents_with_expected(&self, expected: Oid<'_>) -> Vec<usize> {
        if self.depth == 0 {
            return Vec::new();
        }
        self.parent_index.get(expected).cloned().unwrap_or_default()
    }

    fn parent_with_any_policy(&self) -> Option<usize> {
        let stratum = self.strata.get(self.depth.checked_sub(1)?)?;
        stratum.get(ANY_POLICY).copied()
    }

    /// The nodes of the previous stratum.
    fn parents(&self) -> impl Iterator<Item = usize> + '_ {
        self.depth
            .checked_sub(1)
            .and_then(|d| self.strata.get(d))
            .into_iter()
            .flat_map(|stratum| stratum.values().copied())
    }

    fn leaf_with_policy(&self, policy: Oid<'_>) -> Option<usize> {
        self.strata[self.depth].get(policy).copied()
    }

    /// Takes `id` out of its parents' children.
    fn detach_from_parents(&mut self, id: usize) {
        for p in std::mem::take(&mut self.nodes[id].parents) {
            self.nodes[p].live_children -= 1;
        }
    }

    fn delete_leaf(&mut self, policy: Oid<'_>) {
        let Some(id) = self.strata[self.depth].remove(policy) else {
            return;
        };
        self.detach_from_parents(id);
        for c in std::mem::take(&mut self.nodes[id].children) {
            self.nodes[c].parents.retain(|&p| p != id);
        }
    }

    /// `validPolicyNodes`: nodes other than anyPolicy whose one parent is anyPolicy.
    fn valid_policy_nodes(&self) -> Vec<usize> {
        let mut valid = Vec::new();
        for stratum in self.strata.iter().rev() {
            for &id in stratum.values() {
                let node = &self.nodes[id];
                if node.valid_policy == ANY_POLICY {
                    continue;
                }
                if let [p] = node.parents[..] {
                    if self.nodes[p].valid_policy == ANY_POLICY {
                        valid.push(id);
                    }
                }
            }
        }
        valid
    }

    /// `prune`: drops the childless nodes above the leaves (strata `depth - 1` to 1), and
    /// so the nodes left childless by that. Go scans every such stratum each time; only
    /// the previous stratum can hold a newly childless node (the ones above were pruned
    /// before, and their children are only ever pruned), so the scan starts there and
    /// follows the parents of what it drops. The one difference: Go, ranging over a map,
    /// may keep for one more prune an anyPolicy node whose only child, mapped from it in
    /// its stratum, it drops later in the same scan; such a node is never a leaf or a
    /// parent again, and anyPolicy is no valid policy node, so no verdict changes.
    fn prune(&mut self) {
        let Some(previous) = self.depth.checked_sub(1).filter(|&d| d > 0) else {
            return;
        };
        let mut pending: Vec<usize> = self.strata[previous].values().copied().collect();
        while let Some(id) = pending.pop() {
            let node = &self.nodes[id];
            let stratum = &mut self.strata[node.depth];
            if node.live_children > 0 || stratum.get(node.valid_policy) != Some(&id) {
                continue;
            }
            stratum.remove(node.valid_policy);
            pending.extend(
                node.parents
                    .iter()
                    .copied()
                    .filter(|&p| (1..self.depth).contains(&self.nodes[p].depth)),
            );
            self.detach_from_parents(id);
        }
    }

    fn incr_depth(&mut self) {
        self.parent_index.clear();
        for &id in self.strata[self.depth].values() {
            for &expected in &self.nodes[id].expected_policy_set {
                self.parent_index.entry(expected).or_default().push(id);
            }
        }
        self.depth += 1;
        self.strata.push(HashMap::default());
    }
}

/// `policiesValid` with `opts.CertificatePolicies` empty (the initial user policy set is
/// {anyPolicy}) and `opts.inhibitAnyPolicy`, `requireExplicitPolicy` and
/// `inhibitPolicyMapping` false.
fn valid(chain: &[PolicyCert<'_>]) -> bool {
    if chain.len() <= 1 {
        return true;
    }
    // n is the length of the chain minus the trust anchor.
    let n = chain.len() - 1;
    let mut pg = Some(PolicyGraph::new());
    let initial = n as i64 + 1;
    let (mut inhibit_any_policy, mut explicit_policy, mut policy_mapping) =
        (initial, initial, initial);

    for i in (0..n).rev() {
        let cert = chain[i];
        let policies = cert.policies;
        let is_self_signed = cert.self_issued;

        // 6.1.3 (e)
        if policies.identifiers.is_empty() {
            pg = None;
        }
        // 6.1.3 (f)
        if explicit_policy == 0 && pg.is_none() {
            return false;
        }

        if let Some(pg) = pg.as_mut() {
            pg.incr_depth();

            // 6.1.3 (d) (1)
            let mut any_policy = false;
            for policy in &policies.identifiers {
                let policy = policy.as_slice();
                if policy == ANY_POLICY {
                    any_policy = true;
                    continue;
                }
                let mut parents = pg.parents_with_expected(policy);
                if parents.is_empty() {
                    if let Some(any_parent) = pg.parent_with_any_policy() {
                        parents = vec![any_parent];
                    }
                }
                if !parents.is_empty() {
                    let id = pg.new_node(policy, &parents);
                    pg.insert(id);
                }
            }

            // 6.1.3 (d) (2); Go's chain runs leaf to anchor, so the RFC's "i < n" is i > 0.
            if any_policy && (inhibit_any_policy > 0 || (i > 0 && is_self_signed)) {
                let mut missing: BTreeMap<Oid<'_>, Vec<usize>> = BTreeMap::new();
                for p in pg.parents() {
                    for &expected in &pg.nodes[p].expected_policy_set {
                        if pg.leaf_with_policy(expected).is_none() {
                            missing.entry(expected).or_default().push(p);
                        }
                    }
                }
                for (oid, parents) in missing {
                    let id = pg.new_node(oid, &parents);
                    pg.insert(id);
                }
            }

            // 6.1.3 (d) (3)
            pg.prune();

            // 6.1.4 (b)
            if i != 0 && !policies.mappings.is_empty() {
                let mut mappings: BTreeMap<Oid<'_>, Vec<Oid<'_>>> = BTreeMap::new();
                let mut deleted = false;
                for mapping in &policies.mappings {
                    let issuer = mapping.issuer_domain_policy.as_slice();
                    let subject = mapping.subject_domain_policy.as_slice();
                    if policy_mapping > 0 {
                        if issuer == ANY_POLICY || subject == ANY_POLICY {
                            // Invalid mapping.
                            return false;
                        }
                        mappings.entry(issuer).or_default().push(subject);
                    } else {
                        // 6.1.4 (b) (3) (i)
                        pg.delete_leaf(issuer);
                        deleted = true;
                    }
                }
                // 6.1.4 (b) (3) (ii): Go 1.24 and 1.25 prune after each deletion.
                if deleted {
                    pg.prune();
                }
                for (issuer, subject_policies) in mappings {
                    if let Some(matching) = pg.leaf_with_policy(issuer) {
                        // 6.1.4 (b) (1)
                        pg.nodes[matching].expected_policy_set = subject_policies;
                    } else if let Some(matching) = pg.leaf_with_policy(ANY_POLICY) {
                        // 6.1.4 (b) (2): Go makes the node a child of the anyPolicy leaf,
                        // in the same stratum.
                        let id = pg.new_node(issuer, &[matching]);
                        pg.nodes[id].expected_policy_set = subject_policies;
                        pg.insert(id);
                    }
                }
            }
        }

        if i != 0 {
            // 6.1.4 (h)
            if !is_self_signed {
                for counter in [
                    &mut explicit_policy,
                    &mut policy_mapping,
                    &mut inhibit_any_policy,
                ] {
                    if *counter > 0 {
                        *counter -= 1;
                    }
                }
            }
            // 6.1.4 (i)
            lower_to(
                &mut explicit_policy,
                policies.require_explicit_policy,
                policies.require_explicit_policy_zero,
            );
            lower_to(
                &mut policy_mapping,
                policies.inhibit_policy_mapping,
                policies.inhibit_policy_mapping_zero,
            );
            // 6.1.4 (j)
            lower_to(
                &mut inhibit_any_policy,
                policies.inhibit_any_policy,
                policies.inhibit_any_policy_zero,
            );
        }
    }

    // 6.1.5 (a)
    if explicit_policy > 0 {
        explicit_policy -= 1;
    }
    // 6.1.5 (b)
    if chain[0].policies.require_explicit_policy_zero {
        explicit_policy = 0;
    }

    // 6.1.5 (g) (1) to (4)
    let mut authority_constrained_policy_set: BTreeSet<Oid<'_>> = BTreeSet::new();
    if let Some(pg) = &pg {
        for id in pg.valid_policy_nodes() {
            authority_constrained_policy_set.insert(pg.nodes[id].valid_policy);
        }
        if let Some(current_any) = pg.leaf_with_policy(ANY_POLICY) {
            authority_constrained_policy_set.insert(pg.nodes[current_any].valid_policy);
        }
    }
    // 6.1.5 (g) (5) and (6): the initial user policy set is {anyPolicy}, so the user
    // constrained policy set is the authority constrained one.
    let user_constrained_policy_set = authority_constrained_policy_set;

    !(explicit_policy == 0 && user_constrained_policy_set.is_empty())
}

/// `if (value > 0 || zero) && value < *counter { *counter = value }`: a present
/// skipCerts value lowers the counter.
fn lower_to(counter: &mut i64, value: i64, zero: bool) {
    if (value > 0 || zero) && value < *counter {
        *counter = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::cert::{self, PolicyMapping};
    use crate::tls::time::parse_rfc3339;
    use crate::tls::verify::{verify, VerifyOptions};

    const P: &[u8] = &[0x2a, 0x01]; // 1.2.1
    const Q: &[u8] = &[0x2a, 0x02]; // 1.2.2

    fn policies(identifiers: &[&[u8]]) -> Policies {
        Policies {
            identifiers: identifiers.iter().map(|oid| oid.to_vec()).collect(),
            ..Policies::default()
        }
    }

    fn mapping(issuer: &[u8], subject: &[u8]) -> PolicyMapping {
        PolicyMapping {
            issuer_domain_policy: issuer.to_vec(),
            subject_domain_policy: subject.to_vec(),
        }
    }

    /// `policiesValid` of a chain leaf first; the anchor is added, without policies.
    fn chain_valid(certs: &[&Policies]) -> bool {
        let mut chain: Vec<PolicyCert<'_>> = certs
            .iter()
            .map(|&policies| PolicyCert {
                self_issued: false,
                policies,
            })
            .collect();
        chain.push(PolicyCert {
            self_issued: true,
            policies: &NO_POLICIES,
        });
        valid(&chain)
    }

    #[test]
    fn require_explicit_policy_needs_a_valid_policy_down_to_the_leaf() {
        let ica = Policies {
            require_explicit_policy_zero: true,
            ..policies(&[P])
        };
        assert!(!chain_valid(&[&NO_POLICIES, &ica]));
        assert!(chain_valid(&[&policies(&[P]), &ica]));
        // The leaf's policy is not one the intermediate allows.
        assert!(!chain_valid(&[&policies(&[Q]), &ica]));
        // Without the constraint, no policy at all is fine.
        assert!(chain_valid(&[&NO_POLICIES, &policies(&[P])]));
        // requireExplicitPolicy counts the certificates after the intermediate: 1 takes
        // effect at the leaf, 2 never does in this chain.
        for (skip_certs, expected) in [(1, false), (2, true)] {
            let ica = Policies {
                require_explicit_policy: skip_certs,
                ..policies(&[P])
            };
            assert_eq!(chain_valid(&[&NO_POLICIES, &ica]), expected, "{skip_certs}");
        }
        // The leaf's own requireExplicitPolicy of 0 applies too (6.1.5 (b)).
        let leaf = Policies {
            require_explicit_policy_zero: true,
            ..policies(&[Q])
        };
        assert!(!chain_valid(&[&leaf, &policies(&[P])]));
        assert!(chain_valid(&[&leaf, &policies(&[Q])]));
    }

    #[test]
    fn mappings_to_or_from_any_policy_are_invalid_unless_mapping_is_inhibited() {
        for bad in [mapping(ANY_POLICY, P), mapping(P, ANY_POLICY)] {
            let ica2 = Policies {
                mappings: vec![bad.clone()],
                ..policies(&[ANY_POLICY])
            };
            let ica1 = policies(&[ANY_POLICY]);
            assert!(!chain_valid(&[&policies(&[P]), &ica2, &ica1]));
            // inhibitPolicyMapping 0 above it: the mapping deletes instead of mapping.
            let inhibiting = Policies {
                inhibit_policy_mapping_zero: true,
                ..policies(&[ANY_POLICY])
            };
            assert!(chain_valid(&[&policies(&[P]), &ica2, &inhibiting]));
            // A leaf's mappings are never looked at.
            let leaf = Policies {
                mappings: vec![bad],
                ..policies(&[P])
            };
            assert!(chain_valid(&[&leaf, &ica1]));
        }
    }

    #[test]
    fn a_mapped_policy_is_what_the_next_certificate_must_have() {
        let ica = Policies {
            mappings: vec![mapping(P, Q)],
            require_explicit_policy_zero: true,
            ..policies(&[P])
        };
        assert!(chain_valid(&[&policies(&[Q]), &ica]));
        assert!(!chain_valid(&[&policies(&[P]), &ica]));
        // Mapped from anyPolicy's node when the intermediate lacks the issuer policy.
        let from_any = Policies {
            mappings: vec![mapping(P, Q)],
            require_explicit_policy_zero: true,
            ..policies(&[ANY_POLICY])
        };
        assert!(chain_valid(&[&policies(&[Q]), &from_any]));
        // Inhibited, the mapping deletes P, and anyPolicy still allows Q.
        let inhibited = Policies {
            inhibit_policy_mapping_zero: true,
            ..from_any.clone()
        };
        assert!(chain_valid(&[&policies(&[Q]), &inhibited]));
    }

    #[test]
    fn inhibit_any_policy_stops_any_policy_below() {
        let top = |inhibit: bool| Policies {
            require_explicit_policy_zero: true,
            inhibit_any_policy_zero: inhibit,
            ..policies(&[ANY_POLICY])
        };
        let middle = policies(&[ANY_POLICY]);
        assert!(chain_valid(&[&policies(&[P]), &middle, &top(false)]));
        assert!(!chain_valid(&[&policies(&[P]), &middle, &top(true)]));
        // A self-issued intermediate keeps anyPolicy even then (6.1.3 (d) (2)).
        let with_self_issued = [
            PolicyCert {
                self_issued: false,
                policies: &policies(&[P]),
            },
            PolicyCert {
                self_issued: true,
                policies: &middle,
            },
            PolicyCert {
                self_issued: false,
                policies: &top(true),
            },
            PolicyCert {
                self_issued: true,
                policies: &NO_POLICIES,
            },
        ];
        assert!(valid(&with_self_issued));
    }

    #[test]
    fn a_lone_certificate_is_always_valid() {
        let leaf = Policies {
            require_explicit_policy_zero: true,
            ..Policies::default()
        };
        assert!(valid(&[PolicyCert {
            self_issued: true,
            policies: &leaf,
        }]));
    }

    fn arbitrary_policies() -> impl proptest::strategy::Strategy<Value = Policies> {
        use proptest::prelude::*;
        let oid = prop::sample::select(vec![P, Q, &[0x2a, 0x03][..], ANY_POLICY]);
        let skip_certs = prop_oneof![Just(0i64), Just(1), Just(2), Just(-1), Just(i64::MAX)];
        (
            prop::collection::vec(oid.clone(), 0..4),
            prop::collection::vec((oid.clone(), oid), 0..3),
            prop::collection::vec(proptest::option::of(skip_certs), 3),
        )
            .prop_map(|(identifiers, mappings, skips)| {
                let value = |skip: Option<i64>| (skip.unwrap_or(0), skip == Some(0));
                let mut unique = Vec::new();
                for oid in identifiers {
                    if !unique.contains(&oid.to_vec()) {
                        unique.push(oid.to_vec());
                    }
                }
                Policies {
                    identifiers: unique,
                    mappings: mappings.into_iter().map(|(i, s)| mapping(i, s)).collect(),
                    require_explicit_policy: value(skips[0]).0,
                    require_explicit_policy_zero: value(skips[0]).1,
                    inhibit_policy_mapping: value(skips[1]).0,
                    inhibit_policy_mapping_zero: value(skips[1]).1,
                    inhibit_any_policy: value(skips[2]).0,
                    inhibit_any_policy_zero: value(skips[2]).1,
                }
            })
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_policy_chains_never_panic(
            chain in proptest::collection::vec(
                (proptest::prelude::any::<bool>(), arbitrary_policies()), 1..7),
        ) {
            let certs: Vec<PolicyCert<'_>> = chain
                .iter()
                .map(|(self_issued, policies)| PolicyCert { self_issued: *self_issued, policies })
                .collect();
            let _ = valid(&certs);
        }
    }

    // --- Certificates, DER-encoded and signed with Ed25519. ---

    fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = contents.len();
        match len {
            0..=0x7f => out.push(len as u8),
            0x80..=0xff => out.extend([0x81, len as u8]),
            _ => out.extend([0x82, (len >> 8) as u8, len as u8]),
        }
        out.extend_from_slice(contents);
        out
    }

    fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
        tlv(0x30, &parts.concat())
    }

    fn oid(contents: &[u8]) -> Vec<u8> {
        tlv(0x06, contents)
    }

    fn extension(oid_contents: &[u8], critical: bool, value: Vec<u8>) -> Vec<u8> {
        let mut parts = vec![oid(oid_contents)];
        if critical {
            parts.push(vec![0x01, 0x01, 0xff]);
        }
        parts.push(tlv(0x04, &value));
        seq(&parts)
    }

    fn certificate_policies(oids: &[&[u8]]) -> Vec<u8> {
        let value = seq(&oids.iter().map(|o| seq(&[oid(o)])).collect::<Vec<_>>());
        extension(&[0x55, 0x1d, 0x20], false, value)
    }

    fn policy_constraints(critical: bool, fields: &[(u8, &[u8])]) -> Vec<u8> {
        let value = seq(&fields
            .iter()
            .map(|&(tag, integer)| tlv(tag, integer))
            .collect::<Vec<_>>());
        extension(&[0x55, 0x1d, 0x24], critical, value)
    }

    fn policy_mappings(pairs: &[(&[u8], &[u8])]) -> Vec<u8> {
        let value = seq(&pairs
            .iter()
            .map(|(issuer, subject)| seq(&[oid(issuer), oid(subject)]))
            .collect::<Vec<_>>());
        extension(&[0x55, 0x1d, 0x21], true, value)
    }

    fn inhibit_any_policy(integer: &[u8]) -> Vec<u8> {
        extension(&[0x55, 0x1d, 0x36], true, tlv(0x02, integer))
    }

    const ED25519: &[u8] = &[0x2b, 0x65, 0x70];

    fn key(seed: u8) -> ed25519_dalek::SigningKey {
        ed25519_dalek::SigningKey::from_bytes(&[seed; 32])
    }

    fn name(common_name: &str) -> Vec<u8> {
        let attribute = seq(&[oid(&[0x55, 0x04, 0x03]), tlv(0x0c, common_name.as_bytes())]);
        seq(&[tlv(0x31, &attribute)])
    }

    /// A certificate of `subject`'s key (seed `key_seed`) signed by `issuer`'s (seed
    /// `issuer_seed`), valid from 2020 to 2040, with `extensions`.
    fn der(
        subject: &str,
        key_seed: u8,
        issuer: &str,
        issuer_seed: u8,
        extensions: &[Vec<u8>],
    ) -> Vec<u8> {
        use ed25519_dalek::Signer as _;
        let algorithm = seq(&[oid(ED25519)]);
        let public_key = [&[0u8][..], key(key_seed).verifying_key().as_bytes()].concat();
        let tbs = seq(&[
            tlv(0xa0, &[0x02, 0x01, 0x02]),
            vec![0x02, 0x01, key_seed],
            algorithm.clone(),
            name(issuer),
            seq(&[tlv(0x17, b"200101000000Z"), tlv(0x17, b"400101000000Z")]),
            name(subject),
            seq(&[algorithm.clone(), tlv(0x03, &public_key)]),
            tlv(0xa3, &seq(extensions)),
        ]);
        let signature = key(issuer_seed).sign(&tbs).to_bytes();
        let signature = [&[0u8][..], &signature].concat();
        seq(&[tbs, algorithm, tlv(0x03, &signature)])
    }

    fn ca_constraints() -> Vec<u8> {
        extension(&[0x55, 0x1d, 0x13], true, seq(&[vec![0x01, 0x01, 0xff]]))
    }

    fn client_auth_only() -> Vec<u8> {
        let client_auth = oid(&[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02]);
        extension(&[0x55, 0x1d, 0x25], false, seq(&[client_auth]))
    }

    const GO_1_23: Go = Go::new(23, 9, 23);
    const GO_1_24_3: Go = Go::new(24, 3, 24);
    const GO_1_24: Go = Go::new(24, 11, 24);
    const GO_1_25: Go = Go::new(25, 5, 25);
    const GO_1_26: Go = Go::new(26, 6, 26);

    fn parse(der: &[u8], go: Go) -> Certificate {
        cert::parse_der(der, go).unwrap()
    }

    fn parse_error(der: &[u8], go: Go) -> String {
        cert::parse_der(der, go).unwrap_err().to_string()
    }

    fn leaf_with(extensions: &[Vec<u8>]) -> Vec<u8> {
        der("leaf", 3, "ica", 2, extensions)
    }

    #[test]
    fn policy_extensions_parse_like_go_1_24() {
        let der = leaf_with(&[
            certificate_policies(&[P, ANY_POLICY]),
            policy_mappings(&[(P, Q), (P, ANY_POLICY)]),
            policy_constraints(true, &[(0x80, &[0x00]), (0x81, &[0x02])]),
            inhibit_any_policy(&[0x01]),
        ]);
        let parsed = parse(&der, GO_1_24);
        assert!(parsed.unhandled_critical_extensions.is_empty());
        assert_eq!(
            parsed.policies.as_deref(),
            Some(&Policies {
                identifiers: vec![P.to_vec(), ANY_POLICY.to_vec()],
                mappings: vec![mapping(P, Q), mapping(P, ANY_POLICY)],
                require_explicit_policy: 0,
                require_explicit_policy_zero: true,
                inhibit_policy_mapping: 2,
                inhibit_policy_mapping_zero: false,
                inhibit_any_policy: 1,
                inhibit_any_policy_zero: false,
            })
        );
        // Go 1.23 handles certificatePolicies only: the others, critical, fail Verify.
        let parsed = parse(&der, GO_1_23);
        assert_eq!(parsed.policies, None);
        assert_eq!(
            parsed.unhandled_critical_extensions,
            ["2.5.29.33", "2.5.29.36", "2.5.29.54"]
        );
        assert!(parsed.go_dependent);
        // Negative values are kept (Go ignores them), and only [1] may come alone.
        let der = leaf_with(&[policy_constraints(false, &[(0x81, &[0xff])])]);
        let parsed = parse(&der, GO_1_24).policies.unwrap();
        assert_eq!(
            (
                parsed.require_explicit_policy_zero,
                parsed.inhibit_policy_mapping
            ),
            (false, -1)
        );
    }

    #[test]
    fn malformed_policy_extensions_fail_with_go_1_24_messages() {
        let cases: [(Vec<u8>, &str); 9] = [
            (
                certificate_policies(&[P, Q, P]),
                "x509: invalid certificate policies",
            ),
            (
                // newOIDFromDER: an arc padded with 0x80.
                certificate_policies(&[&[0x2a, 0x80, 0x01]]),
                "x509: invalid certificate policies",
            ),
            (
                extension(&[0x55, 0x1d, 0x24], true, tlv(0x02, &[0x00])),
                "x509: invalid policy constraints extension",
            ),
            (
                policy_constraints(true, &[(0x80, &[0x00, 0x01])]),
                "x509: invalid policy constraints extension",
            ),
            (
                policy_constraints(true, &[(0x81, &[1, 2, 3, 4, 5, 6, 7, 8, 9])]),
                "x509: invalid policy constraints extension",
            ),
            (
                extension(&[0x55, 0x1d, 0x21], false, seq(&[seq(&[oid(P)])])),
                "x509: invalid policy mappings extension",
            ),
            (
                extension(&[0x55, 0x1d, 0x21], false, tlv(0x31, &[])),
                "x509: invalid policy mappings extension",
            ),
            (
                inhibit_any_policy(&[]),
                "x509: invalid inhibit any policy extension",
            ),
            (
                extension(&[0x55, 0x1d, 0x36], false, seq(&[])),
                "x509: invalid inhibit any policy extension",
            ),
        ];
        for (extension, message) in cases {
            let der = leaf_with(&[extension]);
            assert_eq!(parse_error(&der, GO_1_24), message);
            assert_eq!(parse_error(&der, GO_1_26), message);
        }
        // Go 1.23 accepts a repeated policy, so the certificate's fate depends on the Go.
        let repeated = leaf_with(&[certificate_policies(&[P, P])]);
        assert!(parse(&repeated, GO_1_23).go_dependent);
        // An arc of 2^32 is fine for newOIDFromDER, not for Go 1.19's cryptobyte.
        let big_arc = leaf_with(&[certificate_policies(&[&[
            0x2a, 0x90, 0x80, 0x80, 0x80, 0x00,
        ]])]);
        assert_eq!(
            parse(&big_arc, GO_1_24).policies.unwrap().identifiers,
            [vec![0x2a, 0x90, 0x80, 0x80, 0x80, 0x00]]
        );
        assert_eq!(
            parse_error(&big_arc, GO_1_23),
            "x509: invalid certificate policies"
        );
    }

    /// Verifies `leaf` to the root through `intermediates`, all parsed under `go`.
    fn verify_under(leaf: &[u8], intermediates: &[Vec<u8>], go: Go) -> Result<(), String> {
        let root = der("root", 1, "root", 1, &[ca_constraints()]);
        let roots = [parse(&root, go)];
        let intermediates: Vec<Certificate> = intermediates.iter().map(|d| parse(d, go)).collect();
        let options = VerifyOptions {
            roots: &roots,
            intermediates: &intermediates,
            dns_name: "",
            now: parse_rfc3339("2025-01-01T00:00:00Z").unwrap(),
            go,
        };
        verify(&parse(leaf, go), &options)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn ica_with(extensions: &[Vec<u8>]) -> Vec<u8> {
        let mut all = vec![ca_constraints()];
        all.extend_from_slice(extensions);
        der("ica", 2, "root", 1, &all)
    }

    #[test]
    fn verify_drops_chains_with_invalid_policies_from_go_1_24() {
        let require_explicit = ica_with(&[
            certificate_policies(&[P]),
            policy_constraints(false, &[(0x80, &[0x00])]),
        ]);
        let leaf = leaf_with(&[]);
        let all_invalid = [
            (GO_1_23, Ok(())),
            (
                GO_1_24_3,
                Err("x509: no valid chains built: 1 chains with invalid policies"),
            ),
            (
                GO_1_24,
                Err("x509: no valid chains built: all candidate chains have invalid policies"),
            ),
            (
                GO_1_25,
                Err("x509: no valid chains built: all candidate chains have invalid policies"),
            ),
            (
                GO_1_26,
                Err("x509: no valid chains built: 1 candidate chains with invalid policies"),
            ),
        ];
        for (go, expected) in all_invalid {
            let verdict = verify_under(&leaf, std::slice::from_ref(&require_explicit), go);
            assert_eq!(verdict, expected.map_err(str::to_string), "{go}");
        }
        // With the intermediate's policy, the chain is valid under every Go.
        let leaf_with_policy = leaf_with(&[certificate_policies(&[P])]);
        for go in [GO_1_23, GO_1_24_3, GO_1_24, GO_1_26] {
            assert_eq!(
                verify_under(
                    &leaf_with_policy,
                    std::slice::from_ref(&require_explicit),
                    go
                ),
                Ok(())
            );
        }

        // A leaf without serverAuth too: Go 1.24.0 to 1.24.3 look at the key usage first.
        let client_leaf = leaf_with(&[client_auth_only()]);
        let usage = "x509: certificate specifies an incompatible key usage";
        for (go, expected) in [
            (GO_1_23, usage),
            (GO_1_24_3, usage),
            (
                GO_1_24,
                "x509: no valid chains built: all candidate chains have invalid policies",
            ),
            (
                GO_1_26,
                "x509: no valid chains built: 1 candidate chains with invalid policies",
            ),
        ] {
            let verdict = verify_under(&client_leaf, std::slice::from_ref(&require_explicit), go);
            assert_eq!(verdict, Err(expected.to_string()), "{go}");
        }
    }

    #[test]
    fn verify_counts_both_reasons_when_chains_fail_differently() {
        // Two intermediates of the same name and key: one requires an explicit policy the
        // leaf lacks, the other allows clientAuth only.
        let require_explicit = ica_with(&[
            certificate_policies(&[P]),
            policy_constraints(true, &[(0x80, &[0x00])]),
        ]);
        let client_only = ica_with(&[client_auth_only()]);
        let leaf = leaf_with(&[]);
        let intermediates = [require_explicit, client_only];
        for (go, expected) in [
            // The first intermediate's critical extension is unhandled, so only the other
            // makes a chain.
            (
                GO_1_23,
                "x509: certificate specifies an incompatible key usage",
            ),
            (
                GO_1_24_3,
                "x509: no valid chains built: 1 chains with incompatible key usage, 1 chains with invalid policies",
            ),
            (
                GO_1_24,
                "x509: no valid chains built: 1 chains with incompatible key usage, 1 chains with invalid policies",
            ),
            (
                GO_1_26,
                "x509: no valid chains built: 1 candidate chains with incompatible key usage, 1 candidate chains with invalid policies",
            ),
        ] {
            let verdict = verify_under(&leaf, &intermediates, go);
            assert_eq!(verdict, Err(expected.to_string()), "{go}");
        }
        // The key usage alone keeps Go's IncompatibleUsage error.
        let verdict = verify_under(&leaf, &intermediates[1..], GO_1_26);
        assert_eq!(
            verdict,
            Err("x509: certificate specifies an incompatible key usage".to_string())
        );
    }

    #[test]
    fn verify_refuses_any_policy_mappings_from_go_1_24() {
        let mapping_any = ica_with(&[
            certificate_policies(&[ANY_POLICY]),
            policy_mappings(&[(ANY_POLICY, P)]),
        ]);
        let leaf = leaf_with(&[certificate_policies(&[P])]);
        assert_eq!(
            verify_under(&leaf, std::slice::from_ref(&mapping_any), GO_1_23),
            Err("x509: unhandled critical extension".to_string())
        );
        assert_eq!(
            verify_under(&leaf, &[mapping_any], GO_1_24),
            Err(
                "x509: no valid chains built: all candidate chains have invalid policies"
                    .to_string()
            )
        );
    }
}
