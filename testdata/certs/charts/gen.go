// Command gen writes the certificates of the chart-shaped fixtures (aws-load-balancer-controller
// genCA, Spark operator 2.x live Secret), and Go's verdict for each, at 2026-11-27.
//
//	cd testdata/certs/charts && go run gen.go
//	go run gen.go judge /abs/path/to/testdata/certs/charts > go/PROFILE.json
//
// The judge mode re-judges the committed leaves with the running Go and prints only the
// verdicts (go/README.md).
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

var (
	notBefore = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	notAfter  = time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC)
	checkTime = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
)

func check(err error) {
	if err != nil {
		panic(err)
	}
}

func write(name, typ string, der []byte) {
	check(os.WriteFile(name, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o644))
}

// The names each leaf is called as.
var hosts = map[string][]string{
	"aws-lbc":   {"aws-load-balancer-webhook-service.kube-system.svc", "aws-lbc-webhook-service.kube-system.svc"},
	"spark-2.x": {"spark-operator-webhook-svc.default.svc"},
}

// judgeLeaf is Go's full Verify verdict for leaf name under each of its hosts, at
// checkTime, with roots as the only trust anchors.
func judgeLeaf(name string, leaf *x509.Certificate, roots *x509.CertPool) map[string]string {
	verdicts := map[string]string{}
	for _, host := range hosts[name] {
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

// judge re-judges the committed leaves in dir (ca.pem, NAME.pem) with the running Go
// (its toolchain and the GODEBUG defaults of the module it runs in) and prints the
// verdicts, keyed as verdicts.json is, on stdout.
func judge(dir string) {
	roots := x509.NewCertPool()
	roots.AddCert(readCertificate(filepath.Join(dir, "ca.pem")))
	verdicts := map[string]map[string]string{}
	for name := range hosts {
		verdicts[name] = judgeLeaf(name, readCertificate(filepath.Join(dir, name+".pem")), roots)
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
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	check(err)
	caTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "aws-load-balancer-controller-ca"},
		NotBefore: notBefore, NotAfter: notAfter, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	check(err)
	ca, err := x509.ParseCertificate(caDER)
	check(err)
	write("ca.pem", "CERTIFICATE", caDER)
	roots := x509.NewCertPool()
	roots.AddCert(ca)

	leaves := map[string][]string{
		// Helm genSignedCert with altNames <svc>.<ns>, <svc>.<ns>.svc, <svc>.<ns>.svc.cluster.local.
		"aws-lbc": {"aws-load-balancer-webhook-service.kube-system", "aws-load-balancer-webhook-service.kube-system.svc", "aws-load-balancer-webhook-service.kube-system.svc.cluster.local"},
		// What Spark operator 2.x generates for its renamed Service.
		"spark-2.x": {"localhost", "spark-operator-webhook-svc.default.svc"},
	}
	verdicts := map[string]map[string]string{}
	serial := int64(10)
	for name, dns := range leaves {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		check(err)
		serial++
		template := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: dns[0]},
			NotBefore: notBefore, NotAfter: notAfter, DNSNames: dns,
			KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
		der, err := x509.CreateCertificate(rand.Reader, template, ca, &key.PublicKey, caKey)
		check(err)
		leaf, err := x509.ParseCertificate(der)
		check(err)
		write(name+".pem", "CERTIFICATE", der)
		keyDER, err := x509.MarshalPKCS8PrivateKey(key)
		check(err)
		write(name+"-key.pem", "PRIVATE KEY", keyDER)
		verdicts[name] = judgeLeaf(name, leaf, roots)
	}
	out, err := json.MarshalIndent(verdicts, "", "  ")
	check(err)
	check(os.WriteFile("verdicts.json", append(out, '\n'), 0o644))
}
