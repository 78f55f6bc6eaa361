package rediscache

import (
	"context"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// New returns a store on the Redis server cfg names, shaped by
// cfg.BaseConfig through cachecore.WrapStore after applying DefaultPrefix
// and DefaultTTL. It does not contact the server; Ready does. It has no
// error result, as in goforj/cache: with neither Addr nor Client every
// operation returns ErrNoClient, and with an invalid BaseConfig every
// operation returns WrapStore's error, so a bad configuration fails
// closed rather than writing unshaped data.
//
// A client New builds from Addr lives as long as the program; pass
// Config.Client to control its lifetime.
func New(cfg Config) cachecore.Store {
	base := cfg.BaseConfig
	if base.Prefix == "" {
		base.Prefix = DefaultPrefix
	}
	if base.DefaultTTL <= 0 {
		base.DefaultTTL = DefaultTTL
	}
	client := cfg.Client
	if client == nil && cfg.Addr != "" {
		client = newClient(cfg)
	}
	var raw cachecore.Store = noClient{}
	if client != nil {
		raw = newStore(client)
	}
	s, _ := cachecore.WrapStore(raw, base)
	return s
}

// noClient is the store of a Config with neither Addr nor Client.
type noClient struct{}

func fails(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return ErrNoClient
}

func (noClient) Driver() cachecore.Driver        { return cachecore.DriverRedis }
func (noClient) Ready(ctx context.Context) error { return fails(ctx) }
func (noClient) Get(ctx context.Context, _ string) ([]byte, bool, error) {
	return nil, false, fails(ctx)
}
func (noClient) Set(ctx context.Context, _ string, _ []byte, _ time.Duration) error {
	return fails(ctx)
}
func (noClient) Add(ctx context.Context, _ string, _ []byte, _ time.Duration) (bool, error) {
	return false, fails(ctx)
}
func (noClient) Increment(ctx context.Context, _ string, _ int64, _ time.Duration) (int64, error) {
	return 0, fails(ctx)
}
func (noClient) Decrement(ctx context.Context, _ string, _ int64, _ time.Duration) (int64, error) {
	return 0, fails(ctx)
}
func (noClient) Delete(ctx context.Context, _ string) error        { return fails(ctx) }
func (noClient) DeleteMany(ctx context.Context, _ ...string) error { return fails(ctx) }
func (noClient) Flush(ctx context.Context) error                   { return fails(ctx) }
