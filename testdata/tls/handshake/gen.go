// Command gen runs real TLS handshakes between a Go webhook server and a Go client
// configured like kube-apiserver's webhook client (client-go transport.TLSConfigFor:
// MinVersion TLS 1.2, RootCAs from the caBundle, ServerName service.namespace.svc),
// to record what each Go reports for a leaf with a small RSA key (issue: RSA < 1024).
//
//	go run gen.go keys DIR
//	    Writes the committed fixtures into DIR: ca.pem (RSA-2048 CA) and, for
//	    N in 512 1024 2048, leaf-rsaN.pem / leaf-rsaN-key.pem (PKCS #1), issued by
//	    the CA for DNS:webhook.default.svc, valid 2025-01-01..2125-01-01.
//	    Needs a Go that still generates 512-bit keys (Go 1.19, or rsa1024min=0).
//	go run gen.go serve ADDR_FILE CERT_PEM KEY_PEM [tls1.2|tls1.3|default]
//	    Loads the pair with tls.X509KeyPair, listens on 127.0.0.1:0 (MaxVersion
//	    capped when asked), writes the address to ADDR_FILE and serves until
//	    killed or until ADDR_FILE is removed. Each connection: handshake, then one
//	    HTTP/1.1 request answered "200 OK". One stdout line per connection:
//	    "ok VERSION CIPHER" or "error: " + the server-side handshake error. If the
//	    pair does not load, ADDR_FILE gets "load error: " + the error and gen exits 1.
//	go run gen.go dial ADDR CA_PEM SERVER_NAME
//	    Handshakes, sends "GET /", reads the status line. Prints "ok" or exactly
//	    err.Error(); on success stderr gets the negotiated version and cipher suite.
//	go run gen.go post ADDR CA_PEM SERVER_NAME
//	    The same TLS config in a net/http Transport (dialing ADDR), POSTing to
//	    https://SERVER_NAME:443/validate?timeout=10s as kube-apiserver's webhook
//	    client does; prints "ok" (status 200) or exactly err.Error() (a *url.Error).
//
// Standard library only; these keys are test fixtures and protect nothing.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io/ioutil"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func versionName(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "TLS 1.0"
	case tls.VersionTLS11:
		return "TLS 1.1"
	case tls.VersionTLS12:
		return "TLS 1.2"
	case tls.VersionTLS13:
		return "TLS 1.3"
	}
	return fmt.Sprintf("0x%04x", v)
}

func writePEM(path, typ string, der []byte) {
	must(ioutil.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o644))
}

func keys(dir string) {
	notBefore := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	notAfter := time.Date(2125, 1, 1, 0, 0, 0, 0, time.UTC)
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "handshake-test-ca"},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	must(err)
	ca, err := x509.ParseCertificate(caDER)
	must(err)
	writePEM(filepath.Join(dir, "ca.pem"), "CERTIFICATE", caDER)
	for i, bits := range []int{512, 1024, 2048} {
		key, err := rsa.GenerateKey(rand.Reader, bits)
		must(err)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(int64(100 + i)),
			Subject:      pkix.Name{CommonName: "webhook"},
			DNSNames:     []string{"webhook.default.svc"},
			NotBefore:    notBefore,
			NotAfter:     notAfter,
			KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		must(err)
		writePEM(filepath.Join(dir, fmt.Sprintf("leaf-rsa%d.pem", bits)), "CERTIFICATE", der)
		writePEM(filepath.Join(dir, fmt.Sprintf("leaf-rsa%d-key.pem", bits)), "RSA PRIVATE KEY",
			x509.MarshalPKCS1PrivateKey(key))
	}
}

