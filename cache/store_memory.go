package cache

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// NewMemoryStore is a convenience for an in-process store using defaults.
// See NewMemoryStoreWithConfig.
func NewMemoryStore(ctx context.Context) cachecore.Store {
	return NewMemoryStoreWithConfig(ctx, StoreConfig{})
}

// NewMemoryStoreWithConfig builds an in-process store: a map guarded by one
// lock, with a janitor goroutine that removes expired entries every
// cfg.MemoryCleanupInterval. The janitor exits when ctx is done or when the
// store becomes unreachable, whichever comes first, so a store that is
// dropped releases its goroutine and its entries with the next garbage
// collections and needs no Close. The store keeps working after ctx is
// done; expired entries are then only dropped when overwritten or flushed.
//
// The store implements cachecore.Inspector, cachecore.ExpiryGetter and
// cachecore.CompareAndDeleter. cfg.BaseConfig is applied by the shared
// configuration layer.
func NewMemoryStoreWithConfig(ctx context.Context, cfg StoreConfig) cachecore.Store {
	return withDefaults(newMemoryStore(ctx, cfg.MemoryCleanupInterval), cfg.BaseConfig)
}

type memoryEntry struct {
	value     []byte
	expiresAt int64 // UnixNano; 0 means never
}

func (e memoryEntry) live(now int64) bool {
	return e.expiresAt == 0 || now < e.expiresAt
}

// memoryStore is the handle callers hold. The janitor holds only the
// memoryTable, never the handle, so the handle becomes unreachable when its
// users drop it; a cleanup attached to it then stops the janitor, and the
// table is collected after it.
type memoryStore struct {
	*memoryTable
}

type memoryTable struct {
	mu      sync.RWMutex
	entries map[string]memoryEntry
	// janitorDone is closed when the janitor goroutine has returned.
	janitorDone <-chan struct{}
}

func newMemoryStore(ctx context.Context, interval time.Duration) *memoryStore {
	if interval <= 0 {
		interval = DefaultMemoryCleanupInterval
	}
	t := &memoryTable{entries: make(map[string]memoryEntry)}
	s := &memoryStore{t}
	t.janitorDone = startJanitor(ctx, s, interval, t.sweep, nil)
	return s
}

func (t *memoryTable) sweep() {
	now := time.Now().UnixNano()
	t.mu.Lock()
	defer t.mu.Unlock()
	for k, e := range t.entries {
		if !e.live(now) {
			delete(t.entries, k)
		}
	}
}

// expiry is the UnixNano expiry of an entry written now with ttl, or 0 for
// no expiry. The memory and file stores share it.
func expiry(ttl time.Duration) int64 {
	if ttl <= 0 {
		return 0
	}
	return cachecore.ExpiresAt(time.Now(), ttl).UnixNano()
}

func (s *memoryStore) Driver() cachecore.Driver { return cachecore.DriverMemory }

func (s *memoryStore) Ready(ctx context.Context) error { return ctx.Err() }

func (s *memoryStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, _, found, err := s.GetWithExpiry(ctx, key)
	return v, found, err
}

func (s *memoryStore) GetWithExpiry(ctx context.Context, key string) ([]byte, time.Time, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, time.Time{}, false, err
	}
	s.mu.RLock()
	e, ok := s.entries[key]
	s.mu.RUnlock()
	if !ok || !e.live(time.Now().UnixNano()) {
		return nil, time.Time{}, false, nil
	}
	var at time.Time
	if e.expiresAt != 0 {
		at = time.Unix(0, e.expiresAt)
	}
	// Stored slices are never modified in place, so copying outside the
	// lock is safe.
	return bytes.Clone(nonNil(e.value)), at, true, nil
}

// nonNil makes a stored empty value come back as an empty, non-nil slice,
// so callers that test v != nil still see that a value was found.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func (s *memoryStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	e := memoryEntry{value: bytes.Clone(value), expiresAt: expiry(ttl)}
	s.mu.Lock()
	s.entries[key] = e
	s.mu.Unlock()
	return nil
}

func (s *memoryStore) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	e := memoryEntry{value: bytes.Clone(value), expiresAt: expiry(ttl)}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.entries[key]; ok && old.live(time.Now().UnixNano()) {
		return false, nil
	}
	s.entries[key] = e
	return true, nil
}

func (s *memoryStore) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, found := s.entries[key]
	if found && !old.live(time.Now().UnixNano()) {
		found = false
	}
	n, text, err := cachecore.AddCounter(old.value, found, delta)
	if err != nil {
		return 0, err
	}
	e := memoryEntry{value: text, expiresAt: old.expiresAt}
	if !found || ttl > 0 {
		e.expiresAt = expiry(ttl)
	}
	s.entries[key] = e
	return n, nil
}

func (s *memoryStore) Decrement(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	neg, err := cachecore.NegateDelta(delta)
	if err != nil {
		return 0, err
	}
	return s.Increment(ctx, key, neg, ttl)
}

func (s *memoryStore) Delete(ctx context.Context, key string) error {
	return s.DeleteMany(ctx, key)
}

func (s *memoryStore) DeleteMany(ctx context.Context, keys ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		delete(s.entries, k)
	}
	return nil
}

func (s *memoryStore) Flush(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.entries)
	return nil
}

// FlushPrefix implements cachecore.PrefixFlusher in one pass over the map.
func (s *memoryStore) FlushPrefix(ctx context.Context, prefix string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.entries {
		if strings.HasPrefix(k, prefix) {
			delete(s.entries, k)
		}
	}
	return nil
}

func (s *memoryStore) CompareAndDelete(ctx context.Context, key string, expected []byte) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[key]
	if !ok || !e.live(time.Now().UnixNano()) || !bytes.Equal(e.value, expected) {
		return false, nil
	}
	delete(s.entries, key)
	return true, nil
}

func (s *memoryStore) Capabilities() cachecore.InspectorCapabilities {
	return listableCapabilities
}

// ListPage gathers and sorts the matching keys on every call. That is
// linear in the store's size, which suits an admin listing but not a hot
// path.
func (s *memoryStore) ListPage(ctx context.Context, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	return s.ListPrefix(ctx, "", opts)
}

// ListPrefix implements cachecore.PrefixLister.
func (s *memoryStore) ListPrefix(ctx context.Context, prefix string, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	if err := ctx.Err(); err != nil {
		return cachecore.ListPageResult{}, err
	}
	scope, err := newListScope(prefix, opts)
	if err != nil {
		return cachecore.ListPageResult{}, err
	}
	now := time.Now().UnixNano()
	var matched []cachecore.CacheEntry
	s.mu.RLock()
	for k, e := range s.entries {
		if key, ok := scope.match(k); ok && e.live(now) {
			matched = append(matched, cachecore.CacheEntry{Key: key, SizeBytes: len(e.value), ExpiresAt: listedExpiry(e.expiresAt)})
		}
	}
	s.mu.RUnlock()
	return scope.page(matched), nil
}
