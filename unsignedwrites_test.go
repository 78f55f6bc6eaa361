package groupcache

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestUnsignedWritesAreRefusedUnlessAllowed checks that a pool without a
// Secret serves reads only, as golang/groupcache does, unless it opts in
// to unsigned writes: anyone who can reach an endpoint that takes unsigned
// PUT and DELETE can change or drop any key of the cluster.
func TestUnsignedWritesAreRefusedUnlessAllowed(t *testing.T) {
	ctx := context.Background()

	t.Run("endpoint refuses PUT and DELETE", func(t *testing.T) {
		ep := startEndpoint(t, HTTPPoolOptions{})
		if got := getString(t, ep.group, "k"); got != "v:k" {
			t.Fatalf("Get = %q", got)
		}
		body := setRequestBody("g", "k", "forged")
		for _, tc := range []struct {
			method string
			body   []byte
		}{{"PUT", body}, {"DELETE", nil}} {
			head := fmt.Sprintf("%s /_groupcache/g/k HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", tc.method, len(tc.body))
			if got := exchange(t, ep.addr, head, strings.NewReader(string(tc.body))); got != http.StatusForbidden {
				t.Errorf("%s: status %d; want 403", tc.method, got)
			}
			if v, _, ok := ep.group.lookupCache("k", ep.group.hash("k")); !ok || v.String() != "v:k" {
				t.Errorf("after a refused %s the endpoint holds %q, %v; want the loaded value", tc.method, v.String(), ok)
			}
		}
		// Reads are served as before.
		head := "GET /_groupcache/g/other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
		if got := exchange(t, ep.addr, head, nil); got != http.StatusOK {
			t.Errorf("GET: status %d; want 200", got)
		}
	})

	t.Run("caller gets ErrWritesRefused from the peer", func(t *testing.T) {
		ep := startEndpoint(t, HTTPPoolOptions{})
		client, _ := newClientOf(t, ep, HTTPPoolOptions{AllowUnsignedWrites: true})
		checkRefused(t, "Set", client.Set(ctx, "k", []byte("forged"), time.Time{}), ep)
		checkRefused(t, "Remove", client.Remove(ctx, "k"), ep)
		if st := ep.group.CacheStats(MainCache); st.Items != 0 {
			t.Fatalf("the endpoint stored %d items", st.Items)
		}
	})

	t.Run("caller without Secret or opt-in fails fast", func(t *testing.T) {
		// The endpoint would take the write: the caller must not send it.
		ep := startEndpoint(t, HTTPPoolOptions{AllowUnsignedWrites: true})
		client, _ := newClientOf(t, ep, HTTPPoolOptions{})
		read := ep.read.Load()
		checkRefused(t, "Set", client.Set(ctx, "k", []byte("x"), time.Time{}), ep)
		checkRefused(t, "Remove", client.Remove(ctx, "k"), ep)
		if n := ep.read.Load() - read; n != 0 {
			t.Fatalf("the caller sent %d bytes to the peer", n)
		}
	})

	t.Run("opted in on both sides", func(t *testing.T) {
		c := startCluster(t, 3, 1<<20, &HTTPPoolOptions{AllowUnsignedWrites: true}, nil)
		checkWritesReachOwner(t, c.peers[1].group, c.peers[0].group, c.keysOwnedBy(c.peers[0], 1)[0])
	})

	t.Run("no peers", func(t *testing.T) {
		// A pool whose ring is itself alone has nobody to refuse.
		reg := NewRegistry()
		g := reg.NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
			return dest.SetString("v:" + key)
		}))
		pool := NewHTTPPoolOpts("http://self", &HTTPPoolOptions{Registry: reg})
		pool.Set("http://self")
		checkWritesReachOwner(t, g, g, "k")
	})
}

// newClientOf returns a group "g" and its pool, made with opts, whose
// only peer is ep, so that ep owns every key.
func newClientOf(t *testing.T, ep *endpoint, opts HTTPPoolOptions) (*Group, *HTTPPool) {
	t.Helper()
	opts.Registry = NewRegistry()
	g := opts.Registry.NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		return dest.SetString("local:" + key)
	}))
	pool := NewHTTPPoolOpts("http://client", &opts)
	t.Cleanup(pool.CloseIdleConnections)
	pool.Set("http://" + ep.addr)
	return g, pool
}

// checkRefused checks that err is a *PeerError naming ep and wrapping
// ErrWritesRefused.
func checkRefused(t *testing.T, op string, err error, ep *endpoint) {
	t.Helper()
	var pe *PeerError
	if !errors.Is(err, ErrWritesRefused) || !errors.As(err, &pe) || !strings.Contains(pe.Peer, ep.addr) {
		t.Errorf("%s: error %v; want a *PeerError for %s wrapping ErrWritesRefused", op, err, ep.addr)
	}
}
