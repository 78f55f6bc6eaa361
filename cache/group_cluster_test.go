package cache_test

import (
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache"
	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// groupPeer is one member of an in-process test cluster, with what a
// separate process would have of its own: a Registry, an HTTPPool bound to
// it and served on a loopback port, the group, and a store over it.
type groupPeer struct {
	name  string
	pool  *groupcache.HTTPPool
	group *groupcache.Group
	store cachecore.Store
	cache *cache.Cache
}

// clusterSpec describes a test cluster; the zero value is three peers with
// a NotFoundGetter and default options.
type clusterSpec struct {
	peers     int
	getter    func(peer string) groupcache.Getter
	groupOpts *groupcache.GroupOptions
	storeCfg  cache.GroupStoreConfig
}

// startGroupCluster starts the peers of spec on 127.0.0.1, every pool
// knowing every peer, and stops them when the test ends.
func startGroupCluster(t *testing.T, spec clusterSpec) []*groupPeer {
	t.Helper()
	if spec.peers == 0 {
		spec.peers = 3
	}
	if spec.getter == nil {
		spec.getter = func(string) groupcache.Getter { return cache.NotFoundGetter{} }
	}
	// Every listener is open before any pool is made, because each pool
	// needs every peer's URL.
	servers := make([]*httptest.Server, spec.peers)
	urls := make([]string, spec.peers)
	for i := range servers {
		servers[i] = httptest.NewUnstartedServer(nil)
		urls[i] = "http://" + servers[i].Listener.Addr().String()
	}
	peers := make([]*groupPeer, spec.peers)
	for i, ts := range servers {
		name := string(rune('A' + i))
		r := groupcache.NewRegistry()
		// The store's Set and Delete reach other peers: the test
		// cluster, on loopback, takes writes without a Secret.
		pool := groupcache.NewHTTPPoolOpts(urls[i], &groupcache.HTTPPoolOptions{Registry: r, AllowUnsignedWrites: true})
		pool.Set(urls...)
		group := r.NewGroupOpts("users", 64<<20, spec.getter(name), spec.groupOpts)
		store := cache.NewGroupStoreWithConfig(group, spec.storeCfg)
		peers[i] = &groupPeer{name: name, pool: pool, group: group, store: store, cache: cache.NewCache(store)}
		ts.Config.Handler = pool
		ts.Start()
		t.Cleanup(ts.Close)
	}
	return peers
}

// ownerOf returns the peer whose ring names no other peer as key's owner.
func ownerOf(t *testing.T, peers []*groupPeer, key string) *groupPeer {
	t.Helper()
	for _, p := range peers {
		if _, remote := p.pool.PickPeer(key); !remote {
			return p
		}
	}
	t.Fatalf("no peer owns %q", key)
	return nil
}

// loadLog records which peer's Getter ran for which key.
type loadLog struct {
	mu    sync.Mutex
	loads map[string][]string // key -> peer names, in order
}

func (l *loadLog) record(peer, key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.loads == nil {
		l.loads = make(map[string][]string)
	}
	l.loads[key] = append(l.loads[key], peer)
}

// loaders returns the peers whose Getter ran for key.
func (l *loadLog) loaders(key string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.loads[key])
}

// fakeClock is a clock that moves only when told to, shared by the groups
// and stores of a test so that expiry needs no sleeping.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
