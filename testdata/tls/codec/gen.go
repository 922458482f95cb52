// Command gen records Go's base64.StdEncoding.DecodeString, pem.Decode and
// net.ParseIP (with IP.String) results for hand-picked and mutated inputs.
//
//	cd testdata/tls/codec && go run gen.go
//
// Writes base64.json, pem.json and ip.json. Deterministic (fixed seed). Standard library only.
package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/rand"
	"net"
	"os"
	"runtime"
)

type base64Case struct {
	InputHex  string `json:"input_hex"`
	OutputHex string `json:"output_hex"`
	Error     string `json:"error"`
}

type pemBlock struct {
	Type     string            `json:"type"`
	Headers  map[string]string `json:"headers"`
	BytesHex string            `json:"bytes_hex"`
	Rest     int               `json:"rest"`
}

type pemCase struct {
	InputHex string     `json:"input_hex"`
	Blocks   []pemBlock `json:"blocks"`
}

// Bytes that matter to the decoders; mutations only insert these (ASCII, so
// the JSON strings stay exact).
const interesting = "AZaz09+/=\n\r \t-:.BEGINDCRTFA\x00"

func mutate(r *rand.Rand, in []byte) []byte {
	out := append([]byte(nil), in...)
	for n := r.Intn(3) + 1; n > 0; n-- {
		if len(out) == 0 {
			out = append(out, interesting[r.Intn(len(interesting))])
			continue
		}
		i := r.Intn(len(out))
		switch r.Intn(10) {
		case 0, 4, 5: // delete a byte
			out = append(out[:i], out[i+1:]...)
		case 1, 6, 7: // insert a byte
			c := interesting[r.Intn(len(interesting))]
			out = append(out[:i], append([]byte{c}, out[i:]...)...)
		case 2: // replace a byte
			out[i] = interesting[r.Intn(len(interesting))]
		case 3: // truncate, rarely: most blocks should survive
			out = out[:i]
		default: // duplicate a slice
			j := i + r.Intn(len(out)-i)
			dup := append([]byte(nil), out[i:j+1]...)
			out = append(out[:j+1], append(dup, out[j+1:]...)...)
		}
	}
	return out
}

func base64Cases(r *rand.Rand) []base64Case {
	seeds := []string{
		"", "Zg==", "Zm8=", "Zm9v", "Zm9vYmFy", "Zh==", "Zm9=", "Zg", "Zm8", "Zg=", "Zg=\n=",
		"\r\nZm\n9v\r", "Zm9vYmFyZm9vYmFy", "Zm9vYmFy\nZm9vYmFy=", "QUJD\nRA==", "QUJDRA=\n",
		"====", "Z===", "Zm=v", " Zm9v", "Zm9v ", "Zg==Zg==", "Zm9v-_", "Zm9vYmFyZg=\r\n=\nA",
		"TUlJQm9UQ0NBVWVnQXdJQkFnSVFIeXE0VGdGV09Eb2pEVkc5WHpEYmVqQUtCZ2dxaGtqT1BRUURBakFT\nTVJBd0RnWURWUVFLRXdkQlkyMWxJRU52TUI0WERUSXdNREV3TVRBd01EQXdNRm9YRFRrNU1ERXdNVEF3\n",
	}
	var out []base64Case
	add := func(in []byte) {
		b, err := base64.StdEncoding.DecodeString(string(in))
		c := base64Case{InputHex: hex.EncodeToString(in)}
		if err != nil {
			c.Error = err.Error()
		} else {
			c.OutputHex = hex.EncodeToString(b)
		}
		out = append(out, c)
	}
	for _, s := range seeds {
		add([]byte(s))
	}
	for i := 0; i < 1500; i++ {
		add(mutate(r, []byte(seeds[r.Intn(len(seeds))])))
	}
	return out
}

