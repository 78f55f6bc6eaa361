package natscache

import (
	"context"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// New returns a store on cfg.KeyValue, shaped by cfg.BaseConfig through
// cachecore.WrapStore after applying DefaultPrefix and DefaultTTL. The
// store encodes the prefix into its keys itself, so WrapStore is given
// none. New does not contact the server; Ready does. It has no error
// result, as in goforj/cache: without a KeyValue every operation returns
// ErrNoKeyValue, and with an invalid BaseConfig every operation returns
// WrapStore's error, so a bad configuration fails closed rather than
// writing unshaped data.
func New(cfg Config) cachecore.Store {
	base := cfg.BaseConfig
	if base.Prefix == "" {
		base.Prefix = DefaultPrefix
	}
	if base.DefaultTTL <= 0 {
		base.DefaultTTL = DefaultTTL
	}
	prefix := base.Prefix
	base.Prefix = ""
	var raw cachecore.Store = noKeyValue{}
	if cfg.KeyValue != nil {
		raw = newStore(cfg.KeyValue, prefix, cfg.BucketTTL)
	}
	s, _ := cachecore.WrapStore(raw, base)
	return s
}

// noKeyValue is the store of a Config without a KeyValue.
type noKeyValue struct{}

func fails(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return ErrNoKeyValue
}

func (noKeyValue) Driver() cachecore.Driver        { return cachecore.DriverNATS }
func (noKeyValue) Ready(ctx context.Context) error { return fails(ctx) }
func (noKeyValue) Get(ctx context.Context, _ string) ([]byte, bool, error) {
	return nil, false, fails(ctx)
}
func (noKeyValue) Set(ctx context.Context, _ string, _ []byte, _ time.Duration) error {
	return fails(ctx)
}
func (noKeyValue) Add(ctx context.Context, _ string, _ []byte, _ time.Duration) (bool, error) {
	return false, fails(ctx)
}
func (noKeyValue) Increment(ctx context.Context, _ string, _ int64, _ time.Duration) (int64, error) {
	return 0, fails(ctx)
}
func (noKeyValue) Decrement(ctx context.Context, _ string, _ int64, _ time.Duration) (int64, error) {
	return 0, fails(ctx)
}
func (noKeyValue) Delete(ctx context.Context, _ string) error        { return fails(ctx) }
func (noKeyValue) DeleteMany(ctx context.Context, _ ...string) error { return fails(ctx) }
func (noKeyValue) Flush(ctx context.Context) error                   { return fails(ctx) }