func serve(addrFile, certFile, keyFile, cap string) {
	certPEM, err := ioutil.ReadFile(certFile)
	must(err)
	keyPEM, err := ioutil.ReadFile(keyFile)
	must(err)
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		must(ioutil.WriteFile(addrFile, []byte("load error: "+err.Error()+"\n"), 0o644))
		os.Exit(1)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{pair}}
	switch cap {
	case "tls1.2":
		cfg.MaxVersion = tls.VersionTLS12
	case "tls1.3":
		cfg.MaxVersion = tls.VersionTLS13
	case "", "default":
	default:
		panic("unknown cap " + cap)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	must(err)
	tmp := addrFile + ".tmp"
	must(ioutil.WriteFile(tmp, []byte(ln.Addr().String()+"\n"), 0o644))
	must(os.Rename(tmp, addrFile))
	go func() { // stop when ADDR_FILE goes away
		for {
			time.Sleep(100 * time.Millisecond)
			if _, err := os.Stat(addrFile); err != nil {
				os.Exit(0)
			}
		}
	}()
	for {
		c, err := ln.Accept()
		must(err)
		conn := c.(*tls.Conn)
		conn.SetDeadline(time.Now().Add(20 * time.Second))
		if err := conn.Handshake(); err != nil {
			fmt.Printf("error: %s\n", err.Error())
			conn.Close()
			continue
		}
		st := conn.ConnectionState()
		fmt.Printf("ok %s %s\n", versionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadString('\n')
			if err != nil || line == "\r\n" {
				break
			}
		}
		conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
		conn.Close()
	}
}

func dial(addr, caFile, serverName string) {
	caPEM, err := ioutil.ReadFile(caFile)
	must(err)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		panic("no CA certificate in " + caFile)
	}
	// As client-go's transport.TLSConfigFor builds it for a webhook's clientConfig.
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		ServerName: serverName,
		RootCAs:    pool,
	}
	raw, err := net.DialTimeout("tcp", addr, 10*time.Second)
	must(err)
	conn := tls.Client(raw, cfg)
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	if err := conn.Handshake(); err != nil {
		fmt.Println(err.Error())
		return
	}
	if _, err := conn.Write([]byte("GET / HTTP/1.1\r\nHost: " + serverName + "\r\n\r\n")); err != nil {
		fmt.Println(err.Error())
		return
	}
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		fmt.Println(err.Error())
		return
	}
	if !(strings.HasPrefix(status, "HTTP/1.1 200 ") || strings.HasPrefix(status, "HTTP/1.0 200 ")) {
		fmt.Printf("unexpected status %q\n", status)
		return
	}
	st := conn.ConnectionState()
	fmt.Fprintf(os.Stderr, "%s %s\n", versionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
	fmt.Println("ok")
}

func post(addr, caFile, serverName string) {
	caPEM, err := ioutil.ReadFile(caFile)
	must(err)
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		panic("no CA certificate in " + caFile)
	}
	d := &net.Dialer{Timeout: 10 * time.Second}
	client := &http.Client{
		Timeout: 20 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{
				MinVersion: tls.VersionTLS12,
				ServerName: serverName,
				RootCAs:    pool,
			},
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return d.DialContext(ctx, network, addr)
			},
		},
	}
	resp, err := client.Post("https://"+serverName+":443/validate?timeout=10s", "application/json", strings.NewReader("{}"))
	if err != nil {
		fmt.Println(err.Error())
		return
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		fmt.Printf("unexpected status %q\n", resp.Status)
		return
	}
	fmt.Println("ok")
}

func main() {
	args := os.Args[1:]
	switch {
	case len(args) == 2 && args[0] == "keys":
		keys(args[1])
	case (len(args) == 4 || len(args) == 5) && args[0] == "serve":
		cap := ""
		if len(args) == 5 {
			cap = args[4]
		}
		serve(args[1], args[2], args[3], cap)
	case len(args) == 4 && args[0] == "dial":
		dial(args[1], args[2], args[3])
	case len(args) == 4 && args[0] == "post":
		post(args[1], args[2], args[3])
	default:
		fmt.Fprintln(os.Stderr, "usage: gen keys DIR | gen serve ADDR_FILE CERT KEY [tls1.2|tls1.3|default] | gen dial|post ADDR CA_PEM SERVER_NAME")
		os.Exit(2)
	}
}
