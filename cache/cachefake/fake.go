// Package cachefake provides a cache for tests of code that uses the cache
// facade: a real in-memory cache that records the store operations the
// code performs, with assertions on them.
//
// Counts are taken at the store, under the key the store receives, so they
// show what reaches the backend: SetString("k", …) is one OpSet of "k", a
// lock is an OpAdd and an OpDelete of the lock's bookkeeping key, and
// Flush is an OpFlush of the key "".
package cachefake

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// Op names a store operation in counts and assertions.
type Op string

// The store operations a Fake counts.
const (
	// OpGet is Store.Get.
	OpGet Op = "get"
	// OpSet is Store.Set.
	OpSet Op = "set"
	// OpAdd is Store.Add.
	OpAdd Op = "add"
	// OpInc is Store.Increment.
	OpInc Op = "inc"
	// OpDec is Store.Decrement.
	OpDec Op = "dec"
	// OpDelete is Store.Delete, and the conditional delete that releases
	// locks and completes a Pull.
	OpDelete Op = "delete"
	// OpDeleteMany is Store.DeleteMany, counted once for each key.
	OpDeleteMany Op = "delete_many"
	// OpFlush is Store.Flush, counted under the key "".
	OpFlush Op = "flush"
)

// Fake is a cache over a fresh memory store that counts the operations
// reaching the store. Create one with New; it is safe for concurrent use.
type Fake struct {
	cache *cache.Cache

	mu sync.Mutex
	// counts holds the calls of each operation per key; guarded by mu.
	counts map[Op]map[string]int
}

// New returns a Fake with an empty memory store and no counts.
func New() *Fake {
	f := &Fake{}
	f.cache = cache.NewCache(newCountingStore(cache.NewMemoryStore(context.Background()), f.record))
	return f
}

// Cache returns the cache to hand to the code under test. Every call
// returns the same Cache.
func (f *Fake) Cache() *cache.Cache { return f.cache }

// Reset forgets the counts recorded so far; stored entries stay.
func (f *Fake) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts = nil
}

// AssertCalled fails t, stopping the test, unless op reached the store
// with key exactly times times.
func (f *Fake) AssertCalled(t *testing.T, op Op, key string, times int) {
	t.Helper()
	if n := f.Count(op, key); n != times {
		t.Fatalf("cachefake: %s %q ran %d times, want %d", op, key, n, times)
	}
}

// AssertNotCalled fails t, stopping the test, if op reached the store with
// key.
func (f *Fake) AssertNotCalled(t *testing.T, op Op, key string) {
	t.Helper()
	if n := f.Count(op, key); n != 0 {
		t.Fatalf("cachefake: %s %q ran %d times, want none", op, key, n)
	}
}

// AssertTotal fails t, stopping the test, unless op reached the store
// times times over all keys.
func (f *Fake) AssertTotal(t *testing.T, op Op, times int) {
	t.Helper()
	if n := f.Total(op); n != times {
		t.Fatalf("cachefake: %s ran %d times in all, want %d", op, n, times)
	}
}

// Count returns how many times op reached the store with key.
func (f *Fake) Count(op Op, key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[op][key]
}

// Total returns how many times op reached the store, over all keys.
func (f *Fake) Total(op Op) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.counts[op] {
		n += c
	}
	return n
}

func (f *Fake) record(op Op, key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.counts == nil {
		f.counts = make(map[Op]map[string]int)
	}
	if f.counts[op] == nil {
		f.counts[op] = make(map[string]int)
	}
	f.counts[op][key]++
}

// countingStore reports each operation to record before passing it on. It
// also passes on the optional interfaces the facade and admin code use:
// compare-and-delete, so locks and Pull keep their atomicity, and listing,
// which is not counted.
type countingStore struct {
	inner  cachecore.Store
	record func(Op, string)
}

func newCountingStore(inner cachecore.Store, record func(Op, string)) *countingStore {
	return &countingStore{inner: inner, record: record}
}

func (s *countingStore) Driver() cachecore.Driver { return s.inner.Driver() }

func (s *countingStore) Ready(ctx context.Context) error { return s.inner.Ready(ctx) }

func (s *countingStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	s.record(OpGet, key)
	return s.inner.Get(ctx, key)
}

func (s *countingStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	s.record(OpSet, key)
	return s.inner.Set(ctx, key, value, ttl)
}

func (s *countingStore) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	s.record(OpAdd, key)
	return s.inner.Add(ctx, key, value, ttl)
}

func (s *countingStore) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	s.record(OpInc, key)
	return s.inner.Increment(ctx, key, delta, ttl)
}

func (s *countingStore) Decrement(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	s.record(OpDec, key)
	return s.inner.Decrement(ctx, key, delta, ttl)
}

func (s *countingStore) Delete(ctx context.Context, key string) error {
	s.record(OpDelete, key)
	return s.inner.Delete(ctx, key)
}

func (s *countingStore) DeleteMany(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		s.record(OpDeleteMany, k)
	}
	return s.inner.DeleteMany(ctx, keys...)
}

func (s *countingStore) Flush(ctx context.Context) error {
	s.record(OpFlush, "")
	return s.inner.Flush(ctx)
}

func (s *countingStore) CompareAndDelete(ctx context.Context, key string, expected []byte) (bool, error) {
	s.record(OpDelete, key)
	return cachecore.CompareAndDelete(ctx, s.inner, key, expected)
}

func (s *countingStore) Capabilities() cachecore.InspectorCapabilities {
	if insp, ok := s.inner.(cachecore.Inspector); ok {
		return insp.Capabilities()
	}
	return cachecore.InspectorCapabilities{}
}

func (s *countingStore) ListPage(ctx context.Context, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	insp, ok := s.inner.(cachecore.Inspector)
	if !ok {
		return cachecore.ListPageResult{}, cachecore.ErrInspectorUnsupported
	}
	return insp.ListPage(ctx, opts)
}
