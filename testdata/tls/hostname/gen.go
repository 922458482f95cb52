// Command gen writes Go's own hostname verdicts for the Rust port to match.
//
//	cd testdata/tls/hostname && go run gen.go
//
// It writes cases.json here (hostname cases) and ../spark/ (the Spark operator
// upgrade example). Keys and serials are random on every run; the verdicts are not.
//
//	go run gen.go judge /abs/path/to/cases.json > go/PROFILE.json
//	go run gen.go judge-spark /abs/path/to/testdata/tls/spark > ../spark/go/PROFILE.json
//
// Judge mode writes nothing: it re-judges the committed certificates in cases.json
// with the running Go and prints, one line per case in input order, the index, name
// and the Go-computed fields (verify_hostname, verify). See go/README.md and
// ../go-profiles.sh for running it under each Kubernetes release's Go.
// Standard library only; builds with Go 1.19 and later.
package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

var (
	notBefore   = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	notAfter    = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	verifyTime  = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	oidSAN      = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidCN       = asn1.ObjectIdentifier{2, 5, 4, 3}
	serverName  = "svc.ns.svc"
	longLabel63 = strings.Repeat("a", 63)
	longName    = strings.Join([]string{longLabel63, longLabel63, longLabel63, strings.Repeat("b", 61)}, ".")
)

type leafSpec struct {
	cn     string
	cnList []string // several CN attributes, in encoding order
	dns    []string
	ips    []string
	uris   []string
	emails []string
	rawSAN []byte // DER of the whole SAN extension value, replacing the above
}

type testCase struct {
	name string
	host string
	leaf leafSpec
}

type record struct {
	Name           string `json:"name"`
	Host           string `json:"host"`
	LeafPEM        string `json:"leaf_pem"`
	CAPEM          string `json:"ca_pem"`
	VerifyHostname string `json:"verify_hostname"`
	Verify         string `json:"verify"`
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	must(err)
	return n
}

func pemOf(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

type authority struct {
	cert *x509.Certificate
	key  crypto.Signer
	pem  string
}

func newCA(cn string, key crypto.Signer) authority {
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	must(err)
	cert, err := x509.ParseCertificate(der)
	must(err)
	return authority{cert: cert, key: key, pem: pemOf(der)}
}

// rawSAN encodes GeneralNames from (tag, bytes) pairs; tag is the full tag byte.
func rawSAN(names ...[]byte) []byte {
	var body []byte
	for _, n := range names {
		body = append(body, n...)
	}
	return derTLV(0x30, body)
}

func derTLV(tag byte, content []byte) []byte {
	if len(content) >= 128 {
		panic("short lengths only")
	}
	return append([]byte{tag, byte(len(content))}, content...)
}

func newLeaf(ca authority, spec leafSpec, key crypto.Signer) []byte {
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: spec.cn},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     spec.dns,
	}
	for _, cn := range spec.cnList {
		tmpl.Subject.ExtraNames = append(tmpl.Subject.ExtraNames, pkix.AttributeTypeAndValue{Type: oidCN, Value: cn})
	}
	for _, ip := range spec.ips {
		parsed := net.ParseIP(ip)
		if parsed == nil {
			panic("bad IP " + ip)
		}
		tmpl.IPAddresses = append(tmpl.IPAddresses, parsed)
	}
	for _, u := range spec.uris {
		parsed, err := url.Parse(u)
		must(err)
		tmpl.URIs = append(tmpl.URIs, parsed)
	}
	tmpl.EmailAddresses = spec.emails
	if spec.rawSAN != nil {
		tmpl.ExtraExtensions = []pkix.Extension{{Id: oidSAN, Value: spec.rawSAN}}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	must(err)
	return der
}

func verdict(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}

