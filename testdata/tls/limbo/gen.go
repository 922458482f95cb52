// Command gen prints, for each SERVER case of x509-limbo with a peer name, the verdict
// of this Go's crypto/x509 under the conditions in which kube-apiserver calls a webhook:
// the trusted certificates are the only roots (the caBundle), the intermediates are what
// the server sends after its leaf, DNSName is the peer name, CurrentTime the case's time
// and KeyUsages serverAuth. Certificates Go cannot parse are left out of the pools; a leaf
// it cannot parse fails with the parse error.
//
// usage: go run gen.go LIMBO_JSON [NOW] > go<version>.json
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
	"os"
	"runtime"
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
