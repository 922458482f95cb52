// Certificate-policy vectors (issue 13): chains whose certificates carry random
// certificatePolicies, policyMappings, policyConstraints and inhibitAnyPolicy extensions,
// and Go's verdicts on them, for src/tls/verify/policies.rs.
//
//	go run gen.go cases > cases.json          (made once, under Go 1.23.9: it parses
//	                                           what Go 1.24 refuses, so it can issue it)
//	go run gen.go judge cases.json > go/P.json (under each profile: testdata/tls/go-profiles.sh)
//
// The extensions are written raw (ExtraExtensions), so their encoding is the generator's,
// not the Go's that runs it. Keys are Ed25519 from seeds and the random source is seeded:
// `cases` writes the same file each time under the same Go.
package main

import (
	"crypto/ed25519"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"math/rand"
	"os"
	"strings"
	"time"
)

type testCase struct {
	Index         int      `json:"index"`
	Description   string   `json:"description"`
	Leaf          string   `json:"leaf"`
	Intermediates []string `json:"intermediates"`
	Roots         []string `json:"roots"`
}

type verdict struct {
	Index   int    `json:"index"`
	Verdict string `json:"verdict"`
}

var (
	anyPolicy = asn1.ObjectIdentifier{2, 5, 29, 32, 0}
	pool      = []asn1.ObjectIdentifier{{1, 2, 3, 1}, {1, 2, 3, 2}, {1, 2, 3, 3}, anyPolicy}
	oidCP     = asn1.ObjectIdentifier{2, 5, 29, 32}
	oidPM     = asn1.ObjectIdentifier{2, 5, 29, 33}
	oidPC     = asn1.ObjectIdentifier{2, 5, 29, 36}
	oidIAP    = asn1.ObjectIdentifier{2, 5, 29, 54}
	now       = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
)

func main() {
	switch os.Args[1] {
	case "cases":
		cases()
	case "judge":
		judge(os.Args[2])
	default:
		panic("usage: gen.go cases | judge FILE")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func name(oid asn1.ObjectIdentifier) string {
	if oid.Equal(anyPolicy) {
		return "any"
	}
	return fmt.Sprint(oid[len(oid)-1])
}

// policyExtensions draws the policy extensions of one certificate, described in `desc`.
func policyExtensions(r *rand.Rand, desc *[]string) []pkix.Extension {
	var exts []pkix.Extension
	critical := func() bool { return r.Intn(2) == 0 }
	if r.Intn(10) < 7 {
		var oids []asn1.ObjectIdentifier
		for _, i := range r.Perm(len(pool))[:r.Intn(4)] {
			oids = append(oids, pool[i])
		}
		if len(oids) > 0 && r.Intn(30) == 0 {
			oids = append(oids, oids[0])
		}
		var infos []any
		var names []string
		for _, oid := range oids {
			infos = append(infos, struct{ ID asn1.ObjectIdentifier }{oid})
			names = append(names, name(oid))
		}
		exts = append(exts, pkix.Extension{Id: oidCP, Critical: critical(), Value: must(asn1.Marshal(infos))})
		*desc = append(*desc, "policies["+strings.Join(names, ",")+"]")
	}
	if r.Intn(10) < 3 {
		type mapping struct{ Issuer, Subject asn1.ObjectIdentifier }
		var mappings []mapping
		var names []string
		for i := 0; i <= r.Intn(3); i++ {
			m := mapping{pool[r.Intn(3)], pool[r.Intn(3)]}
			if r.Intn(6) == 0 {
				m.Issuer = anyPolicy
			} else if r.Intn(6) == 0 {
				m.Subject = anyPolicy
			}
			mappings = append(mappings, m)
			names = append(names, name(m.Issuer)+">"+name(m.Subject))
		}
		exts = append(exts, pkix.Extension{Id: oidPM, Critical: critical(), Value: must(asn1.Marshal(mappings))})
		*desc = append(*desc, "mappings["+strings.Join(names, ",")+"]")
	}
	if r.Intn(10) < 3 {
		var fields []asn1.RawValue
		text := "constraints["
		if r.Intn(5) < 3 {
			v := r.Intn(4)
			fields = append(fields, asn1.RawValue{Class: 2, Tag: 0, Bytes: []byte{byte(v)}})
			text += fmt.Sprintf("require=%d", v)
		}
		if r.Intn(2) == 0 {
			v := r.Intn(4)
			fields = append(fields, asn1.RawValue{Class: 2, Tag: 1, Bytes: []byte{byte(v)}})
			text += fmt.Sprintf(" inhibitMapping=%d", v)
		}
		exts = append(exts, pkix.Extension{Id: oidPC, Critical: critical(), Value: must(asn1.Marshal(fields))})
		*desc = append(*desc, text+"]")
	}
	if r.Intn(10) < 2 {
		v := r.Intn(3)
		exts = append(exts, pkix.Extension{Id: oidIAP, Critical: critical(), Value: must(asn1.Marshal(v))})
		*desc = append(*desc, fmt.Sprintf("inhibitAny=%d", v))
	}
	return exts
}

type issued struct {
	der  []byte
	cert *x509.Certificate
	key  ed25519.PrivateKey
}

var serial int64

func issue(r *rand.Rand, subject string, key ed25519.PrivateKey, parent *issued, ca bool, exts []pkix.Extension, eku []x509.ExtKeyUsage) issued {
	serial++
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: subject},
		NotBefore:             time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		BasicConstraintsValid: ca,
		IsCA:                  ca,
		ExtKeyUsage:           eku,
		ExtraExtensions:       exts,
	}
	parentCert, signer := template, key
	if parent != nil {
		parentCert, signer = parent.cert, parent.key
	}
	der := must(x509.CreateCertificate(r, template, parentCert, key.Public(), signer))
	return issued{der, must(x509.ParseCertificate(der)), key}
}