func cases() []testCase {
	mapped := append(make([]byte, 10), 0xff, 0xff, 10, 0, 0, 1)
	return []testCase{
		// apiserver-tls.md section E, ServerName svc.ns.svc.
		{"san-exact", serverName, leafSpec{dns: []string{"svc.ns.svc"}}},
		{"san-cluster-local-only", serverName, leafSpec{dns: []string{"svc.ns.svc.cluster.local"}}},
		{"cn-only-matching", serverName, leafSpec{cn: "svc.ns.svc"}},
		{"cn-only-not-matching", serverName, leafSpec{cn: "other.ns.svc"}},
		{"ip-san-only", serverName, leafSpec{ips: []string{"10.0.0.1"}}},
		{"wildcard-namespace", serverName, leafSpec{dns: []string{"*.ns.svc"}}},
		{"san-upper-case", serverName, leafSpec{dns: []string{"SVC.NS.SVC"}}},
		{"wildcard-svc-suffix", serverName, leafSpec{dns: []string{"*.svc"}}},
		{"partial-wildcard-label", serverName, leafSpec{dns: []string{"sv*.ns.svc"}}},
		{"wildcard-middle-label", serverName, leafSpec{dns: []string{"svc.*.svc"}}},
		{"san-trailing-dot", serverName, leafSpec{dns: []string{"svc.ns.svc."}}},
		// Message contents and ordering.
		{"multiple-sans-order", serverName, leafSpec{dns: []string{"b.ns.svc", "a.ns.svc", "svc.other.svc"}}},
		{"multiple-sans-second-matches", serverName, leafSpec{dns: []string{"x.ns.svc", "svc.ns.svc"}}},
		{"dns-and-ip-sans-dns-host", serverName, leafSpec{dns: []string{"x.ns.svc"}, ips: []string{"10.0.0.1"}}},
		// SAN extension present without DNS names.
		{"uri-san-only-cn-matching", serverName, leafSpec{cn: "svc.ns.svc", uris: []string{"spiffe://cluster.local/ns/ns/sa/svc"}}},
		{"email-san-only-cn-matching", serverName, leafSpec{cn: "svc.ns.svc", emails: []string{"admin@ns.svc"}}},
		{"empty-san-extension-cn-matching", serverName, leafSpec{cn: "svc.ns.svc", rawSAN: rawSAN()}},
		{"other-name-san-only", serverName, leafSpec{rawSAN: rawSAN(derTLV(0xa0, append([]byte{0x06, 0x03, 0x2a, 0x03, 0x04}, derTLV(0xa0, derTLV(0x0c, []byte("svc.ns.svc")))...)))}},
		{"dns-name-with-constructed-tag-ignored", serverName, leafSpec{rawSAN: rawSAN(derTLV(0xa2, []byte("svc.ns.svc")), derTLV(0x82, []byte("x.ns.svc")))}},
		// Host spelling.
		{"host-trailing-dot", "svc.ns.svc.", leafSpec{dns: []string{"svc.ns.svc"}}},
		{"host-two-trailing-dots", "svc.ns.svc..", leafSpec{dns: []string{"svc.ns.svc"}}},
		{"host-upper-case", "SVC.NS.SVC", leafSpec{dns: []string{"svc.ns.svc"}}},
		{"host-upper-case-wildcard", "SVC.NS.SVC", leafSpec{dns: []string{"*.NS.svc"}}},
		{"host-trailing-dot-vs-san-trailing-dot", "svc.ns.svc.", leafSpec{dns: []string{"svc.ns.svc."}}},
		{"host-with-port", "svc.ns.svc:443", leafSpec{dns: []string{"svc.ns.svc"}}},
		{"empty-host", "", leafSpec{dns: []string{"svc.ns.svc"}}},
		{"empty-host-empty-san", "", leafSpec{dns: []string{""}}},
		{"two-empty-sans", serverName, leafSpec{dns: []string{"", ""}}},
		{"dot-host-dot-san", ".", leafSpec{dns: []string{"."}}},
		// Wildcards.
		{"wildcard-two-labels", serverName, leafSpec{dns: []string{"*.*.svc"}}},
		{"wildcard-alone", serverName, leafSpec{dns: []string{"*"}}},
		{"wildcard-alone-single-label-host", "localhost", leafSpec{dns: []string{"*"}}},
		{"wildcard-vs-deeper-host", "a.b.ns.svc", leafSpec{dns: []string{"*.ns.svc"}}},
		{"wildcard-vs-shallower-host", "ns.svc", leafSpec{dns: []string{"*.ns.svc"}}},
		{"wildcard-literal-host", "*.ns.svc", leafSpec{dns: []string{"*.ns.svc"}}},
		{"wildcard-literal-host-other-san", "*.ns.svc", leafSpec{dns: []string{"svc.ns.svc"}}},
		// Label characters.
		{"underscore-label", "_svc.ns.svc", leafSpec{dns: []string{"_svc.ns.svc"}}},
		{"underscore-host-vs-wildcard", "my_svc.ns.svc", leafSpec{dns: []string{"*.ns.svc"}}},
		{"hyphen-inside-label", "my-svc.ns.svc", leafSpec{dns: []string{"*.ns.svc"}}},
		{"leading-hyphen-exact", "-svc.ns.svc", leafSpec{dns: []string{"-svc.ns.svc"}}},
		{"leading-hyphen-exact-case-insensitive", "-SVC.ns.svc", leafSpec{dns: []string{"-svc.NS.svc"}}},
		{"leading-hyphen-host-vs-wildcard", "-svc.ns.svc", leafSpec{dns: []string{"*.ns.svc"}}},
		{"leading-hyphen-san-vs-valid-host", "svc.ns.svc", leafSpec{dns: []string{"-svc.ns.svc", "*.-ns.svc"}}},
		{"invalid-san-with-space-exact-match", "SVC NS.svc", leafSpec{dns: []string{"svc ns.svc"}}},
		{"invalid-san-trailing-dot-exact", "svc.ns.svc.", leafSpec{dns: []string{"SVC.NS.SVC."}}},
		{"long-labels", longName, leafSpec{dns: []string{longName}}},
		{"long-label-64-chars", strings.Repeat("c", 64) + ".ns.svc", leafSpec{dns: []string{"*.ns.svc"}}},
		// IP hosts.
		{"ip-host-ip-san", "10.0.0.1", leafSpec{ips: []string{"10.0.0.1"}}},
		{"ip-host-other-ip-sans", "10.0.0.1", leafSpec{ips: []string{"10.0.0.2", "10.0.0.3"}, dns: []string{"svc.ns.svc"}}},
		{"ip-host-dns-san-only", "10.0.0.1", leafSpec{dns: []string{"10.0.0.1"}}},
		{"ip-host-leading-zero-is-a-name", "010.0.0.1", leafSpec{ips: []string{"10.0.0.1"}}},
		{"ip-host-leading-zero-dns-san", "010.0.0.1", leafSpec{dns: []string{"010.0.0.1"}}},
		{"ipv6-host", "::1", leafSpec{ips: []string{"::1"}}},
		{"ipv6-bracket-host", "[::1]", leafSpec{ips: []string{"::1"}}},
		{"ipv6-bracket-host-no-ip-sans", "[::1]", leafSpec{dns: []string{"localhost"}}},
		{"ipv6-host-other-sans", "2001:db8::2", leafSpec{ips: []string{"2001:db8::1", "fe80::", "2001:db8:0:1::1", "1:0:2:3:4:5:6:7", "1:0:0:2:0:0:3:4", "127.0.0.1"}}},
		{"ipv6-host-vs-ipv4-mapped", "::ffff:10.0.0.1", leafSpec{ips: []string{"10.0.0.1"}}},
		{"ipv4-host-vs-16-byte-mapped-san", "10.0.0.1", leafSpec{rawSAN: rawSAN(derTLV(0x87, mapped))}},
		{"ipv4-host-vs-16-byte-mapped-san-mismatch", "10.0.0.2", leafSpec{rawSAN: rawSAN(derTLV(0x87, mapped))}},
		{"ip-host-cn-only-matching", "10.0.0.1", leafSpec{cn: "10.0.0.1"}},
		{"ip-host-cn-only-other", "10.0.0.1", leafSpec{cn: "svc.ns.svc"}},
		{"ipv6-bracket-host-cn-only-matching", "[::1]", leafSpec{cn: "::1"}},
		// Common Name.
		{"cn-matching-with-san-present", serverName, leafSpec{cn: "svc.ns.svc", dns: []string{"other.ns.svc"}}},
		{"cn-wildcard-only", serverName, leafSpec{cn: "*.ns.svc"}},
		{"cn-upper-case-only", serverName, leafSpec{cn: "SVC.NS.SVC"}},
		{"cn-only-host-trailing-dot", "svc.ns.svc.", leafSpec{cn: "svc.ns.svc"}},
		{"two-cns-last-matches", serverName, leafSpec{cnList: []string{"first.ns.svc", "svc.ns.svc"}}},
		{"two-cns-first-matches", serverName, leafSpec{cnList: []string{"svc.ns.svc", "last.ns.svc"}}},
		// Internationalised names.
		{"punycode-exact", "xn--bcher-kva.ns.svc", leafSpec{dns: []string{"xn--bcher-kva.ns.svc"}}},
		{"unicode-host-vs-punycode-san", "bücher.ns.svc", leafSpec{dns: []string{"xn--bcher-kva.ns.svc"}}},
		{"unicode-host-vs-wildcard", "bücher.ns.svc", leafSpec{dns: []string{"*.ns.svc"}}},
		{"unicode-upper-host-vs-punycode-san", "BÜCHER.ns.svc", leafSpec{dns: []string{"xn--bcher-kva.ns.svc"}}},
	}
}

