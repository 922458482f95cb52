// Command gen prints, for each SERVER case of x509-limbo with a peer name, the verdict
// of this Go's crypto/x509 under the conditions in which kube-apiserver calls a webhook:
// the trusted certificates are the only roots (the caBundle), the intermediates are what
// the server sends after its leaf, DNSName is the peer name, CurrentTime the case's time
// and KeyUsages serverAuth. Certificates Go cannot parse are left out of the pools; a leaf
// it cannot parse fails with the parse error.
//
// usage: go run gen.go LIMBO_JSON [NOW] > go<version>.json
//        go run gen.go LIMBO_JSON NOW apiserver > apiserver-<profile>.json
//
// The second form judges as kube-apiserver calling a webhook end to end, as
// `speclint tls verify` prints it: client-go loads the trusted certificates as a caBundle
// (`unable to load root certificates: ...` when none parses), crypto/tls parses every
// certificate the server sends (`tls: failed to parse certificate from server: ...`) and
// refuses RSA keys over 8192 bits, a leaf RSA key too small for TLS 1.3 makes the server
// fail the handshake (../handshake), and Verify's errors are wrapped from Go 1.20 on.
//
// Cases without a validation time are judged at NOW (RFC 3339), by default the time
// ../shared/conformance/x509-limbo/go-verdicts.json was made at: run under Go 1.19.8,
// this reproduces that file.
package main

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"crypto/rsa"
	"errors"
	"os"
	"runtime"
	"strings"
	"time"
)

type peerName struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

type testcase struct {
	ID           string    `json:"id"`
	Kind         string    `json:"validation_kind"`
	Trusted      []string  `json:"trusted_certs"`
	Intermediate []string  `json:"untrusted_intermediates"`
	Peer         string    `json:"peer_certificate"`
	Time         *string   `json:"validation_time"`
	Expected     string    `json:"expected_result"`
	PeerName     *peerName `json:"expected_peer_name"`
}

type verdict struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Time          string `json:"time"`
	Result        string `json:"result"`
	Error         string `json:"error,omitempty"`
	LimboExpected string `json:"limbo_expected"`
}

func parse(text string) (*x509.Certificate, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, fmt.Errorf("not PEM")
	}
	return x509.ParseCertificate(block.Bytes)
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var limbo struct {
		Testcases []testcase `json:"testcases"`
	}
	if err := json.Unmarshal(data, &limbo); err != nil {
		panic(err)
	}
	fallback := "2026-11-27T11:43:31Z"
	if len(os.Args) > 2 {
		fallback = os.Args[2]
	}
	out := []verdict{}
	for _, c := range limbo.Testcases {
		if c.Kind != "SERVER" || c.PeerName == nil {
			continue
		}
		when := fallback
		if c.Time != nil {
			when = *c.Time
		}
		now, err := time.Parse(time.RFC3339, when)
		if err != nil {
			panic(err)
		}
		now = now.UTC()
		v := verdict{
			ID:            c.ID,
			Name:          c.PeerName.Value,
			Time:          now.Format(time.RFC3339),
			LimboExpected: c.Expected,
		}
		if len(os.Args) > 3 && os.Args[3] == "apiserver" {
			if err := asAPIServer(c, now); err != nil {
				v.Result = "FAILURE"
				v.Error = err.Error()
			} else {
				v.Result = "SUCCESS"
			}
			out = append(out, v)
			continue
		}
		roots := x509.NewCertPool()
		for _, p := range c.Trusted {
			roots.AppendCertsFromPEM([]byte(p))
		}
		intermediates := x509.NewCertPool()
		for _, p := range c.Intermediate {
			if cert, err := parse(p); err == nil {
				intermediates.AddCert(cert)
			}
		}
		leaf, err := parse(c.Peer)
		if err == nil {
			_, err = leaf.Verify(x509.VerifyOptions{
				DNSName:       c.PeerName.Value,
				Roots:         roots,
				Intermediates: intermediates,
				CurrentTime:   now,
				KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			})
		}
		if err == nil {
			v.Result = "SUCCESS"
		} else {
			v.Result = "FAILURE"
			v.Error = err.Error()
		}
		out = append(out, v)
	}
	fmt.Fprintf(os.Stderr, "%s: %d cases\n", runtime.Version(), len(out))
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(out); err != nil {
		panic(err)
	}
}

// asAPIServer is what kube-apiserver reports calling a webhook that serves the peer and
// the untrusted intermediates, with the trusted certificates as its caBundle.
func asAPIServer(c testcase, now time.Time) error {
	bundle := []byte(strings.Join(c.Trusted, "\n"))
	var roots *x509.CertPool
	if len(bundle) > 0 {
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(bundle) {
			return fmt.Errorf("unable to load root certificates: %s", caDataError(bundle))
		}
	} else if system, err := x509.SystemCertPool(); err == nil {
		roots = system
	}
	var certs []*x509.Certificate
	for _, p := range append([]string{c.Peer}, c.Intermediate...) {
		rest := []byte(p)
		for {
			var block *pem.Block
			block, rest = pem.Decode(rest)
			if block == nil {
				break
			}
			if block.Type != "CERTIFICATE" {
				continue
			}
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return errors.New("tls: failed to parse certificate from server: " + err.Error())
			}
			certs = append(certs, cert)
		}
	}
	if len(certs) == 0 {
		return errors.New("tls: received empty certificates message")
	}
	if key, ok := certs[0].PublicKey.(*rsa.PublicKey); ok && key.Size() < 66 {
		return errors.New("remote error: tls: handshake failure")
	}
	for _, cert := range certs {
		if key, ok := cert.PublicKey.(*rsa.PublicKey); ok && key.N.BitLen() > 8192 {
			return errors.New("tls: server sent certificate containing RSA key larger than 8192 bits")
		}
	}
	intermediates := x509.NewCertPool()
	for _, cert := range certs[1:] {
		intermediates.AddCert(cert)
	}
	_, err := certs[0].Verify(x509.VerifyOptions{
		DNSName:       c.PeerName.Value,
		Roots:         roots,
		Intermediates: intermediates,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	if err != nil && !strings.HasPrefix(runtime.Version(), "go1.19") {
		return errors.New("tls: failed to verify certificate: " + err.Error())
	}
	return err
}

// caDataError is client-go's createErrorParsingCAData.
func caDataError(data []byte) string {
	for len(data) > 0 {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return "unable to parse bytes as PEM block"
		}
		if block.Type != "CERTIFICATE" || len(block.Headers) != 0 {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return fmt.Sprintf("failed to parse certificate: %v", err)
		}
	}
	return "no valid certificate authority data seen"
}
