package cache

import (
	"bytes"
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// Defaults for MemoConfig fields left zero.
const (
	DefaultMemoMaxEntries = 4096
	DefaultMemoMaxBytes   = 32 << 20
	DefaultMemoMaxAge     = time.Minute
)

// MemoConfig bounds a memo store. The zero value uses the defaults above.
type MemoConfig struct {
	// MaxEntries caps how many values are memoized; the least recently
	// used is evicted first.
	MaxEntries int
	// MaxBytes caps the memoized value bytes. Larger values are not
	// memoized at all.
	MaxBytes int
	// MaxAge caps how long a value is served from memory. Entries never
	// outlive the backing entry's expiry when the backing store reports it
	// (cachecore.ExpiryGetter); MaxAge also bounds how stale a value changed
	// by another process can be.
	MaxAge time.Duration
}

// NewMemoStore decorates store with per-process read memoization, using
// the default MemoConfig.
//
// Behavior:
//   - First Get hits the backing store, clones the value, and memoizes it
//     in-process. Misses are not memoized.
//   - Subsequent Get for the same key returns a clone of the memoized value
//     (no backend call) until it expires, ages out or is evicted.
//   - Any write/delete/flush through the memo store invalidates the memo
//     entry so local reads stay in sync with changes made through it.
//   - Memo data is per-process only; other processes or external writers
//     will not invalidate it. Use only when that staleness window is
//     acceptable.
func NewMemoStore(store cachecore.Store) cachecore.Store {
	return NewMemoStoreWithConfig(store, MemoConfig{})
}

// NewMemoStoreWithConfig is NewMemoStore with explicit bounds.
func NewMemoStoreWithConfig(store cachecore.Store, cfg MemoConfig) cachecore.Store {
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = DefaultMemoMaxEntries
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMemoMaxBytes
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultMemoMaxAge
	}
	return &memoStore{
		base:    store,
		cfg:     cfg,
		items:   make(map[string]*list.Element),
		reading: make(map[string]pendingRead),
	}
}

type memoStore struct {
	base cachecore.Store
	cfg  MemoConfig

	mu    sync.Mutex
	lru   list.List // of *memoItem, most recent at the front
	items map[string]*list.Element
	bytes int
	// reading tracks the keys whose reads are waiting on the backing
	// store, and invalidations of each since its oldest such read began.
	// A read memoizes only if neither its key nor the whole memo (epoch,
	// bumped by Flush) was invalidated meanwhile, so a slow read cannot
	// memoize a value that a concurrent write already replaced, while
	// writes to other keys leave it alone.
	reading map[string]pendingRead
	epoch   uint64
}

// pendingRead counts the reads of one key in flight and the writes to it
// since the first of them started.
type pendingRead struct {
	readers int
	writes  uint64
}

type memoItem struct {
	key       string
	value     []byte
	expiresAt time.Time
}

func (m *memoStore) Driver() cachecore.Driver { return m.base.Driver() }

func (m *memoStore) Ready(ctx context.Context) error { return m.base.Ready(ctx) }

func (m *memoStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	m.mu.Lock()
	if el, ok := m.items[key]; ok {
		it := el.Value.(*memoItem)
		if time.Now().Before(it.expiresAt) {
			m.lru.MoveToFront(el)
			v := bytes.Clone(it.value)
			m.mu.Unlock()
			return v, true, nil
		}
		m.removeLocked(el)
	}
	p := m.reading[key]
	p.readers++
	m.reading[key] = p
	writes, epoch := p.writes, m.epoch
	m.mu.Unlock()

	value, expiresAt, found, err := m.load(ctx, key)
	m.mu.Lock()
	defer m.mu.Unlock()
	p = m.reading[key]
	if p.readers--; p.readers == 0 {
		delete(m.reading, key)
	} else {
		m.reading[key] = p
	}
	if err != nil || !found {
		return nil, false, err
	}
	if p.writes == writes && m.epoch == epoch {
		limit := time.Now().Add(m.cfg.MaxAge)
		if expiresAt.IsZero() || expiresAt.After(limit) {
			expiresAt = limit
		}
		m.storeLocked(key, bytes.Clone(value), expiresAt)
	}
	return value, true, nil
}

func (m *memoStore) load(ctx context.Context, key string) ([]byte, time.Time, bool, error) {
	if eg, ok := m.base.(cachecore.ExpiryGetter); ok {
		return eg.GetWithExpiry(ctx, key)
	}
	v, found, err := m.base.Get(ctx, key)
	return v, time.Time{}, found, err
}

func (m *memoStore) storeLocked(key string, value []byte, expiresAt time.Time) {
	if len(value) > m.cfg.MaxBytes {
		return
	}
	if el, ok := m.items[key]; ok {
		m.removeLocked(el)
	}
	m.items[key] = m.lru.PushFront(&memoItem{key: key, value: value, expiresAt: expiresAt})
	m.bytes += len(value)
	for m.lru.Len() > m.cfg.MaxEntries || m.bytes > m.cfg.MaxBytes {
		m.removeLocked(m.lru.Back())
	}
}

func (m *memoStore) removeLocked(el *list.Element) {
	it := m.lru.Remove(el).(*memoItem)
	delete(m.items, it.key)
	m.bytes -= len(it.value)
}

// invalidate drops keys (all keys when none are given) after a write.
func (m *memoStore) invalidate(keys ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(keys) == 0 {
		m.epoch++
		m.lru.Init()
		clear(m.items)
		m.bytes = 0
		return
	}
	for _, k := range keys {
		if p, ok := m.reading[k]; ok {
			p.writes++
			m.reading[k] = p
		}
		if el, ok := m.items[k]; ok {
			m.removeLocked(el)
		}
	}
}

// Writes invalidate after the backing store has changed: a read racing the
// write either sees the new generation or has its memo entry removed here.

func (m *memoStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	defer m.invalidate(key)
	return m.base.Set(ctx, key, value, ttl)
}

func (m *memoStore) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	defer m.invalidate(key)
	return m.base.Add(ctx, key, value, ttl)
}

func (m *memoStore) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	defer m.invalidate(key)
	return m.base.Increment(ctx, key, delta, ttl)
}

func (m *memoStore) Decrement(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	defer m.invalidate(key)
	return m.base.Decrement(ctx, key, delta, ttl)
}

func (m *memoStore) Delete(ctx context.Context, key string) error {
	defer m.invalidate(key)
	return m.base.Delete(ctx, key)
}

func (m *memoStore) DeleteMany(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return m.base.DeleteMany(ctx)
	}
	defer m.invalidate(keys...)
	return m.base.DeleteMany(ctx, keys...)
}

func (m *memoStore) Flush(ctx context.Context) error {
	defer m.invalidate()
	return m.base.Flush(ctx)
}

func (m *memoStore) CompareAndDelete(ctx context.Context, key string, expected []byte) (bool, error) {
	defer m.invalidate(key)
	return cachecore.CompareAndDelete(ctx, m.base, key, expected)
}

func (m *memoStore) Capabilities() cachecore.Capabilities {
	if insp, ok := m.base.(cachecore.Inspector); ok {
		return insp.Capabilities()
	}
	return cachecore.Capabilities{}
}

func (m *memoStore) ListPage(ctx context.Context, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	insp, ok := m.base.(cachecore.Inspector)
	if !ok {
		return cachecore.ListPageResult{}, cachecore.ErrInspectorUnsupported
	}
	return insp.ListPage(ctx, opts)
}
