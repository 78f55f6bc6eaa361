package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"
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
	for _, step := range []string{"1. Remember[User]", "2. Get[User]", "3. ", "4. ", "5. Remember[string]", "In all,"} {
		if !strings.Contains(out.String(), "\n"+step) {
			t.Errorf("output lacks the step %q", step)
		}
	}
	ada, grace := User{ID: 1, Name: "Ada"}, User{ID: 2, Name: "Grace"}

	// 1. Concurrent Remember on every peer: one query, by the owner, and
	// Remember's own loader never runs.
	coldOwner := ownerOf(d.peers, d.coldKey)
	if got := d.db.queriers(d.coldKey); !slices.Equal(got, []string{coldOwner.name}) {
		t.Errorf("%q was queried by %v, want once by its owner %s", d.coldKey, got, coldOwner.name)
	}
	if n := d.coldLoaderRuns.Load(); n != 0 {
		t.Errorf("Remember's loader ran %d times for %q, want 0", n, d.coldKey)
	}
	for _, p := range d.peers {
		got := d.coldGot[p.name]
		if len(got) != callersPerPeer || slices.ContainsFunc(got, func(u User) bool { return u != ada }) {
			t.Errorf("%s: Remember callers got %v, want %d × %v", p.name, got, callersPerPeer, ada)
		}
	}

	// 2-4. Reads see the loaded row, then the written value, then, after
	// the delete, the changed row, loaded again by the owner only.
	readOwner := ownerOf(d.peers, d.readKey)
	if d.writer == coldOwner || d.deleter == readOwner {
		t.Errorf("writer %s and deleter %s must not own their keys", d.writer.name, d.deleter.name)
	}
	if d.staleGot != grace {
		t.Errorf("before the delete %s read %v, want the cached %v", d.deleter.name, d.staleGot, grace)
	}
	for _, p := range d.peers {
		if got := d.readGot[p.name]; got != grace {
			t.Errorf("%s: Get = %v, want %v", p.name, got, grace)
		}
		if got := d.setGot[p.name]; got != d.written {
			t.Errorf("%s: Get after Set = %v, want %v", p.name, got, d.written)
		}
		if got := d.deleteGot[p.name]; got != d.renamed {
			t.Errorf("%s: Get after Delete = %v, want %v", p.name, got, d.renamed)
		}
	}
	if got := d.db.queriers(d.readKey); !slices.Equal(got, []string{readOwner.name, readOwner.name}) {
		t.Errorf("%q was queried by %v, want twice by its owner %s", d.readKey, got, readOwner.name)
	}

	// 5. A key the database lacks: the first peer's loader fills it for
	// everyone.
	first := d.peers[0]
	for _, p := range d.peers {
		if got := d.motdGot[p.name]; got != d.motd {
			t.Errorf("%s: Remember(%q) = %q, want %q", p.name, d.motdKey, got, d.motd)
		}
		want := 0
		if p == first {
			want = 1
		}
		if n := d.motdLoaderRuns[p.name]; n != want {
			t.Errorf("%s: Remember's loader for %q ran %d times, want %d", p.name, d.motdKey, n, want)
		}
	}
	motdOwner := ownerOf(d.peers, d.motdKey)
	queriers := d.db.queriers(d.motdKey)
	if len(queriers) == 0 || slices.ContainsFunc(queriers, func(name string) bool { return name != motdOwner.name }) {
		t.Errorf("%q was queried by %v, want only by its owner %s: its not-found answer spares the asking peer a query", d.motdKey, queriers, motdOwner.name)
	}
}