func newKey(r *rand.Rand) ed25519.PrivateKey {
	seed := make([]byte, ed25519.SeedSize)
	r.Read(seed)
	return ed25519.NewKeyFromSeed(seed)
}

func pemOf(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func cases() {
	r := rand.New(rand.NewSource(13))
	var out []testCase
	for index := 0; index < 200; index++ {
		var desc []string
		root := issue(r, "root", newKey(r), nil, true, nil, nil)
		parent := root
		var intermediates []string
		names := []string{"root"}
		for i := 0; i < 1+r.Intn(3); i++ {
			subject := fmt.Sprintf("ica%d", i+1)
			if r.Intn(6) == 0 {
				subject = parent.cert.Subject.CommonName // self-issued
			}
			key := newKey(r)
			var d []string
			exts := policyExtensions(r, &d)
			ica := issue(r, subject, key, &parent, true, exts, nil)
			intermediates = append(intermediates, pemOf(ica.der))
			desc = append(desc, subject+":"+strings.Join(d, " "))
			if r.Intn(5) == 0 {
				// A twin: same name and key, other policies, so a second candidate chain.
				var d []string
				twin := issue(r, subject, key, &parent, true, policyExtensions(r, &d), nil)
				intermediates = append(intermediates, pemOf(twin.der))
				desc = append(desc, subject+"'twin:"+strings.Join(d, " "))
			}
			parent = ica
			names = append(names, subject)
		}
		var eku []x509.ExtKeyUsage
		switch r.Intn(8) {
		case 0:
			eku = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
			desc = append(desc, "leaf:clientAuth")
		case 1:
			eku = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		}
		var d []string
		leaf := issue(r, "leaf", newKey(r), &parent, false, policyExtensions(r, &d), eku)
		desc = append(desc, "leaf:"+strings.Join(d, " "))
		// Served leaf first, as tls.crt lists them: reverse the intermediates.
		for i, j := 0, len(intermediates)-1; i < j; i, j = i+1, j-1 {
			intermediates[i], intermediates[j] = intermediates[j], intermediates[i]
		}
		out = append(out, testCase{index, strings.Join(desc, "; "), pemOf(leaf.der), intermediates, []string{pemOf(root.der)}})
	}
	printLines(out)
}

// printLines writes a JSON array, one element a line.
func printLines[T any](items []T) {
	fmt.Println("[")
	for i, item := range items {
		sep := ","
		if i == len(items)-1 {
			sep = ""
		}
		fmt.Printf("%s%s\n", must(json.Marshal(item)), sep)
	}
	fmt.Println("]")
}

func parse(text string) (*x509.Certificate, error) {
	block, _ := pem.Decode([]byte(text))
	return x509.ParseCertificate(block.Bytes)
}

// judge verifies each case as the x509-limbo harness does: the leaf must parse, the
// intermediates and roots that do not are left out, and Verify runs with serverAuth.
func judge(file string) {
	var in []testCase
	must(0, json.Unmarshal(must(os.ReadFile(file)), &in))
	var out []verdict
	for _, c := range in {
		v := "ok"
		leaf, err := parse(c.Leaf)
		if err != nil {
			v = "parse: " + err.Error()
		} else {
			roots, intermediates := x509.NewCertPool(), x509.NewCertPool()
			for _, p := range c.Roots {
				if cert, err := parse(p); err == nil {
					roots.AddCert(cert)
				}
			}
			for _, p := range c.Intermediates {
				if cert, err := parse(p); err == nil {
					intermediates.AddCert(cert)
				}
			}
			_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, CurrentTime: now})
			if err != nil {
				v = err.Error()
			}
		}
		out = append(out, verdict{c.Index, v})
	}
	printLines(out)
}
