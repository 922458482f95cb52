// Command gen records what Go's x509.ParseCertificate makes of seed
// certificates and of byte-level mutations of them.
//
//	cd testdata/tls/certparse && go run gen.go
//
// Writes cases.json. Keys are random; mutations use a fixed seed.
//
//	go run gen.go judge /abs/path/to/cases.json > go/PROFILE.json
//
// Judge mode writes nothing: it re-parses the committed der_hex of every case with
// the running Go and prints, one line per case in input order, its index and the
// Go-computed fields (everything in cases.json but der_hex). See go/README.md and
// ../go-profiles.sh for running it under each Kubernetes release's Go.
// Standard library only; builds with Go 1.19 and later.
package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	mrand "math/rand"
	"net"
	"net/url"
	"os"
	"runtime"
	"sort"
	"time"
)

type result struct {
	DERHex            string   `json:"der_hex"`
	Error             string   `json:"error"`
	Version           int      `json:"version"`
	CommonName        string   `json:"cn"`
	IssuerCommonName  string   `json:"issuer_cn"`
	DNSNames          []string `json:"dns"`
	IPs               []string `json:"ips"`
	Emails            []string `json:"emails"`
	URIs              []string `json:"uris"`
	HasSAN            bool     `json:"has_san"`
	NotBefore         int64    `json:"not_before"`
	NotAfter          int64    `json:"not_after"`
	IsCA              bool     `json:"is_ca"`
	BasicConstraints  bool     `json:"basic_constraints_valid"`
	MaxPathLen        int      `json:"max_path_len"`
	KeyUsage          int      `json:"key_usage"`
	ExtKeyUsage       []string `json:"eku"`
	UnhandledCritical []string `json:"unhandled_critical"`
	SignatureAlgo     string   `json:"signature_algorithm"`
	PublicKeyAlgo     string   `json:"public_key_algorithm"`
	RawSubjectHex     string   `json:"raw_subject_hex"`
	RawIssuerHex      string   `json:"raw_issuer_hex"`
	SubjectKeyIDHex   string   `json:"subject_key_id_hex"`
	AuthorityKeyIDHex string   `json:"authority_key_id_hex"`
}

var ekuOIDs = map[x509.ExtKeyUsage]string{
	x509.ExtKeyUsageAny:             "2.5.29.37.0",
	x509.ExtKeyUsageServerAuth:      "1.3.6.1.5.5.7.3.1",
	x509.ExtKeyUsageClientAuth:      "1.3.6.1.5.5.7.3.2",
	x509.ExtKeyUsageCodeSigning:     "1.3.6.1.5.5.7.3.3",
	x509.ExtKeyUsageEmailProtection: "1.3.6.1.5.5.7.3.4",
	x509.ExtKeyUsageTimeStamping:    "1.3.6.1.5.5.7.3.8",
	x509.ExtKeyUsageOCSPSigning:     "1.3.6.1.5.5.7.3.9",
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func record(der []byte) result {
	r := result{DERHex: hex.EncodeToString(der), DNSNames: []string{}, IPs: []string{}, Emails: []string{}, URIs: []string{}, ExtKeyUsage: []string{}, UnhandledCritical: []string{}}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.Version = c.Version
	r.CommonName = c.Subject.CommonName
	r.IssuerCommonName = c.Issuer.CommonName
	r.DNSNames = append(r.DNSNames, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		r.IPs = append(r.IPs, ip.String())
	}
	r.Emails = append(r.Emails, c.EmailAddresses...)
	for _, u := range c.URIs {
		r.URIs = append(r.URIs, u.String())
	}
	for _, e := range c.Extensions {
		if e.Id.Equal(asn1.ObjectIdentifier{2, 5, 29, 17}) {
			r.HasSAN = true
		}
	}
	r.NotBefore = c.NotBefore.Unix()
	r.NotAfter = c.NotAfter.Unix()
	r.IsCA = c.IsCA
	r.BasicConstraints = c.BasicConstraintsValid
	r.MaxPathLen = c.MaxPathLen
	r.KeyUsage = int(c.KeyUsage)
	for _, u := range c.ExtKeyUsage {
		oid, ok := ekuOIDs[u]
		if !ok {
			panic(fmt.Sprint("add EKU ", u))
		}
		r.ExtKeyUsage = append(r.ExtKeyUsage, oid)
	}
	for _, u := range c.UnknownExtKeyUsage {
		r.ExtKeyUsage = append(r.ExtKeyUsage, u.String())
	}
	sort.Strings(r.ExtKeyUsage)
	for _, oid := range c.UnhandledCriticalExtensions {
		r.UnhandledCritical = append(r.UnhandledCritical, oid.String())
	}
	r.SignatureAlgo = c.SignatureAlgorithm.String()
	r.PublicKeyAlgo = c.PublicKeyAlgorithm.String()
	r.RawSubjectHex = hex.EncodeToString(c.RawSubject)
	r.RawIssuerHex = hex.EncodeToString(c.RawIssuer)
	r.SubjectKeyIDHex = hex.EncodeToString(c.SubjectKeyId)
	r.AuthorityKeyIDHex = hex.EncodeToString(c.AuthorityKeyId)
	return r
}

func seeds() [][]byte {
	notBefore := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	notAfter := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	must(err)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	must(err)

	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "seed-ca", Organization: []string{"speclint"}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLen:            1,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, rsaKey.Public(), rsaKey)
	must(err)
	ca, err := x509.ParseCertificate(caDER)
	must(err)

	uri, err := url.Parse("spiffe://cluster.local/ns/ns/sa/svc")
	must(err)
	leaf := func(key crypto.Signer, mod func(*x509.Certificate)) []byte {
		t := &x509.Certificate{
			SerialNumber:   big.NewInt(42),
			Subject:        pkix.Name{CommonName: "svc.ns.svc"},
			NotBefore:      notBefore,
			NotAfter:       notAfter,
			KeyUsage:       x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage:    []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
			DNSNames:       []string{"svc.ns.svc", "*.ns.svc"},
			IPAddresses:    []net.IP{net.ParseIP("10.0.0.1"), net.ParseIP("2001:db8::1")},
			EmailAddresses: []string{"admin@ns.svc"},
			URIs:           []*url.URL{uri},
		}
		if mod != nil {
			mod(t)
		}
		der, err := x509.CreateCertificate(rand.Reader, t, ca, key.Public(), rsaKey)
		must(err)
		return der
	}
	return [][]byte{
		caDER,
		leaf(p256, nil),
		leaf(p384, func(t *x509.Certificate) {
			t.UnknownExtKeyUsage = []asn1.ObjectIdentifier{{1, 2, 3, 4}}
			t.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 2, 3, 5}, Critical: true, Value: []byte{5, 0}}}
		}),
		leaf(edKey, func(t *x509.Certificate) {
			t.DNSNames, t.IPAddresses, t.EmailAddresses, t.URIs = nil, nil, nil, nil
			t.ExtKeyUsage = nil
			t.NotAfter = time.Date(2049, 12, 31, 23, 59, 59, 0, time.UTC)
		}),
		leaf(rsaKey, func(t *x509.Certificate) {
			t.NotAfter = time.Date(2050, 1, 1, 0, 0, 0, 0, time.UTC) // GeneralizedTime
			t.BasicConstraintsValid = true
			t.IsCA = true
			t.MaxPathLenZero = true
			t.Subject = pkix.Name{CommonName: "a", ExtraNames: []pkix.AttributeTypeAndValue{{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: "b"}}}
		}),
	}
}

