package groupcache

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestSetRefusesValueOverMaxValueBytes checks that Set applies the pool's
// MaxValueBytes wherever the owner is: a value no peer could fetch from
// the owner must not be stored there either, or every other peer would
// count a PeerError and serve its own Getter's value instead.
func TestSetRefusesValueOverMaxValueBytes(t *testing.T) {
	checkLeaks(t)
	const limit = 1 << 10
	c := startCluster(t, 3, 1<<20, &HTTPPoolOptions{MaxValueBytes: limit, AllowUnsignedWrites: true}, nil)
	for _, p := range c.peers {
		t.Cleanup(p.pool.CloseIdleConnections)
	}
	owner := c.peers[0]
	keys := c.keysOwnedBy(owner, 2)
	big := []byte(strings.Repeat("B", limit+1))
	for i, setter := range []*testPeer{owner, c.peers[1]} {
		key := keys[i]
		err := setter.group.Set(context.Background(), key, big, time.Time{})
		if !errors.Is(err, ErrValueTooLarge) {
			t.Fatalf("Set of %d bytes from %s = %v; want ErrValueTooLarge", len(big), setter.url, err)
		}
		for _, p := range c.peers {
			if got := getString(t, p.group, key); got != "v:"+key {
				t.Fatalf("after the refused Set, Get on %s = %.10q…; want the Getter's value", p.url, got)
			}
		}
	}
	// At the limit, the value is stored and travels.
	fits := []byte(strings.Repeat("F", limit))
	if err := owner.group.Set(context.Background(), keys[0], fits, time.Time{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range c.peers {
		if got := getString(t, p.group, keys[0]); got != string(fits) {
			t.Fatalf("Get on %s = %.10q…; want the value Set", p.url, got)
		}
	}
	for _, p := range c.peers {
		if n := p.group.Stats.PeerErrors.Get(); n != 0 {
			t.Fatalf("%s counted %d PeerErrors", p.url, n)
		}
	}
	// A group without peers has no MaxValueBytes to apply.
	g := NewRegistry().NewGroup("g", 1<<20, &countingGetter{})
	if err := g.Set(context.Background(), "k", big, time.Time{}); err != nil {
		t.Fatalf("Set in a group without peers: %v", err)
	}
}

// TestGetterValueOverMaxValueBytesIsLoadedByEachPeer documents what
// happens to a value a Getter returns that is too large to travel: the
// owner serves and caches it, each other peer that asks for it counts one
// PeerError, loads it with its own Getter and caches it, and no peer
// serves anything but the Getter's value.
func TestGetterValueOverMaxValueBytesIsLoadedByEachPeer(t *testing.T) {
	checkLeaks(t)
	const limit = 1 << 10
	big := strings.Repeat("G", limit+1)
	c := startCluster(t, 3, 1<<20, &HTTPPoolOptions{MaxValueBytes: limit}, func(_ context.Context, _, key string, dest Sink) error {
		return dest.SetString(big)
	})
	for _, p := range c.peers {
		t.Cleanup(p.pool.CloseIdleConnections)
	}
	owner := c.peers[0]
	key := c.keysOwnedBy(owner, 1)[0]
	for round := 0; round < 3; round++ {
		for _, p := range c.peers {
			if got := getString(t, p.group, key); got != big {
				t.Fatalf("Get on %s = %.10q… (%d bytes); want the Getter's value", p.url, got, len(got))
			}
		}
	}
	if got := c.loadsOf(key); len(got) != 3 {
		t.Fatalf("loaded by %v; want once by each peer", got)
	}
	for _, p := range c.peers[1:] {
		if n := p.group.Stats.PeerErrors.Get(); n != 1 {
			t.Fatalf("%s counted %d PeerErrors; want 1, then its own cached copy", p.url, n)
		}
	}
}
