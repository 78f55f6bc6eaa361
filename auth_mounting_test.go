package groupcache

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// TestSignedPoolsWorkBehindStripPrefix checks a cluster with a Secret
// whose pools are served under a prefix that http.StripPrefix removes: the
// signature must not cover the path, which the server sees without the
// prefix the client sent.
func TestSignedPoolsWorkBehindStripPrefix(t *testing.T) {
	stripped := &mount{prefix: "/cache", handler: func(p *HTTPPool) http.Handler {
		return http.StripPrefix("/cache", p)
	}}
	c := startClusterMounted(t, 3, 1<<20, &HTTPPoolOptions{Secret: testSecret}, nil, stripped, nil)
	checkRouting(t, c, 30)
	checkWritesReachOwner(t, c.peers[1].group, c.peers[0].group, c.keysOwnedBy(c.peers[0], 1)[0])
}

// TestSignedPoolsWithDifferentBasePaths checks a client and a server with
// a Secret whose base paths differ but whose requests still reach the
// server's pool: the signature covers the group and the key, which both
// agree on, not the path.
func TestSignedPoolsWithDifferentBasePaths(t *testing.T) {
	for _, tc := range []struct {
		name       string
		serverBase string
		serve      func(*HTTPPool) http.Handler
		clientBase string
		peerPath   string // the path of the server's base URL, to the client
	}{
		{
			name:       "server behind StripPrefix, client with the prefix in its base path",
			serverBase: "/_groupcache/",
			serve:      func(p *HTTPPool) http.Handler { return http.StripPrefix("/x", p) },
			clientBase: "/x/_groupcache/",
		},
		{
			name:       "server base path split between the client's peer URL and base path",
			serverBase: "/svc/gc/",
			serve:      func(p *HTTPPool) http.Handler { return p },
			clientBase: "/gc/",
			peerPath:   "/svc",
		},
		{
			name:       "server on a ServeMux behind StripPrefix, client with the prefix in its peer URL",
			serverBase: "/gc/",
			serve: func(p *HTTPPool) http.Handler {
				mux := http.NewServeMux()
				mux.Handle("/api/", http.StripPrefix("/api", p))
				return mux
			},
			clientBase: "/gc/",
			peerPath:   "/api",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			server := startEndpointWith(t, HTTPPoolOptions{Secret: testSecret, BasePath: tc.serverBase}, tc.serve)
			reg := NewRegistry()
			var clientLoads atomic.Int64
			client := reg.NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
				clientLoads.Add(1)
				return dest.SetString("v:" + key)
			}))
			pool := NewHTTPPoolOpts("http://client", &HTTPPoolOptions{Registry: reg, Secret: testSecret, BasePath: tc.clientBase})
			t.Cleanup(pool.CloseIdleConnections)
			pool.Set("http://" + server.addr + tc.peerPath)
			for _, k := range []string{"k", "a/b", "..", "with space"} {
				if got := getString(t, client, k); got != "v:"+k {
					t.Fatalf("Get(%q) = %q", k, got)
				}
				if got := server.lastKey(); got != k {
					t.Fatalf("Get(%q) reached the server as %q", k, got)
				}
			}
			if n := client.Stats.PeerErrors.Get(); n != 0 || clientLoads.Load() != 0 {
				t.Fatalf("client: %d peer errors, %d local loads; want none", n, clientLoads.Load())
			}
			checkWritesReachOwner(t, client, server.group, "k")
		})
	}
}

// checkWritesReachOwner checks that a Set and a Remove of key from writer
// reach owner.
func checkWritesReachOwner(t *testing.T, writer, owner *Group, key string) {
	t.Helper()
	ctx := context.Background()
	if err := writer.Set(ctx, key, []byte("new"), time.Time{}); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if v, _, ok := owner.lookupCache(key, owner.hash(key)); !ok || v.String() != "new" {
		t.Fatalf("after Set the owner holds %q, %v", v.String(), ok)
	}
	if err := writer.Remove(ctx, key); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if _, _, ok := owner.lookupCache(key, owner.hash(key)); ok {
		t.Fatal("after Remove the owner still holds the key")
	}
}
