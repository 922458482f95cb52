// Command gen records the API server's TLS verdict for webhook certificate
// chains, computed by Go's own crypto/x509, for the Rust port to match.
//
//	cd testdata/tls/verify && go run gen.go
//	cd testdata/tls/verify && go run gen.go signatures
//	go run gen.go judge /abs/path/cases.json > verdicts.json
//	go run gen.go judge-signatures /abs/path/signatures.json > verdicts.json
//
// The second writes signatures.json: every key type and signature algorithm Go 1.19
// verifies, signed correctly and tampered with.
//
// It writes cases.json: for each case the server name, the verification time,
// tls.crt (leaf first, then what the server sends), the caBundle and the verdict
// ("ok" or Go's exact error). Keys and serials are random on every run; the
// verdicts are not. Standard library only; the verdicts are Go 1.19's.
//
// The judge modes (the same for either file) read committed cases and print, as a
// JSON array in their order, each case's index, name and the running Go's verdict on
// its inputs, computed by the verdict() below; go/README.md runs them under the Go of
// each Kubernetes release.
//
// verdict() reproduces what kube-apiserver does around x509.Verify:
//   - client-go: an empty caBundle means the system roots; otherwise
//     AppendCertsFromPEM, and when nothing was added the client is not built
//     ("unable to load root certificates: " + createErrorParsingCAData).
//   - crypto/tls: every sent certificate is parsed; RSA keys over 8192 bits are
//     refused. That check arrived in Go 1.19.12 / 1.20.7 (CVE-2023-29409), after
//     the go1.19.8 this was written with, so it is reproduced here.
//   - x509.Verify with DNSName, Roots, Intermediates (the rest of tls.crt),
//     CurrentTime and KeyUsages [ServerAuth].
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"runtime"
	"time"
)

const serverName = "svc.ns.svc"

var (
	now       = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	notBefore = now.Add(-30 * 24 * time.Hour)
	notAfter  = now.Add(365 * 24 * time.Hour)
)

type record struct {
	Name        string `json:"name"`
	ServerName  string `json:"server_name"`
	Now         string `json:"now"`
	ChainPEM    string `json:"chain_pem"`
	CABundlePEM string `json:"ca_bundle_pem"`
	// The caBundle is empty: Go used this machine's system roots, the Rust test
	// an empty store; a private chain fails the same way with both.
	SystemRoots bool   `json:"system_roots,omitempty"`
	Verdict     string `json:"verdict"`
}

// issued is a certificate with its key.
type issued struct {
	cert *x509.Certificate
	der  []byte
	key  crypto.Signer
}

func (i *issued) pem() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: i.der}))
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

var keyCache = map[string]crypto.Signer{}

// freshKey generates a key of the given kind; key(kind) reuses one per kind.
func freshKey(kind string) crypto.Signer {
	var k crypto.Signer
	var err error
	switch kind {
	case "p224":
		k, err = ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	case "p256":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "p384":
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "p521":
		k, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case "ed25519":
		_, k, err = ed25519.GenerateKey(rand.Reader)
	case "rsa512":
		k, err = rsa.GenerateKey(rand.Reader, 512)
	case "rsa1024":
		k, err = rsa.GenerateKey(rand.Reader, 1024)
	case "rsa2048":
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case "rsa2049":
		k, err = rsa.GenerateKey(rand.Reader, 2049)
	case "rsa4096":
		k, err = rsa.GenerateKey(rand.Reader, 4096)
	default:
		panic("unknown key kind " + kind)
	}
	must(err)
	return k
}

func key(kind string) crypto.Signer {
	if k, ok := keyCache[kind]; ok {
		return k
	}
	k := freshKey(kind)
	keyCache[kind] = k
	return k
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	must(err)
	return n.Add(n, big.NewInt(1))
}

func caTemplate(cn string) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
}

func leafTemplate(dns ...string) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "webhook"},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		DNSNames:     dns,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
}

// issue signs tmpl with parent (nil: self-signed) for the public half of k.
func issue(tmpl *x509.Certificate, k crypto.Signer, parent *issued) *issued {
	return issueFor(tmpl, k.Public(), k, parent)
}

func issueFor(tmpl *x509.Certificate, pub crypto.PublicKey, k crypto.Signer, parent *issued) *issued {
	parentCert, signer := tmpl, k
	if parent != nil {
		parentCert, signer = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, pub, signer)
	must(err)
	c, err := x509.ParseCertificate(der)
	must(err)
	return &issued{cert: c, der: der, key: k}
}

