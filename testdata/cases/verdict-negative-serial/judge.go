// Command judge prints what kube-apiserver's Go makes of this case's chain: the served
// chain parsed as crypto/tls parses it, then Verify against the caBundle.
// usage: go run judge.go CA_PEM LEAF_PEM SERVER_NAME NOW
package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"runtime"
	"time"
)

func main() {
	caPEM, _ := os.ReadFile(os.Args[1])
	leafPEM, _ := os.ReadFile(os.Args[2])
	now, _ := time.Parse(time.RFC3339, os.Args[4])
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		fmt.Println(runtime.Version(), "unable to load root certificates")
		return
	}
	block, _ := pem.Decode(leafPEM)
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		fmt.Printf("%s tls: failed to parse certificate from server: %v\n", runtime.Version(), err)
		return
	}
	_, err = leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: os.Args[3], CurrentTime: now})
	if err != nil {
		fmt.Printf("%s %v\n", runtime.Version(), err)
		return
	}
	fmt.Println(runtime.Version(), "ok")
}
