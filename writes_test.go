package groupcache

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// unsignedWrites lets the peers of a test cluster take Set and Remove
// without a Secret.
var unsignedWrites = &HTTPPoolOptions{AllowUnsignedWrites: true}

// versionedLoad returns a Getter body whose values carry a per-key load
// count, so a test can tell a fresh load from a stale copy.
func versionedLoad() func(ctx context.Context, peer, key string, dest Sink) error {
	var mu sync.Mutex
	n := map[string]int{}
	return func(_ context.Context, _, key string, dest Sink) error {
		mu.Lock()
		n[key]++
		v := n[key]
		mu.Unlock()
		return dest.SetString(fmt.Sprintf("%s#%d", key, v))
	}
}

// getString is Get into a string, failing the test on error.
func getString(t *testing.T, g *Group, key string) string {
	t.Helper()
	var s string
	if err := g.Get(context.Background(), key, StringSink(&s)); err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	return s
}

// makeHot asks for key on p until p holds a hot copy.
func makeHot(t *testing.T, p *testPeer, key string) {
	t.Helper()
	for i := 0; i < 300 && p.group.CacheStats(HotCache).Items == 0; i++ {
		getString(t, p.group, key)
	}
	if p.group.CacheStats(HotCache).Items == 0 {
		t.Fatalf("%s never copied %q to its hot cache", p.url, key)
	}
}

func TestExpiryOnOwnerAndHotCopy(t *testing.T) {
	clock := newFakeClock()
	load := versionedLoad()
	c := startClusterOpts(t, 3, 1<<20, nil, &GroupOptions{Now: clock.Now}, func(ctx context.Context, peer, key string, dest Sink) error {
		SetExpiry(dest, clock.Now().Add(time.Minute))
		return load(ctx, peer, key, dest)
	})
	owner := c.peers[0]
	key := c.keysOwnedBy(owner, 1)[0]
	asker := c.peers[1]
	makeHot(t, asker, key)
	if got := getString(t, asker.group, key); got != key+"#1" {
		t.Fatalf("before expiry: %q", got)
	}
	clock.Advance(59 * time.Second)
	if got := getString(t, asker.group, key); got != key+"#1" {
		t.Fatalf("a second before expiry: %q", got)
	}
	clock.Advance(time.Second)
	served := owner.group.Stats.ServerRequests.Get()
	if got := getString(t, asker.group, key); got != key+"#2" {
		t.Fatalf("at expiry the hot copy served %q; want a fresh load", got)
	}
	if owner.group.Stats.ServerRequests.Get() != served+1 {
		t.Fatal("the expired hot copy was not refreshed from the owner")
	}
	if got := getString(t, owner.group, key); got != key+"#2" {
		t.Fatalf("owner after expiry: %q", got)
	}
	if loads := c.loadsOf(key); len(loads) != 2 {
		t.Fatalf("loaded %d times; want twice, once per lifetime", len(loads))
	}
}

func TestGroupTTL(t *testing.T) {
	clock := newFakeClock()
	var loads atomic.Int64
	g := NewRegistry().NewGroupOpts("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		return dest.SetString(fmt.Sprint(loads.Add(1)))
	}), &GroupOptions{TTL: time.Minute, Now: clock.Now})
	if getString(t, g, "k") != "1" {
		t.Fatal("first load")
	}
	clock.Advance(time.Minute - time.Nanosecond)
	if got := getString(t, g, "k"); got != "1" {
		t.Fatalf("before the TTL: %q", got)
	}
	clock.Advance(time.Nanosecond)
	if got := getString(t, g, "k"); got != "2" {
		t.Fatalf("at the TTL: %q; want a new load", got)
	}
	if got := getString(t, g, "k"); got != "2" || loads.Load() != 2 {
		t.Fatalf("after reloading: %q, %d loads", got, loads.Load())
	}
}

