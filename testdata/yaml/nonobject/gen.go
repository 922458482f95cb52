// Command gen records what Helm's manifest sorter (helm/helm pkg/releaseutil,
// manifestFile.sort: sigs.k8s.io/yaml.Unmarshal of each document into SimpleHead) and
// sigs.k8s.io/yaml.YAMLToJSON (kubectl's per-document conversion) make of documents
// that are not objects. speclint's non-object-document rule cites it.
//
//	cd testdata/yaml/nonobject && GOPATH=/usr/share/gocode GO111MODULE=off go run gen.go > verdicts.txt
package main

import (
	"fmt"

	"sigs.k8s.io/yaml"
)

// SimpleHead as helm/helm pkg/releaseutil/manifest.go declares it.
type SimpleHead struct {
	Version  string `json:"apiVersion"`
	Kind     string `json:"kind,omitempty"`
	Metadata *struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata,omitempty"`
}

func main() {
	for _, doc := range []string{
		"hello\n",
		"443\n",
		"true\n",
		"- apiVersion: v1\n  kind: ConfigMap\n",
		"[{\"apiVersion\": \"v1\"}]\n",
		"null\n",
		"~\n",
		"# only a comment\n",
		"apiVersion: v1\nkind: ConfigMap\n",
	} {
		var head SimpleHead
		err := yaml.Unmarshal([]byte(doc), &head)
		j, jerr := yaml.YAMLToJSON([]byte(doc))
		fmt.Printf("%q\n  helm SimpleHead: err=%v\n  YAMLToJSON: %s err=%v\n", doc, err, j, jerr)
	}
}
