package rediscache

import (
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
	raw := cachecore.FailingStore(cachecore.DriverRedis, ErrNoClient)
	if client != nil {
		raw = rawStore(client)
	}
	s, _ := cachecore.WrapStore(raw, base)
	return s
}