// issueV1 builds a version 1 certificate (no extensions), ECDSA-SHA256 signed.
func issueV1(cn string, k crypto.Signer, parent *issued) *issued {
	type validity struct{ NotBefore, NotAfter time.Time }
	type tbsV1 struct {
		SerialNumber       *big.Int
		SignatureAlgorithm pkix.AlgorithmIdentifier
		Issuer             asn1.RawValue
		Validity           validity
		Subject            asn1.RawValue
		PublicKey          asn1.RawValue
	}
	type certificate struct {
		TBS                asn1.RawValue
		SignatureAlgorithm pkix.AlgorithmIdentifier
		SignatureValue     asn1.BitString
	}
	subject, err := asn1.Marshal(pkix.Name{CommonName: cn}.ToRDNSequence())
	must(err)
	issuer, signer := subject, k
	if parent != nil {
		issuer, signer = parent.cert.RawSubject, parent.key
	}
	spki, err := x509.MarshalPKIXPublicKey(k.Public())
	must(err)
	algorithm := pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}}
	tbs, err := asn1.Marshal(tbsV1{
		SerialNumber:       serial(),
		SignatureAlgorithm: algorithm,
		Issuer:             asn1.RawValue{FullBytes: issuer},
		Validity:           validity{notBefore, notAfter},
		Subject:            asn1.RawValue{FullBytes: subject},
		PublicKey:          asn1.RawValue{FullBytes: spki},
	})
	must(err)
	digest := sha256.Sum256(tbs)
	signature, err := signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	must(err)
	der, err := asn1.Marshal(certificate{
		TBS:                asn1.RawValue{FullBytes: tbs},
		SignatureAlgorithm: algorithm,
		SignatureValue:     asn1.BitString{Bytes: signature, BitLength: 8 * len(signature)},
	})
	must(err)
	c, err := x509.ParseCertificate(der)
	must(err)
	return &issued{cert: c, der: der, key: k}
}

func chain(certs ...*issued) string {
	out := ""
	for _, c := range certs {
		out += c.pem()
	}
	return out
}

// createErrorParsingCAData is client-go's (transport/transport.go).
func createErrorParsingCAData(pemCerts []byte) error {
	for len(pemCerts) > 0 {
		var block *pem.Block
		block, pemCerts = pem.Decode(pemCerts)
		if block == nil {
			return fmt.Errorf("unable to parse bytes as PEM block")
		}
		if block.Type != "CERTIFICATE" || len(block.Headers) != 0 {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return fmt.Errorf("failed to parse certificate: %w", err)
		}
	}
	return fmt.Errorf("no valid certificate authority data seen")
}

func verdict(chainPEM, bundlePEM string, host string, at time.Time) string {
	var roots *x509.CertPool
	if len(bundlePEM) > 0 {
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM([]byte(bundlePEM)) {
			return "unable to load root certificates: " + createErrorParsingCAData([]byte(bundlePEM)).Error()
		}
	}
	var certs []*x509.Certificate
	rest := []byte(chainPEM)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return "tls: failed to parse certificate from server: " + err.Error()
		}
		if pub, ok := c.PublicKey.(*rsa.PublicKey); ok && pub.N.BitLen() > 8192 {
			return "tls: server sent certificate containing RSA key larger than 8192 bits"
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return "tls: received empty certificates message"
	}
	opts := x509.VerifyOptions{
		DNSName:       host,
		Roots:         roots,
		Intermediates: x509.NewCertPool(),
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, c := range certs[1:] {
		opts.Intermediates.AddCert(c)
	}
	if _, err := certs[0].Verify(opts); err != nil {
		return err.Error()
	}
	return "ok"
}

var records []record

type option func(*record)

func host(h string) option                { return func(r *record) { r.ServerName = h } }
func at(t time.Time) option               { return func(r *record) { r.Now = t.Format(time.RFC3339) } }
func atTime(r *record) (time.Time, error) { return time.Parse(time.RFC3339, r.Now) }

func add(name, chainPEM, bundlePEM string, options ...option) {
	r := record{
		Name:        name,
		ServerName:  serverName,
		Now:         now.Format(time.RFC3339),
		ChainPEM:    chainPEM,
		CABundlePEM: bundlePEM,
		SystemRoots: bundlePEM == "",
	}
	for _, o := range options {
		o(&r)
	}
	r.Verdict = r.judge()
	records = append(records, r)
}

// judge is the verdict on r's inputs under the running Go.
func (r *record) judge() string {
	t, err := atTime(r)
	must(err)
	return verdict(r.ChainPEM, r.CABundlePEM, r.ServerName, t)
}

// judged is one committed case's verdict under the running Go: its position and
// name, to pair it with the case, and the one field Go computes.
type judged struct {
	Index   int    `json:"index"`
	Name    string `json:"name"`
	Verdict string `json:"verdict"`
}