func sparkFixture(dir string) {
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	ca := newCA("spark-operator-ca", caKey)

	leafKey, err := rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	name := "spark-operator-webhook.default.svc"
	der := newLeaf(ca, leafSpec{cn: name, dns: []string{name}}, leafKey)
	leaf, err := x509.ParseCertificate(der)
	must(err)

	write := func(file, content string) {
		must(os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644))
	}
	write("ca.pem", ca.pem)
	write("server-cert.pem", pemOf(der))
	write("server-key.pem", string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(leafKey)})))

	verdicts := sparkVerdict(leaf, ca.cert, "spark-operator-webhook-svc.default.svc")
	verdicts["go_version"] = runtime.Version()
	out, err := json.MarshalIndent(verdicts, "", "  ")
	must(err)
	write("verdict.json", string(out)+"\n")
}

// sparkVerdict is what Go makes of the Spark leaf, with ca the only root, when the
// webhook is called as host: verdict.json's fields but go_version.
func sparkVerdict(leaf, ca *x509.Certificate, host string) map[string]string {
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	_, verifyErr := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: pool, CurrentTime: verifyTime})
	return map[string]string{
		"host":            host,
		"verify_hostname": verdict(leaf.VerifyHostname(host)),
		"verify":          verdict(verifyErr),
	}
}