func TestGetterExpiryInThePastIsNotCached(t *testing.T) {
	clock := newFakeClock()
	var loads atomic.Int64
	g := NewRegistry().NewGroupOpts("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		loads.Add(1)
		SetExpiry(dest, clock.Now().Add(-time.Second))
		return dest.SetString("stale")
	}), &GroupOptions{Now: clock.Now})
	getString(t, g, "k")
	getString(t, g, "k")
	if loads.Load() != 2 {
		t.Fatalf("loads = %d; an already expired value was served from the cache", loads.Load())
	}
}

func TestSetThenGetFromEveryPeer(t *testing.T) {
	c := startCluster(t, 3, 1<<20, unsignedWrites, versionedLoad())
	owner := c.peers[0]
	key := c.keysOwnedBy(owner, 1)[0]
	for _, p := range c.peers[1:] {
		makeHot(t, p, key)
	}
	for i, writer := range c.peers { // a Set from the owner and from non-owners
		want := fmt.Sprintf("set by %d", i)
		if err := writer.group.Set(context.Background(), key, []byte(want), time.Time{}); err != nil {
			t.Fatalf("Set from %s: %v", writer.url, err)
		}
		for _, p := range c.peers {
			if got := getString(t, p.group, key); got != want {
				t.Fatalf("after Set from %s, Get on %s = %q; want %q", writer.url, p.url, got, want)
			}
		}
	}
	if loads := c.loadsOf(key); len(loads) != 1 {
		t.Fatalf("Getter ran %d times; Set values must be served without loads", len(loads))
	}
}

func TestSetValueIsCopied(t *testing.T) {
	g := NewRegistry().NewGroup("g", 1<<20, &countingGetter{})
	b := []byte("mine")
	if err := g.Set(context.Background(), "k", b, time.Time{}); err != nil {
		t.Fatal(err)
	}
	copy(b, "XXXX")
	if got := getString(t, g, "k"); got != "mine" {
		t.Fatalf("changing the slice after Set changed the cached value to %q", got)
	}
}

