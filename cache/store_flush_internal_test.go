package cache

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// scanCounter wraps a memory store and adds the store's size to scanned on
// every call that walks all of its entries, which is what ListPage and a
// prefix flush cost.
type scanCounter struct {
	*memoryStore
	scanned int
}

func (s *scanCounter) size() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.entries)
}

func (s *scanCounter) ListPage(ctx context.Context, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	s.scanned += s.size()
	return s.memoryStore.ListPage(ctx, opts)
}

func (s *scanCounter) FlushPrefix(ctx context.Context, prefix string) error {
	s.scanned += s.size()
	return s.memoryStore.FlushPrefix(ctx, prefix)
}

// TestFlushPrefixedIsLinear flushes a prefixed store of n keys. Flush used
// to list 500 keys per page, and every page scanned the whole store, so the
// work grew with n²/500.
func TestFlushPrefixedIsLinear(t *testing.T) {
	ctx := context.Background()
	const n = 10000
	inner := &scanCounter{memoryStore: newMemoryStore(t.Context(), time.Hour)}
	s := withConfig(inner, cachecore.BaseConfig{Prefix: "tenant"})
	other := withConfig(inner, cachecore.BaseConfig{Prefix: "other"})
	for i := range n {
		noErr(t, s.Set(ctx, strconv.Itoa(i), []byte("v"), time.Hour))
		noErr(t, other.Set(ctx, strconv.Itoa(i), []byte("v"), time.Hour))
	}
	inner.scanned = 0
	noErr(t, s.Flush(ctx))
	if inner.scanned > 2*2*n {
		t.Fatalf("Flush of %d keys in a store of %d examined %d entries", n, 2*n, inner.scanned)
	}
	if got := inner.size(); got != n {
		t.Fatalf("%d entries left after Flush, want the other prefix's %d", got, n)
	}
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
