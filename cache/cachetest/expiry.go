package cachetest

import (
	"context"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// expiry writes every kind of expiring entry first and waits once, which
// keeps the suite fast.
func (s *suite) expiry(t *testing.T) {
	ctx := context.Background()
	ttl := s.opts.ttl()
	var (
		short      = s.key(t, "short")
		kept       = s.key(t, "kept")
		zero       = s.key(t, "zero-ttl")
		negative   = s.key(t, "negative-ttl")
		added      = s.key(t, "added")
		counter    = s.key(t, "counter")
		overwrote  = s.key(t, "overwritten")
		listedOnce = s.key(t, "listed")
	)
	s.set(t, short, []byte("v"), ttl)
	s.set(t, kept, []byte("v"), long)
	s.set(t, zero, []byte("v"), 0)
	s.set(t, negative, []byte("v"), -1)
	s.set(t, listedOnce, []byte("v"), ttl)
	// Overwriting replaces the expiry too.
	s.set(t, overwrote, []byte("v"), ttl)
	s.set(t, overwrote, []byte("v2"), long)
	if created, err := s.store.Add(ctx, added, []byte("first"), ttl); err != nil || !created {
		t.Fatalf("Add = %v, %v; want created", created, err)
	}
	// Incrementing gives a counter the call's ttl afresh, as goforj/cache's
	// stores do, unless the store declares that it keeps the expiry the
	// counter was created with.
	if _, err := s.store.Increment(ctx, counter, 1, ttl); err != nil {
		t.Fatalf("Increment: %v", err)
	}
	if _, err := s.store.Increment(ctx, counter, 1, long); err != nil {
		t.Fatalf("Increment: %v", err)
	}
	s.expect(t, short, []byte("v"))
	s.expect(t, zero, []byte("v"))

	s.opts.wait(s.opts.expiryWait())

	s.expect(t, short, nil)
	if s.opts.CounterKeepsTTL {
		s.expect(t, counter, nil)
	} else {
		s.expect(t, counter, []byte("2"))
	}
	s.expect(t, kept, []byte("v"))
	s.expect(t, overwrote, []byte("v2"))
	if s.opts.DefaultTTL > 0 {
		s.expect(t, zero, nil)
		s.expect(t, negative, nil)
	} else {
		s.expect(t, zero, []byte("v"))
		s.expect(t, negative, []byte("v"))
	}

	created, err := s.store.Add(ctx, added, []byte("second"), long)
	if err != nil || !created {
		t.Fatalf("Add after expiry = %v, %v; want created", created, err)
	}
	s.expect(t, added, []byte("second"))

	if insp, ok := s.store.(cachecore.Inspector); ok && insp.Capabilities().CanList {
		page, err := insp.ListPage(ctx, cachecore.ListPageOptions{Query: listedOnce})
		if err != nil {
			t.Fatalf("ListPage: %v", err)
		}
		if len(page.Entries) != 0 {
			t.Fatalf("ListPage lists expired %q", page.Entries[0].Key)
		}
	}
}

func (s *suite) add(t *testing.T) {
	ctx := context.Background()
	k := s.key(t, "k")
	created, err := s.store.Add(ctx, k, []byte("first"), long)
	if err != nil || !created {
		t.Fatalf("first Add = %v, %v; want created", created, err)
	}
	created, err = s.store.Add(ctx, k, []byte("second"), long)
	if err != nil || created == !s.opts.Null {
		t.Fatalf("second Add = %v, %v; want created=%v", created, err, s.opts.Null)
	}
	s.expect(t, k, []byte("first"))

	// Add over a Set value is refused as well.
	set := s.key(t, "set")
	s.set(t, set, []byte("set"), long)
	if created, err := s.store.Add(ctx, set, []byte("add"), long); err != nil || created == !s.opts.Null {
		t.Fatalf("Add over Set = %v, %v; want created=%v", created, err, s.opts.Null)
	}
	s.expect(t, set, []byte("set"))

	// After Delete the key can be added again.
	if err := s.store.Delete(ctx, k); err != nil {
		t.Fatal(err)
	}
	if created, err := s.store.Add(ctx, k, []byte("third"), long); err != nil || !created {
		t.Fatalf("Add after Delete = %v, %v; want created", created, err)
	}
	s.expect(t, k, []byte("third"))
}
