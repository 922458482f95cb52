//! Which Go decides a verdict, and what each Go does differently.
//!
//! kube-apiserver's verdict on a webhook's certificate is that of the Go it is built with,
//! under the GODEBUG defaults of its main module's go.mod (the `go` line and, from
//! Kubernetes 1.32, `godebug default=go1.N`). The verifier is written once; every place
//! where Go versions differ asks one named switch here. Each switch cites the change, and
//! the per-version oracles (testdata/tls/*/go/, testdata/tls/limbo/) hold it to Go.

use std::fmt;

/// A Go toolchain release and the GODEBUG defaults a program built with it runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Go {
    /// `1.minor.patch` of the toolchain.
    pub minor: u8,
    pub patch: u8,
    /// The Go minor whose GODEBUG defaults apply (go.mod's `go` line or
    /// `godebug default=`); never newer than the toolchain.
    pub defaults: u8,
}

impl Go {
    /// Go 1.19.8 with its own defaults: the first oracle (Kubernetes 1.26.0 to 1.26.6).
    pub const GO_1_19: Go = Go::new(19, 8, 19);

    pub const fn new(minor: u8, patch: u8, defaults: u8) -> Go {
        Go {
            minor,
            patch,
            defaults: if defaults < minor { defaults } else { minor },
        }
    }

    /// A GODEBUG setting added in Go `since`, whose new behaviour is the default from
    /// go.mod lines of that Go on.
    const fn godebug(self, since: u8) -> bool {
        self.minor >= since && self.defaults >= since
    }

    /// Go 1.20: crypto/tls wraps a verification failure as
    /// `tls: failed to verify certificate: <x509 error>` (before: the x509 error alone).
    pub(crate) fn tls_wraps_verify_errors(self) -> bool {
        self.minor >= 20
    }

    /// Go 1.21 (golang/go#59195): the basic constraints parse errors lose their
    /// `a`/`b`/`c` suffixes.
    pub(crate) fn plain_basic_constraints_errors(self) -> bool {
        self.minor >= 21
    }

    /// Go 1.24 removed GODEBUG `x509sha1`, and the SHA-1 refusal no longer names it.
    pub(crate) fn lost_x509sha1(self) -> bool {
        self.minor >= 24
    }

    /// Go 1.20's crypto/internal/bigmod: an RSA signature not below the modulus fails
    /// (Go 1.19's `big.Int.Exp` reduced it first).
    pub(crate) fn refuses_unreduced_rsa_signatures(self) -> bool {
        self.minor >= 20
    }

    /// Go 1.23 (CL 562975): `ParseCertificate` refuses negative serial numbers unless
    /// GODEBUG `x509negativeserial=1`, the default for go.mod lines before 1.23.
    pub(crate) fn refuses_negative_serial(self) -> bool {
        self.godebug(23)
    }

    /// Go 1.23: authority and subject key identifiers and authority information access
    /// marked critical are parse errors (RFC 5280 4.2.1.1, 4.2.1.2, 4.2.2.1).
    pub(crate) fn refuses_critical_identifiers(self) -> bool {
        self.minor >= 23
    }

    /// Go 1.23: the duplicate-extension parse error names the OID.
    pub(crate) fn names_duplicate_extension(self) -> bool {
        self.minor >= 23
    }

    /// Go 1.23: `validHostname` refuses a lone `*`, so such a SAN matches nothing.
    pub(crate) fn refuses_lone_wildcard(self) -> bool {
        self.minor >= 23
    }

    /// Go 1.21: name constraints apply to the SANs of every certificate already in the
    /// chain (Go 1.19 checked the leaf and the constraining certificate only).
    pub(crate) fn constrains_whole_chain(self) -> bool {
        self.minor >= 21
    }

    /// Go 1.21: chain building passes over a candidate parent without a public key Go
    /// can use (before: its signature check failed, and counted).
    pub(crate) fn skips_keyless_candidates(self) -> bool {
        self.minor >= 21
    }

    /// Go 1.23: `domainToReverseLabels` keeps a leading empty label, so a SAN such as
    /// `.example.com` no longer parses when name constraints are checked.
    pub(crate) fn refuses_leading_period_san(self) -> bool {
        self.minor >= 23
    }

    /// CVE-2025-61727, fixed in Go 1.24.11 and 1.25.5: an excluded DNS constraint also
    /// excludes a wildcard SAN that covers it.
    pub(crate) fn excluded_constraints_cover_wildcards(self) -> bool {
        match self.minor {
            ..=23 => false,
            24 => self.patch >= 11,
            25 => self.patch >= 5,
            _ => true,
        }
    }

    /// Go 1.24: hostname errors list at most 99 names ("valid for N names, but none
    /// matched").
    pub(crate) fn counts_many_names(self) -> bool {
        // CVE-2025-61729: the limit came with Go 1.24.11 and 1.25.5, not 1.24.0.
        match self.minor {
            ..=23 => false,
            24 => self.patch >= 11,
            25 => self.patch >= 5,
            _ => true,
        }
    }