func pemCases(r *rand.Rand) []pemCase {
	body := "MIIBhTCCASugAwIBAgIQIRi6zePL6mKjOipn+dNuaTAKBggqhkjOPQQDAjASMRAw\nDgYDVQQKEwdBY21lIENvMB4XDTE3MTAyMDE5NDMwNloXDTE4MTAyMDE5NDMwNlow\n"
	seeds := []string{
		"-----BEGIN CERTIFICATE-----\n" + body + "-----END CERTIFICATE-----\n",
		"junk\n-----BEGIN CERTIFICATE-----\r\n" + body + "-----END CERTIFICATE-----\r\n\r\n-----BEGIN X-----\nZm9v\n-----END X-----",
		"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123\n\nZm9vYmFy\n-----END RSA PRIVATE KEY-----\n",
		"-----BEGIN A-----\n-----END A-----\n-----BEGIN B-----\n Zm 9v\t\n-----END B-----  \n",
		"-----BEGIN A-----\nZm9v\n-----END B-----\n-----BEGIN A-----\nZm9v\n-----END A-----\n",
		"-----BEGIN A-----\n!!!!\n-----END A-----\n-----BEGIN C-----\nZm9v\n-----END C-----\n",
		"x-----BEGIN A-----\nZm9v\n-----END A-----\n",
		"-----BEGIN A-----\nK: V\n-----END A-----\n",
		"-----BEGIN A-----\nZm9v\n-----END A----- trailing\n-----BEGIN A-----\nZm9v\n-----END A-----",
		"-----BEGIN CERTIFICATE-----\nZm9v\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nYmFy\n-----END CERTIFICATE-----\n",
		"-----BEGIN  SPACED TYPE -----\nZm9v\n-----END  SPACED TYPE -----\n",
		"-----BEGIN A-----\nk1: v1\nk1: v2\n: empty\nZm9v\n-----END A-----\n",
	}
	var out []pemCase
	add := func(in []byte) {
		c := pemCase{InputHex: hex.EncodeToString(in), Blocks: []pemBlock{}}
		rest := in
		for {
			var block *pem.Block
			block, rest = pem.Decode(rest)
			if block == nil {
				break
			}
			c.Blocks = append(c.Blocks, pemBlock{
				Type:     block.Type,
				Headers:  block.Headers,
				BytesHex: hex.EncodeToString(block.Bytes),
				Rest:     len(in) - len(rest),
			})
		}
		out = append(out, c)
	}
	for _, s := range seeds {
		add([]byte(s))
	}
	for i := 0; i < 1500; i++ {
		add(mutate(r, []byte(seeds[r.Intn(len(seeds))])))
	}
	return out
}

type ipCase struct {
	Input string `json:"input"`
	// Go's net.ParseIP(input).String(), or "" when it is not an IP.
	Parsed string `json:"parsed"`
}

func ipCases(r *rand.Rand) []ipCase {
	seeds := []string{
		"10.0.0.1", "0.0.0.0", "255.255.255.255", "256.0.0.1", "010.0.0.1", "1.2.3", "1.2.3.4.",
		"::", "::1", "1::", "1::2", "1:0:0:2:0:0:3:4", "1:0:2:3:4:5:6:7", "2001:DB8::1",
		"::ffff:10.0.0.1", "::10.0.0.1", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4",
		"fe80::1%eth0", "1::2::3", "1:2:3:4:5:6:7::8", "1:2:3:4:5:6:7:8:9", "0000000001::",
		"12345::", ":1::", "1:::2", "[::1]", "", ".", ":", "a.b.c.d", "svc.ns.svc", "1.2.3.04",
		"ffff::ffff:ffff", "0:0:0:0:0:ffff:a00:1", "::ffff:0:0", "64:ff9b::1.2.3.4",
	}
	const ipBytes = "0123456789abcdefABCDEF:.%[] "
	var out []ipCase
	add := func(s string) {
		c := ipCase{Input: s}
		if ip := net.ParseIP(s); ip != nil {
			c.Parsed = ip.String()
		}
		out = append(out, c)
	}
	for _, s := range seeds {
		add(s)
	}
	for i := 0; i < 1500; i++ {
		b := []byte(seeds[r.Intn(len(seeds))])
		for n := r.Intn(3) + 1; n > 0; n-- {
			c := ipBytes[r.Intn(len(ipBytes))]
			if len(b) == 0 {
				b = append(b, c)
				continue
			}
			j := r.Intn(len(b))
			switch r.Intn(3) {
			case 0:
				b = append(b[:j], b[j+1:]...)
			case 1:
				b = append(b[:j], append([]byte{c}, b[j:]...)...)
			default:
				b[j] = c
			}
		}
		add(string(b))
	}
	return out
}

func write(file string, v any) {
	data, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(file, append(data, '\n'), 0o644); err != nil {
		panic(err)
	}
}

func main() {
	r := rand.New(rand.NewSource(20240601))
	b := base64Cases(r)
	p := pemCases(r)
	write("base64.json", b)
	write("pem.json", p)
	ips := ipCases(r)
	write("ip.json", ips)
	fmt.Printf("%d base64, %d pem and %d ip cases with %s\n", len(b), len(p), len(ips), runtime.Version())
}