func TestSetWithExpiry(t *testing.T) {
	clock := newFakeClock()
	c := startClusterOpts(t, 3, 1<<20, unsignedWrites, &GroupOptions{Now: clock.Now}, versionedLoad())
	owner := c.peers[0]
	key := c.keysOwnedBy(owner, 1)[0]
	if err := c.peers[1].group.Set(context.Background(), key, []byte("short-lived"), clock.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	for _, p := range c.peers {
		if got := getString(t, p.group, key); got != "short-lived" {
			t.Fatalf("%s: %q", p.url, got)
		}
	}
	clock.Advance(time.Second)
	for _, p := range c.peers {
		if got := getString(t, p.group, key); got != key+"#1" {
			t.Fatalf("%s after the Set value expired: %q; want a load", p.url, got)
		}
	}
}

func TestRemoveThenGetFromEveryPeer(t *testing.T) {
	c := startCluster(t, 3, 1<<20, unsignedWrites, versionedLoad())
	owner := c.peers[0]
	key := c.keysOwnedBy(owner, 1)[0]
	for _, p := range c.peers[1:] {
		makeHot(t, p, key)
	}
	for round, remover := range c.peers {
		if err := remover.group.Remove(context.Background(), key); err != nil {
			t.Fatalf("Remove from %s: %v", remover.url, err)
		}
		for _, p := range c.peers {
			if p.group.CacheStats(MainCache).Items+p.group.CacheStats(HotCache).Items != 0 {
				t.Fatalf("round %d: %s still holds the key after Remove", round, p.url)
			}
		}
		want := fmt.Sprintf("%s#%d", key, round+2)
		for _, p := range c.peers {
			if got := getString(t, p.group, key); got != want {
				t.Fatalf("round %d: Get on %s = %q; want %q", round, p.url, got, want)
			}
		}
	}
}

func TestRemoveWithPeerDown(t *testing.T) {
	c := startCluster(t, 3, 1<<20, &HTTPPoolOptions{PeerTimeout: 2 * time.Second, AllowUnsignedWrites: true}, versionedLoad())
	owner, asker, down := c.peers[0], c.peers[1], c.peers[2]
	key := c.keysOwnedBy(owner, 1)[0]
	makeHot(t, asker, key)
	down.server.Close()
	err := asker.group.Remove(context.Background(), key)
	var pe *PeerError
	if !errors.As(err, &pe) || !strings.HasPrefix(pe.Peer, down.url) {
		t.Fatalf("Remove error %v; want a *PeerError naming %s", err, down.url)
	}
	if strings.Contains(err.Error(), owner.url) {
		t.Fatalf("Remove error %v names the owner, which was reached", err)
	}
	if owner.group.CacheStats(MainCache).Items != 0 || asker.group.CacheStats(HotCache).Items != 0 {
		t.Fatal("the reachable peers kept the key")
	}
}

func TestSetWithOwnerDownFails(t *testing.T) {
	c := startCluster(t, 3, 1<<20, &HTTPPoolOptions{PeerTimeout: 2 * time.Second, AllowUnsignedWrites: true}, versionedLoad())
	owner := c.peers[0]
	key := c.keysOwnedBy(owner, 1)[0]
	owner.server.Close()
	err := c.peers[1].group.Set(context.Background(), key, []byte("x"), time.Time{})
	var pe *PeerError
	if !errors.As(err, &pe) || !strings.HasPrefix(pe.Peer, owner.url) {
		t.Fatalf("Set error %v; want a *PeerError naming the owner", err)
	}
}

// TestRemoveRacesInflightLoads checks that once Remove returns, no Get
// that starts later sees a value loaded before it: the source's version is
// bumped before each Remove, and every later Get must see at least that
// version.
func TestRemoveRacesInflightLoads(t *testing.T) {
	for _, tc := range []struct {
		name  string
		peers int
	}{{"local", 1}, {"cluster", 3}} {
		t.Run(tc.name, func(t *testing.T) {
			var version atomic.Int64
			c := startCluster(t, tc.peers, 1<<20, unsignedWrites, func(_ context.Context, _, key string, dest Sink) error {
				v := version.Load()
				time.Sleep(time.Duration(v%3) * 100 * time.Microsecond) // vary the interleaving
				return dest.SetString(fmt.Sprint(v))
			})
			key := "contended"
			var published atomic.Int64 // a version whose Remove has returned
			var wg sync.WaitGroup
			stop := make(chan struct{})
			errs := make(chan error, 8)
			for r := 0; r < 4; r++ {
				p := c.peers[r%len(c.peers)]
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 2000; i++ {
						select {
						case <-stop:
							return
						default:
						}
						floor := published.Load()
						var s string
						if err := p.group.Get(context.Background(), key, StringSink(&s)); err != nil {
							errs <- err
							return
						}
						var got int64
						fmt.Sscan(s, &got)
						if got < floor {
							errs <- fmt.Errorf("Get on %s returned version %d after Remove of version %d returned", p.url, got, floor)
							return
						}
					}
				}()
			}
			for i := 0; i < 200; i++ {
				v := version.Add(1)
				remover := c.peers[i%len(c.peers)]
				if err := remover.group.Remove(context.Background(), key); err != nil {
					t.Fatal(err)
				}
				published.Store(v)
			}
			close(stop)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
		})
	}
}

func TestGetAfterRemoveDoesNotJoinOlderLoad(t *testing.T) {
	release := make(chan struct{})
	var loads atomic.Int64
	g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		if loads.Add(1) == 1 {
			<-release // the first load is slow and will be stale
			return dest.SetString("old")
		}
		return dest.SetString("new")
	}))
	oldDone := make(chan string)
	go func() { oldDone <- getString(t, g, "k") }()
	waitFor(t, func() bool { return loads.Load() == 1 })
	if err := g.Remove(context.Background(), "k"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var got string
	if err := g.Get(ctx, "k", StringSink(&got)); err != nil || got != "new" {
		t.Fatalf("a Get after Remove returned %q, %v; it joined a load from before", got, err)
	}
	close(release)
	if got := <-oldDone; got != "old" {
		t.Fatalf("the earlier Get returned %q", got)
	}
	if got := getString(t, g, "k"); got != "new" {
		t.Fatalf("after the stale load finished, Get = %q; it was cached over the newer value", got)
	}
}