type judgedCert struct {
	Index  int    `json:"index"`
	DERHex string `json:"der_hex,omitempty"` // left empty: hides result.DERHex, the input
	result
}

// judge re-parses the committed certificates with the running Go.
func judge(path string) {
	data, err := os.ReadFile(path)
	must(err)
	var cases []result
	must(json.Unmarshal(data, &cases))
	var buf bytes.Buffer
	buf.WriteString("[\n")
	for i, c := range cases {
		der, err := hex.DecodeString(c.DERHex)
		must(err)
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		must(enc.Encode(judgedCert{Index: i, result: record(der)})) // appends '\n'
		if i < len(cases)-1 {
			buf.Truncate(buf.Len() - 1)
			buf.WriteString(",\n")
		}
	}
	buf.WriteString("]\n")
	_, err = os.Stdout.Write(buf.Bytes())
	must(err)
}

func main() {
	if len(os.Args) > 1 {
		if len(os.Args) != 3 || os.Args[1] != "judge" {
			fmt.Fprintln(os.Stderr, "usage: go run gen.go [judge /abs/path/to/cases.json]")
			os.Exit(2)
		}
		judge(os.Args[2])
		return
	}
	r := mrand.New(mrand.NewSource(7))
	var out []result
	seedList := seeds()
	for _, der := range seedList {
		out = append(out, record(der))
	}
	for i := 0; i < 600; i++ {
		der := append([]byte(nil), seedList[r.Intn(len(seedList))]...)
		// Mutations near the front hit the structure; the signature is never checked.
		for n := r.Intn(2) + 1; n > 0; n-- {
			limit := len(der)
			if r.Intn(2) == 0 && limit > 600 {
				limit = 600
			}
			j := r.Intn(limit)
			switch r.Intn(4) {
			case 0:
				der[j] ^= 1 << uint(r.Intn(8))
			case 1:
				der[j] = byte(r.Intn(256))
			case 2:
				der = append(der[:j], der[j+1:]...)
			default:
				der = append(der[:j], append([]byte{byte(r.Intn(256))}, der[j:]...)...)
			}
		}
		out = append(out, record(der))
	}
	data, err := json.MarshalIndent(out, "", " ")
	must(err)
	must(os.WriteFile("cases.json", append(data, '\n'), 0o644))
	ok := 0
	for _, c := range out {
		if c.Error == "" {
			ok++
		}
	}
	fmt.Printf("%d certificates (%d parse) with %s\n", len(out), ok, runtime.Version())
}
