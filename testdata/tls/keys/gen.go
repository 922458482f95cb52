// Command gen records what Go's tls.X509KeyPair makes of certificate and key
// PEM pairs: matching and mismatching keys, every key encoding Go reads, PEM
// mix-ups, hand-built ASN.1 edge cases and byte-level mutations of real keys.
//
//	cd testdata/tls/keys && go run gen.go
//	go run gen.go judge /abs/path/to/cases.json > go/PROFILE.json
//
// Writes cases.json. Keys are random; mutations use a fixed seed. Standard library only.
// These keys are test fixtures and protect nothing. The judge mode writes nothing: it
// re-judges the committed pairs of cases.json with the running Go and prints only the
// verdicts (go/README.md).
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	mrand "math/rand"
	"os"
	"runtime"
	"sort"
	"time"
)

type testCase struct {
	Name string `json:"name"`
	// Key into certificates.
	Cert   string `json:"cert"`
	KeyPEM string `json:"key_pem"`
	// "ok" or Go's error text.
	Result string `json:"result"`
	// What Go's parsePrivateKey makes of the first "PRIVATE KEY" block: its
	// encoding ("PKCS#1", "PKCS#8", "SEC 1") and type, or "" when it fails or
	// there is no such block.
	Encoding string `json:"encoding"`
	KeyType  string `json:"key_type"`
}

type output struct {
	GoVersion    string            `json:"go_version"`
	Certificates map[string]string `json:"certificates"`
	Cases        []testCase        `json:"cases"`
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func pemText(kind string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}))
}

func describe(key crypto.PrivateKey) string {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	case *ecdsa.PrivateKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PrivateKey:
		return "Ed25519"
	}
	return "?"
}

// parse mirrors crypto/tls.parsePrivateKey, reporting which parser accepted.
func parse(der []byte) (string, string) {
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return "PKCS#1", describe(k)
	}
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		switch k.(type) {
		case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey:
			return "PKCS#8", describe(k)
		}
		return "", ""
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return "SEC 1", describe(k)
	}
	return "", ""
}

type generator struct {
	out output
}

func (g *generator) cert(name, pemText string) {
	if _, dup := g.out.Certificates[name]; dup {
		panic("duplicate certificate " + name)
	}
	g.out.Certificates[name] = pemText
}

func (g *generator) add(name, cert, keyPEM string) {
	certPEM, ok := g.out.Certificates[cert]
	if !ok {
		panic("no certificate " + cert)
	}
	c := testCase{Name: name, Cert: cert, KeyPEM: keyPEM}
	c.Result, c.Encoding, c.KeyType = judgePair(certPEM, keyPEM)
	g.out.Cases = append(g.out.Cases, c)
}

// judgePair is the verdict recorded for one pair: "ok" or tls.X509KeyPair's error text,
// and what parsePrivateKey makes of the first "PRIVATE KEY" block.
func judgePair(certPEM, keyPEM string) (result, encoding, keyType string) {
	result = "ok"
	if _, err := tls.X509KeyPair([]byte(certPEM), []byte(keyPEM)); err != nil {
		result = err.Error()
	}
	rest := []byte(keyPEM)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type == "PRIVATE KEY" || len(block.Type) > 12 && block.Type[len(block.Type)-12:] == " PRIVATE KEY" {
			encoding, keyType = parse(block.Bytes)
			break
		}
	}
	return result, encoding, keyType
}

// judged is one committed case's verdict under the running Go: no key or certificate bytes.
type judged struct {
	Index    int    `json:"index"`
	Name     string `json:"name"`
	Result   string `json:"result"`
	Encoding string `json:"encoding"`
	KeyType  string `json:"key_type"`
}

// judge re-judges every pair of a committed cases.json with the running Go (its
// toolchain and the GODEBUG defaults of the module it runs in) and prints the verdicts,
// in input order, as JSON on stdout.
func judge(path string) {
	data, err := os.ReadFile(path)
	must(err)
	var in output
	must(json.Unmarshal(data, &in))
	verdicts := make([]judged, 0, len(in.Cases))
	for i, c := range in.Cases {
		certPEM, ok := in.Certificates[c.Cert]
		if !ok {
			panic("no certificate " + c.Cert)
		}
		j := judged{Index: i, Name: c.Name}
		j.Result, j.Encoding, j.KeyType = judgePair(certPEM, c.KeyPEM)
		verdicts = append(verdicts, j)
	}
	out, err := json.MarshalIndent(verdicts, "", " ")
	must(err)
	os.Stdout.Write(append(out, '\n'))
}

// addDER wraps one key DER in a PEM block and records it against cert.
func (g *generator) addDER(name, cert, kind string, der []byte) {
	g.add(name, cert, pemText(kind, der))
}

var (
	notBefore = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	notAfter  = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
)

func selfSigned(cn string, key crypto.Signer) []byte {
	t := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		DNSNames:     []string{cn},
	}
	der, err := x509.CreateCertificate(rand.Reader, t, t, key.Public(), key)
	must(err)
	return der
}

func pkcs8(key any) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	must(err)
	return der
}

