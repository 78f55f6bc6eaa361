package cache

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// Cache provides an ergonomic cache API on top of Store.
//
// A Cache is safe for concurrent use. WithContext and WithObserver return
// derived handles that share the store and the bookkeeping below, so locks
// acquired through one handle can be released through another and loads
// are deduplicated across all of them.
type Cache struct {
	store      cachecore.Store
	ctx        context.Context
	defaultTTL time.Duration
	observer   Observer
	shared     *shared
}

// shared is the state common to a Cache and the handles derived from it.
type shared struct {
	// loads deduplicates concurrent loads of one key and keeps loads from
	// storing results that a write has made stale.
	loads loadTable
	// lockToken is the value of the locks acquired with TryLock or Lock,
	// which Unlock compares to prove ownership; locks remembers which keys
	// those are.
	lockToken []byte
	locks     lockTable

	mu sync.Mutex
	// refreshing holds keys with a background refresh in flight; its size
	// is bounded by MaxBackgroundRefreshes.
	refreshing map[string]struct{}
	refreshes  sync.WaitGroup
}

// MaxBackgroundRefreshes bounds the refresh-ahead loads a Cache runs at
// once; refreshes due while all slots are busy are skipped and retried by a
// later read.
const MaxBackgroundRefreshes = 32

// NewCache creates a cache facade bound to a concrete store. Writes with
// ttl <= 0 get the store's default TTL: its BaseConfig.DefaultTTL, which
// for the stores of this package defaults to DefaultTTL, as in
// goforj/cache.
//
// goforj/cache panics given a nil store; this package never panics: a
// Cache over a nil store fails Ready and every operation with an error
// wrapping cachecore.ErrNilStore.
func NewCache(store cachecore.Store) *Cache {
	return NewCacheWithTTL(store, 0)
}

// NewCacheWithTTL lets callers override the default TTL applied when
// ttl <= 0; it takes precedence over the store's default. A defaultTTL <= 0
// behaves like NewCache.
func NewCacheWithTTL(store cachecore.Store, defaultTTL time.Duration) *Cache {
	if store == nil {
		store, _ = cachecore.WrapStore(nil, cachecore.BaseConfig{})
	}
	return &Cache{
		store:      store,
		ctx:        context.Background(),
		defaultTTL: defaultTTL,
		shared:     newShared(),
	}
}

func newShared() *shared {
	s := &shared{lockToken: newToken(), refreshing: make(map[string]struct{})}
	s.loads.seed = maphash.MakeSeed()
	s.locks.seed = maphash.MakeSeed()
	return s
}

// WithContext returns a derived cache handle that binds ctx to subsequent
// operations. A nil ctx means context.Background.
func (c *Cache) WithContext(ctx context.Context) *Cache {
	if ctx == nil {
		ctx = context.Background()
	}
	d := *c
	d.ctx = ctx
	return &d
}

// WithObserver sets the observer that every operation of c is reported to,
// replacing any previous one, and returns c. As in goforj/cache it changes
// c in place, so call it before c is used concurrently; handles derived
// from c afterwards (WithContext) report to o as well. A nil o disables
// reporting.
func (c *Cache) WithObserver(o Observer) *Cache {
	c.observer = o
	return c
}

// Driver reports the kind of the underlying store.
func (c *Cache) Driver() cachecore.Driver { return c.store.Driver() }

// Ready checks whether the underlying store is ready to serve requests,
// including whether its configuration was valid.
func (c *Cache) Ready() error {
	return c.store.Ready(c.ctx)
}

// Store returns the underlying store implementation.
func (c *Cache) Store() cachecore.Store { return c.store }

// ttl resolves a caller's ttl against the Cache default; a result <= 0
// leaves the choice to the store.
func (c *Cache) ttl(ttl time.Duration) time.Duration {
	if ttl <= 0 {
		return c.defaultTTL
	}
	return ttl
}
