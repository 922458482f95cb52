// Command gen records how Go's YAML decoders, the ones Kubernetes tools use, treat
// mapping keys that repeat: which refuse the document, with what message, and which
// value the lenient ones keep. speclint's duplicate-key rule is checked against it
// (src/yaml/tests.rs, duplicate_keys_agree_with_go_strict_decoders).
//
// Built offline against Debian's golang-gopkg-yaml.v2-dev (2.4.0) and
// golang-k8s-sigs-yaml-dev (1.3.0):
//
//	cd testdata/yaml/dupkeys && GOPATH=/usr/share/gocode GO111MODULE=off go run gen.go > verdicts.json 2> summary.txt
//
// summary.txt lists, per input, which strict decoders refuse it.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	yamlv2 "gopkg.in/yaml.v2"
	sigsyaml "sigs.k8s.io/yaml"
)

type input struct {
	Name string `json:"name"`
	Text string `json:"input"`
}

// Each input is one YAML (or JSON) document.
var inputs = []input{
	{"no-duplicate", "a: 1\nb: 2\n"},
	{"block", "a: 1\na: 2\n"},
	{"block-three-times", "a: 1\nb: 0\na: 2\na: 3\n"},
	{"block-nested", "metadata:\n  name: x\n  labels: {app: x}\n  name: y\n"},
	{"block-null-then-value", "a:\na: 1\n"},
	{"block-collections", "a: [1]\na: {b: 1}\n"},
	{"same-key-different-maps", "a: {name: x}\nb: {name: x}\n"},
	{"in-sequence-item", "items:\n- name: p\n  name: q\n- name: z\n"},
	{"in-flow-sequence", "ports: [{port: 1}, {port: 2, port: 3}]\n"},
	{"json-top-level", "{\"kind\": \"Secret\", \"apiVersion\": \"v1\", \"kind\": \"ConfigMap\"}\n"},
	{"block-null-last", "a: 1\na:\nb: 2\n"},
	{"flow", "{a: 1, a: 2}\n"},
	{"flow-nested", "spec: {ports: [{port: 443, port: 8443}]}\n"},
	{"json", "{\"a\": 1, \"a\": 2}\n"},
	{"json-compact", "{\"a\":1,\"a\":2}"},
	{"json-nested", "{\n  \"kind\": \"Service\",\n  \"metadata\": {\n    \"name\": \"x\",\n    \"name\": \"y\"\n  }\n}\n"},
	{"json-escaped-key", "{\"a\": 1, \"\\u0061\": 2}\n"},
	{"quoted-and-plain", "a: 1\n'a': 2\n\"a\": 3\n"},
	{"case-differs", "Name: a\nname: b\n"},
	{"trailing-space-quoted", "a: 1\n\"a \": 2\n"},
	{"int-and-quoted-int", "1: a\n\"1\": b\n"},
	{"int-spellings", "1: a\n01: b\n0x1: c\n+1: d\n0b1: e\n1_: f\n"},
	{"int-octal", "8: a\n010: b\n"},
	{"int-and-float", "1: a\n1.0: b\n"},
	{"float-spellings", "1.0: a\n1.00: b\n1e0: c\n"},
	{"float-zero-signs", "0.0: a\n-0.0: b\n"},
	{"nan", ".nan: a\n.NaN: b\n"},
	{"inf", ".inf: a\n+.Inf: b\n"},
	{"bool-words", "on: a\ntrue: b\nYes: c\ny: d\n"},
	{"bool-false-words", "off: a\nno: b\nN: c\nFalse: d\n"},
	{"bool-and-quoted", "true: a\n\"true\": b\n"},
	{"null-words", "~: a\nnull: b\n"},
	{"null-empty-key", "? \n: a\n~: b\n"},
	{"timestamp-and-quoted", "2001-12-14: a\n\"2001-12-14\": b\n"},
	{"tagged-str", "!!str 1: a\n\"1\": b\n"},
	{"tagged-int", "!!int \"1\": a\n1: b\n"},
	{"binary", "!!binary aGk=: a\nhi: b\n"},
	{"binary-different", "!!binary aGk=: a\naGk=: b\n"},
	{"binary-value", "a: !!binary aGk=\nb: !!binary \"/w==\"\n"},
	{"binary-invalid", "a: !!binary \"not base64\"\n"},
	{"uint64", "18446744073709551615: a\n\"18446744073709551615\": b\n"},
	{"uint64-twice", "18446744073709551615: a\n18446744073709551615: b\n"},
	{"uint64-and-float", "18446744073709551615: a\n1.8446744073709552e+19: b\n"},
	{"big-int-and-float", "9007199254740993: a\n9007199254740992.0: b\n"},
	{"merge-overridden", "base: &b {a: 1, c: 3}\nm:\n  <<: *b\n  a: 2\n"},
	{"merge-explicit-first", "base: &b {a: 1}\nm:\n  a: 2\n  <<: *b\n"},
	{"merge-no-overlap", "base: &b {a: 1}\nm:\n  <<: *b\n  c: 2\n"},
	{"merge-sequence-overlap", "b1: &b1 {a: 1}\nb2: &b2 {a: 2}\nm:\n  <<: [*b1, *b2]\n"},
	{"merge-two-merge-keys", "b1: &b1 {a: 1}\nb2: &b2 {a: 2}\nm:\n  <<: *b1\n  <<: *b2\n"},
	{"merge-two-merge-keys-disjoint", "b1: &b1 {a: 1}\nb2: &b2 {c: 2}\nm:\n  <<: *b1\n  <<: *b2\n"},
	{"merge-inline-map", "m:\n  <<: {a: 1}\n  a: 2\n"},
	{"merge-explicit-twice", "base: &b {a: 1}\nm:\n  <<: *b\n  a: 2\n  a: 3\n"},
	{"merge-source-has-duplicate", "base: &b {a: 1, a: 2}\nm:\n  <<: *b\n"},
	{"merge-tagged", "base: &b {a: 1}\nm:\n  !!merge <<: *b\n  a: 2\n"},
	{"merge-explicit-between-merges", "b1: &b1 {a: 1}\nb2: &b2 {a: 2}\nm:\n  <<: *b1\n  a: 3\n  <<: *b2\n"},
	{"merge-alias-to-sequence", "s: &s [{a: 1}]\nm:\n  <<: *s\n"},
	{"merge-nested-source-merges", "b0: &b0 {a: 0}\nb1: &b1 {<<: *b0, c: 1}\nm:\n  <<: *b1\n  d: 2\n"},
	{"merge-quoted-key-twice", "\"<<\": a\n\"<<\": b\n"},
	{"alias-of-map-with-duplicate", "p: &x {a: 1, a: 2}\nq: *x\n"},
	{"alias-key-duplicate", "k: &k name\nm:\n  name: 1\n  *k : 2\n"},
	{"secret-data", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ndata:\n  tls.crt: Zmlyc3Q=\n  tls.key: a2V5\n  tls.crt: c2Vjb25k\n"},
	{"secret-data-and-stringdata", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ndata:\n  tls.crt: Zmlyc3Q=\nstringData:\n  tls.crt: second\n"},
	{"webhook-client-config", "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: w\nwebhooks:\n- name: w.example.org\n  clientConfig:\n    service: {name: a, namespace: ns}\n  clientConfig:\n    service: {name: b, namespace: ns}\n"},
	{"top-level-kind-twice", "apiVersion: v1\nkind: Service\nkind: Secret\nmetadata:\n  name: x\n"},
}

type verdict struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	// What the decoder produced, as JSON with sorted keys, when it succeeded.
	Result string `json:"result,omitempty"`
	// When the result differs between runs (it depends on Go's map iteration order):
	// every result seen, sorted, instead of Result.
	Nondeterministic []string `json:"nondeterministic,omitempty"`
}

type record struct {
	input
	Verdicts map[string]verdict `json:"verdicts"`
}

// toJSONable turns yaml.v2's map[interface{}]interface{} into something encoding/json
// prints with sorted keys; keys are shown with their Go type (`int 1`, `string "1"`).
func toJSONable(v interface{}) interface{} {
	switch t := v.(type) {
	case map[interface{}]interface{}:
		out := map[string]interface{}{}
		for k, val := range t {
			out[fmt.Sprintf("%T %#v", k, k)] = toJSONable(val)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, val := range t {
			out[i] = toJSONable(val)
		}
		return out
	default:
		return v
	}
}

func show(v interface{}) string {
	b, err := json.Marshal(toJSONable(v))
	if err != nil {
		return "unprintable: " + err.Error()
	}
	return string(b)
}

// run calls a decoder many times: Go randomises map iteration, so a result that
// depends on it shows up as differing runs.
func run(decode func() (string, error)) verdict {
	seen := map[string]bool{}
	var v verdict
	for i := 0; i < 64; i++ {
		result, err := decode()
		v = verdict{OK: err == nil, Result: result}
		if err != nil {
			v.Error = err.Error()
			v.Result = ""
		}
		seen[v.Error+"\x00"+v.Result] = true
	}
	if len(seen) > 1 {
		for key := range seen {
			v.Nondeterministic = append(v.Nondeterministic, key[strings.Index(key, "\x00")+1:])
		}
		sort.Strings(v.Nondeterministic)
		v.Result = ""
	}
	return v
}

func main() {
	var records []record
	for _, in := range inputs {
		y := []byte(in.Text)
		r := record{input: in, Verdicts: map[string]verdict{}}
		r.Verdicts["yaml.v2 Unmarshal"] = run(func() (string, error) {
			var v interface{}
			err := yamlv2.Unmarshal(y, &v)
			return show(v), err
		})
		r.Verdicts["yaml.v2 UnmarshalStrict"] = run(func() (string, error) {
			var v interface{}
			err := yamlv2.UnmarshalStrict(y, &v)
			return show(v), err
		})
		r.Verdicts["sigs.k8s.io/yaml YAMLToJSON"] = run(func() (string, error) {
			j, err := sigsyaml.YAMLToJSON(y)
			return string(j), err
		})
		r.Verdicts["sigs.k8s.io/yaml YAMLToJSONStrict"] = run(func() (string, error) {
			j, err := sigsyaml.YAMLToJSONStrict(y)
			return string(j), err
		})
		r.Verdicts["sigs.k8s.io/yaml Unmarshal"] = run(func() (string, error) {
			var v map[string]interface{}
			err := sigsyaml.Unmarshal(y, &v)
			return show(v), err
		})
		r.Verdicts["sigs.k8s.io/yaml UnmarshalStrict"] = run(func() (string, error) {
			var v map[string]interface{}
			err := sigsyaml.UnmarshalStrict(y, &v)
			return show(v), err
		})
		if json.Valid(y) {
			r.Verdicts["encoding/json Unmarshal"] = run(func() (string, error) {
				var v interface{}
				err := json.Unmarshal(y, &v)
				return show(v), err
			})
		}
		records = append(records, r)
	}
	out, err := json.MarshalIndent(records, "", "  ")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
	os.Stdout.WriteString("\n")
	// A summary for people on stderr.
	for _, r := range records {
		var refused []string
		for _, name := range []string{"yaml.v2 UnmarshalStrict", "sigs.k8s.io/yaml YAMLToJSONStrict", "sigs.k8s.io/yaml UnmarshalStrict"} {
			if !r.Verdicts[name].OK {
				refused = append(refused, name)
			}
		}
		fmt.Fprintf(os.Stderr, "%-32s refused by: %s\n", r.Name, strings.Join(refused, ", "))
	}
}
