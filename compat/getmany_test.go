package compat

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
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
	ours := startOurPeer(t, nil)
	peers := []peer{ours, startOurPeer(t, nil), startUpstreamPeer(t), startUpstreamPeer(t)}
	joinRing(t, peers...)
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
	checkMixedRingLoads(t, ours, keys, peers...)
}

// TestCoalescedGetsOnMixedRing has a peer of ours, whose Gets wait for
// requests in flight to be coalesced, get keys owned by upstream peers and
// by another peer of ours from 32 goroutines at once, twice. Batches to
// the upstream peers are refused with 400 and their keys asked for on
// their own; the peer of ours answers batches. Every key is loaded once,
// by its owner, and no request counts as a peer error.
func TestCoalescedGetsOnMixedRing(t *testing.T) {
	// An hour's wait: a batch leaves only when a request in flight is
	// answered, or when it is full.
	ours := startOurPeer(t, &groupcache.HTTPPoolOptions{CoalesceWait: time.Hour})
	peers := []peer{ours, startOurPeer(t, nil), startUpstreamPeer(t), startUpstreamPeer(t)}
	joinRing(t, peers...)
	keys := make([]string, 200)
	for i := range keys {
		keys[i] = fmt.Sprintf("coalesced-%d", i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for round := 0; round < 2; round++ {
		vals, errs := make([]string, len(keys)), make([]error, len(keys))
		var next atomic.Int64
		var wg sync.WaitGroup
		for range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1) - 1); i < len(keys); i = int(next.Add(1) - 1) {
					vals[i], errs[i] = ours.Get(ctx, t, keys[i])
				}
			}()
		}
		wg.Wait()
		for i, k := range keys {
			if errs[i] != nil || vals[i] != valueOf(k) {
				t.Fatalf("round %d: Get(%q) = %q, %v; want %q", round, k, vals[i], errs[i], valueOf(k))
			}
		}
	}
	checkMixedRingLoads(t, ours, keys, peers...)
}

// checkMixedRingLoads checks that ours counted no peer error and that each
// of keys, and no other key, was loaded once among peers, by the owner
// ours's pool names for it.
func checkMixedRingLoads(t *testing.T, ours *ourPeer, keys []string, peers ...peer) {
	t.Helper()
	if n := ours.group.Stats.PeerErrors.Get(); n != 0 {
		t.Errorf("PeerErrors = %d; want 0", n)
	}
	loaders := loadersByKey(t, peers...)
	for _, k := range keys {
		// The pool names a peer by its URL with the base path; ours
		// owns the keys it names no peer for.
		want := ours.URL()
		if owner, _ := ours.pool.PickPeer(k); owner != nil {
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
