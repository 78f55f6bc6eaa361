package compat

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache"
)

// TestGetManyOnMixedRing asks a peer of ours for keys owned by upstream
// peers and by another peer of ours with GetMany, twice. Upstream's
// server answers the batch request with 400 rather than taking it for a
// key, so the peer asks it for each key on its own; the peer of ours
// answers in one batch. Every key is loaded once, by its owner, and no
// request counts as a peer error.
func TestGetManyOnMixedRing(t *testing.T) {
	ours, other := startOurPeer(t, nil), startOurPeer(t, nil)
	peers := []peer{ours, other, startUpstreamPeer(t), startUpstreamPeer(t)}
	var urls []string
	for _, p := range peers {
		urls = append(urls, p.URL())
	}
	slices.Sort(urls)
	slices.Reverse(urls) // see TestMixedRingLoadsEachKeyOnceAtItsOwner
	for _, p := range peers {
		p.SetPeers(t, urls...)
	}
	keys := make([]string, 120)
	for i := range keys {
		keys[i] = fmt.Sprintf("many-%d", i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for round := 0; round < 2; round++ {
		vals := make([]string, len(keys))
		err := ours.group.GetMany(ctx, keys, func(i int, _ string) groupcache.Sink {
			return groupcache.StringSink(&vals[i])
		})
		if err != nil {
			t.Fatalf("round %d: GetMany: %v", round, err)
		}
		for i, k := range keys {
			if vals[i] != valueOf(k) {
				t.Fatalf("round %d: key %q = %q; want %q", round, k, vals[i], valueOf(k))
			}
		}
	}
	if n := ours.group.Stats.PeerErrors.Get(); n != 0 {
		t.Errorf("PeerErrors = %d; want 0", n)
	}
	loaders := loadersByKey(t, peers...)
	for _, k := range keys {
		owner, _ := ours.pool.PickPeer(k)
		want := ours.URL()
		if owner != nil {
			want = fmt.Sprint(owner)
		}
		if got := loaders[k]; len(got) != 1 || got[0]+basePath != want && got[0] != want {
			t.Errorf("key %q loaded by %v; want once, by its owner %s", k, got, want)
		}
		delete(loaders, k)
	}
	for k, by := range loaders {
		t.Errorf("unasked key %q was loaded by %v", k, by)
	}
}
