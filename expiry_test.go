package groupcache

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"testing"
	"time"
)

// farFutures are expiries later than Unix nanoseconds in an int64 can
// hold (the limit falls in April 2262), and TTLs that overflow it when
// added to the present.
var farFutures = []time.Time{
	time.Unix(0, math.MaxInt64).Add(time.Nanosecond),
	time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC),
	time.Date(2846, 1, 1, 0, 0, 0, 0, time.UTC),
	time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC),
	time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
}

var farTTLs = []time.Duration{math.MaxInt64, math.MaxInt64 - 1, 200 * 365 * 24 * time.Hour, 250 * 365 * 24 * time.Hour}

func TestFarFutureExpiryMeansNever(t *testing.T) {
	for _, far := range farFutures {
		t.Run(far.String(), func(t *testing.T) {
			var loads atomic.Int64
			g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
				loads.Add(1)
				SetExpiry(dest, far)
				return dest.SetString("v:" + key)
			}))
			getString(t, g, "k")
			if got := getString(t, g, "k"); got != "v:k" || loads.Load() != 1 {
				t.Fatalf("Get = %q after %d loads; want the value loaded once", got, loads.Load())
			}
			if err := g.Set(context.Background(), "s", []byte("set"), far); err != nil {
				t.Fatal(err)
			}
			if got := getString(t, g, "s"); got != "set" {
				t.Fatalf("after Set to expire at %v, Get = %q", far, got)
			}
		})
	}
	for _, ttl := range farTTLs {
		t.Run(fmt.Sprintf("TTL %d", ttl), func(t *testing.T) {
			var loads atomic.Int64
			g := NewRegistry().NewGroupOpts("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
				loads.Add(1)
				return dest.SetString("v:" + key)
			}), &GroupOptions{TTL: ttl})
			getString(t, g, "k")
			if got := getString(t, g, "k"); got != "v:k" || loads.Load() != 1 {
				t.Fatalf("Get = %q after %d loads; want the value loaded once", got, loads.Load())
			}
			if err := g.Set(context.Background(), "s", []byte("set"), time.Time{}); err != nil {
				t.Fatal(err)
			}
			if got := getString(t, g, "s"); got != "set" {
				t.Fatalf("after Set with the group's TTL, Get = %q", got)
			}
		})
	}
}

// TestFarPastExpiryIsExpired checks the other end: times before 1970, and
// before 1678, where UnixNano overflows too, are already past.
func TestFarPastExpiryIsExpired(t *testing.T) {
	for _, past := range []time.Time{
		time.Unix(0, 0),
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(-5000, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		var loads atomic.Int64
		g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
			loads.Add(1)
			SetExpiry(dest, past)
			return dest.SetString("v")
		}))
		getString(t, g, "k")
		getString(t, g, "k")
		if n := loads.Load(); n != 2 {
			t.Fatalf("expiry %v: loaded %d times in two Gets; want 2, nothing cached", past, n)
		}
	}
}

// TestFarFutureExpiryTravelsBetweenPeers checks over the wire that a
// value whose expiry is past 2262, from a Getter, a TTL or a Set, is
// served by its owner to the other peers as a value that never expires.
func TestFarFutureExpiryTravelsBetweenPeers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		gopts *GroupOptions
		far   time.Time // the Getter's expiry and Set's
	}{
		{"SetExpiry in 2300", nil, time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"SetExpiry in 3000", nil, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"TTL of MaxInt64", &GroupOptions{TTL: math.MaxInt64}, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			c := startClusterOpts(t, 3, 1<<20, &HTTPPoolOptions{AllowUnsignedWrites: true}, tc.gopts, func(_ context.Context, _, key string, dest Sink) error {
				SetExpiry(dest, tc.far)
				return dest.SetString("v:" + key)
			})
			for _, p := range c.peers {
				t.Cleanup(p.pool.CloseIdleConnections)
			}
			owner := c.peers[0]
			keys := c.keysOwnedBy(owner, 5)
			for _, k := range keys {
				for round := 0; round < 3; round++ {
					for _, p := range c.peers {
						if got := getString(t, p.group, k); got != "v:"+k {
							t.Fatalf("Get(%q) on %s = %q", k, p.url, got)
						}
					}
				}
				if got := c.loadsOf(k); len(got) != 1 || got[0] != owner.url {
					t.Fatalf("%q loaded by %v; want once, by its owner", k, got)
				}
			}
			// A Set from another peer travels in the SetRequest.
			setter := c.peers[1]
			if err := setter.group.Set(context.Background(), keys[0], []byte("set"), tc.far); err != nil {
				t.Fatal(err)
			}
			for _, p := range c.peers {
				if got := getString(t, p.group, keys[0]); got != "set" {
					t.Fatalf("after Set, Get on %s = %q", p.url, got)
				}
			}
			for _, p := range c.peers[1:] {
				if st := &p.group.Stats; st.PeerErrors.Get() != 0 || st.LocalLoads.Get() != 0 {
					t.Fatalf("%s: PeerErrors %v, LocalLoads %v; want 0, 0", p.url, &st.PeerErrors, &st.LocalLoads)
				}
			}
		})
	}
}

// TestClockSkew documents what clock skew between peers costs, expiries
// being absolute times. Within the TTL, nothing: the asking peer gets the
// owner's value, which expires early or late by the skew. Beyond it, the
// owner's answers arrive already expired: the asking peer counts a
// PeerError, loads the key itself and caches it by its own clock, so
// that it pays once per key and TTL, not on every Get.
func TestClockSkew(t *testing.T) {
	const ttl = time.Minute
	for _, tc := range []struct {
		name       string
		skew       time.Duration // how far the asker's clock is ahead
		peerErrors int64         // per TTL
	}{
		{"within the TTL", ttl / 2, 0},
		{"beyond the TTL", 2 * ttl, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			clock := newFakeClock()
			c := startClusterOpts(t, 2, 1<<20, nil, &GroupOptions{TTL: ttl, Now: clock.Now}, nil)
			for _, p := range c.peers {
				t.Cleanup(p.pool.CloseIdleConnections)
			}
			owner, asker := c.peers[0], c.peers[1]
			asker.group.now = func() int64 { return clock.Now().Add(tc.skew).UnixNano() }
			key := c.keysOwnedBy(owner, 1)[0]
			for lifetime := int64(1); lifetime <= 3; lifetime++ {
				for range 50 {
					if got := getString(t, asker.group, key); got != "v:"+key {
						t.Fatalf("Get = %q", got)
					}
				}
				st := &asker.group.Stats
				if st.PeerErrors.Get() != lifetime*tc.peerErrors || st.LocalLoads.Get() != lifetime*tc.peerErrors {
					t.Fatalf("after %d TTLs, PeerErrors %v and LocalLoads %v; want %d each", lifetime, &st.PeerErrors, &st.LocalLoads, lifetime*tc.peerErrors)
				}
				clock.Advance(ttl)
			}
		})
	}
}
