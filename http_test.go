package groupcache

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPeersRouteEachKeyToItsOwner(t *testing.T) {
	c := startCluster(t, 3, 1<<20, nil, nil)
	keys := make([]string, 60)
	for i := range keys {
		keys[i] = fmt.Sprintf("key-%d", i)
	}
	owners := map[*testPeer]int{}
	for _, k := range keys {
		for _, p := range c.peers {
			var s string
			if err := p.group.Get(context.Background(), k, StringSink(&s)); err != nil {
				t.Fatalf("Get(%q) on %s: %v", k, p.url, err)
			}
			if s != "v:"+k {
				t.Fatalf("Get(%q) = %q", k, s)
			}
		}
		owner := c.owner(k)
		owners[owner]++
		if got := c.loadsOf(k); len(got) != 1 || got[0] != owner.url {
			t.Fatalf("key %q loaded by %v; want once, by its owner %s", k, got, owner.url)
		}
	}
	if len(owners) != 3 {
		t.Fatalf("60 keys were owned by only %d of 3 peers", len(owners))
	}
	for _, p := range c.peers {
		st := &p.group.Stats
		if st.PeerErrors.Get() != 0 {
			t.Errorf("%s: %v peer errors", p.url, &st.PeerErrors)
		}
		if st.PeerLoads.Get() == 0 || st.ServerRequests.Get() == 0 {
			t.Errorf("%s: peer loads %v, server requests %v; want both > 0", p.url, &st.PeerLoads, &st.ServerRequests)
		}
	}
}

func TestPopularRemoteKeyIsCopiedToHotCache(t *testing.T) {
	c := startCluster(t, 3, 1<<20, nil, nil)
	owner := c.peers[0]
	key := c.keysOwnedBy(owner, 1)[0]
	asker := c.peers[1]
	// Each remote load is copied with probability 1/10: 200 tries
	// leave a chance of (9/10)^200, about 1e-9, of no copy.
	for i := 0; i < 200 && asker.group.CacheStats(HotCache).Items == 0; i++ {
		var s string
		if err := asker.group.Get(context.Background(), key, StringSink(&s)); err != nil {
			t.Fatal(err)
		}
	}
	if asker.group.CacheStats(HotCache).Items != 1 {
		t.Fatal("a key asked for 200 times never reached the hot cache")
	}
	served := owner.group.Stats.ServerRequests.Get()
	var s string
	if err := asker.group.Get(context.Background(), key, StringSink(&s)); err != nil || s != "v:"+key {
		t.Fatalf("Get = %q, %v", s, err)
	}
	if owner.group.Stats.ServerRequests.Get() != served {
		t.Fatal("a hot key was fetched from its owner again")
	}
	if asker.group.CacheStats(MainCache).Items != 0 {
		t.Fatal("a remote key was put in the main cache")
	}
}

func TestColdKeyLoadedOnceAcrossPeers(t *testing.T) {
	release := make(chan struct{})
	var started atomic.Int64
	c := startCluster(t, 3, 1<<20, nil, func(ctx context.Context, peer, key string, dest Sink) error {
		started.Add(1)
		select {
		case <-release:
		case <-ctx.Done():
			return ctx.Err()
		}
		return dest.SetString("v:" + key)
	})
	const callers = 99
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for i := 0; i < callers; i++ {
		p := c.peers[i%3]
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s string
			err := p.group.Get(context.Background(), "cold", StringSink(&s))
			if err == nil && s != "v:cold" {
				err = fmt.Errorf("got %q", s)
			}
			errs <- err
		}()
	}
	owner := c.owner("cold")
	// Wait until every caller has joined a load and both non-owners'
	// requests have reached the owner.
	waitFor(t, func() bool {
		var loads int64
		for _, p := range c.peers {
			loads += p.group.Stats.Loads.Get()
		}
		return started.Load() == 1 && loads == callers+2
	})
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := c.loadsOf("cold"); len(got) != 1 || got[0] != owner.url {
		t.Fatalf("loaded by %v; want once, by the owner", got)
	}
	if n := owner.group.Stats.ServerRequests.Get(); n != 2 {
		t.Fatalf("owner served %d requests; want one from each non-owner", n)
	}
}

