package compat

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// impl is an implementation a test peer can run.
type impl struct {
	name  string
	start func(testing.TB) peer
}

var impls = []impl{
	{"ours", func(t testing.TB) peer { return startOurPeer(t, nil) }},
	{"upstream", func(t testing.TB) peer { return startUpstreamPeer(t) }},
}

// forEachPairing runs f as a subtest for each pairing of a client and a
// server implementation, with fresh peers. skip maps the names of
// subtests ("upstream_to_ours") that are not to run to the reason.
func forEachPairing(t *testing.T, skip map[string]string, f func(t *testing.T, client, server peer)) {
	for _, client := range impls {
		for _, server := range impls {
			t.Run(client.name+"_to_"+server.name, func(t *testing.T) {
				if reason, ok := skip[client.name+"_to_"+server.name]; ok {
					t.Skip(reason)
				}
				f(t, client.start(t), server.start(t))
			})
		}
	}
}

// forwardAll asks client for each of keys, one at a time, with a ring
// that sends every key to server, and checks that each value is right
// and that server's Getter received each key exactly as client was asked
// for it. The keys must be distinct.
func forwardAll(t *testing.T, client, server peer, keys []string) {
	t.Helper()
	// A ring of the server alone sends every key there; the server, with
	// no ring, loads every key it is asked for.
	client.SetPeers(t, server.URL())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, k := range keys {
		v, err := client.Get(ctx, t, k)
		if err != nil {
			t.Errorf("Get(%q): %v", k, err)
		} else if v != valueOf(k) {
			t.Errorf("Get(%q) = %s; want %s", k, abbrev(v), abbrev(valueOf(k)))
		}
	}
	// A client that could not reach the server would have loaded the key
	// itself and still returned the right value.
	if got := client.Loads(t); len(got) != 0 {
		t.Errorf("the client loaded %q itself; the server should have", got)
	}
	if got := server.Loads(t); !slices.Equal(got, keys) {
		for i := range max(len(got), len(keys)) {
			var g, w string
			if i < len(got) {
				g = got[i]
			}
			if i < len(keys) {
				w = keys[i]
			}
			if g != w {
				t.Errorf("load %d: the server's Getter got key %q; want %q", i, g, w)
			}
		}
	}
}

// abbrev quotes s, shortened if it is long.
func abbrev(s string) string {
	if len(s) > 40 {
		return fmt.Sprintf("%q... (%d bytes)", s[:40], len(s))
	}
	return fmt.Sprintf("%q", s)
}
