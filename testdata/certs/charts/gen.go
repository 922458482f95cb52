// Command gen writes the certificates of the chart-shaped fixtures (aws-load-balancer-controller
// genCA, Spark operator 2.x live Secret), and Go's verdict for each, at 2026-11-27.
//
//	cd testdata/certs/charts && go run gen.go
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

func main() {
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
	hosts := map[string][]string{
		"aws-lbc":   {"aws-load-balancer-webhook-service.kube-system.svc", "aws-lbc-webhook-service.kube-system.svc"},
		"spark-2.x": {"spark-operator-webhook-svc.default.svc"},
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
		verdicts[name] = map[string]string{}
		for _, host := range hosts[name] {
			verdict := "ok"
			if _, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: roots, CurrentTime: checkTime}); err != nil {
				verdict = err.Error()
			}
			verdicts[name][host] = verdict
		}
	}
	out, err := json.MarshalIndent(verdicts, "", "  ")
	check(err)
	check(os.WriteFile("verdicts.json", append(out, '\n'), 0o644))
}
