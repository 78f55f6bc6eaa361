package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache"
)

func TestDemo(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	d, err := runDemo(ctx, &out)
	if err != nil {
		t.Fatalf("runDemo: %v\noutput:\n%s", err, &out)
	}
	t.Logf("output:\n%s", &out)

	for _, p := range d.peers {
		if !strings.Contains(out.String(), p.url) {
			t.Errorf("output does not name peer %s at %s", p.name, p.url)
		}
	}
	for _, heading := range []string{"Round 1:", "Round 2:", "Stampede:", "Hot key:", "Failure:", "Stats of group"} {
		if !strings.Contains(out.String(), "\n"+heading) {
			t.Errorf("output lacks the step %q", heading)
		}
	}

	// Every key of the rounds and the stampede is loaded once, by its
	// owner, however many peers and callers ask.
	for _, key := range append(slices.Clone(d.keys), d.herdKey) {
		owner := ownerOf(d.peers, key)
		if got := d.loads.loaders(key); !slices.Equal(got, []string{owner.name}) {
			t.Errorf("Getter of %q ran on %v, want once on its owner %s", key, got, owner.name)
		}
	}

	if d.hotTrips < 1 || d.hotLater != 0 {
		t.Errorf("hot key: %d fetches from the owner before the copy, %d after; want at least 1, then 0", d.hotTrips, d.hotLater)
	}
	if n := d.hotPeer.group.CacheStats(groupcache.HotCache).Items; n < 1 {
		t.Errorf("hot cache of %s has %d items, want at least 1", d.hotPeer.name, n)
	}
	if got := d.loads.loaders(d.hotKey); !slices.Equal(got, []string{ownerOf(d.peers, d.hotKey).name}) {
		t.Errorf("Getter of hot key %q ran on %v, want once on its owner", d.hotKey, got)
	}

	// With its owner down, each other peer loads the key itself, after
	// counting the failed request.
	if d.down != ownerOf(d.peers, d.failKey) {
		t.Errorf("stopped %s, want the owner of %q", d.down.name, d.failKey)
	}
	var survivors []string
	for _, p := range d.peers {
		if p == d.down {
			continue
		}
		survivors = append(survivors, p.name)
		if n := p.group.Stats.PeerErrors.Get(); n < 1 {
			t.Errorf("%s counted %d PeerErrors, want at least 1", p.name, n)
		}
	}
	if got := d.loads.loaders(d.failKey); !slices.Equal(got, survivors) || d.failCalls != len(survivors) {
		t.Errorf("Getter of %q ran on %v after %d Gets, want once on each of %v", d.failKey, got, d.failCalls, survivors)
	}

	if want := len(d.keys) + 2 + len(survivors); d.loads.count() != want {
		t.Errorf("Getter ran %d times in all, want %d", d.loads.count(), want)
	}
}
