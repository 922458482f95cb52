// Command gen writes the fixtures of tests/tls_cli.rs: a CA, serving chains
// that fail in each way the API server can refuse them, manifests that carry
// them, and Go 1.19's verdict for every (chain, caBundle, name) pair in
// verdicts.json.
//
//	cd testdata/tls/cli && go run gen.go
//	go run gen.go judge /abs/path/to/testdata/tls/cli > go/PROFILE.json
//
// The judge mode re-judges the committed pairs of verdicts.json with the running Go and
// prints only the verdicts (go/README.md).
//
// Needs kubectl for secret.yaml (`kubectl create secret tls --dry-run=client`).
// Keys are random, so the snapshots of tests/tls_cli.rs change with every run.
// These keys are test fixtures and protect nothing. Standard library only.
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// The time every verdict is taken at; the tests pass it as --now.
var now = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

const serverName = "webhook.system.svc"

var (
	notBefore = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	notAfter  = time.Date(2034, 1, 1, 0, 0, 0, 0, time.UTC)
)

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func must2(der []byte, err error) []byte {
	must(err)
	return der
}

func write(name string, data []byte) {
	must(os.WriteFile(name, data, 0o644))
}

func pemOf(kind string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
}

type issuer struct {
	cert *x509.Certificate
	key  crypto.Signer
	der  []byte
}

var serial int64 = 100

func create(t *x509.Certificate, key crypto.Signer, parent *issuer) issuer {
	serial++
	t.SerialNumber = big.NewInt(serial)
	if t.NotBefore.IsZero() {
		t.NotBefore = notBefore
	}
	if t.NotAfter.IsZero() {
		t.NotAfter = notAfter
	}
	parentCert, parentKey := t, key
	if parent != nil {
		parentCert, parentKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, t, parentCert, key.Public(), parentKey)
	must(err)
	c, err := x509.ParseCertificate(der)
	must(err)
	return issuer{cert: c, key: key, der: der}
}

func ecKey() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	return k
}

func ca(cn string, key crypto.Signer, parent *issuer, pathLen int) issuer {
	return create(&x509.Certificate{
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"speclint fixtures"}},
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLen:            pathLen,
		MaxPathLenZero:        pathLen == 0,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}, key, parent)
}