// judgeFile prints, one case a line, the verdicts of the running Go on the committed
// cases of path (cases.json or signatures.json); their own verdicts are not read.
func judgeFile(path string) {
	data, err := os.ReadFile(path)
	must(err)
	var committed []record
	must(json.Unmarshal(data, &committed))
	out := []byte("[\n")
	for i := range committed {
		line, err := json.Marshal(judged{Index: i, Name: committed[i].Name, Verdict: committed[i].judge()})
		must(err)
		out = append(out, "  "...)
		out = append(out, line...)
		if i < len(committed)-1 {
			out = append(out, ',')
		}
		out = append(out, '\n')
	}
	out = append(out, "]\n"...)
	_, err = os.Stdout.Write(out)
	must(err)
}

// signatureCases is every key type and signature algorithm Go 1.19 verifies, each signed
// correctly and tampered with: the fast verifiers speclint tries first must never decide
// differently from Go, and where they refuse, the exact path decides.
func signatureCases() {
	ecdsaAlgorithms := []x509.SignatureAlgorithm{x509.ECDSAWithSHA256, x509.ECDSAWithSHA384, x509.ECDSAWithSHA512}
	rsaAlgorithms := []x509.SignatureAlgorithm{x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA,
		x509.SHA256WithRSAPSS, x509.SHA384WithRSAPSS, x509.SHA512WithRSAPSS}
	kinds := []struct {
		kind       string
		algorithms []x509.SignatureAlgorithm
	}{
		{"p224", ecdsaAlgorithms}, {"p256", ecdsaAlgorithms}, {"p384", ecdsaAlgorithms}, {"p521", ecdsaAlgorithms},
		{"rsa512", rsaAlgorithms[:1]}, {"rsa1024", rsaAlgorithms[:5]}, {"rsa2048", rsaAlgorithms}, {"rsa2049", rsaAlgorithms[:1]},
		{"rsa4096", rsaAlgorithms}, {"ed25519", []x509.SignatureAlgorithm{x509.PureEd25519}},
	}
	for _, k := range kinds {
		for _, algorithm := range k.algorithms {
			caTmpl := caTemplate("ca-" + k.kind)
			caTmpl.SignatureAlgorithm = algorithm
			ca := issue(caTmpl, key(k.kind), nil)
			leafTmpl := leafTemplate(serverName)
			leafTmpl.SignatureAlgorithm = algorithm
			leaf := issue(leafTmpl, key("p256"), ca)
			name := k.kind + "-" + algorithm.String()
			add(name, leaf.pem(), ca.pem())
			tampered := append([]byte(nil), leaf.der...)
			tampered[len(tampered)-1] ^= 0x01
			add(name+"-tampered", pemOf(tampered), ca.pem())
		}
	}
	// Go 1.19's rsa.VerifyPKCS1v15 does not require the signature to be below the modulus:
	// s + n, when it still fits in the modulus's length, verifies like s. A 2049-bit modulus
	// leaves room for it in its 257 bytes.
	ca := issue(caTemplate("ca-rsa2049"), key("rsa2049"), nil)
	leaf := issue(leafTemplate(serverName), key("p256"), ca)
	n := ca.key.Public().(*rsa.PublicKey).N
	k := (n.BitLen() + 7) / 8
	der := append([]byte(nil), leaf.der...)
	s := new(big.Int).SetBytes(der[len(der)-k:])
	if sum := new(big.Int).Add(s, n); sum.BitLen() <= 8*k {
		sum.FillBytes(der[len(der)-k:])
		add("rsa2049-signature-plus-modulus", pemOf(der), ca.pem())
	} else {
		must(errors.New("s + n does not fit"))
	}
}

