package memcachedcache

import "github.com/seed3c1b93bc/groupcache/cache/cachecore"

// New returns a store on the memcached servers cfg names, shaped by
// cfg.BaseConfig through cachecore.WrapStore after applying DefaultPrefix
// and DefaultTTL. It does not contact the servers; Ready does. It has no
// error result, as in goforj/cache: with an invalid BaseConfig every
// operation returns WrapStore's error, so a bad configuration fails
// closed rather than writing unshaped data.
func New(cfg Config) cachecore.Store {
	base := cfg.BaseConfig
	if base.Prefix == "" {
		base.Prefix = DefaultPrefix
	}
	if base.DefaultTTL <= 0 {
		base.DefaultTTL = DefaultTTL
	}
	s, _ := cachecore.WrapStore(newStore(cfg), base)
	return s
}
