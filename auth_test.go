package groupcache

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

var testSecret = []byte("correct horse battery staple")

func TestSignedClusterWorks(t *testing.T) {
	checkLeaks(t)
	c := startCluster(t, 3, 1<<20, &HTTPPoolOptions{Secret: testSecret}, nil)
	checkRouting(t, c, 30)
	// Writes are signed too: a Set and a Remove reach the owner.
	owner := c.peers[0]
	key := c.keysOwnedBy(owner, 1)[0]
	writer := c.peers[1]
	if err := writer.group.Set(context.Background(), key, []byte("new"), time.Time{}); err != nil {
		t.Fatalf("signed Set: %v", err)
	}
	if got := getString(t, owner.group, key); got != "new" {
		t.Fatalf("after a signed Set the owner has %q", got)
	}
	if err := writer.group.Remove(context.Background(), key); err != nil {
		t.Fatalf("signed Remove: %v", err)
	}
	if _, _, ok := owner.group.lookupCache(key, owner.group.hash(key)); ok {
		t.Fatal("a signed Remove left the key at its owner")
	}
}

func TestIntruderPoolIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		secret []byte
	}{
		{"no secret", nil},
		{"wrong secret", []byte("guess")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			c := startCluster(t, 2, 1<<20, &HTTPPoolOptions{Secret: testSecret}, nil)
			// Allowing unsigned writes makes an intruder without a
			// Secret send its Set, for the cluster to refuse.
			intruder := startCluster(t, 1, 1<<20, &HTTPPoolOptions{Secret: tc.secret, AllowUnsignedWrites: true, PeerTimeout: 5 * time.Second}, nil).peers[0]
			intruder.pool.Set(c.peers[0].url, c.peers[1].url)
			for i := 0; i < 5; i++ {
				k := fmt.Sprintf("key-%d", i)
				if got := getString(t, intruder.group, k); got != "v:"+k {
					t.Fatalf("Get(%q) = %q", k, got)
				}
				for _, p := range c.peers {
					for _, loader := range c.loadsOf(k) {
						if loader == p.url {
							t.Fatalf("the Getter of %s ran for an intruder's request for %q", p.url, k)
						}
					}
				}
			}
			if st := &intruder.group.Stats; st.PeerErrors.Get() != 5 || st.LocalLoads.Get() != 5 {
				t.Fatalf("intruder: PeerErrors %v, LocalLoads %v; want 5, 5", &st.PeerErrors, &st.LocalLoads)
			}
			key := c.keysOwnedBy(c.peers[0], 1)[0]
			if err := intruder.group.Set(context.Background(), key, []byte("forged"), time.Time{}); err == nil {
				t.Fatal("an intruder's Set succeeded")
			}
			if got := getString(t, c.peers[0].group, key); got != "v:"+key {
				t.Fatalf("after an intruder's Set the owner serves %q", got)
			}
		})
	}
}

