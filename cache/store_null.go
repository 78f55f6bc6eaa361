package cache

import (
	"context"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// NewNullStore is a no-op store useful for tests where caching should be
// disabled. Writes succeed and are discarded, reads always miss, Add always
// reports that it created the key (so every lock attempt succeeds), and
// Increment and Decrement return 0, as in goforj/cache: no counter exists.
func NewNullStore(ctx context.Context) cachecore.Store {
	return NewNullStoreWithConfig(ctx, StoreConfig{})
}

// NewNullStoreWithConfig builds a null store with the shared configuration
// layer around it, so that limits, codecs and key errors are exercised
// exactly as with a real backend.
func NewNullStoreWithConfig(_ context.Context, cfg StoreConfig) cachecore.Store {
	return withDefaults(nullStore{}, cfg.BaseConfig)
}

type nullStore struct{}

func (nullStore) Driver() cachecore.Driver { return cachecore.DriverNull }

func (nullStore) Ready(ctx context.Context) error { return ctx.Err() }

func (nullStore) Get(ctx context.Context, _ string) ([]byte, bool, error) {
	return nil, false, ctx.Err()
}

func (nullStore) GetWithExpiry(ctx context.Context, _ string) ([]byte, time.Time, bool, error) {
	return nil, time.Time{}, false, ctx.Err()
}

func (nullStore) Set(ctx context.Context, _ string, _ []byte, _ time.Duration) error {
	return ctx.Err()
}

func (nullStore) Add(ctx context.Context, _ string, _ []byte, _ time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	return true, nil
}

func (nullStore) Increment(ctx context.Context, _ string, _ int64, _ time.Duration) (int64, error) {
	return 0, ctx.Err()
}

func (s nullStore) Decrement(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	neg, err := cachecore.NegateDelta(delta)
	if err != nil {
		return 0, err
	}
	return s.Increment(ctx, key, neg, ttl)
}

func (nullStore) Delete(ctx context.Context, _ string) error { return ctx.Err() }

func (nullStore) DeleteMany(ctx context.Context, _ ...string) error { return ctx.Err() }

func (nullStore) Flush(ctx context.Context) error { return ctx.Err() }

func (nullStore) CompareAndDelete(ctx context.Context, _ string, _ []byte) (bool, error) {
	return false, ctx.Err()
}

func (nullStore) Capabilities() cachecore.Capabilities {
	return cachecore.Capabilities{CanList: true}
}

func (nullStore) ListPage(ctx context.Context, _ cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	return cachecore.ListPageResult{}, ctx.Err()
}
