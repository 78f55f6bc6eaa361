package groupcache

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Running the pool over TLS, as docs/reliability.md describes: each
// server gets a TLSConfig, and each pool's Transport hook a transport that
// trusts the peers' certificate authority. With mutual TLS, which the
// tests use, the servers also demand a certificate from that authority
// of every client, so that only peers can ask them for keys.

// testPKI is a certificate authority and a certificate it issued for
// 127.0.0.1, usable by either end of a connection.
type testPKI struct {
	roots *x509.CertPool
	cert  tls.Certificate
}

func newTestPKI(t *testing.T) *testPKI {
	t.Helper()
	caPub, caKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	notBefore := time.Now().Add(-time.Hour)
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "groupcache test CA"},
		NotBefore:             notBefore,
		NotAfter:              notBefore.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, caPub, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err = x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "groupcache peer"},
		NotBefore:    notBefore,
		NotAfter:     notBefore.Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, pub, caKey)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	return &testPKI{roots: roots, cert: tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: key}}
}

// serverConfig requires clients to present a certificate of the authority.
func (p *testPKI) serverConfig() *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{p.cert},
		ClientCAs:    p.roots,
		ClientAuth:   tls.RequireAndVerifyClientCert,
	}
}

// clientTransport returns a transport for a pool's Transport hook that
// trusts the authority and, if withCert, presents the certificate. It is
// closed when the test ends.
func (p *testPKI) clientTransport(t *testing.T, withCert bool) *http.Transport {
	conf := &tls.Config{RootCAs: p.roots}
	if withCert {
		conf.Certificates = []tls.Certificate{p.cert}
	}
	tr := &http.Transport{TLSClientConfig: conf, MaxIdleConnsPerHost: 64}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// startTLSCluster is startCluster over mutual TLS: self and the peer
// list use https URLs.
func startTLSCluster(t *testing.T, n int, pki *testPKI, opts HTTPPoolOptions) *testCluster {
	t.Helper()
	c := &testCluster{t: t, loads: make(map[string][]string)}
	urls := make([]string, n)
	for i := range urls {
		p := &testPeer{reg: NewRegistry()}
		o := opts
		o.Registry = p.reg
		p.server = httptest.NewUnstartedServer(nil)
		p.server.TLS = pki.serverConfig()
		p.server.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes
		p.url = "https://" + p.server.Listener.Addr().String()
		p.pool = NewHTTPPoolOpts(p.url, &o)
		tr := pki.clientTransport(t, true)
		p.pool.Transport = func(context.Context) http.RoundTripper { return tr }
		p.server.Config.Handler = p.pool
		p.server.StartTLS()
		t.Cleanup(p.server.Close)
		urls[i] = p.url
		url := p.url
		p.group = p.reg.NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
			c.mu.Lock()
			c.loads[key] = append(c.loads[key], url)
			c.mu.Unlock()
			return dest.SetString("v:" + key)
		}))
		c.peers = append(c.peers, p)
	}
	for _, p := range c.peers {
		p.pool.Set(urls...)
	}
	return c
}

func TestTLSCluster(t *testing.T) {
	for _, tc := range []struct {
		name   string
		secret []byte
	}{
		{"mutual TLS", nil},
		{"mutual TLS and Secret", testSecret},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			// Mutual TLS authenticates the peers, so unsigned
			// writes may be allowed.
			c := startTLSCluster(t, 3, newTestPKI(t), HTTPPoolOptions{Secret: tc.secret, AllowUnsignedWrites: true})
			checkRouting(t, c, 30)
			owner := c.peers[0]
			key := c.keysOwnedBy(owner, 1)[0]
			if err := c.peers[1].group.Set(context.Background(), key, []byte("new"), time.Time{}); err != nil {
				t.Fatalf("Set over TLS: %v", err)
			}
			if got := getString(t, owner.group, key); got != "new" {
				t.Fatalf("after a Set over TLS the owner has %q", got)
			}
		})
	}
}

func TestTLSRefusesOutsiders(t *testing.T) {
	pki := newTestPKI(t)
	for _, tc := range []struct {
		name string
		// transport returns the outsider's transport, nil for the
		// pool's own.
		transport func(t *testing.T) http.RoundTripper
		scheme    string
	}{
		{"no client certificate", func(t *testing.T) http.RoundTripper { return pki.clientTransport(t, false) }, "https"},
		{"certificate of another authority", func(t *testing.T) http.RoundTripper { return newTestPKI(t).clientTransport(t, true) }, "https"},
		{"does not trust the servers", func(t *testing.T) http.RoundTripper { return nil }, "https"},
		{"plain HTTP", func(t *testing.T) http.RoundTripper { return nil }, "http"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			c := startTLSCluster(t, 2, pki, HTTPPoolOptions{})
			outsider := startCluster(t, 1, 1<<20, &HTTPPoolOptions{PeerTimeout: 5 * time.Second}, nil).peers[0]
			if tr := tc.transport(t); tr != nil {
				outsider.pool.Transport = func(context.Context) http.RoundTripper { return tr }
			}
			var urls []string
			for _, p := range c.peers {
				urls = append(urls, tc.scheme+strings.TrimPrefix(p.url, "https"))
			}
			outsider.pool.Set(urls...)
			for i := 0; i < 5; i++ {
				k := fmt.Sprintf("key-%d", i)
				if got := getString(t, outsider.group, k); got != "v:"+k {
					t.Fatalf("Get(%q) = %q", k, got)
				}
				if got := c.loadsOf(k); len(got) != 0 {
					t.Fatalf("peers %v ran their Getter for an outsider", got)
				}
			}
			if st := &outsider.group.Stats; st.PeerErrors.Get() != 5 || st.LocalLoads.Get() != 5 {
				t.Fatalf("outsider: PeerErrors %v, LocalLoads %v; want 5, 5", &st.PeerErrors, &st.LocalLoads)
			}
		})
	}
}