func sec1(key *ecdsa.PrivateKey) []byte {
	der, err := x509.MarshalECPrivateKey(key)
	must(err)
	return der
}

// ASN.1 shapes for hand-built keys.
type pkcs1Key struct {
	Version int
	N       *big.Int
	E       int
	D       *big.Int
	P       *big.Int
	Q       *big.Int
	Dp      *big.Int `asn1:"optional"`
	Dq      *big.Int `asn1:"optional"`
	Qinv    *big.Int `asn1:"optional"`
}

type pkcs1Short struct {
	Version int
	N       *big.Int
	E       int
	D       *big.Int
	P       *big.Int
	Q       *big.Int
}

type pkcs1Extra struct {
	Version int
	N       *big.Int
	E       int
	D       *big.Int
	P       *big.Int
	Q       *big.Int
	Dp      *big.Int
	Dq      *big.Int
	Qinv    *big.Int
	Extra   int
}

type pkcs1BigE struct {
	Version int
	N       *big.Int
	E       *big.Int
	D       *big.Int
	P       *big.Int
	Q       *big.Int
}

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type pkcs8Key struct {
	Version    int
	Algo       algorithmIdentifier
	PrivateKey []byte
}

type pkcs8WithAttributes struct {
	Version    int
	Algo       algorithmIdentifier
	PrivateKey []byte
	Attributes asn1.RawValue `asn1:"optional,tag:0"`
}

type ecKey struct {
	Version       int
	PrivateKey    []byte
	NamedCurveOID asn1.ObjectIdentifier `asn1:"optional,explicit,tag:0"`
	PublicKey     asn1.BitString        `asn1:"optional,explicit,tag:1"`
}

type ecKeyNoCurve struct {
	Version    int
	PrivateKey []byte
}

var (
	oidRSA     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidEC      = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	oidEd25519 = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidX25519  = asn1.ObjectIdentifier{1, 3, 101, 110}
	oidP224    = asn1.ObjectIdentifier{1, 3, 132, 0, 33}
	oidP256    = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
	oidP384    = asn1.ObjectIdentifier{1, 3, 132, 0, 34}
	nullParams = asn1.RawValue{Tag: 5, FullBytes: []byte{5, 0}}
)

func marshal(v any) []byte {
	der, err := asn1.Marshal(v)
	must(err)
	return der
}

func oidParams(oid asn1.ObjectIdentifier) asn1.RawValue {
	return asn1.RawValue{FullBytes: marshal(oid)}
}

func fromPKCS1(k *rsa.PrivateKey) pkcs1Key {
	return pkcs1Key{N: k.N, E: k.E, D: k.D, P: k.Primes[0], Q: k.Primes[1], Dp: k.Precomputed.Dp, Dq: k.Precomputed.Dq, Qinv: k.Precomputed.Qinv}
}

func scalarBytes(k *ecdsa.PrivateKey) []byte {
	return k.D.FillBytes(make([]byte, (k.Curve.Params().N.BitLen()+7)/8))
}

// tlv builds one DER element by hand (short or long length as needed).
func tlv(tag byte, content ...[]byte) []byte {
	var body []byte
	for _, c := range content {
		body = append(body, c...)
	}
	n := len(body)
	out := []byte{tag}
	switch {
	case n < 0x80:
		out = append(out, byte(n))
	case n < 0x100:
		out = append(out, 0x81, byte(n))
	default:
		out = append(out, 0x82, byte(n>>8), byte(n))
	}
	return append(out, body...)
}

