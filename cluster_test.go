package groupcache

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
)

// testPeer is one in-process peer: a registry, its pool, and a real HTTP
// server on 127.0.0.1.
type testPeer struct {
	url    string
	reg    *Registry
	pool   *HTTPPool
	server *httptest.Server
	group  *Group
}

// testCluster is a set of peers that all know each other, with a log of
// which peer ran the Getter for which key.
type testCluster struct {
	t     testing.TB
	peers []*testPeer

	mu    sync.Mutex
	loads map[string][]string // key → URLs of the peers that loaded it
}

// startCluster starts n peers, each with group "g" of cacheBytes, whose
// Getter records the load and then calls load (nil means the value is
// "v:"+key).
func startCluster(t *testing.T, n int, cacheBytes int64, opts *HTTPPoolOptions, load func(ctx context.Context, peer, key string, dest Sink) error) *testCluster {
	t.Helper()
	return startClusterOpts(t, n, cacheBytes, opts, nil, load)
}

// startClusterOpts is startCluster with group options.
func startClusterOpts(t *testing.T, n int, cacheBytes int64, opts *HTTPPoolOptions, gopts *GroupOptions, load func(ctx context.Context, peer, key string, dest Sink) error) *testCluster {
	t.Helper()
	return startClusterMounted(t, n, cacheBytes, opts, gopts, nil, load)
}

// A mount serves a peer's pool as part of a larger handler, such as a
// ServeMux.
type mount struct {
	prefix  string                       // the path of the peers' base URLs
	handler func(*HTTPPool) http.Handler // the whole handler of a peer
}

// startClusterMounted is startClusterOpts with each pool served as m
// says; a nil m makes the pool the whole handler.
func startClusterMounted(t *testing.T, n int, cacheBytes int64, opts *HTTPPoolOptions, gopts *GroupOptions, m *mount, load func(ctx context.Context, peer, key string, dest Sink) error) *testCluster {
	t.Helper()
	c := &testCluster{t: t, loads: make(map[string][]string)}
	urls := make([]string, n)
	for i := 0; i < n; i++ {
		p := &testPeer{reg: NewRegistry()}
		o := HTTPPoolOptions{}
		if opts != nil {
			o = *opts
		}
		o.Registry = p.reg
		// The pool needs its own URL, which is known once the
		// server listens and before it serves.
		p.server = httptest.NewUnstartedServer(nil)
		p.url = "http://" + p.server.Listener.Addr().String()
		if m != nil {
			p.url += m.prefix
		}
		p.pool = NewHTTPPoolOpts(p.url, &o)
		p.server.Config.Handler = p.pool
		if m != nil {
			p.server.Config.Handler = m.handler(p.pool)
		}
		p.server.Start()
		urls[i] = p.url
		url := p.url
		p.group = p.reg.NewGroupOpts("g", cacheBytes, GetterFunc(func(ctx context.Context, key string, dest Sink) error {
			c.mu.Lock()
			c.loads[key] = append(c.loads[key], url)
			c.mu.Unlock()
			if load != nil {
				return load(ctx, url, key, dest)
			}
			return dest.SetString("v:" + key)
		}), gopts)
		c.peers = append(c.peers, p)
		t.Cleanup(p.server.Close)
		t.Cleanup(p.pool.transport.CloseIdleConnections)
	}
	for _, p := range c.peers {
		p.pool.Set(urls...)
	}
	return c
}

// owner returns the peer that owns key.
func (c *testCluster) owner(key string) *testPeer {
	for _, p := range c.peers {
		if _, remote := p.pool.PickPeer(key); !remote {
			return p
		}
	}
	panic("no owner for " + key)
}

func (c *testCluster) loadsOf(key string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.loads[key]...)
}

// keysOwnedBy returns n keys that p owns and the others do not, or fails
// the test.
func (c *testCluster) keysOwnedBy(p *testPeer, n int) []string {
	c.t.Helper()
	var keys []string
	for i := 0; len(keys) < n && i < 100*n+1000; i++ {
		k := fmt.Sprintf("key-%d", i)
		if c.owner(k) == p {
			keys = append(keys, k)
		}
	}
	// A test given fewer keys than it asked for could pass on none.
	if len(keys) < n {
		c.t.Fatalf("found %d keys owned by %s; want %d", len(keys), p.url, n)
	}
	return keys
}

func getRequest(group, key string) *pb.GetRequest {
	return &pb.GetRequest{Group: &group, Key: &key}
}

type getResponse = pb.GetResponse

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// checkRouting asks every peer of c for n keys and checks that each value
// is right, that each key was loaded once, by its owner, and that no peer
// counted a peer error.
func checkRouting(t *testing.T, c *testCluster, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		k := fmt.Sprintf("key-%d", i)
		for _, p := range c.peers {
			if got := getString(t, p.group, k); got != "v:"+k {
				t.Fatalf("Get(%q) on %s = %q", k, p.url, got)
			}
		}
		if got := c.loadsOf(k); len(got) != 1 || got[0] != c.owner(k).url {
			t.Fatalf("key %q loaded by %v; want once, by its owner", k, got)
		}
	}
	for _, p := range c.peers {
		if st := &p.group.Stats; st.PeerErrors.Get() != 0 || st.PeerLoads.Get() == 0 {
			t.Fatalf("%s: PeerErrors %v, PeerLoads %v; want 0 and some", p.url, &st.PeerErrors, &st.PeerLoads)
		}
	}
}