func TestOwnerDownFallsBackToLocalLoad(t *testing.T) {
	c := startCluster(t, 3, 1<<20, &HTTPPoolOptions{PeerTimeout: 2 * time.Second}, nil)
	down := c.peers[2]
	keys := c.keysOwnedBy(down, 5)
	down.server.Close()
	asker := c.peers[0]
	for _, k := range keys {
		var s string
		start := time.Now()
		if err := asker.group.Get(context.Background(), k, StringSink(&s)); err != nil || s != "v:"+k {
			t.Fatalf("Get(%q) with its owner down = %q, %v", k, s, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Get took %v with the owner refusing connections", d)
		}
	}
	if n := asker.group.Stats.PeerErrors.Get(); n != int64(len(keys)) {
		t.Fatalf("PeerErrors = %d; want %d", n, len(keys))
	}
	if n := asker.group.Stats.LocalLoads.Get(); n != int64(len(keys)) {
		t.Fatalf("LocalLoads = %d; want %d", n, len(keys))
	}
}

func TestServeHTTPRejectsBadRequests(t *testing.T) {
	reg := NewRegistry()
	var loads atomic.Int64
	reg.NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		loads.Add(1)
		return dest.SetString("v")
	}))
	pool := NewHTTPPoolOpts("http://self", &HTTPPoolOptions{Registry: reg, MaxKeyBytes: 16})
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/_groupcache/nope/k", http.StatusNotFound},
		{"GET", "/_groupcache/g", http.StatusBadRequest},
		{"GET", "/_groupcache/g/" + strings.Repeat("k", 17), http.StatusRequestURITooLong},
		{"GET", "/elsewhere/g/k", http.StatusNotFound},
		{"POST", "/_groupcache/g/k", http.StatusMethodNotAllowed},
		{"PATCH", "/_groupcache/g/k", http.StatusMethodNotAllowed},
		{"GET", "/_groupcache/g/k", http.StatusOK},
	} {
		rec := httptest.NewRecorder()
		pool.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.want {
			t.Errorf("%s %s = %d; want %d", tc.method, tc.path, rec.Code, tc.want)
		}
	}
	if n := loads.Load(); n != 1 {
		t.Fatalf("Getter ran %d times; want once, for the one good request", n)
	}
}

func TestHTTPPoolPerRegistryOnly(t *testing.T) {
	reg := NewRegistry()
	NewHTTPPoolOpts("http://a", &HTTPPoolOptions{Registry: reg})
	defer func() {
		if recover() == nil {
			t.Fatal("a second pool on one registry did not panic")
		}
	}()
	NewHTTPPoolOpts("http://a", &HTTPPoolOptions{Registry: reg})
}

func TestPickPeerWithoutPeers(t *testing.T) {
	pool := NewHTTPPoolOpts("http://self", &HTTPPoolOptions{Registry: NewRegistry()})
	if p, ok := pool.PickPeer("k"); ok || p != nil {
		t.Fatal("a pool with no peers picked one")
	}
	pool.Set("http://self")
	if _, ok := pool.PickPeer("k"); ok {
		t.Fatal("a pool whose only peer is itself picked a remote peer")
	}
}

func TestPeerErrorIsTyped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer srv.Close()
	pool := NewHTTPPoolOpts("http://self", &HTTPPoolOptions{Registry: NewRegistry()})
	pool.Set(srv.URL)
	peer, ok := pool.PickPeer("k")
	if !ok {
		t.Fatal("no peer picked")
	}
	err := peer.Get(context.Background(), getRequest("g", "k"), new(getResponse))
	var se *PeerStatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusInternalServerError {
		t.Fatalf("error %v; want a *PeerStatusError with status 500", err)
	}
}

func TestNotFoundTravelsFromTheOwner(t *testing.T) {
	c := startCluster(t, 3, 1<<20, nil, func(_ context.Context, _, key string, dest Sink) error {
		if strings.HasPrefix(key, "missing") {
			return fmt.Errorf("no row for %q: %w", key, ErrNotFound)
		}
		return dest.SetString("v:" + key)
	})
	owner := c.peers[0]
	var key string
	for i := 0; key == ""; i++ {
		if k := fmt.Sprintf("missing-%d", i); c.owner(k) == owner {
			key = k
		}
	}
	asker := c.peers[1]
	var s string
	if err := asker.group.Get(context.Background(), key, StringSink(&s)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a key the owner's Getter does not find: %v; want ErrNotFound", err)
	}
	if loads := c.loadsOf(key); len(loads) != 1 || loads[0] != owner.url {
		t.Fatalf("Getter ran on %v; want only on the owner", loads)
	}
	for _, p := range []*testPeer{owner, asker} {
		if st := &p.group.Stats; st.PeerErrors.Get() != 0 || st.LocalLoadErrs.Get() != 0 {
			t.Fatalf("%s counted PeerErrors %v, LocalLoadErrs %v for a key that does not exist", p.url, &st.PeerErrors, &st.LocalLoadErrs)
		}
	}
	// Any other error of the owner is a failure: the asker loads itself.
	if err := asker.group.Get(context.Background(), "present", StringSink(&s)); err != nil || s != "v:present" {
		t.Fatalf("Get of a present key: %q, %v", s, err)
	}
}
