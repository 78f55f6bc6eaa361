package groupcache

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// Tests of a pool served as part of a larger handler: on a ServeMux, as
// NewHTTPPool does, or under a prefix that http.StripPrefix removes.

// onServeMux serves the pool on a ServeMux of its own at its base path,
// as NewHTTPPool does with http.DefaultServeMux.
var onServeMux = &mount{handler: func(p *HTTPPool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(p.opts.BasePath, p)
	return mux
}}

// dotKeys are keys that a ServeMux would take for dot segments of the
// path and clean away, and their neighbours.
var dotKeys = []string{".", "..", "...", "./", "/.", "a/../b", "../", "%2E", "%2e%2E"}

// TestDotKeysReachTheirOwnerThroughServeMux checks that every key reaches
// its owner when the pools are served through a ServeMux: a ServeMux
// cleans "." and ".." segments from a path and redirects, so unless the
// client escapes them, a Get of such a key fails over to a local load and
// a Set or Remove of it fails.
func TestDotKeysReachTheirOwnerThroughServeMux(t *testing.T) {
	for _, via := range []string{"own client", "net/http"} {
		t.Run(via, func(t *testing.T) {
			c := startClusterMounted(t, 3, 1<<20, &HTTPPoolOptions{Secret: testSecret}, nil, onServeMux, nil)
			if via == "net/http" {
				tr := &http.Transport{}
				t.Cleanup(tr.CloseIdleConnections)
				for _, p := range c.peers {
					p.pool.Transport = func(context.Context) http.RoundTripper { return tr }
				}
			}
			ctx := context.Background()
			for _, k := range dotKeys {
				owner := c.owner(k)
				for _, p := range c.peers {
					if got := getString(t, p.group, k); got != "v:"+k {
						t.Fatalf("Get(%q) on %s = %q", k, p.url, got)
					}
				}
				if got := c.loadsOf(k); len(got) != 1 || got[0] != owner.url {
					t.Errorf("key %q loaded by %v; want once, by its owner %s", k, got, owner.url)
				}
				writer := c.peers[0]
				if writer == owner {
					writer = c.peers[1]
				}
				if err := writer.group.Set(ctx, k, []byte("set"), time.Time{}); err != nil {
					t.Errorf("Set(%q) from a non-owner: %v", k, err)
				} else if got := getString(t, owner.group, k); got != "set" {
					t.Errorf("after Set(%q) the owner serves %q", k, got)
				}
				if err := writer.group.Remove(ctx, k); err != nil {
					t.Errorf("Remove(%q) from a non-owner: %v", k, err)
				} else if _, _, ok := owner.group.lookupCache(k, owner.group.hash(k)); ok {
					t.Errorf("after Remove(%q) the owner still holds it", k)
				}
			}
			for _, p := range c.peers {
				if n := p.group.Stats.PeerErrors.Get(); n != 0 {
					t.Errorf("%s counted %d peer errors", p.url, n)
				}
			}
		})
	}
}

// TestRequestPathEscapesDotSegments checks the escaping of a group and a
// key in a request path: only a segment that is exactly "." or ".." has
// its dots escaped; everything else is escaped as golang/groupcache's
// server and every earlier server of this package decode it.
func TestRequestPathEscapesDotSegments(t *testing.T) {
	for _, tc := range []struct{ group, key, want string }{
		{"g", ".", "g/%2E"},
		{"g", "..", "g/%2E%2E"},
		{".", "k", "%2E/k"},
		{"..", "..", "%2E%2E/%2E%2E"},
		{"g", "...", "g/..."},
		{"g", "a.b", "g/a.b"},
		{"g", "../x", "g/..%2Fx"},
		{"g", "", "g/"},
		{"g", "a b+c", "g/a%20b%2Bc"},
	} {
		if got := requestPath(tc.group, tc.key); got != tc.want {
			t.Errorf("requestPath(%q, %q) = %q; want %q", tc.group, tc.key, got, tc.want)
		}
	}
}