// signedHead returns the head of a raw request with the headers that
// signHeaders gives it with secret at time at. mangle, if not nil, may
// change them first.
func signedHead(method, path string, secret, body []byte, at time.Time, contentLength int, mangle func(http.Header)) string {
	req, err := http.NewRequest(method, "http://x"+path, nil)
	if err != nil {
		panic(err)
	}
	if secret != nil {
		for _, kv := range signHeaders(secret, method, req.URL.EscapedPath(), body, at) {
			req.Header.Set(kv[0], kv[1])
		}
	}
	if mangle != nil {
		mangle(req.Header)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n", method, path)
	req.Header.Write(&b)
	if contentLength >= 0 {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", contentLength)
	}
	b.WriteString("\r\n")
	return b.String()
}

func TestBadSignaturesAreRefusedBeforeAnyWork(t *testing.T) {
	ep := startEndpoint(t, HTTPPoolOptions{Secret: testSecret})
	now := time.Now()
	put := setRequestBody("g", "k", "forged")
	// A body the size of a large legal value: a server that read it
	// before checking the signature would read all of it.
	big := setRequestBody("g", "k", strings.Repeat("v", 3<<20))
	const path = "/_groupcache/g/k"
	for _, tc := range []struct {
		name string
		head string
		body []byte
		want int
	}{
		{"unsigned GET", signedHead("GET", path, nil, nil, now, -1, nil), nil, 401},
		{"unsigned PUT of 3 MiB", signedHead("PUT", path, nil, nil, now, len(big), nil), big, 401},
		{"wrong secret", signedHead("GET", path, []byte("guess"), nil, now, -1, nil), nil, 403},
		{"wrong secret, PUT of 3 MiB", signedHead("PUT", path, []byte("guess"), big, now, len(big), nil), big, 403},
		{"signed too long ago", signedHead("GET", path, testSecret, nil, now.Add(-MaxSignatureSkew-2*time.Second), -1, nil), nil, 403},
		{"signed in the future", signedHead("GET", path, testSecret, nil, now.Add(2*MaxSignatureSkew), -1, nil), nil, 403},
		{"signed for another key", strings.Replace(signedHead("GET", "/_groupcache/g/other", testSecret, nil, now, -1, nil), "/_groupcache/g/other", path, 1), nil, 403},
		{"signed for a group and key that end a longer path", strings.Replace(signedHead("GET", path, testSecret, nil, now, -1, nil), path, "/_groupcache/g/g/k", 1), nil, 403},
		{"signature of a GET on a DELETE", strings.Replace(signedHead("GET", path, testSecret, nil, now, -1, nil), "GET", "DELETE", 1), nil, 403},
		{"timestamp changed", signedHead("GET", path, testSecret, nil, now, -1, func(h http.Header) {
			h.Set(headerTimestamp, fmt.Sprint(now.Unix()+1))
		}), nil, 403},
		{"signature not hex", signedHead("GET", path, testSecret, nil, now, -1, func(h http.Header) {
			h.Set(headerSignature, "zz")
		}), nil, 403},
		{"timestamp not a number", signedHead("GET", path, testSecret, nil, now, -1, func(h http.Header) {
			h.Set(headerTimestamp, "soon")
		}), nil, 403},
		{"timestamp far out of range", signedHead("GET", path, testSecret, nil, now, -1, func(h http.Header) {
			h.Set(headerTimestamp, "-9223372036854775808")
		}), nil, 403},
		{"PUT whose body is not the one signed", signedHead("PUT", path, testSecret, setRequestBody("g", "k", "signed"), now, len(put), nil), put, 403},
		{"PUT without the body's hash", signedHead("PUT", path, testSecret, put, now, len(put), func(h http.Header) {
			h.Del(headerBodySHA256)
		}), put, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ep.group.removeLocally("k") // a failed case must not spill into this one
			read, loads := ep.read.Load(), ep.loads.Load()
			var body io.Reader
			if tc.body != nil {
				body = strings.NewReader(string(tc.body))
			}
			if got := exchange(t, ep.addr, tc.head, body); got != tc.want {
				t.Fatalf("status %d; want %d", got, tc.want)
			}
			if n := ep.loads.Load() - loads; n != 0 {
				t.Fatalf("the Getter ran %d times", n)
			}
			if st := ep.group.CacheStats(MainCache); st.Items != 0 {
				t.Fatal("a refused request stored a value")
			}
			time.Sleep(20 * time.Millisecond) // let the server finish draining
			if n := ep.read.Load() - read; n > 1<<20 {
				t.Fatalf("the server read %d bytes of a request it refused", n)
			}
		})
	}

	// Good signatures, within the allowed skew either way, are accepted.
	for _, at := range []time.Time{now, now.Add(-MaxSignatureSkew / 2), now.Add(MaxSignatureSkew / 2)} {
		if got := exchange(t, ep.addr, signedHead("GET", path, testSecret, nil, at, -1, nil), nil); got != 200 {
			t.Fatalf("good GET signed %v from now: status %d", at.Sub(now), got)
		}
		ep.group.removeLocally("k")
	}
	good := setRequestBody("g", "k", "signed")
	if got := exchange(t, ep.addr, signedHead("PUT", path, testSecret, good, now, len(good), nil), strings.NewReader(string(good))); got != 204 {
		t.Fatalf("good PUT: status %d", got)
	}
	if v, _, ok := ep.group.lookupCache("k", ep.group.hash("k")); !ok || v.String() != "signed" {
		t.Fatalf("after a good PUT the cache holds %q, %v", v.String(), ok)
	}
}

func TestUnsignedRequestIsAskedToAuthenticate(t *testing.T) {
	ep := startEndpoint(t, HTTPPoolOptions{Secret: testSecret})
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	res, err := client.Get("http://" + ep.addr + "/_groupcache/g/k")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized || res.Header.Get("WWW-Authenticate") != authScheme {
		t.Fatalf("status %s, WWW-Authenticate %q; want 401 and %q", res.Status, res.Header.Get("WWW-Authenticate"), authScheme)
	}
}

func TestSecretIsCopied(t *testing.T) {
	secret := []byte("s3cret")
	pool := NewHTTPPoolOpts("http://self", &HTTPPoolOptions{Registry: NewRegistry(), Secret: secret})
	secret[0] = 'X'
	if string(pool.opts.Secret) != "s3cret" {
		t.Fatalf("changing the caller's slice changed the pool's secret to %q", pool.opts.Secret)
	}
}

func TestReplayOutsideSkewIsRefused(t *testing.T) {
	ep := startEndpoint(t, HTTPPoolOptions{Secret: testSecret})
	// Capture a request that a pool really sent.
	var captured *http.Request
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := NewHTTPPoolOpts("http://client", &HTTPPoolOptions{Registry: NewRegistry(), Secret: testSecret})
	client.Transport = func(context.Context) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			captured = r.Clone(context.Background())
			return tr.RoundTrip(r)
		})
	}
	client.Set("http://" + ep.addr)
	peer, _ := client.PickPeer("k")
	if err := peer.Get(context.Background(), getRequest("g", "k"), new(getResponse)); err != nil {
		t.Fatalf("signed Get: %v", err)
	}
	// The same request, arriving later, is judged by the server's clock
	// at its arrival.
	sent := time.Now()
	for _, tc := range []struct {
		arrival time.Duration
		want    int
	}{
		{0, http.StatusOK},
		{MaxSignatureSkew - 2*time.Second, http.StatusOK}, // the window the docs admit
		{MaxSignatureSkew + 2*time.Second, http.StatusForbidden},
		{time.Hour, http.StatusForbidden},
	} {
		if _, got := ep.pool.authenticate(captured, "g", "k", sent.Add(tc.arrival)); got != tc.want {
			t.Errorf("replayed %v later: status %d; want %d", tc.arrival, got, tc.want)
		}
	}
}