// judgeSpark re-judges the committed Spark fixture in dir (ca.pem, server-cert.pem, and
// the host of verdict.json) with the running Go and prints its verdict.json fields but
// go_version as JSON on stdout.
func judgeSpark(dir string) {
	read := func(file string) *x509.Certificate {
		cert, err := parseOnePEM(string(must2(os.ReadFile(filepath.Join(dir, file)))))
		must(err)
		return cert
	}
	var committed struct {
		Host string `json:"host"`
	}
	must(json.Unmarshal(must2(os.ReadFile(filepath.Join(dir, "verdict.json"))), &committed))
	out, err := json.MarshalIndent(sparkVerdict(read("server-cert.pem"), read("ca.pem"), committed.Host), "", "  ")
	must(err)
	_, err = os.Stdout.Write(append(out, '\n'))
	must(err)
}

func must2(data []byte, err error) []byte {
	must(err)
	return data
}

type judged struct {
	Index          int    `json:"index"`
	Name           string `json:"name"`
	VerifyHostname string `json:"verify_hostname"`
	Verify         string `json:"verify"`
}

func parseOnePEM(text string) (*x509.Certificate, error) {
	block, rest := pem.Decode([]byte(text))
	if block == nil || block.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) != 0 {
		return nil, fmt.Errorf("not exactly one CERTIFICATE PEM block")
	}
	return x509.ParseCertificate(block.Bytes)
}

