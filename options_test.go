package groupcache

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestOutOfRangeOptionsKeepPeersWorking starts three real peers with each
// numeric HTTPPoolOptions field at an extreme, and checks that the pool
// normalized it to what the field's documentation says, and that Gets,
// a Set and a Remove still travel between the peers without errors.
func TestOutOfRangeOptionsKeepPeersWorking(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  HTTPPoolOptions
		check func(o HTTPPoolOptions) bool
	}{
		{"MaxValueBytes=MaxInt64", HTTPPoolOptions{MaxValueBytes: math.MaxInt64},
			func(o HTTPPoolOptions) bool { return o.MaxValueBytes == maxMaxValueBytes }},
		{"MaxValueBytes=-1", HTTPPoolOptions{MaxValueBytes: -1},
			func(o HTTPPoolOptions) bool { return o.MaxValueBytes == DefaultMaxValueBytes }},
		{"MaxValueBytes=MinInt64", HTTPPoolOptions{MaxValueBytes: math.MinInt64},
			func(o HTTPPoolOptions) bool { return o.MaxValueBytes == DefaultMaxValueBytes }},
		{"MaxKeyBytes=MaxInt", HTTPPoolOptions{MaxKeyBytes: math.MaxInt},
			func(o HTTPPoolOptions) bool { return o.MaxKeyBytes == maxMaxKeyBytes }},
		{"MaxKeyBytes=-1", HTTPPoolOptions{MaxKeyBytes: -1},
			func(o HTTPPoolOptions) bool { return o.MaxKeyBytes == DefaultMaxKeyBytes }},
		{"PeerTimeout=MaxInt64", HTTPPoolOptions{PeerTimeout: math.MaxInt64},
			func(o HTTPPoolOptions) bool { return o.PeerTimeout == math.MaxInt64 }},
		{"PeerTimeout=MinInt64", HTTPPoolOptions{PeerTimeout: math.MinInt64},
			func(o HTTPPoolOptions) bool { return o.PeerTimeout < 0 }},
		{"Replicas=-1", HTTPPoolOptions{Replicas: -1},
			func(o HTTPPoolOptions) bool { return o.Replicas == defaultReplicas }},
		{"Replicas=MaxInt", HTTPPoolOptions{Replicas: math.MaxInt},
			func(o HTTPPoolOptions) bool { return o.Replicas == maxReplicas }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			opts := tc.opts
			opts.AllowUnsignedWrites = true
			c := startCluster(t, 3, 1<<20, &opts, nil)
			for _, p := range c.peers {
				t.Cleanup(p.pool.CloseIdleConnections)
				if !tc.check(p.pool.opts) {
					t.Fatalf("options became %+v", p.pool.opts)
				}
			}
			checkRouting(t, c, 20)
			owner := c.peers[0]
			key := c.keysOwnedBy(owner, 1)[0]
			if err := c.peers[1].group.Set(context.Background(), key, []byte("set"), time.Time{}); err != nil {
				t.Fatalf("Set: %v", err)
			}
			for _, p := range c.peers {
				if got := getString(t, p.group, key); got != "set" {
					t.Fatalf("after Set, Get on %s = %q", p.url, got)
				}
			}
			if err := c.peers[2].group.Remove(context.Background(), key); err != nil {
				t.Fatalf("Remove: %v", err)
			}
			if got := getString(t, c.peers[1].group, key); got != "v:"+key {
				t.Fatalf("after Remove, Get = %q", got)
			}
			for _, p := range c.peers {
				if n := p.group.Stats.PeerErrors.Get(); n != 0 {
					t.Fatalf("%s counted %d PeerErrors", p.url, n)
				}
			}
		})
	}
}

// TestOutOfRangeGroupOptions checks what a negative cacheBytes and a
// negative TTL mean: nothing cached, and values that never expire.
func TestOutOfRangeGroupOptions(t *testing.T) {
	var loads atomic.Int64
	getter := GetterFunc(func(_ context.Context, key string, dest Sink) error {
		loads.Add(1)
		return dest.SetString("v:" + key)
	})
	for _, cacheBytes := range []int64{-1, math.MinInt64} {
		loads.Store(0)
		g := NewRegistry().NewGroup("g", cacheBytes, getter)
		for range 3 {
			if got := getString(t, g, "k"); got != "v:k" {
				t.Fatalf("cacheBytes %d: Get = %q", cacheBytes, got)
			}
		}
		if err := g.Set(context.Background(), "k", []byte("set"), time.Time{}); err != nil {
			t.Fatal(err)
		}
		if got := getString(t, g, "k"); got != "v:k" || loads.Load() != 4 {
			t.Fatalf("cacheBytes %d: Get = %q after %d loads; want nothing cached", cacheBytes, got, loads.Load())
		}
	}
	for _, ttl := range []time.Duration{-1, math.MinInt64} {
		loads.Store(0)
		clock := newFakeClock()
		g := NewRegistry().NewGroupOpts("g", 1<<20, getter, &GroupOptions{TTL: ttl, Now: clock.Now})
		getString(t, g, "k")
		clock.Advance(1000 * time.Hour)
		if got := getString(t, g, "k"); got != "v:k" || loads.Load() != 1 {
			t.Fatalf("TTL %d: Get = %q after %d loads; want a value that never expires", ttl, got, loads.Load())
		}
	}
}

// TestMaxKeyBytesAtItsLargestServesLongKeys checks that the largest
// MaxKeyBytes still serves a key far longer than the default allows.
func TestMaxKeyBytesAtItsLargestServesLongKeys(t *testing.T) {
	checkLeaks(t)
	c := startCluster(t, 2, 1<<20, &HTTPPoolOptions{MaxKeyBytes: math.MaxInt}, nil)
	for _, p := range c.peers {
		t.Cleanup(p.pool.CloseIdleConnections)
	}
	for i := 0; i < 20; i++ {
		key := fmt.Sprintf("%d-%s", i, strings.Repeat("k", 2*DefaultMaxKeyBytes))
		for _, p := range c.peers {
			if got := getString(t, p.group, key); got != "v:"+key {
				t.Fatalf("Get of a %d-byte key on %s = %.20q…", len(key), p.url, got)
			}
		}
		if got := c.loadsOf(key); len(got) != 1 {
			t.Fatalf("a %d-byte key was loaded %d times; want once, by its owner", len(key), len(got))
		}
	}
}