// mutate applies one random edit, mostly near the structure at the front.
func mutate(r *mrand.Rand, der []byte) []byte {
	out := append([]byte(nil), der...)
	if len(out) < 2 {
		return append(out, byte(r.Intn(256)))
	}
	pos := func() int {
		if r.Intn(3) > 0 && len(out) > 48 {
			return r.Intn(48)
		}
		return r.Intn(len(out))
	}
	switch r.Intn(6) {
	case 0, 1:
		out[pos()] = byte(r.Intn(256))
	case 2:
		i := pos()
		out[i] ^= 1 << r.Intn(8)
	case 3:
		i := pos()
		out = append(out[:i], append([]byte{byte(r.Intn(256))}, out[i:]...)...)
	case 4:
		i := pos()
		out = append(out[:i], out[i+1:]...)
	case 5:
		out = out[:r.Intn(len(out))]
	}
	return out
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "judge" {
		judge(os.Args[2])
		return
	}
	g := &generator{out: output{GoVersion: runtime.Version(), Certificates: map[string]string{}}}
	r := mrand.New(mrand.NewSource(11))

	rsa2048, err := rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	rsa1024, err := rsa.GenerateKey(rand.Reader, 1024)
	must(err)
	otherRSA, err := rsa.GenerateKey(rand.Reader, 1024)
	must(err)
	multiPrime, err := rsa.GenerateMultiPrimeKey(rand.Reader, 3, 1024)
	must(err)
	ecKeys := map[string]*ecdsa.PrivateKey{}
	for name, curve := range map[string]elliptic.Curve{"p224": elliptic.P224(), "p256": elliptic.P256(), "p384": elliptic.P384(), "p521": elliptic.P521()} {
		k, err := ecdsa.GenerateKey(curve, rand.Reader)
		must(err)
		ecKeys[name] = k
	}
	otherP256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	// A P-256 scalar with a zero top byte, which OpenSSL used to write short.
	var shortP256 *ecdsa.PrivateKey
	for shortP256 == nil || shortP256.D.BitLen() > 248 {
		shortP256, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		must(err)
	}
	edPub, edKey, err := ed25519.GenerateKey(rand.Reader)
	must(err)
	_ = edPub
	_, otherEd, err := ed25519.GenerateKey(rand.Reader)
	must(err)

	// Certificates.
	g.cert("rsa2048", pemText("CERTIFICATE", selfSigned("rsa2048.ns.svc", rsa2048)))
	g.cert("rsa1024", pemText("CERTIFICATE", selfSigned("rsa1024.ns.svc", rsa1024)))
	g.cert("multiprime", pemText("CERTIFICATE", selfSigned("multiprime.ns.svc", multiPrime)))
	for name, k := range ecKeys {
		g.cert(name, pemText("CERTIFICATE", selfSigned(name+".ns.svc", k)))
	}
	g.cert("short-p256", pemText("CERTIFICATE", selfSigned("short.ns.svc", shortP256)))
	g.cert("ed25519", pemText("CERTIFICATE", selfSigned("ed25519.ns.svc", edKey)))

	// A leaf signed by a CA: chains in both orders.
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "ca"}, NotBefore: notBefore, NotAfter: notAfter, IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, otherRSA.Public(), otherRSA)
	must(err)
	caCert, err := x509.ParseCertificate(caDER)
	must(err)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "leaf"}, NotBefore: notBefore, NotAfter: notAfter, DNSNames: []string{"svc.ns.svc"}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, caCert, ecKeys["p256"].Public(), otherRSA)
	must(err)
	g.cert("leaf+ca", pemText("CERTIFICATE", leafDER)+pemText("CERTIFICATE", caDER))
	g.cert("ca+leaf", pemText("CERTIFICATE", caDER)+pemText("CERTIFICATE", leafDER))

	// A certificate whose key Go does not know (X25519): parses, cannot serve.
	x25519TBS := struct {
		Version            int `asn1:"optional,explicit,default:0,tag:0"`
		Serial             *big.Int
		SignatureAlgorithm pkix.AlgorithmIdentifier
		Issuer             asn1.RawValue
		Validity           struct{ NotBefore, NotAfter time.Time }
		Subject            asn1.RawValue
		PublicKey          struct {
			Algorithm pkix.AlgorithmIdentifier
			PublicKey asn1.BitString
		}
	}{Version: 2, Serial: big.NewInt(5), SignatureAlgorithm: pkix.AlgorithmIdentifier{Algorithm: oidEd25519}}
	name := marshal(pkix.Name{CommonName: "x25519"}.ToRDNSequence())
	x25519TBS.Issuer = asn1.RawValue{FullBytes: name}
	x25519TBS.Subject = asn1.RawValue{FullBytes: name}
	x25519TBS.Validity.NotBefore, x25519TBS.Validity.NotAfter = notBefore, notAfter
	x25519TBS.PublicKey.Algorithm = pkix.AlgorithmIdentifier{Algorithm: oidX25519}
	x25519TBS.PublicKey.PublicKey = asn1.BitString{Bytes: make([]byte, 32), BitLength: 256}
	tbs := marshal(x25519TBS)
	x25519DER := marshal(struct {
		TBS       asn1.RawValue
		Algorithm pkix.AlgorithmIdentifier
		Signature asn1.BitString
	}{asn1.RawValue{FullBytes: tbs}, pkix.AlgorithmIdentifier{Algorithm: oidEd25519}, asn1.BitString{Bytes: ed25519.Sign(edKey, tbs), BitLength: 512}})
	if c, err := x509.ParseCertificate(x25519DER); err != nil || c.PublicKeyAlgorithm != x509.UnknownPublicKeyAlgorithm {
		panic(fmt.Sprint("x25519 certificate: ", err))
	}
	g.cert("x25519", pemText("CERTIFICATE", x25519DER))

	// Certificate inputs that are not a usable certificate.
	g.cert("empty", "")
	g.cert("text", "not pem at all\n")
	g.cert("key-only", pemText("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsa1024)))
	g.cert("ec-key-only", pemText("EC PRIVATE KEY", sec1(ecKeys["p256"])))
	g.cert("two-keys", pemText("PRIVATE KEY", pkcs8(rsa1024))+pemText("PRIVATE KEY", pkcs8(rsa1024)))
	g.cert("other-blocks", pemText("FOO", []byte{1})+pemText("BAR BAZ", []byte{2}))
	g.cert("key-and-other", pemText("RSA PRIVATE KEY", []byte{1})+pemText("FOO", []byte{2}))
	g.cert("key-then-cert", pemText("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsa1024))+g.out.Certificates["rsa1024"])
	g.cert("bad-der", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	rsa1024DER, _ := pem.Decode([]byte(g.out.Certificates["rsa1024"]))
	g.cert("trailing-data", pemText("CERTIFICATE", append(append([]byte(nil), rsa1024DER.Bytes...), 0)))
	g.cert("bad-then-good", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"+g.out.Certificates["rsa1024"])

	rsa1024PKCS1 := x509.MarshalPKCS1PrivateKey(rsa1024)
	rsaPEM := pemText("RSA PRIVATE KEY", rsa1024PKCS1)

	// Matching pairs in every encoding.
	g.addDER("rsa2048 pkcs1", "rsa2048", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsa2048))
	g.addDER("rsa2048 pkcs8", "rsa2048", "PRIVATE KEY", pkcs8(rsa2048))
	g.addDER("rsa1024 pkcs1", "rsa1024", "RSA PRIVATE KEY", rsa1024PKCS1)
	g.addDER("multi-prime rsa pkcs1", "multiprime", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(multiPrime))
	g.addDER("multi-prime rsa pkcs8", "multiprime", "PRIVATE KEY", pkcs8(multiPrime))
	for _, name := range []string{"p224", "p256", "p384", "p521"} {
		g.addDER(name+" sec1", name, "EC PRIVATE KEY", sec1(ecKeys[name]))
		g.addDER(name+" pkcs8", name, "PRIVATE KEY", pkcs8(ecKeys[name]))
	}
	g.addDER("ed25519 pkcs8", "ed25519", "PRIVATE KEY", pkcs8(edKey))

	// The label does not choose the parser.
	g.addDER("pkcs1 under PRIVATE KEY", "rsa1024", "PRIVATE KEY", rsa1024PKCS1)
	g.addDER("pkcs8 under EC PRIVATE KEY", "p256", "EC PRIVATE KEY", pkcs8(ecKeys["p256"]))
	g.addDER("sec1 under RSA PRIVATE KEY", "p256", "RSA PRIVATE KEY", sec1(ecKeys["p256"]))
	g.addDER("any prefix before PRIVATE KEY", "rsa1024", "FANCY PRIVATE KEY", rsa1024PKCS1)
	g.addDER("no space before PRIVATE KEY", "rsa1024", "XPRIVATE KEY", rsa1024PKCS1)
	g.addDER("lower case label", "rsa1024", "rsa private key", rsa1024PKCS1)
	g.add("headers are ignored", "rsa1024", string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Comment": "x"}, Bytes: rsa1024PKCS1})))
	g.add("encrypted legacy pem", "rsa1024", string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00000000000000000000000000000000"}, Bytes: rsa1024PKCS1[:len(rsa1024PKCS1)-16]})))
	g.addDER("encrypted pkcs8", "rsa1024", "ENCRYPTED PRIVATE KEY", marshal(struct {
		Algo algorithmIdentifier
		Data []byte
	}{algorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}}, make([]byte, 64)}))

	// OpenSSL's `ecparam -genkey` output: parameters first.
	ecParams := pemText("EC PARAMETERS", marshal(oidP256))
	g.add("EC PARAMETERS before the key", "p256", ecParams+pemText("EC PRIVATE KEY", sec1(ecKeys["p256"])))
	g.add("EC PARAMETERS only", "p256", ecParams)
	g.add("key then junk blocks", "rsa1024", rsaPEM+pemText("FOO", []byte{1}))
	g.add("junk text around the key", "rsa1024", "subject=/CN=x\n"+rsaPEM+"trailing\n")
	g.add("two keys, first wins", "rsa1024", pemText("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(otherRSA))+rsaPEM)
	g.add("unparseable key then good key", "rsa1024", pemText("RSA PRIVATE KEY", []byte{0x30, 0})+rsaPEM)

	// Key inputs without a key.
	g.add("empty key input", "rsa1024", "")
	g.add("text key input", "rsa1024", "hello\n")
	g.add("bad base64 key", "rsa1024", "-----BEGIN RSA PRIVATE KEY-----\n!!!!\n-----END RSA PRIVATE KEY-----\n")
	g.add("certificate as key", "rsa1024", g.out.Certificates["rsa1024"])
	g.add("two certificates as key", "rsa1024", g.out.Certificates["leaf+ca"])
	g.add("public key as key", "rsa1024", pemText("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&rsa1024.PublicKey)))
	g.add("certificate and public key as key", "rsa1024", g.out.Certificates["rsa1024"]+pemText("PUBLIC KEY", []byte{1}))

	// Certificate inputs without a usable certificate (the key is fine).
	for _, cert := range []string{"empty", "text", "key-only", "ec-key-only", "two-keys", "other-blocks", "key-and-other", "bad-der", "trailing-data", "bad-then-good"} {
		g.add("certificate input "+cert, cert, rsaPEM)
	}
	g.add("key before the certificate in tls.crt", "key-then-cert", rsaPEM)
	g.add("missing key block wins over bad certificate", "bad-der", "garbage")
	g.add("bad certificate and unparseable key", "bad-der", pemText("RSA PRIVATE KEY", []byte{1, 2, 3}))

	// Mismatches.
	g.addDER("rsa other key", "rsa1024", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(otherRSA))
	g.addDER("rsa 2048 cert 1024 key", "rsa2048", "RSA PRIVATE KEY", rsa1024PKCS1)
	g.addDER("p256 other key", "p256", "EC PRIVATE KEY", sec1(otherP256))
	g.addDER("p256 cert p384 key", "p256", "EC PRIVATE KEY", sec1(ecKeys["p384"]))
	g.addDER("p384 cert p256 key", "p384", "PRIVATE KEY", pkcs8(ecKeys["p256"]))
	g.addDER("ed25519 other key", "ed25519", "PRIVATE KEY", pkcs8(otherEd))
	g.addDER("rsa cert ec key", "rsa1024", "EC PRIVATE KEY", sec1(ecKeys["p256"]))
	g.addDER("rsa cert ed25519 key", "rsa1024", "PRIVATE KEY", pkcs8(edKey))
	g.addDER("ec cert rsa key", "p256", "RSA PRIVATE KEY", rsa1024PKCS1)
	g.addDER("ec cert ed25519 key", "p256", "PRIVATE KEY", pkcs8(edKey))
	g.addDER("ed25519 cert rsa key", "ed25519", "RSA PRIVATE KEY", rsa1024PKCS1)
	g.addDER("ed25519 cert ec key", "ed25519", "EC PRIVATE KEY", sec1(ecKeys["p256"]))
	g.addDER("leaf first, leaf key", "leaf+ca", "EC PRIVATE KEY", sec1(ecKeys["p256"]))
	g.addDER("leaf first, ca key", "leaf+ca", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(otherRSA))
	g.addDER("ca first, leaf key", "ca+leaf", "EC PRIVATE KEY", sec1(ecKeys["p256"]))
	g.addDER("unknown certificate key, ed25519 key", "x25519", "PRIVATE KEY", pkcs8(edKey))
	g.addDER("unknown certificate key, garbage key", "x25519", "PRIVATE KEY", []byte{1, 2, 3})

	// PKCS#1 details.
	base := fromPKCS1(rsa1024)
	withVersion := func(v int) []byte { k := base; k.Version = v; return marshal(k) }
	g.addDER("pkcs1 version 1", "rsa1024", "RSA PRIVATE KEY", withVersion(1))
	g.addDER("pkcs1 version 2", "rsa1024", "RSA PRIVATE KEY", withVersion(2))
	g.addDER("pkcs1 version -1", "rsa1024", "RSA PRIVATE KEY", withVersion(-1))
	g.addDER("pkcs1 trailing data", "rsa1024", "RSA PRIVATE KEY", append(append([]byte(nil), rsa1024PKCS1...), 0, 0))
	g.addDER("pkcs1 without CRT values", "rsa1024", "RSA PRIVATE KEY", marshal(pkcs1Short{N: base.N, E: base.E, D: base.D, P: base.P, Q: base.Q}))
	g.addDER("pkcs1 extra element", "rsa1024", "RSA PRIVATE KEY", marshal(pkcs1Extra{N: base.N, E: base.E, D: base.D, P: base.P, Q: base.Q, Dp: base.Dp, Dq: base.Dq, Qinv: base.Qinv, Extra: 7}))
	tampered := func(f func(k *pkcs1Key)) []byte { k := base; f(&k); return marshal(k) }
	g.addDER("pkcs1 wrong Dp is ignored", "rsa1024", "RSA PRIVATE KEY", tampered(func(k *pkcs1Key) { k.Dp = big.NewInt(5) }))
	g.addDER("pkcs1 negative Qinv is ignored", "rsa1024", "RSA PRIVATE KEY", tampered(func(k *pkcs1Key) { k.Qinv = big.NewInt(-5) }))
	g.addDER("pkcs1 wrong D", "rsa1024", "RSA PRIVATE KEY", tampered(func(k *pkcs1Key) { k.D = new(big.Int).Add(k.D, big.NewInt(2)) }))
	g.addDER("pkcs1 D plus lambda-free multiple", "rsa1024", "RSA PRIVATE KEY", tampered(func(k *pkcs1Key) {
		pm1 := new(big.Int).Sub(k.P, big.NewInt(1))
		qm1 := new(big.Int).Sub(k.Q, big.NewInt(1))
		k.D = new(big.Int).Add(k.D, new(big.Int).Mul(pm1, qm1))
	}))
	g.addDER("pkcs1 swapped primes", "rsa1024", "RSA PRIVATE KEY", tampered(func(k *pkcs1Key) { k.P, k.Q = k.Q, k.P }))
	g.addDER("pkcs1 wrong N", "rsa1024", "RSA PRIVATE KEY", tampered(func(k *pkcs1Key) { k.N = new(big.Int).Add(k.N, big.NewInt(2)) }))
	g.addDER("pkcs1 negative N", "rsa1024", "RSA PRIVATE KEY", tampered(func(k *pkcs1Key) { k.N = new(big.Int).Neg(k.N) }))
	g.addDER("pkcs1 zero D", "rsa1024", "RSA PRIVATE KEY", tampered(func(k *pkcs1Key) { k.D = big.NewInt(0) }))
	g.addDER("pkcs1 E 1", "rsa1024", "RSA PRIVATE KEY", tampered(func(k *pkcs1Key) { k.E = 1 }))
	g.addDER("pkcs1 E 2^31", "rsa1024", "RSA PRIVATE KEY", tampered(func(k *pkcs1Key) { k.E = 1 << 31 }))
	g.addDER("pkcs1 E of nine bytes", "rsa1024", "RSA PRIVATE KEY", marshal(pkcs1BigE{N: base.N, E: new(big.Int).Lsh(big.NewInt(1), 64), D: base.D, P: base.P, Q: base.Q}))
	g.addDER("pkcs1 P times Q with P = 1", "rsa1024", "RSA PRIVATE KEY", tampered(func(k *pkcs1Key) { k.P, k.Q = big.NewInt(1), k.N }))
	g.addDER("pkcs1 P = 2", "rsa1024", "RSA PRIVATE KEY", tampered(func(k *pkcs1Key) { k.P, k.Q = big.NewInt(2), new(big.Int).Rsh(k.N, 1) }))

	// PKCS#8 details.
	innerRSA := rsa1024PKCS1
	g.addDER("pkcs8 rsa without NULL", "rsa1024", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidRSA}, PrivateKey: innerRSA}))
	g.addDER("pkcs8 version 5", "rsa1024", "PRIVATE KEY", marshal(pkcs8Key{Version: 5, Algo: algorithmIdentifier{Algorithm: oidRSA, Parameters: nullParams}, PrivateKey: innerRSA}))
	g.addDER("pkcs8 trailing data", "rsa1024", "PRIVATE KEY", append(pkcs8(rsa1024), 1, 2, 3))
	g.addDER("pkcs8 with attributes", "rsa1024", "PRIVATE KEY", marshal(pkcs8WithAttributes{Algo: algorithmIdentifier{Algorithm: oidRSA, Parameters: nullParams}, PrivateKey: innerRSA, Attributes: asn1.RawValue{Class: 2, Tag: 0, IsCompound: true, Bytes: []byte{}}}))
	g.addDER("pkcs8 rsa inner trailing data", "rsa1024", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidRSA, Parameters: nullParams}, PrivateKey: append(append([]byte(nil), innerRSA...), 0)}))
	g.addDER("pkcs8 rsa oid around ec key", "p256", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidRSA, Parameters: nullParams}, PrivateKey: sec1(ecKeys["p256"])}))
	g.addDER("pkcs8 x25519", "rsa1024", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidX25519}, PrivateKey: marshal(make([]byte, 32))}))
	edSeed := edKey.Seed()
	g.addDER("pkcs8 ed25519 with NULL parameters", "ed25519", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidEd25519, Parameters: nullParams}, PrivateKey: marshal(edSeed)}))
	g.addDER("pkcs8 ed25519 short seed", "ed25519", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidEd25519}, PrivateKey: marshal(edSeed[:31])}))
	g.addDER("pkcs8 ed25519 64-byte key", "ed25519", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidEd25519}, PrivateKey: marshal([]byte(edKey))}))
	g.addDER("pkcs8 ed25519 seed with trailing data", "ed25519", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidEd25519}, PrivateKey: append(marshal(edSeed), 0)}))
	g.addDER("pkcs8 ed25519 seed not wrapped", "ed25519", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidEd25519}, PrivateKey: edSeed}))
	p256Scalar := scalarBytes(ecKeys["p256"])
	sec1NoCurve := marshal(ecKeyNoCurve{Version: 1, PrivateKey: p256Scalar})
	g.addDER("pkcs8 ec params name the curve", "p256", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidEC, Parameters: oidParams(oidP256)}, PrivateKey: sec1NoCurve}))
	g.addDER("pkcs8 ec NULL params, inner curve", "p256", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidEC, Parameters: nullParams}, PrivateKey: sec1(ecKeys["p256"])}))
	g.addDER("pkcs8 ec no params, inner curve", "p256", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidEC}, PrivateKey: sec1(ecKeys["p256"])}))
	g.addDER("pkcs8 ec no curve anywhere", "p256", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidEC}, PrivateKey: sec1NoCurve}))
	g.addDER("pkcs8 ec params override inner curve", "p256", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidEC, Parameters: oidParams(oidP384)}, PrivateKey: sec1(ecKeys["p256"])}))
	g.addDER("pkcs8 ec unknown params curve", "p256", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidEC, Parameters: oidParams(asn1.ObjectIdentifier{1, 3, 132, 0, 10})}, PrivateKey: sec1(ecKeys["p256"])}))
	g.addDER("pkcs8 ec params p224 inner p256", "p224", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidEC, Parameters: oidParams(oidP224)}, PrivateKey: marshal(ecKey{Version: 1, PrivateKey: scalarBytes(ecKeys["p224"]), NamedCurveOID: oidP256})}))

	// SEC 1 details.
	p256Order := elliptic.P256().Params().N
	sec1With := func(version int, scalar []byte, curve asn1.ObjectIdentifier) []byte {
		return marshal(ecKey{Version: version, PrivateKey: scalar, NamedCurveOID: curve})
	}
	g.addDER("sec1 version 2", "p256", "EC PRIVATE KEY", sec1With(2, p256Scalar, oidP256))
	g.addDER("sec1 version 0", "p256", "EC PRIVATE KEY", sec1With(0, p256Scalar, oidP256))
	g.addDER("sec1 no curve", "p256", "EC PRIVATE KEY", sec1NoCurve)
	g.addDER("sec1 unknown curve", "p256", "EC PRIVATE KEY", sec1With(1, p256Scalar, asn1.ObjectIdentifier{1, 3, 132, 0, 10}))
	g.addDER("sec1 without public key", "p256", "EC PRIVATE KEY", sec1With(1, p256Scalar, oidP256))
	g.addDER("sec1 wrong public key is ignored", "p256", "EC PRIVATE KEY", marshal(ecKey{Version: 1, PrivateKey: p256Scalar, NamedCurveOID: oidP256, PublicKey: asn1.BitString{Bytes: []byte{4, 1, 2}, BitLength: 24}}))
	g.addDER("sec1 zero scalar", "p256", "EC PRIVATE KEY", sec1With(1, make([]byte, 32), oidP256))
	g.addDER("sec1 empty scalar", "p256", "EC PRIVATE KEY", sec1With(1, []byte{}, oidP256))
	g.addDER("sec1 scalar = order", "p256", "EC PRIVATE KEY", sec1With(1, p256Order.Bytes(), oidP256))
	g.addDER("sec1 scalar = order - 1", "p256", "EC PRIVATE KEY", sec1With(1, new(big.Int).Sub(p256Order, big.NewInt(1)).Bytes(), oidP256))
	g.addDER("sec1 scalar = 1", "p256", "EC PRIVATE KEY", sec1With(1, []byte{1}, oidP256))
	g.addDER("sec1 scalar with leading zeros", "p256", "EC PRIVATE KEY", sec1With(1, append([]byte{0, 0}, p256Scalar...), oidP256))
	g.addDER("sec1 scalar too long", "p256", "EC PRIVATE KEY", sec1With(1, append([]byte{1}, p256Scalar...), oidP256))
	g.addDER("sec1 short scalar, full length", "short-p256", "EC PRIVATE KEY", sec1(shortP256))
	g.addDER("sec1 short scalar, stripped", "short-p256", "EC PRIVATE KEY", sec1With(1, shortP256.D.Bytes(), oidP256))
	g.addDER("sec1 p224 scalar = 1", "p224", "EC PRIVATE KEY", sec1With(1, []byte{1}, oidP224))
	g.addDER("sec1 p521 scalar without its top byte", "p521", "EC PRIVATE KEY", sec1With(1, scalarBytes(ecKeys["p521"])[1:], asn1.ObjectIdentifier{1, 3, 132, 0, 35}))

	// Hand-built SEC 1 encodings for encoding/asn1's quirks.
	version1 := tlv(0x02, []byte{1})
	scalar := tlv(0x04, p256Scalar)
	curveOID := marshal(oidP256)
	null := []byte{5, 0}
	handmade := map[string][]byte{
		"[0] holds NULL":                      tlv(0x30, version1, scalar, tlv(0xa0, null)),
		"[0] holds OID then NULL":             tlv(0x30, version1, scalar, tlv(0xa0, curveOID, null)),
		"[0] shorter than its OID":            tlv(0x30, version1, scalar, []byte{0xa0, 0x02}, curveOID),
		"[0] empty at the end":                tlv(0x30, version1, scalar, []byte{0xa0, 0x00}),
		"[0] empty then [0] OID":              tlv(0x30, version1, scalar, []byte{0xa0, 0x00}, tlv(0xa0, curveOID)),
		"[0] primitive":                       tlv(0x30, version1, scalar, tlv(0x80, curveOID)),
		"[1] before [0]":                      tlv(0x30, version1, scalar, tlv(0xa1, []byte{3, 2, 0, 4}), tlv(0xa0, curveOID)),
		"[0] OID then extra elements":         tlv(0x30, version1, scalar, tlv(0xa0, curveOID), tlv(0xa1, []byte{3, 1, 0}), null, null),
		"[1] bad BIT STRING padding":          tlv(0x30, version1, scalar, tlv(0xa0, curveOID), tlv(0xa1, []byte{3, 2, 1, 1})),
		"[1] empty BIT STRING":                tlv(0x30, version1, scalar, tlv(0xa0, curveOID), tlv(0xa1, []byte{3, 0})),
		"[1] BIT STRING padding only":         tlv(0x30, version1, scalar, tlv(0xa0, curveOID), tlv(0xa1, []byte{3, 1, 0})),
		"[1] holds NULL":                      tlv(0x30, version1, scalar, tlv(0xa0, curveOID), tlv(0xa1, null)),
		"[0] high-tag form":                   tlv(0x30, version1, scalar, []byte{0xbf, 0x00, byte(len(curveOID))}, curveOID),
		"[0] with long-form length":           tlv(0x30, version1, scalar, append([]byte{0xa0, 0x81, byte(len(curveOID))}, curveOID...)),
		"scalar long-form length":             tlv(0x30, version1, append([]byte{0x04, 0x81, 0x20}, p256Scalar...), tlv(0xa0, curveOID)),
		"version non-minimal":                 tlv(0x30, tlv(0x02, []byte{0, 1}), scalar, tlv(0xa0, curveOID)),
		"version as BOOLEAN":                  tlv(0x30, tlv(0x01, []byte{1}), scalar, tlv(0xa0, curveOID)),
		"scalar as constructed OCTET STRING":  tlv(0x30, version1, tlv(0x24, scalar), tlv(0xa0, curveOID)),
		"sequence tagged as SET":              tlv(0x31, version1, scalar, tlv(0xa0, curveOID)),
		"OID with 0x80 arc":                   tlv(0x30, version1, scalar, tlv(0xa0, tlv(0x06, []byte{0x2a, 0x80, 0x01}))),
		"OID empty":                           tlv(0x30, version1, scalar, tlv(0xa0, tlv(0x06, nil))),
		"OID arc too large":                   tlv(0x30, version1, scalar, tlv(0xa0, tlv(0x06, []byte{0x2a, 0x88, 0x80, 0x80, 0x80, 0x00}))),
		"OID truncated arc":                   tlv(0x30, version1, scalar, tlv(0xa0, tlv(0x06, []byte{0x2a, 0x86}))),
		"indefinite length":                   append([]byte{0x30, 0x80}, append(append(append(version1, scalar...), tlv(0xa0, curveOID)...), 0, 0)...),
		"outer length too long":               append([]byte{0x30, 0x7f}, append(append(version1, scalar...), tlv(0xa0, curveOID)...)...),
		"outer length with leading zero byte": append([]byte{0x30, 0x82, 0x00, byte(len(version1) + len(scalar) + len(curveOID) + 2)}, append(append(version1, scalar...), tlv(0xa0, curveOID)...)...),
		"trailing bytes after the key":        append(tlv(0x30, version1, scalar, tlv(0xa0, curveOID)), 0xde, 0xad),
		"truncated":                           tlv(0x30, version1, scalar, tlv(0xa0, curveOID))[:20],
		"version only":                        tlv(0x30, version1),
		"empty sequence":                      tlv(0x30),
	}
	names := make([]string, 0, len(handmade))
	for name := range handmade {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		g.addDER("sec1 "+name, "p256", "EC PRIVATE KEY", handmade[name])
	}
	// And with a PKCS#8 wrapper naming the curve, where the inner curve is optional.
	for _, name := range []string{"[0] holds NULL", "[0] empty at the end", "[0] primitive", "[1] before [0]", "[1] holds NULL", "OID empty"} {
		g.addDER("pkcs8 around sec1 "+name, "p256", "PRIVATE KEY", marshal(pkcs8Key{Algo: algorithmIdentifier{Algorithm: oidEC, Parameters: oidParams(oidP256)}, PrivateKey: handmade[name]}))
	}
	// Additional primes that are not a SEQUENCE OF SEQUENCE.
	mp := x509.MarshalPKCS1PrivateKey(multiPrime)
	g.addDER("pkcs1 multi-prime as sent", "multiprime", "RSA PRIVATE KEY", mp)

	// Mutations of real keys.
	type seed struct {
		name, cert, kind string
		der              []byte
		count            int
	}
	seeds := []seed{
		{"rsa pkcs1", "rsa1024", "RSA PRIVATE KEY", rsa1024PKCS1, 60},
		{"rsa pkcs8", "rsa1024", "PRIVATE KEY", pkcs8(rsa1024), 50},
		{"multi-prime pkcs1", "multiprime", "RSA PRIVATE KEY", mp, 30},
		{"p256 sec1", "p256", "EC PRIVATE KEY", sec1(ecKeys["p256"]), 60},
		{"p256 pkcs8", "p256", "PRIVATE KEY", pkcs8(ecKeys["p256"]), 50},
		{"p384 sec1", "p384", "EC PRIVATE KEY", sec1(ecKeys["p384"]), 20},
		{"p224 sec1", "p224", "EC PRIVATE KEY", sec1(ecKeys["p224"]), 10},
		{"ed25519 pkcs8", "ed25519", "PRIVATE KEY", pkcs8(edKey), 50},
	}
	for _, s := range seeds {
		for i := 0; i < s.count; i++ {
			der := s.der
			for n := 1 + r.Intn(2); n > 0; n-- {
				der = mutate(r, der)
			}
			g.addDER(fmt.Sprintf("mutated %s #%d", s.name, i), s.cert, s.kind, der)
		}
	}

	data, err := json.MarshalIndent(g.out, "", " ")
	must(err)
	must(os.WriteFile("cases.json", append(data, '\n'), 0o644))
	ok := 0
	for _, c := range g.out.Cases {
		if c.Result == "ok" {
			ok++
		}
	}
	fmt.Printf("%d cases (%d ok), %s\n", len(g.out.Cases), ok, runtime.Version())
}
