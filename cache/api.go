package cache

import (
	"context"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// CacheAPI is the composed application-facing interface for Cache. Depend
// on it, or on the narrower interfaces it embeds, to substitute a fake in
// tests.
type CacheAPI interface {
	CoreAPI
	ReadAPI
	WriteAPI
	CounterAPI
	RateLimitAPI
	LockAPI
	RememberAPI
	RefreshAheadAPI
}

var _ CacheAPI = (*Cache)(nil)

// CoreAPI exposes basic cache metadata.
type CoreAPI interface {
	WithContext(ctx context.Context) *Cache
	Driver() cachecore.Driver
	Ready() error
}

// ReadAPI exposes read-oriented cache operations.
type ReadAPI interface {
	GetBytes(key string) ([]byte, bool, error)
	BatchGetBytes(keys ...string) (map[string][]byte, error)
	GetString(key string) (string, bool, error)
	PullBytes(key string) ([]byte, bool, error)
}

// WriteAPI exposes write and invalidation operations.
type WriteAPI interface {
	SetBytes(key string, value []byte, ttl time.Duration) error
	SetString(key string, value string, ttl time.Duration) error
	BatchSetBytes(values map[string][]byte, ttl time.Duration) error
	Add(key string, value []byte, ttl time.Duration) (bool, error)
	Delete(key string) error
	DeleteMany(keys ...string) error
	Flush() error
}

// CounterAPI exposes increment/decrement operations.
type CounterAPI interface {
	Increment(key string, delta int64, ttl time.Duration) (int64, error)
	Decrement(key string, delta int64, ttl time.Duration) (int64, error)
}

// LockAPI exposes lock helpers based on cache keys.
type LockAPI interface {
	TryLock(key string, ttl time.Duration) (bool, error)
	Lock(key string, ttl, timeout time.Duration) (bool, error)
	Unlock(key string) error
}

// RateLimitAPI exposes rate limiting helpers.
type RateLimitAPI interface {
	RateLimit(key string, limit int64, window time.Duration) (RateLimitStatus, error)
}

// RememberAPI exposes remember and stale-remember helpers.
type RememberAPI interface {
	RememberBytes(key string, ttl time.Duration, fn func() ([]byte, error)) ([]byte, error)
	RememberStaleBytes(key string, ttl, staleTTL time.Duration, fn func() ([]byte, error)) ([]byte, bool, error)
}

// RefreshAheadAPI exposes refresh-ahead helpers.
type RefreshAheadAPI interface {
	RefreshAheadBytes(key string, ttl, refreshAhead time.Duration, fn func() ([]byte, error)) ([]byte, error)
}