    /// Go 1.24: crypto/rsa refuses keys under 1024 bits unless GODEBUG `rsa1024min=0`,
    /// the default for go.mod lines before 1.24.
    pub(crate) fn rsa_min_bits(self) -> Option<usize> {
        self.godebug(24).then_some(1024)
    }

    /// Go 1.24 (golang/go#68484) parses policy mappings, policy constraints and
    /// inhibitAnyPolicy (handled extensions from then on), refuses a certificatePolicies
    /// extension that repeats an OID, and drops the candidate chains whose policies are
    /// invalid (RFC 5280 6.1 as updated by RFC 9618, verify/policies.rs).
    pub(crate) fn validates_policies(self) -> bool {
        self.minor >= 24
    }

    /// CVE-2025-22874, fixed in Go 1.24.4 (golang/go#73612): `Verify` checks every candidate
    /// chain's policies before its key usage, and fails with `all candidate chains have
    /// invalid policies` when none is left (Go 1.24.0 to 1.24.3: key usage first).
    pub(crate) fn checks_policies_before_usage(self) -> bool {
        match self.minor {
            ..=23 => false,
            24 => self.patch >= 4,
            _ => true,
        }
    }

    /// Go 1.26 filters the candidate chains in one pass (`slices.DeleteFunc`), and its
    /// `no valid chains built` details count `candidate chains` (before: `chains`).
    pub(crate) fn counts_candidate_chains(self) -> bool {
        self.minor >= 26
    }

    /// Go 1.26 checks name constraints on each built chain (crypto/x509/constraints.go),
    /// not while building it, and without a comparison budget.
    pub(crate) fn checks_constraints_after_building(self) -> bool {
        self.minor >= 26
    }

    /// Go 1.26 counts a signature check for every candidate parent, before passing over
    /// those already in the chain, and stops building at the limit.
    pub(crate) fn stops_at_signature_limit(self) -> bool {
        self.minor >= 26
    }

    // --- Key pairs (tls.X509KeyPair): switches below, up to the next marker. ---

    /// Go 1.20 (crypto/ecdh): PKCS#8 X25519 keys parse, so X509KeyPair calls them unknown.
    pub(crate) fn parses_pkcs8_x25519(self) -> bool {
        self.minor >= 20
    }

    /// Go 1.24 (crypto/internal/fips140/rsa): RSA keys are checked by CRT values, not by D.
    pub(crate) fn checks_rsa_keys_by_crt(self) -> bool {
        self.minor >= 24
    }

    /// Go 1.24 (golang/go#70643), GODEBUG `x509rsacrt`: wrong encoded RSA CRT values fail.
    pub fn refuses_wrong_rsa_crt_values(self) -> bool {
        self.godebug(24)
    }

    /// Go 1.26 (golang/go#74115): an RSA key's D must match its CRT exponents again.
    pub(crate) fn checks_rsa_d_against_crt(self) -> bool {
        self.minor >= 26
    }

    /// Go 1.26: `ParseECPrivateKey` refuses a zero scalar (`ecdsa.ParseRawPrivateKey`).
    pub(crate) fn refuses_zero_ecdsa_scalar(self) -> bool {
        self.minor >= 26
    }

    /// Go 1.26: X509KeyPair uses `PublicKey.Equal`, so RSA E and the ECDSA curve count too.
    pub(crate) fn compares_whole_public_keys(self) -> bool {
        self.minor >= 26
    }

    // --- End of key pairs. ---

    // --- Codecs, IP and hostname parsing, certificate parsing: switches below. ---
    /// Go 1.23 (net/netip parseIPv6, golang/go#57760): an IPv6 group of over 4 hex digits is no IP.
    pub(crate) fn limits_ipv6_group_digits(self) -> bool {
        self.minor >= 23
    }

    /// CVE-2025-61723, fixed in Go 1.24.8 and 1.25.2: `pem.Decode` starts from the first END line.
    pub(crate) fn pem_decodes_from_first_end(self) -> bool {
        match self.minor {
            ..=23 => false,
            24 => self.patch >= 8,
            25 => self.patch >= 2,
            _ => true,
        }
    }

    /// Go 1.26 (crypto/x509 parsePublicKey): a bad ECDSA point gets crypto/ecdsa's own error.
    pub(crate) fn ecdsa_point_errors_from_crypto_ecdsa(self) -> bool {
        self.minor >= 26
    }

    /// CVE-2026-27145, fixed in Go 1.25.11 and 1.26.4 (advisories): an empty host splits to one label.
    pub(crate) fn splits_empty_host_to_one_label(self) -> bool {
        match self.minor {
            ..=24 => false,
            25 => self.patch >= 11,
            26 => self.patch >= 4,
            _ => true,
        }
    }
    // --- End of codecs. ---
}

impl fmt::Display for Go {
    /// `Go 1.24.11`, with the defaults when they are older: `Go 1.24.11 (go1.23 defaults)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Go 1.{}.{}", self.minor, self.patch)?;
        if self.defaults < self.minor {
            write!(f, " (go1.{} defaults)", self.defaults)?;
        }
        Ok(())
    }
}
