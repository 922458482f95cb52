// Command gen writes the certificates used by the CLI fixtures under testdata/cases,
// and Go's own verdict for each leaf, so the tests compare speclint with Go.
//
//	cd testdata/certs && go run gen.go
//	go run gen.go judge /abs/path/to/testdata/certs > go/PROFILE.json
//
// The judge mode re-judges the committed leaves with the running Go and prints only the
// verdicts (go/README.md).
//
// Standard library only. Keys are test material, never used anywhere else.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// The name every fixture's webhook is called as: Service demo-webhook in namespace webhooks.
const serverName = "demo-webhook.webhooks.svc"

var (
	notBefore = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	notAfter  = time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)
	checkTime = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	serial    = int64(1000)
)

type leafSpec struct {
	name      string
	cn        string
	dns       []string
	ips       []string
	notBefore time.Time // zero: the default window
	notAfter  time.Time
	otherCA   bool // signed by other-ca instead of demo-webhook-ca
	clientEKU bool // extKeyUsage clientAuth only
	rsaBits   int  // RSA key of this size instead of ECDSA P-256
}

var leaves = []leafSpec{
	{name: "good", cn: serverName, dns: []string{serverName, serverName + ".cluster.local"}},
	{name: "old-name", cn: "demo-webhook-old.webhooks.svc", dns: []string{"demo-webhook-old", "demo-webhook-old.webhooks", "demo-webhook-old.webhooks.svc"}},
	{name: "cn-only", cn: serverName},
	{name: "cluster-local", dns: []string{serverName + ".cluster.local"}},
	{name: "wildcard", dns: []string{"*.webhooks.svc"}},
	{name: "ip-only", ips: []string{"10.0.0.10"}},
	{name: "spark-1.2", cn: "spark-operator-webhook.default.svc", dns: []string{"spark-operator-webhook.default.svc"}},
	{name: "expired", dns: []string{serverName}, notAfter: time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)},
	{name: "not-yet-valid", dns: []string{serverName}, notBefore: time.Date(2098, 1, 1, 0, 0, 0, 0, time.UTC)},
	{name: "expiring", dns: []string{serverName}, notAfter: time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)},
	{name: "other-ca", dns: []string{serverName}, otherCA: true},
	{name: "client-eku", dns: []string{serverName}, clientEKU: true},
	{name: "rsa1024", dns: []string{serverName}, rsaBits: 1024},
	{name: "rsa512", dns: []string{serverName}, rsaBits: 512},
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}

func write(name string, typ string, der []byte) {
	check(os.WriteFile(name, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o644))
}

func newKey() *ecdsa.PrivateKey {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	check(err)
	return key
}

func writeKey(name string, key *ecdsa.PrivateKey) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	check(err)
	write(name, "PRIVATE KEY", der)
}

func newCA(cn string) (*x509.Certificate, *ecdsa.PrivateKey) {
	key := newKey()
	serial++
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	check(err)
	cert, err := x509.ParseCertificate(der)
	check(err)
	return cert, key
}

// judgeLeaf is Go's full Verify verdict for leaf under each name it is called as, at
// checkTime, with roots as the only trust anchors.
func judgeLeaf(leaf *x509.Certificate, roots *x509.CertPool) map[string]string {
	hosts := []string{serverName, "spark-operator-webhook-svc.default.svc", "10.0.0.10"}
	verdicts := map[string]string{}
	for _, host := range hosts {
		verdict := "ok"
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: roots, CurrentTime: checkTime}); err != nil {
			verdict = err.Error()
		}
		verdicts[host] = verdict
	}
	return verdicts
}

// readCertificate parses the one certificate of a committed PEM file.
func readCertificate(path string) *x509.Certificate {
	data, err := os.ReadFile(path)
	check(err)
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		panic(path + ": no CERTIFICATE block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	check(err)
	return cert
}

// judge re-judges the committed leaves in dir (ca.pem, leaf-NAME.pem) with the running
// Go (its toolchain and the GODEBUG defaults of the module it runs in) and prints the
// verdicts, keyed as verdicts.json is, on stdout.
func judge(dir string) {
	roots := x509.NewCertPool()
	roots.AddCert(readCertificate(filepath.Join(dir, "ca.pem")))
	verdicts := map[string]map[string]string{}
	for _, spec := range leaves {
		verdicts[spec.name] = judgeLeaf(readCertificate(filepath.Join(dir, "leaf-"+spec.name+".pem")), roots)
	}
	out, err := json.MarshalIndent(verdicts, "", "  ")
	check(err)
	os.Stdout.Write(append(out, '\n'))
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "judge" {
		judge(os.Args[2])
		return
	}
	ca, caKey := newCA("demo-webhook-ca")
	write("ca.pem", "CERTIFICATE", ca.Raw)
	other, otherKey := newCA("other-ca")
	write("other-ca.pem", "CERTIFICATE", other.Raw)

	roots := x509.NewCertPool()
	roots.AddCert(ca)
	verdicts := map[string]map[string]string{}
	for _, spec := range leaves {
		serial++
		template := &x509.Certificate{
			SerialNumber: big.NewInt(serial),
			Subject:      pkix.Name{CommonName: spec.cn},
			NotBefore:    notBefore,
			NotAfter:     notAfter,
			KeyUsage:     x509.KeyUsageDigitalSignature,
			ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			DNSNames:     spec.dns,
		}
		if !spec.notBefore.IsZero() {
			template.NotBefore = spec.notBefore
		}
		if !spec.notAfter.IsZero() {
			template.NotAfter = spec.notAfter
		}
		if spec.clientEKU {
			template.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
		}
		for _, ip := range spec.ips {
			template.IPAddresses = append(template.IPAddresses, net.ParseIP(ip))
		}
		issuer, issuerKey := ca, caKey
		if spec.otherCA {
			issuer, issuerKey = other, otherKey
		}
		var public, private any
		if spec.rsaBits > 0 {
			key, err := rsa.GenerateKey(rand.Reader, spec.rsaBits)
			check(err)
			public, private = &key.PublicKey, key
		} else {
			key := newKey()
			public, private = &key.PublicKey, key
		}
		der, err := x509.CreateCertificate(rand.Reader, template, issuer, public, issuerKey)
		check(err)
		leaf, err := x509.ParseCertificate(der)
		check(err)
		write("leaf-"+spec.name+".pem", "CERTIFICATE", der)
		keyDER, err := x509.MarshalPKCS8PrivateKey(private)
		check(err)
		write("leaf-"+spec.name+"-key.pem", "PRIVATE KEY", keyDER)

		verdicts[spec.name] = judgeLeaf(leaf, roots)
	}
	names := make([]string, 0, len(verdicts))
	for name := range verdicts {
		names = append(names, name)
	}
	sort.Strings(names)
	out, err := json.MarshalIndent(verdicts, "", "  ")
	check(err)
	check(os.WriteFile("verdicts.json", append(out, '\n'), 0o644))
}