// judge re-judges the committed cases with the running Go (same calls as main).
func judge(path string) {
	data, err := os.ReadFile(path)
	must(err)
	var records []record
	must(json.Unmarshal(data, &records))
	var out []interface{}
	for i, r := range records {
		j := judged{Index: i, Name: r.Name}
		leaf, leafErr := parseOnePEM(r.LeafPEM)
		ca, caErr := parseOnePEM(r.CAPEM)
		switch {
		case leafErr != nil:
			j.VerifyHostname = "parse leaf: " + leafErr.Error()
			j.Verify = j.VerifyHostname
		case caErr != nil:
			j.VerifyHostname = verdict(leaf.VerifyHostname(r.Host))
			j.Verify = "parse CA: " + caErr.Error()
		default:
			pool := x509.NewCertPool()
			pool.AddCert(ca)
			_, verifyErr := leaf.Verify(x509.VerifyOptions{DNSName: r.Host, Roots: pool, CurrentTime: verifyTime})
			j.VerifyHostname = verdict(leaf.VerifyHostname(r.Host))
			j.Verify = verdict(verifyErr)
		}
		out = append(out, j)
	}
	printLines(out)
}

// printLines prints a JSON array with one element per line.
func printLines(elems []interface{}) {
	var buf bytes.Buffer
	buf.WriteString("[\n")
	for i, e := range elems {
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		must(enc.Encode(e)) // appends '\n'
		if i < len(elems)-1 {
			buf.Truncate(buf.Len() - 1)
			buf.WriteString(",\n")
		}
	}
	buf.WriteString("]\n")
	_, err := os.Stdout.Write(buf.Bytes())
	must(err)
}

func main() {
	if len(os.Args) > 1 {
		if len(os.Args) == 3 && os.Args[1] == "judge-spark" {
			judgeSpark(os.Args[2])
			return
		}
		if len(os.Args) != 3 || os.Args[1] != "judge" {
			fmt.Fprintln(os.Stderr, "usage: go run gen.go [judge /abs/path/to/cases.json | judge-spark /abs/path/to/testdata/tls/spark]")
			os.Exit(2)
		}
		judge(os.Args[2])
		return
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	ca := newCA("speclint-test-ca", caKey)
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)

	seen := map[string]bool{}
	var records []record
	for _, c := range cases() {
		if seen[c.name] {
			panic("duplicate case " + c.name)
		}
		seen[c.name] = true
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		must(err)
		der := newLeaf(ca, c.leaf, key)
		leaf, err := x509.ParseCertificate(der)
		must(err)
		_, verifyErr := leaf.Verify(x509.VerifyOptions{DNSName: c.host, Roots: pool, CurrentTime: verifyTime})
		records = append(records, record{
			Name:           c.name,
			Host:           c.host,
			LeafPEM:        pemOf(der),
			CAPEM:          ca.pem,
			VerifyHostname: verdict(leaf.VerifyHostname(c.host)),
			Verify:         verdict(verifyErr),
		})
	}
	out, err := json.MarshalIndent(records, "", "  ")
	must(err)
	must(os.WriteFile("cases.json", append(out, '\n'), 0o644))

	sparkDir := filepath.Join("..", "spark")
	must(os.MkdirAll(sparkDir, 0o755))
	sparkFixture(sparkDir)
	fmt.Printf("%d hostname cases with %s\n", len(records), runtime.Version())
}
