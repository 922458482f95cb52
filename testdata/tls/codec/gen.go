// Command gen records Go's base64.StdEncoding.DecodeString, pem.Decode and
// net.ParseIP (with IP.String) results for hand-picked and mutated inputs.
//
//	cd testdata/tls/codec && go run gen.go
//
// Writes base64.json, pem.json and ip.json. Deterministic (fixed seed).
//
//	go run gen.go judge /abs/path/to/codec > go/PROFILE.json
//
// Judge mode writes nothing: it reads the committed inputs from the directory's
// base64.json, pem.json and ip.json, recomputes Go's results with the running Go and
// prints {"base64": [...], "pem": [...], "ip": [...]}, one line per case in input
// order, each with its index and only the Go-computed fields (output_hex and error;
// blocks; parsed). See go/README.md and ../go-profiles.sh for running it under each
// Kubernetes release's Go. Standard library only; builds with Go 1.19 and later.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/rand"
	"net"
	"os"
	"path/filepath"
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
		c := base64Case{InputHex: hex.EncodeToString(in)}
		c.OutputHex, c.Error = decodeBase64(in)
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
		out = append(out, pemCase{InputHex: hex.EncodeToString(in), Blocks: decodePEM(in)})
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
		out = append(out, ipCase{Input: s, Parsed: parseIP(s)})
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

// The three computations, shared by the generator and judge mode.

func decodeBase64(in []byte) (outputHex, errText string) {
	b, err := base64.StdEncoding.DecodeString(string(in))
	if err != nil {
		return "", err.Error()
	}
	return hex.EncodeToString(b), ""
}

func decodePEM(in []byte) []pemBlock {
	blocks := []pemBlock{}
	rest := in
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return blocks
		}
		blocks = append(blocks, pemBlock{
			Type:     block.Type,
			Headers:  block.Headers,
			BytesHex: hex.EncodeToString(block.Bytes),
			Rest:     len(in) - len(rest),
		})
	}
}

func parseIP(s string) string {
	if ip := net.ParseIP(s); ip != nil {
		return ip.String()
	}
	return ""
}

type judgedBase64 struct {
	Index     int    `json:"index"`
	OutputHex string `json:"output_hex"`
	Error     string `json:"error"`
}

type judgedPEM struct {
	Index  int        `json:"index"`
	Blocks []pemBlock `json:"blocks"`
}

type judgedIP struct {
	Index  int    `json:"index"`
	Parsed string `json:"parsed"`
}

func read(file string, v interface{}) {
	data, err := os.ReadFile(file)
	if err != nil {
		panic(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		panic(fmt.Sprint(file, ": ", err))
	}
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// judge re-judges the committed inputs in dir with the running Go.
func judge(dir string) {
	var b []base64Case
	var p []pemCase
	var ips []ipCase
	read(filepath.Join(dir, "base64.json"), &b)
	read(filepath.Join(dir, "pem.json"), &p)
	read(filepath.Join(dir, "ip.json"), &ips)
	var jb, jp, ji []interface{}
	for i, c := range b {
		j := judgedBase64{Index: i}
		j.OutputHex, j.Error = decodeBase64(unhex(c.InputHex))
		jb = append(jb, j)
	}
	for i, c := range p {
		jp = append(jp, judgedPEM{Index: i, Blocks: decodePEM(unhex(c.InputHex))})
	}
	for i, c := range ips {
		ji = append(ji, judgedIP{Index: i, Parsed: parseIP(c.Input)})
	}
	var buf bytes.Buffer
	buf.WriteString("{\"base64\": ")
	lines(&buf, jb)
	buf.WriteString(",\n\"pem\": ")
	lines(&buf, jp)
	buf.WriteString(",\n\"ip\": ")
	lines(&buf, ji)
	buf.WriteString("}\n")
	if _, err := os.Stdout.Write(buf.Bytes()); err != nil {
		panic(err)
	}
}

// lines writes a JSON array with one element per line.
func lines(buf *bytes.Buffer, elems []interface{}) {
	buf.WriteString("[\n")
	for i, e := range elems {
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(e); err != nil { // appends '\n'
			panic(err)
		}
		if i < len(elems)-1 {
			buf.Truncate(buf.Len() - 1)
			buf.WriteString(",\n")
		}
	}
	buf.WriteString("]")
}

func main() {
	if len(os.Args) > 1 {
		if len(os.Args) != 3 || os.Args[1] != "judge" {
			fmt.Fprintln(os.Stderr, "usage: go run gen.go [judge /abs/path/to/codec]")
			os.Exit(2)
		}
		judge(os.Args[2])
		return
	}
	r := rand.New(rand.NewSource(20240601))
	b := base64Cases(r)
	p := pemCases(r)
	write("base64.json", b)
	write("pem.json", p)
	ips := ipCases(r)
	write("ip.json", ips)
	fmt.Printf("%d base64, %d pem and %d ip cases with %s\n", len(b), len(p), len(ips), runtime.Version())
}
