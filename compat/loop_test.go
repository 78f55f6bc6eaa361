package compat

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"
)

// disagree gives each of two peers a ring holding only the other, so that
// each names the other as the owner of every key: a transient state while
// a membership change reaches the peers one by one.
func disagree(t testing.TB, a, b peer) {
	a.SetPeers(t, b.URL())
	b.SetPeers(t, a.URL())
}

// TestDisagreeingRingsDoNotLoop checks that two of our peers whose rings
// disagree answer promptly: a peer serves a request from another peer
// itself, never forwarding it, so a key goes at most one hop.
func TestDisagreeingRingsDoNotLoop(t *testing.T) {
	a, b := startOurPeer(t, nil), startOurPeer(t, nil)
	disagree(t, a, b)
	// A forwarding loop would block until the deadline and then fail, or
	// load the key locally after counting a peer error; this bound is
	// only there to end the test if it does.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	t.Run("each way", func(t *testing.T) {
		for _, tc := range []struct {
			key      string
			asked    *ourPeer
			loadedBy *ourPeer
		}{{"asked-of-a", a, b}, {"asked-of-b", b, a}} {
			v, err := tc.asked.Get(ctx, t, tc.key)
			if err != nil || v != valueOf(tc.key) {
				t.Fatalf("Get(%q) on %s = %q, %v; want %q", tc.key, tc.asked.URL(), v, err, valueOf(tc.key))
			}
			if got := loadersByKey(t, a, b)[tc.key]; len(got) != 1 || got[0] != tc.loadedBy.URL() {
				t.Errorf("%q was loaded by %v; want once, by %s, which was asked for it by its owner", tc.key, got, tc.loadedBy.URL())
			}
		}
		if ra, rb := a.ServerRequests(t), b.ServerRequests(t); ra != 1 || rb != 1 {
			t.Errorf("peers served %d and %d requests; want 1 each, no request forwarded", ra, rb)
		}
	})

	t.Run("both at once", func(t *testing.T) {
		const numKeys = 50
		var wg sync.WaitGroup
		for i := range numKeys {
			k := fmt.Sprintf("both-%d", i)
			for _, p := range []*ourPeer{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if v, err := p.Get(ctx, t, k); err != nil || v != valueOf(k) {
						t.Errorf("Get(%q) on %s = %q, %v; want %q", k, p.URL(), v, err, valueOf(k))
					}
				}()
			}
		}
		wg.Wait()
		// Each peer may load a key once, for the other's request, unless
		// its own request found the key already cached.
		loaders := loadersByKey(t, a, b)
		for i := range numKeys {
			k := fmt.Sprintf("both-%d", i)
			if got := loaders[k]; len(got) == 0 || len(got) > 2 || len(got) == 2 && got[0] == got[1] {
				t.Errorf("%q was loaded by %v; want once or twice, at most once per peer", k, got)
			}
		}
	})

	for _, p := range []*ourPeer{a, b} {
		if n := p.group.Stats.PeerErrors.Get(); n != 0 {
			t.Errorf("%s counted %d peer errors; want none", p.URL(), n)
		}
	}
}

// TestUpstreamDisagreeingRingsLoop shows what the test above guards
// against: upstream's peers forward requests that came from a peer, so
// with disagreeing rings a request goes from a to b and back to a, where
// it waits for a's own load of the key, which waits for b. The cycle
// lasts until a's deadline cancels its request to b, after which a loads
// the key itself.
func TestUpstreamDisagreeingRingsLoop(t *testing.T) {
	a, b := startUpstreamPeer(t), startUpstreamPeer(t)
	disagree(t, a, b)
	const key = "looping"
	// The deadline that breaks the cycle is the one a's Get runs with;
	// the control request itself may take longer.
	v, err := a.control(context.Background(), http.MethodGet, "get", url.Values{"key": {key}, "timeout": {"1s"}})
	if err != nil || v != valueOf(key) {
		t.Fatalf("Get(%q) on a = %q, %v; want %q", key, v, err, valueOf(key))
	}
	if n := a.ServerRequests(t); n != 1 {
		t.Errorf("a served %d peer requests; want 1, its own request come back through b", n)
	}
	if n := b.ServerRequests(t); n != 1 {
		t.Errorf("b served %d peer requests; want 1", n)
	}
	if n := a.PeerErrors(t); n != 1 {
		t.Errorf("a counted %d peer errors; want 1, its request to b cancelled at the deadline", n)
	}
	if got := a.Loads(t); len(got) != 1 || got[0] != key {
		t.Errorf("a loaded %q; want [%q] after its request to b failed", got, key)
	}
}
