package groupcache

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRegistryGroupsSorted(t *testing.T) {
	reg := NewRegistry()
	if got := reg.Groups(); len(got) != 0 {
		t.Fatalf("empty registry has groups %v", got)
	}
	getter := GetterFunc(func(context.Context, string, Sink) error { return nil })
	for _, name := range []string{"b", "c", "a"} {
		reg.NewGroup(name, 1<<20, getter)
	}
	var names []string
	for _, g := range reg.Groups() {
		names = append(names, g.Name())
	}
	if got := names; len(got) != 3 || got[0] != "a" || got[1] != "b" || got[2] != "c" {
		t.Fatalf("Groups() names %v; want [a b c]", got)
	}
	if g := reg.Groups()[0]; g.CacheBytes() != 1<<20 {
		t.Fatalf("CacheBytes() = %d; want %d", g.CacheBytes(), 1<<20)
	}
}

func TestRegistryHTTPPool(t *testing.T) {
	reg := NewRegistry()
	if reg.HTTPPool() != nil {
		t.Fatal("a registry without a pool returned one")
	}
	pool := NewHTTPPoolOpts("http://a", &HTTPPoolOptions{Registry: reg})
	if got := reg.HTTPPool(); got != pool {
		t.Fatalf("HTTPPool() = %p; want %p", got, pool)
	}
	other := NewRegistry()
	other.RegisterPeerPicker(func() PeerPicker { return NoPeers{} })
	if other.HTTPPool() != nil {
		t.Fatal("a registry with another picker returned a pool")
	}
}

func TestHTTPPoolPeersShares(t *testing.T) {
	pool := NewHTTPPoolOpts("http://b", &HTTPPoolOptions{Registry: NewRegistry()})
	if got := pool.Peers(); got != nil {
		t.Fatalf("Peers() before Set = %v", got)
	}
	pool.Set("http://c", "http://a", "http://b")
	peers := pool.Peers()
	if len(peers) != 3 || peers[0].URL != "http://a" || peers[1].URL != "http://b" || !peers[1].Self || peers[0].Self {
		t.Fatalf("Peers() = %+v", peers)
	}
	// The shares add up to one, and each matches the fraction of keys
	// the ring gives the peer, within sampling error.
	const n = 20000
	owned := map[string]int{}
	for i := range n {
		k := "key-" + strconv.Itoa(i)
		if p, ok := pool.PickPeer(k); ok {
			owned[strings.TrimSuffix(p.(*httpGetter).baseURL, defaultBasePath)]++
		} else {
			owned["http://b"]++
		}
	}
	sum := 0.0
	for _, p := range peers {
		sum += p.Share
		if got := float64(owned[p.URL]) / n; math.Abs(got-p.Share) > 0.02 {
			t.Errorf("%s owns %.3f of keys; Share says %.3f", p.URL, got, p.Share)
		}
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("shares add up to %v", sum)
	}
}

func TestGroupExpirationsCountedApartFromEvictions(t *testing.T) {
	clock := newFakeClock()
	g := NewRegistry().NewGroupOpts("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		return dest.SetString("v")
	}), &GroupOptions{TTL: time.Minute, Now: clock.Now})
	getString(t, g, "a")
	getString(t, g, "b")
	clock.Advance(2 * time.Minute)
	getString(t, g, "a") // expired: dropped, loaded again
	if got := g.Expirations(MainCache); got != 1 {
		t.Fatalf("Expirations(MainCache) = %d; want 1", got)
	}
	if got := g.CacheStats(MainCache).Evictions; got != 0 {
		t.Fatalf("Evictions = %d; want 0: expiry is not eviction", got)
	}
	if got := g.Expirations(HotCache) + g.Expirations(0); got != 0 {
		t.Fatalf("hot and unknown caches count %d expirations", got)
	}
}
