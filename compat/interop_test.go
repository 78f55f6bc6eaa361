package compat

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	upconsistenthash "github.com/golang/groupcache/consistenthash"
	"github.com/seed3c1b93bc/groupcache/consistenthash"
)

// TestMixedRingLoadsEachKeyOnceAtItsOwner runs two peers of ours and two of
// upstream's on one ring, asks every peer for every key at once, and
// checks that each key was loaded exactly once, by the peer that both
// implementations' rings name as its owner.
func TestMixedRingLoadsEachKeyOnceAtItsOwner(t *testing.T) {
	peers := []peer{startOurPeer(t, nil), startOurPeer(t, nil), startUpstreamPeer(t), startUpstreamPeer(t)}
	urls := joinRing(t, peers...)

	upRing := upconsistenthash.New(defaultReplicas, nil)
	upRing.Add(urls...)
	ourRing := consistenthash.New(defaultReplicas, nil)
	ourRing.Add(urls...)
	const numKeys = 200
	keys := make([]string, numKeys)
	owner := make(map[string]string, numKeys)
	owned := make(map[string]int)
	for i := range keys {
		k := fmt.Sprintf("key-%d", i)
		keys[i] = k
		owner[k] = ourRing.Get(k)
		if up := upRing.Get(k); up != owner[k] {
			t.Fatalf("owner of %q: ours %s, upstream %s", k, owner[k], up)
		}
		owned[owner[k]]++
	}
	for _, u := range urls {
		if owned[u] == 0 {
			t.Fatalf("peer %s owns none of the %d keys; the test would not exercise it (owners: %v)", u, numKeys, owned)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for _, p := range peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, k := range keys {
				v, err := p.Get(ctx, t, k)
				if err != nil {
					t.Errorf("Get(%q) on %s: %v", k, p.URL(), err)
					return
				}
				if v != valueOf(k) {
					t.Errorf("Get(%q) on %s = %q; want %q", k, p.URL(), v, valueOf(k))
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	loaders := loadersByKey(t, peers...)
	for _, k := range keys {
		if got := loaders[k]; len(got) != 1 || got[0] != owner[k] {
			t.Errorf("key %q was loaded by [%s]; want once, by its owner %s", k, strings.Join(got, " "), owner[k])
		}
		delete(loaders, k)
	}
	for k, by := range loaders {
		t.Errorf("unasked key %q was loaded by %v", k, by)
	}
	for _, p := range peers {
		want := int64((len(peers) - 1) * owned[p.URL()])
		if got := p.ServerRequests(t); got != want {
			t.Errorf("%s served %d requests from peers; want %d, one per other peer and owned key", p.URL(), got, want)
		}
	}
}
