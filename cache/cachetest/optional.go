package cachetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// compareAndDelete goes through cachecore.CompareAndDelete, so it checks
// either the store's own implementation or the fallback over its Get and
// Delete.
func (s *suite) compareAndDelete(t *testing.T) {
	ctx := context.Background()
	k := s.key(t, "k")
	s.set(t, k, []byte("mine"), long)
	if deleted, err := cachecore.CompareAndDelete(ctx, s.store, k, []byte("theirs")); err != nil || deleted {
		t.Fatalf("CompareAndDelete(mismatch) = %v, %v; want false", deleted, err)
	}
	s.expect(t, k, []byte("mine"))
	if deleted, err := cachecore.CompareAndDelete(ctx, s.store, k, []byte("mine")); err != nil || deleted == s.opts.Null {
		t.Fatalf("CompareAndDelete(match) = %v, %v; want %v", deleted, err, !s.opts.Null)
	}
	s.expect(t, k, nil)
	if deleted, err := cachecore.CompareAndDelete(ctx, s.store, k, []byte("mine")); err != nil || deleted {
		t.Fatalf("CompareAndDelete(missing) = %v, %v; want false", deleted, err)
	}
}

func (s *suite) expiryGetter(t *testing.T) {
	eg, ok := s.store.(cachecore.ExpiryGetter)
	if !ok {
		t.Skip("store does not implement cachecore.ExpiryGetter")
	}
	ctx := context.Background()
	k := s.key(t, "k")
	before := time.Now()
	s.set(t, k, []byte("v"), long)
	after := time.Now()
	v, at, found, err := eg.GetWithExpiry(ctx, k)
	if err != nil {
		t.Fatalf("GetWithExpiry: %v", err)
	}
	if s.opts.Null {
		if found {
			t.Fatalf("GetWithExpiry found %q in a null store", v)
		}
		return
	}
	if !found || string(v) != "v" {
		t.Fatalf("GetWithExpiry = %q, %v; want \"v\", true", v, found)
	}
	// Stores keeping expiries in whole milliseconds (the SQL drivers)
	// round them up, so that nothing expires early; Redis's may lag by
	// Options.ExpiryResolution besides.
	latest := after.Add(long + s.opts.ExpiryResolution).Truncate(expiryResolution).Add(expiryResolution)
	if at.Before(before.Add(long)) || at.After(latest) {
		t.Fatalf("expiry %v outside [%v, %v]", at, before.Add(long), latest)
	}
	if _, _, found, err := eg.GetWithExpiry(ctx, s.key(t, "missing")); err != nil || found {
		t.Fatalf("GetWithExpiry(missing) = %v, %v; want a miss", found, err)
	}
}

// inspector lists the suite's own keys page by page. RunInspectorContract
// checks the listing semantics in more detail.
func (s *suite) inspector(t *testing.T) {
	insp, ok := s.store.(cachecore.Inspector)
	if !ok || !insp.Capabilities().CanList {
		t.Skip("store cannot list")
	}
	caps := insp.Capabilities()
	ctx := context.Background()
	prefix := s.key(t, "")
	var want []string
	for i := range 5 {
		k := fmt.Sprintf("%sk%d", prefix, i)
		s.set(t, k, []byte("value"), long)
		want = append(want, k)
	}
	s.set(t, prefix[:len(prefix)-1]+"-sibling", []byte("v"), long)
	if s.opts.Null {
		want = nil
	}

	var got []string
	opts := cachecore.ListPageOptions{Query: prefix, Limit: 2}
	for pages := 0; ; pages++ {
		if pages > len(want) {
			t.Fatalf("listing did not end after %d pages", pages)
		}
		page, err := insp.ListPage(ctx, opts)
		if err != nil {
			t.Fatalf("ListPage: %v", err)
		}
		if len(page.Entries) > opts.Limit {
			t.Fatalf("page of %d entries exceeds limit %d", len(page.Entries), opts.Limit)
		}
		if page.HasMore != (page.NextCursor != "") {
			t.Fatalf("page has HasMore %v but NextCursor %q", page.HasMore, page.NextCursor)
		}
		for _, e := range page.Entries {
			got = append(got, e.Key)
			if e.SizeBytes <= 0 {
				t.Errorf("entry %q has size %d", e.Key, e.SizeBytes)
			}
			checkListedExpiry(t, caps, e, long)
		}
		if !page.HasMore {
			break
		}
		opts.Cursor = page.NextCursor
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("listed %q, want %q in order", got, want)
	}
}

// expiryResolution is the coarsest resolution of expiries the checks
// allow for: a store keeping them in whole milliseconds rounds each up.
const expiryResolution = time.Millisecond

// checkListedExpiry checks that an entry just written with ttl lists its
// expiry when the store says it can, and none otherwise.
func checkListedExpiry(t *testing.T, caps cachecore.InspectorCapabilities, e cachecore.CacheEntry, ttl time.Duration) {
	t.Helper()
	if !caps.CanTTL {
		if e.ExpiresAt != nil {
			t.Errorf("entry %q lists an expiry, but the store reports CanTTL false", e.Key)
		}
		return
	}
	if e.ExpiresAt == nil {
		t.Errorf("entry %q lists no expiry, want about %v from now", e.Key, ttl)
		return
	}
	// ExpiresAt is in whole milliseconds, rounded up by some stores.
	if d := time.Until(time.UnixMilli(*e.ExpiresAt)); d < ttl-time.Minute || d > ttl+expiryResolution {
		t.Errorf("entry %q expires in %v, want about %v", e.Key, d, ttl)
	}
}