func leaf(key crypto.Signer, parent *issuer, mod func(*x509.Certificate)) issuer {
	t := &x509.Certificate{
		Subject:     pkix.Name{CommonName: serverName},
		DNSNames:    []string{serverName, "webhook.system.svc.cluster.local"},
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if mod != nil {
		mod(t)
	}
	return create(t, key, parent)
}

// verdict is what the API server's client concludes (Go 1.19, no TLS prefix).
func verdict(chainPEM, caPEM []byte, name string) string {
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		return "unable to load root certificates"
	}
	var chain []*x509.Certificate
	for rest := chainPEM; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return "tls: failed to parse certificate from server: " + err.Error()
		}
		chain = append(chain, c)
	}
	intermediates := x509.NewCertPool()
	for _, c := range chain[1:] {
		intermediates.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{
		DNSName:       name,
		Roots:         roots,
		Intermediates: intermediates,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil {
		return err.Error()
	}
	return "ok"
}

type verdictCase struct {
	Name       string `json:"name"`
	Chain      string `json:"chain"`
	CABundle   string `json:"ca_bundle"`
	ServerName string `json:"server_name"`
	Verdict    string `json:"verdict"`
}

// judge re-judges every (chain, caBundle, name) pair of a committed verdicts.json in
// dir, reading the committed PEM files next to it, with the running Go (its toolchain
// and the GODEBUG defaults of the module it runs in), and prints the verdicts in input
// order as JSON on stdout.
func judge(dir string) {
	data, err := os.ReadFile(filepath.Join(dir, "verdicts.json"))
	must(err)
	var in struct {
		Now   string        `json:"now"`
		Cases []verdictCase `json:"cases"`
	}
	must(json.Unmarshal(data, &in))
	if in.Now != now.Format(time.RFC3339) {
		panic("verdicts.json was taken at " + in.Now + ", not at " + now.Format(time.RFC3339))
	}
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, name))
		must(err)
		return data
	}
	cases := make([]verdictCase, 0, len(in.Cases))
	for _, c := range in.Cases {
		c.Verdict = verdict(read(c.Chain), read(c.CABundle), c.ServerName)
		cases = append(cases, c)
	}
	out, err := json.MarshalIndent(cases, "", "  ")
	must(err)
	os.Stdout.Write(append(out, '\n'))
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "judge" {
		judge(os.Args[2])
		return
	}
	rootKey, err := rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	root := ca("speclint fixture CA", rootKey, nil, 1)
	otherCA := ca("other CA", ecKey(), nil, -1)
	sameNameKey, err := rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	sameNameCA := ca("speclint fixture CA", sameNameKey, nil, 1)
	intermediate := ca("speclint fixture intermediate", ecKey(), &root, 0)

	serverKey, err := rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	server := leaf(serverKey, &root, func(t *x509.Certificate) {
		t.IPAddresses = []net.IP{net.ParseIP("10.96.0.10")}
		t.EmailAddresses = []string{"ops@example.com"}
		u, err := url.Parse("spiffe://cluster.local/ns/system/sa/webhook")
		must(err)
		t.URIs = []*url.URL{u}
	})
	chainKey := ecKey()
	viaIntermediate := leaf(chainKey, &intermediate, nil)
	expired := leaf(ecKey(), &root, func(t *x509.Certificate) {
		t.NotAfter = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	})
	notYet := leaf(ecKey(), &root, func(t *x509.Certificate) {
		t.NotBefore = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	})
	clientOnly := leaf(ecKey(), &root, func(t *x509.Certificate) {
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	})
	cnOnly := leaf(ecKey(), &root, func(t *x509.Certificate) { t.DNSNames = nil })
	sha1Leaf := leaf(ecKey(), &root, func(t *x509.Certificate) {})
	// Re-sign with SHA-1 (RSA parent).
	sha1Tmpl := *sha1Leaf.cert
	sha1Tmpl.SignatureAlgorithm = x509.SHA1WithRSA
	sha1DER, err := x509.CreateCertificate(rand.Reader, &sha1Tmpl, root.cert, sha1Leaf.key.Public(), root.key)
	must(err)

	files := map[string][]byte{
		"ca.pem":               pemOf("CERTIFICATE", root.der),
		"other-ca.pem":         pemOf("CERTIFICATE", otherCA.der),
		"same-name-ca.pem":     pemOf("CERTIFICATE", sameNameCA.der),
		"server.pem":           pemOf("CERTIFICATE", server.der),
		"server.key":           pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(serverKey)),
		"chain.key":            pemOf("EC PRIVATE KEY", must2(x509.MarshalECPrivateKey(chainKey))),
		"chain.pem":            append(pemOf("CERTIFICATE", viaIntermediate.der), pemOf("CERTIFICATE", intermediate.der)...),
		"leaf-only.pem":        pemOf("CERTIFICATE", viaIntermediate.der),
		"expired.pem":          pemOf("CERTIFICATE", expired.der),
		"not-yet-valid.pem":    pemOf("CERTIFICATE", notYet.der),
		"client-auth-only.pem": pemOf("CERTIFICATE", clientOnly.der),
		"cn-only.pem":          pemOf("CERTIFICATE", cnOnly.der),
		"sha1.pem":             pemOf("CERTIFICATE", sha1DER),
		"garbage.pem":          []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
	}
	for name, data := range files {
		write(name, data)
	}
	caB64 := base64.StdEncoding.EncodeToString(files["ca.pem"])
	otherB64 := base64.StdEncoding.EncodeToString(files["other-ca.pem"])
	write("ca.b64", []byte(caB64+"\n"))

	// The kubectl-made Secret, exactly as a user would produce it.
	out, err := exec.Command("kubectl", "create", "secret", "tls", "webhook-tls", "-n", "system",
		"--cert=server.pem", "--key=server.key", "--dry-run=client", "-o", "yaml").Output()
	must(err)
	write("secret.yaml", out)

	write("secret-stringdata.yaml", []byte(fmt.Sprintf(`apiVersion: v1
kind: Secret
metadata:
  name: webhook-certs
  namespace: system
stringData:
  cert: |
%s  key: |
%s  ca: |
%s`, indent(files["chain.pem"]), indent(files["chain.key"]), indent(files["ca.pem"]))))

	write("webhook.yaml", []byte(fmt.Sprintf(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: webhook
webhooks:
  - name: validate.example.com
    admissionReviewVersions: ["v1"]
    sideEffects: None
    clientConfig:
      caBundle: %s
      service:
        name: webhook
        namespace: system
  - name: validate-more.example.com
    admissionReviewVersions: ["v1"]
    sideEffects: None
    clientConfig:
      caBundle: %s
      service:
        name: webhook
        namespace: system
`, caB64, caB64)))

	write("webhook-differing.yaml", []byte(fmt.Sprintf(`apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: webhook
webhooks:
  - name: mutate.example.com
    clientConfig:
      caBundle: %s
      service: {name: webhook, namespace: system}
  - name: mutate-other.example.com
    clientConfig:
      caBundle: %s
      service: {name: webhook, namespace: system}
`, caB64, otherB64)))

	write("webhook-no-cabundle.yaml", []byte(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: webhook
webhooks:
  - name: validate.example.com
    clientConfig:
      service: {name: webhook, namespace: system}
`))

	write("webhook-double-base64.yaml", []byte(fmt.Sprintf(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: webhook
webhooks:
  - name: validate.example.com
    clientConfig:
      caBundle: %s
      service: {name: webhook, namespace: system}
`, base64.StdEncoding.EncodeToString([]byte(caB64)))))

	write("crd.yaml", []byte(fmt.Sprintf(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - {name: v1, served: true, storage: true}
    - {name: v2, served: true, storage: false}
  conversion:
    strategy: Webhook
    webhook:
      conversionReviewVersions: ["v1"]
      clientConfig:
        caBundle: %s
        service: {name: webhook, namespace: system, path: /convert}
`, caB64)))

	// An APIService and the Secret in one JSON List.
	secretData := map[string]string{
		"tls.crt": base64.StdEncoding.EncodeToString(files["server.pem"]),
		"tls.key": base64.StdEncoding.EncodeToString(files["server.key"]),
	}
	list := map[string]any{
		"apiVersion": "v1",
		"kind":       "List",
		"items": []any{
			map[string]any{
				"apiVersion": "apiregistration.k8s.io/v1",
				"kind":       "APIService",
				"metadata":   map[string]any{"name": "v1beta1.metrics.example.com"},
				"spec": map[string]any{
					"group": "metrics.example.com", "version": "v1beta1",
					"groupPriorityMinimum": 100, "versionPriority": 100,
					"service":  map[string]any{"name": "webhook", "namespace": "system"},
					"caBundle": caB64,
				},
			},
			map[string]any{
				"apiVersion": "v1",
				"kind":       "Secret",
				"type":       "kubernetes.io/tls",
				"metadata":   map[string]any{"name": "metrics-tls", "namespace": "system"},
				"data":       secretData,
			},
		},
	}
	listJSON, err := json.MarshalIndent(list, "", "  ")
	must(err)
	write("list.json", append(listJSON, '\n'))

	// Everything inspect reports on at once: a kubectl Secret, shared, differing,
	// missing and double-encoded caBundles.
	var all []string
	for _, name := range []string{"secret.yaml", "webhook.yaml", "webhook-differing.yaml", "webhook-no-cabundle.yaml", "webhook-double-base64.yaml"} {
		data, err := os.ReadFile(name)
		must(err)
		text := string(data)
		if name == "webhook-no-cabundle.yaml" || name == "webhook-double-base64.yaml" {
			text = strings.Replace(text, "name: webhook\n", "name: "+strings.TrimSuffix(name, ".yaml")+"\n", 1)
		}
		all = append(all, text)
	}
	write("inspect.yaml", []byte(strings.Join(all, "---\n")))

	var cases []verdictCase
	add := func(name, chain, caFile, host string) {
		cases = append(cases, verdictCase{name, chain, caFile, host, verdict(files[chain], files[caFile], host)})
	}
	add("ok", "server.pem", "ca.pem", serverName)
	add("ok via intermediate", "chain.pem", "ca.pem", serverName)
	add("missing intermediate", "leaf-only.pem", "ca.pem", serverName)
	add("wrong name", "server.pem", "ca.pem", "webhook-svc.system.svc")
	add("ip name", "server.pem", "ca.pem", "10.96.0.11")
	add("foreign CA", "server.pem", "other-ca.pem", serverName)
	add("same-name CA", "server.pem", "same-name-ca.pem", serverName)
	add("expired", "expired.pem", "ca.pem", serverName)
	add("not yet valid", "not-yet-valid.pem", "ca.pem", serverName)
	add("client auth only", "client-auth-only.pem", "ca.pem", serverName)
	add("legacy common name", "cn-only.pem", "ca.pem", serverName)
	add("sha1", "sha1.pem", "ca.pem", serverName)
	data, err := json.MarshalIndent(map[string]any{"go_version": runtime.Version(), "now": now.Format(time.RFC3339), "cases": cases}, "", "  ")
	must(err)
	write("verdicts.json", append(data, '\n'))
	for _, c := range cases {
		fmt.Printf("%-22s %s\n", c.Name, c.Verdict)
	}
}

func indent(text []byte) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(text), "\n") {
		if line != "" {
			b.WriteString("    " + line)
		}
	}
	return b.String()
}
