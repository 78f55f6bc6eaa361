package natscache

import (
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// New returns a store on cfg.Bucket, or else cfg.KeyValue, shaped by cfg.BaseConfig through
// cachecore.WrapStore after applying DefaultPrefix and DefaultTTL. The
// store encodes the prefix into its keys itself, so WrapStore is given
// none. New does not contact the server; Ready does. It has no error
// result, as in goforj/cache: without a bucket every operation returns
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
	raw := cachecore.FailingStore(cachecore.DriverNATS, ErrNoKeyValue)
	switch {
	case cfg.Bucket != nil:
		raw = newStore(jsBucket{cfg.Bucket}, prefix, cfg.BucketTTL)
	case cfg.KeyValue != nil:
		raw = newStore(legacyBucket{cfg.KeyValue}, prefix, cfg.BucketTTL)
	}
	s, _ := cachecore.WrapStore(raw, base)
	return s
}
