package compat

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache"
	"github.com/seed3c1b93bc/groupcache/consistenthash"
)

// TestWritesWithUpstreamPeers checks Set and Remove, which upstream lacks,
// in a ring shared with an upstream peer. Upstream's server answers every
// method as a GET, so a write sent to it makes it get the key (a load, if
// it owns the key) and answer 200; our client must report the write as
// unsupported, not as done, and the values every peer serves must stay
// consistent.
func TestWritesWithUpstreamPeers(t *testing.T) {
	// Our peer takes unsigned writes: upstream peers cannot sign.
	ours, up := startOurPeer(t, &groupcache.HTTPPoolOptions{AllowUnsignedWrites: true}), startUpstreamPeer(t)
	urls := []string{ours.URL(), up.URL()}
	ours.SetPeers(t, urls...)
	up.SetPeers(t, urls...)
	ring := consistenthash.New(defaultReplicas, nil)
	ring.Add(urls...)
	keyOwnedBy := func(owner string) string {
		for i := range 1000 {
			if k := fmt.Sprintf("write-%d", i); ring.Get(k) == owner {
				return k
			}
		}
		t.Fatalf("no key of 1000 is owned by %s", owner)
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	get := func(p peer, key string) string {
		t.Helper()
		v, err := p.Get(ctx, t, key)
		if err != nil {
			t.Fatalf("Get(%q) on %s: %v", key, p.URL(), err)
		}
		return v
	}
	unsupported := func(op string, err error) {
		t.Helper()
		var pe *groupcache.PeerError
		if !errors.Is(err, groupcache.ErrWritesUnsupported) || !errors.As(err, &pe) || !strings.HasPrefix(pe.Peer, up.URL()) {
			t.Errorf("%s: error %v; want a *PeerError for %s wrapping ErrWritesUnsupported", op, err, up.URL())
		}
	}

	t.Run("set at an upstream owner", func(t *testing.T) {
		k := keyOwnedBy(up.URL())
		unsupported("Set", ours.group.Set(ctx, k, []byte("new"), time.Time{}))
		if v := get(ours, k); v != valueOf(k) {
			t.Errorf("after a refused Set, Get(%q) = %q; want the owner's %q", k, v, valueOf(k))
		}
		if got := up.Loads(t); len(got) != 1 || got[0] != k {
			t.Errorf("upstream owner loaded %q; want [%q], for the PUT it took for a GET", got, k)
		}
	})

	t.Run("set and remove at our owner", func(t *testing.T) {
		k := keyOwnedBy(ours.URL())
		unsupported("Set", ours.group.Set(ctx, k, []byte("new"), time.Time{}))
		for _, p := range []peer{ours, up} {
			if v := get(p, k); v != "new" {
				t.Errorf("after Set, Get(%q) on %s = %q; want %q", k, p.URL(), v, "new")
			}
		}
		unsupported("Remove", ours.group.Remove(ctx, k))
		if v := get(ours, k); v != valueOf(k) {
			t.Errorf("after Remove, Get(%q) on the owner = %q; want %q, loaded again", k, v, valueOf(k))
		}
	})
}