func pemOf(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func main() {
	if len(os.Args) == 3 && (os.Args[1] == "judge" || os.Args[1] == "judge-signatures") {
		judgeFile(os.Args[2])
		return
	}
	if runtime.Version() < "go1.19" || runtime.Version() >= "go1.20" {
		fmt.Fprintln(os.Stderr, "warning: verdicts are meant to be Go 1.19's; running", runtime.Version())
	}
	if len(os.Args) > 1 && os.Args[1] == "signatures" {
		signatureCases()
		out, err := json.MarshalIndent(records, "", "  ")
		must(err)
		must(os.WriteFile("signatures.json", append(out, '\n'), 0o644))
		fmt.Printf("wrote %d signature cases with %s\n", len(records), runtime.Version())
		return
	}

	root := issue(caTemplate("webhook-ca"), key("p256"), nil)
	leafOf := func(parent *issued, dns ...string) *issued {
		return issue(leafTemplate(dns...), key("p256"), parent)
	}
	good := leafOf(root, serverName)

	// Section E of apiserver-tls.md: the name checked.
	add("san-exact", good.pem(), root.pem())
	add("san-cluster-local-only", leafOf(root, serverName+".cluster.local").pem(), root.pem())
	cnOnly := func(cn string) *issued {
		t := leafTemplate()
		t.Subject = pkix.Name{CommonName: cn}
		return issue(t, key("p256"), root)
	}
	add("cn-only-matching", cnOnly(serverName).pem(), root.pem())
	add("cn-only-not-matching", cnOnly("other.ns.svc").pem(), root.pem())
	ipOnly := leafTemplate()
	ipOnly.IPAddresses = []net.IP{net.ParseIP("10.0.0.1")}
	ipLeaf := issue(ipOnly, key("p256"), root)
	add("ip-san-only", ipLeaf.pem(), root.pem())
	add("ip-host-ip-san", ipLeaf.pem(), root.pem(), host("10.0.0.1"))
	add("ip-host-dns-san-only", good.pem(), root.pem(), host("10.0.0.1"))
	add("ip-host-other-ip", ipLeaf.pem(), root.pem(), host("10.0.0.2"))
	add("wildcard-namespace", leafOf(root, "*.ns.svc").pem(), root.pem())
	add("upper-case-san", leafOf(root, "SVC.NS.SVC").pem(), root.pem())
	for _, pattern := range []string{"*.svc", "sv*.ns.svc", "svc.*.svc", "svc.ns.svc."} {
		add("pattern-"+pattern, leafOf(root, pattern).pem(), root.pem())
	}
	add("several-sans-none-matching", leafOf(root, "a.ns.svc", "b.ns.svc").pem(), root.pem())

	// Trust anchors.
	foreign := issue(caTemplate("other-ca"), key("p256"), nil)
	add("foreign-ca", good.pem(), foreign.pem())
	sameNameOtherKey := issue(caTemplate("webhook-ca"), freshKey("p256"), nil)
	add("same-name-ca-other-key", good.pem(), sameNameOtherKey.pem())
	add("same-name-ca-other-key-and-right-ca", good.pem(), sameNameOtherKey.pem()+root.pem())
	sameNameRSA := issue(caTemplate("webhook-ca"), key("rsa2048"), nil)
	add("same-name-ca-rsa-key", good.pem(), sameNameRSA.pem())
	noCN := caTemplate("")
	noCN.Subject = pkix.Name{Organization: []string{"Acme Webhooks", "Second Org"}}
	orgCA := issue(noCN, key("p256"), nil)
	orgCAOtherKey := issue(noCN, freshKey("p256"), nil)
	add("hint-names-organization", issue(leafTemplate(serverName), key("p256"), orgCA).pem(), orgCAOtherKey.pem())
	anonymous := caTemplate("")
	anonymous.Subject = pkix.Name{Country: []string{"DE"}}
	anonCA := issue(anonymous, key("p256"), nil)
	anonymous.SerialNumber = big.NewInt(4242)
	anonCAOtherKey := issue(anonymous, freshKey("p256"), nil)
	add("hint-names-serial", issue(leafTemplate(serverName), key("p256"), anonCA).pem(), anonCAOtherKey.pem())
	add("empty-ca-bundle-private-ca", good.pem(), "")

	// Validity.
	expired := leafTemplate(serverName)
	expired.NotAfter = now.Add(-time.Hour)
	add("expired-leaf", issue(expired, key("p256"), root).pem(), root.pem())
	expiredWrongName := leafTemplate("other.ns.svc")
	expiredWrongName.NotAfter = now.Add(-time.Hour)
	add("expired-leaf-wrong-name", issue(expiredWrongName, key("p256"), root).pem(), root.pem())
	future := leafTemplate(serverName)
	future.NotBefore = now.Add(time.Hour)
	add("not-yet-valid-leaf", issue(future, key("p256"), root).pem(), root.pem())
	add("now-equals-not-after", good.pem(), root.pem(), at(notAfter))
	add("one-second-after-not-after", good.pem(), root.pem(), at(notAfter.Add(time.Second)))
	add("now-equals-not-before", good.pem(), root.pem(), at(notBefore))
	add("one-second-before-not-before", good.pem(), root.pem(), at(notBefore.Add(-time.Second)))

	expiredRootTemplate := caTemplate("webhook-ca")
	expiredRootTemplate.NotAfter = now.Add(-time.Hour)
	expiredRoot := issue(expiredRootTemplate, key("p256"), nil)
	add("expired-root", good.pem(), expiredRoot.pem())
	futureRootTemplate := caTemplate("webhook-ca")
	futureRootTemplate.NotBefore = now.Add(time.Hour)
	add("not-yet-valid-root", good.pem(), issue(futureRootTemplate, key("p256"), nil).pem())
	add("expired-root-and-renewed-root", good.pem(), expiredRoot.pem()+root.pem())
	add("other-key-then-expired-root", good.pem(), sameNameOtherKey.pem()+expiredRoot.pem())
	add("renewed-ca-sent-expired-ca-in-bundle", chain(good, root), expiredRoot.pem())

	// Intermediates.
	inter := issue(caTemplate("webhook-intermediate"), key("p384"), root)
	interLeaf := leafOf(inter, serverName)
	add("intermediate-sent", chain(interLeaf, inter), root.pem())
	add("intermediate-missing", interLeaf.pem(), root.pem())
	add("intermediate-in-bundle", interLeaf.pem(), root.pem()+inter.pem())
	add("intermediate-only-in-bundle", interLeaf.pem(), inter.pem())
	add("intermediate-sent-twice", chain(interLeaf, inter, inter), root.pem())
	add("root-sent-too", chain(interLeaf, inter, root), root.pem())
	inter2 := issue(caTemplate("webhook-intermediate-2"), key("p256"), inter)
	deepLeaf := leafOf(inter2, serverName)
	add("two-intermediates-in-order", chain(deepLeaf, inter2, inter), root.pem())
	add("two-intermediates-reversed", chain(deepLeaf, inter, inter2), root.pem())
	add("two-intermediates-one-missing", chain(deepLeaf, inter2), root.pem())
	expiredInterTemplate := caTemplate("webhook-intermediate")
	expiredInterTemplate.NotAfter = now.Add(-time.Hour)
	expiredInter := issue(expiredInterTemplate, key("p384"), root)
	add("expired-intermediate", chain(interLeaf, expiredInter), root.pem())
	futureInterTemplate := caTemplate("webhook-intermediate")
	futureInterTemplate.NotBefore = now.Add(time.Hour)
	add("not-yet-valid-intermediate", chain(interLeaf, issue(futureInterTemplate, key("p384"), root)), root.pem())
	add("expired-and-valid-intermediate", chain(interLeaf, expiredInter, inter), root.pem())

	// Who may sign.
	notCA := caTemplate("webhook-ca")
	notCA.IsCA = false
	notCARoot := issue(notCA, key("p256"), nil)
	add("ca-without-ca-true", good.pem(), notCARoot.pem())
	noBC := caTemplate("webhook-ca")
	noBC.IsCA, noBC.BasicConstraintsValid = false, false
	add("root-without-basic-constraints", good.pem(), issue(noBC, key("p256"), nil).pem())
	noCertSign := caTemplate("webhook-ca")
	noCertSign.KeyUsage = x509.KeyUsageDigitalSignature
	add("ca-key-usage-without-cert-sign", good.pem(), issue(noCertSign, key("p256"), nil).pem())
	noKeyUsage := caTemplate("webhook-ca")
	noKeyUsage.KeyUsage = 0
	add("ca-without-key-usage", good.pem(), issue(noKeyUsage, key("p256"), nil).pem())
	notCAInter := caTemplate("webhook-intermediate")
	notCAInter.IsCA = false
	add("intermediate-without-ca-true", chain(interLeaf, issue(notCAInter, key("p384"), root)), root.pem())
	v1Root := issueV1("webhook-ca", key("p256"), nil)
	add("v1-root", good.pem(), v1Root.pem())
	v1Inter := issueV1("webhook-intermediate", key("p384"), root)
	add("v1-intermediate-sent", chain(interLeaf, v1Inter), root.pem())
	add("v1-intermediate-in-bundle", interLeaf.pem(), v1Inter.pem())

	pathLenZero := caTemplate("webhook-ca")
	pathLenZero.MaxPathLen, pathLenZero.MaxPathLenZero = 0, true
	pathLenRoot := issue(pathLenZero, key("p256"), nil)
	pathLenInter := issue(caTemplate("webhook-intermediate"), key("p384"), pathLenRoot)
	add("pathlen-0-violated", chain(leafOf(pathLenInter, serverName), pathLenInter), pathLenRoot.pem())
	add("pathlen-0-respected", leafOf(pathLenRoot, serverName).pem(), pathLenRoot.pem())
	pathLenOne := caTemplate("webhook-ca")
	pathLenOne.MaxPathLen = 1
	pathLenOneRoot := issue(pathLenOne, key("p256"), nil)
	i1 := issue(caTemplate("webhook-intermediate"), key("p384"), pathLenOneRoot)
	i2 := issue(caTemplate("webhook-intermediate-2"), key("p256"), i1)
	add("pathlen-1-two-intermediates", chain(leafOf(i2, serverName), i2, i1), pathLenOneRoot.pem())

	// Name constraints.
	constrained := func(edit func(*x509.Certificate)) *issued {
		t := caTemplate("constrained-ca")
		edit(t)
		return issue(t, key("p256"), nil)
	}
	excludes := constrained(func(t *x509.Certificate) { t.ExcludedDNSDomains = []string{"ns.svc"} })
	add("name-constraint-excludes-host", leafOf(excludes, serverName).pem(), excludes.pem())
	permitsSvc := constrained(func(t *x509.Certificate) { t.PermittedDNSDomains = []string{"svc"} })
	add("name-constraint-permits-host", leafOf(permitsSvc, serverName).pem(), permitsSvc.pem())
	permitsDotNs := constrained(func(t *x509.Certificate) {
		t.PermittedDNSDomains = []string{".ns.svc"}
		t.PermittedDNSDomainsCritical = true
	})
	add("name-constraint-leading-dot", leafOf(permitsDotNs, serverName).pem(), permitsDotNs.pem())
	permitsOther := constrained(func(t *x509.Certificate) { t.PermittedDNSDomains = []string{"example.com"} })
	add("name-constraint-permits-other", leafOf(permitsOther, serverName, "api.example.com").pem(), permitsOther.pem())
	add("name-constraint-other-san-refused", leafOf(permitsSvc, serverName, "api.example.com").pem(), permitsSvc.pem())
	ipConstrained := constrained(func(t *x509.Certificate) {
		_, network, _ := net.ParseCIDR("10.0.0.0/8")
		t.PermittedIPRanges = []*net.IPNet{network}
		t.PermittedDNSDomains = []string{"svc"}
	})
	ipSans := leafTemplate(serverName)
	ipSans.IPAddresses = []net.IP{net.ParseIP("10.1.2.3"), net.ParseIP("192.168.0.1")}
	add("name-constraint-ip-refused", issue(ipSans, key("p256"), ipConstrained).pem(), ipConstrained.pem())
	ipExcluded := constrained(func(t *x509.Certificate) {
		_, network, _ := net.ParseCIDR("192.168.0.0/16")
		t.ExcludedIPRanges = []*net.IPNet{network}
	})
	add("name-constraint-ip-excluded", issue(ipSans, key("p256"), ipExcluded).pem(), ipExcluded.pem())
	emailConstrained := constrained(func(t *x509.Certificate) { t.PermittedEmailAddresses = []string{"example.com"} })
	emailSans := leafTemplate(serverName)
	emailSans.EmailAddresses = []string{"admin@example.org"}
	add("name-constraint-email-refused", issue(emailSans, key("p256"), emailConstrained).pem(), emailConstrained.pem())
	interConstrainedTemplate := caTemplate("webhook-intermediate")
	interConstrainedTemplate.ExcludedDNSDomains = []string{"svc"}
	interConstrained := issue(interConstrainedTemplate, key("p384"), root)
	add("name-constraint-on-intermediate", chain(leafOf(interConstrained, serverName), interConstrained), root.pem())

	// Extended key usage.
	eku := func(parent *issued, usages ...x509.ExtKeyUsage) *issued {
		t := leafTemplate(serverName)
		t.ExtKeyUsage = usages
		return issue(t, key("p256"), parent)
	}
	add("leaf-eku-client-auth", eku(root, x509.ExtKeyUsageClientAuth).pem(), root.pem())
	add("leaf-eku-any", eku(root, x509.ExtKeyUsageAny).pem(), root.pem())
	add("leaf-no-eku", eku(root).pem(), root.pem())
	add("leaf-eku-client-and-server", eku(root, x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth).pem(), root.pem())
	clientInterTemplate := caTemplate("webhook-intermediate")
	clientInterTemplate.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	clientInter := issue(clientInterTemplate, key("p384"), root)
	add("intermediate-eku-client-auth", chain(leafOf(clientInter, serverName), clientInter), root.pem())
	serverInterTemplate := caTemplate("webhook-intermediate")
	serverInterTemplate.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	serverInter := issue(serverInterTemplate, key("p384"), root)
	add("intermediate-eku-server-auth", chain(leafOf(serverInter, serverName), serverInter), root.pem())
	clientRootTemplate := caTemplate("webhook-ca")
	clientRootTemplate.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	clientRoot := issue(clientRootTemplate, key("p256"), nil)
	add("root-eku-client-auth", leafOf(clientRoot, serverName).pem(), clientRoot.pem())
	add("root-eku-client-auth-and-plain-root", chain(leafOf(clientRoot, serverName)), clientRoot.pem()+issue(caTemplate("webhook-ca"), key("p256"), nil).pem())

	// Signatures.
	sha1Leaf := leafTemplate(serverName)
	sha1Leaf.SignatureAlgorithm = x509.SHA1WithRSA
	add("sha1-signed-leaf", issue(sha1Leaf, key("p256"), sameNameRSA).pem(), sameNameRSA.pem())
	ecdsaSHA1Leaf := leafTemplate(serverName)
	ecdsaSHA1Leaf.SignatureAlgorithm = x509.ECDSAWithSHA1
	add("ecdsa-sha1-signed-leaf", issue(ecdsaSHA1Leaf, key("p256"), root).pem(), root.pem())
	unknownCritical := leafTemplate(serverName)
	unknownCritical.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 2, 3, 4, 5}, Critical: true, Value: []byte{0x05, 0x00}}}
	add("leaf-unknown-critical-extension", issue(unknownCritical, key("p256"), root).pem(), root.pem())
	unknownNonCritical := leafTemplate(serverName)
	unknownNonCritical.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 2, 3, 4, 5}, Value: []byte{0x05, 0x00}}}
	add("leaf-unknown-non-critical-extension", issue(unknownNonCritical, key("p256"), root).pem(), root.pem())
	criticalInterTemplate := caTemplate("webhook-intermediate")
	criticalInterTemplate.ExtraExtensions = unknownCritical.ExtraExtensions
	criticalInter := issue(criticalInterTemplate, key("p384"), root)
	add("intermediate-unknown-critical-extension", chain(leafOf(criticalInter, serverName), criticalInter), root.pem())
	criticalRootTemplate := caTemplate("webhook-ca")
	criticalRootTemplate.ExtraExtensions = unknownCritical.ExtraExtensions
	criticalRoot := issue(criticalRootTemplate, key("p256"), nil)
	add("root-unknown-critical-extension", leafOf(criticalRoot, serverName).pem(), criticalRoot.pem())

	// A self-signed serving certificate used as its own caBundle.
	selfSigned := func(edit func(*x509.Certificate), k crypto.Signer) *issued {
		t := leafTemplate(serverName)
		edit(t)
		return issue(t, k, nil)
	}
	plainSelf := selfSigned(func(*x509.Certificate) {}, key("p256"))
	add("self-signed-leaf-in-bundle", plainSelf.pem(), plainSelf.pem())
	sha1Self := selfSigned(func(t *x509.Certificate) { t.SignatureAlgorithm = x509.SHA1WithRSA }, key("rsa2048"))
	add("self-signed-sha1-leaf-in-bundle", sha1Self.pem(), sha1Self.pem())
	add("self-signed-leaf-not-in-bundle", plainSelf.pem(), root.pem())
	add("self-signed-leaf-wrong-name-in-bundle", plainSelf.pem(), plainSelf.pem(), host("other.ns.svc"))
	selfCA := selfSigned(func(t *x509.Certificate) {
		t.IsCA, t.BasicConstraintsValid = true, true
		t.KeyUsage |= x509.KeyUsageCertSign
	}, key("p256"))
	add("self-signed-ca-leaf-in-bundle", selfCA.pem(), selfCA.pem())
	selfExpired := selfSigned(func(t *x509.Certificate) { t.NotAfter = now.Add(-time.Minute) }, key("p256"))
	add("self-signed-expired-leaf-in-bundle", selfExpired.pem(), selfExpired.pem())
	selfClient := selfSigned(func(t *x509.Certificate) { t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth} }, key("p256"))
	add("self-signed-client-auth-leaf-in-bundle", selfClient.pem(), selfClient.pem())

	// Key and signature algorithms.
	mix := func(name, caKind, leafKind string, algorithm x509.SignatureAlgorithm) {
		ca := issue(caTemplate("ca-"+caKind), key(caKind), nil)
		t := leafTemplate(serverName)
		t.SignatureAlgorithm = algorithm
		add(name, issue(t, key(leafKind), ca).pem(), ca.pem())
	}
	mix("rsa2048-ca-rsa2048-leaf", "rsa2048", "rsa2048", 0)
	mix("rsa2048-ca-sha384", "rsa2048", "p256", x509.SHA384WithRSA)
	mix("rsa2048-ca-sha512", "rsa2048", "p256", x509.SHA512WithRSA)
	mix("rsa4096-ca-p256-leaf", "rsa4096", "p256", 0)
	mix("rsa2048-ca-pss-sha256", "rsa2048", "p256", x509.SHA256WithRSAPSS)
	mix("rsa4096-ca-pss-sha384", "rsa4096", "rsa2048", x509.SHA384WithRSAPSS)
	mix("rsa2048-ca-pss-sha512", "rsa2048", "p256", x509.SHA512WithRSAPSS)
	mix("rsa2049-ca-pss-sha256", "rsa2049", "p256", x509.SHA256WithRSAPSS)
	mix("rsa2049-ca-pkcs1", "rsa2049", "p256", 0)
	mix("rsa1024-ca", "rsa1024", "p256", 0)
	mix("p256-ca-p384-leaf", "p256", "p384", 0)
	mix("p256-ca-sha512", "p256", "p256", x509.ECDSAWithSHA512)
	mix("p384-ca-p256-leaf", "p384", "p256", 0)
	mix("p384-ca-sha256", "p384", "p256", x509.ECDSAWithSHA256)
	mix("p521-ca-p521-leaf", "p521", "p521", 0)
	mix("p521-ca-sha256", "p521", "p256", x509.ECDSAWithSHA256)
	mix("ed25519-ca-ed25519-leaf", "ed25519", "ed25519", 0)
	mix("ed25519-ca-rsa-leaf", "ed25519", "rsa2048", 0)
	mix("rsa-ca-ed25519-leaf", "rsa2048", "ed25519", 0)
	mix("p256-ca-ed25519-leaf", "p256", "ed25519", 0)
	edRoot := issue(caTemplate("webhook-ca"), key("ed25519"), nil)
	add("same-name-ed25519-ca", good.pem(), edRoot.pem())
	edLeaf := issue(leafTemplate(serverName), key("p256"), edRoot)
	add("same-name-ed25519-ca-other-key", edLeaf.pem(), issue(caTemplate("webhook-ca"), freshKey("ed25519"), nil).pem())
	pssLeaf := leafTemplate(serverName)
	pssLeaf.SignatureAlgorithm = x509.SHA256WithRSAPSS
	add("pss-leaf-same-name-other-rsa-key", issue(pssLeaf, key("p256"), sameNameRSA).pem(), issue(caTemplate("webhook-ca"), freshKey("rsa2048"), nil).pem())

	// RSA key size limits of crypto/tls (R8): the leaf's key is only sent, so a
	// made-up modulus is enough to test the limit.
	bigKey := func(bits int) *rsa.PublicKey {
		n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(bits-1)))
		must(err)
		n.SetBit(n, bits-1, 1).SetBit(n, 0, 1)
		return &rsa.PublicKey{N: n, E: 65537}
	}
	add("rsa-8193-bit-leaf", issueFor(leafTemplate(serverName), bigKey(8193), nil, root).pem(), root.pem())
	add("rsa-8192-bit-leaf", issueFor(leafTemplate(serverName), bigKey(8192), nil, root).pem(), root.pem())
	add("rsa-8193-bit-leaf-bad-bundle", issueFor(leafTemplate(serverName), bigKey(8193), nil, root).pem(), "junk")

	// caBundle parsing (AppendCertsFromPEM and client-go).
	privateKeyPEM := "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n"
	headered := "-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\n" + base64Lines(root.der) + "-----END CERTIFICATE-----\n"
	badCert := "-----BEGIN CERTIFICATE-----\naGVsbG8=\n-----END CERTIFICATE-----\n"
	add("bundle-junk-before-between-after", good.pem(), "garbage line\n"+foreign.pem()+"more junk\n"+root.pem()+"trailing junk")
	add("bundle-junk-inside-after-good", good.pem(), foreign.pem()+"junk\n"+root.pem()[:40])
	add("bundle-non-certificate-block", good.pem(), privateKeyPEM+root.pem())
	add("bundle-headered-block-only", good.pem(), headered)
	add("bundle-headered-block-and-good", good.pem(), headered+root.pem())
	add("bundle-unparseable-and-good", good.pem(), badCert+root.pem())
	add("bundle-unparseable-only", good.pem(), badCert)
	add("bundle-private-key-only", good.pem(), privateKeyPEM)
	add("bundle-garbage", good.pem(), "not a certificate")
	add("bundle-whitespace", good.pem(), "\n")
	add("bundle-double-base64", good.pem(), base64.StdEncoding.EncodeToString([]byte(root.pem())))
	add("bundle-duplicate-root", good.pem(), root.pem()+root.pem())
	add("bundle-crlf", good.pem(), crlf(root.pem()))
	add("bundle-truncated-base64", good.pem(), root.pem()[:len(root.pem())-40]+"\n-----END CERTIFICATE-----\n")

	out, err := json.MarshalIndent(records, "", "  ")
	must(err)
	must(os.WriteFile("cases.json", append(out, '\n'), 0o644))
	counts := map[string]int{}
	for _, r := range records {
		if r.Verdict == "ok" {
			counts["ok"]++
		} else {
			counts["error"]++
		}
	}
	fmt.Printf("wrote %d cases (%d ok, %d errors) with %s\n", len(records), counts["ok"], counts["error"], runtime.Version())
	if len(records) < 60 {
		must(errors.New("fewer than 60 cases"))
	}
}

func base64Lines(der []byte) string {
	text := base64.StdEncoding.EncodeToString(der)
	out := ""
	for len(text) > 64 {
		out += text[:64] + "\n"
		text = text[64:]
	}
	return out + text + "\n"
}

func crlf(s string) string {
	out := ""
	for _, c := range s {
		if c == '\n' {
			out += "\r"
		}
		out += string(c)
	}
	return out
}
