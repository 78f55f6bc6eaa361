package cache

import "github.com/seed3c1b93bc/groupcache/cache/cachecore"

// Errors and constants of the configuration layer, cachecore.WrapStore,
// re-exported so callers of this package need not import cachecore.
var (
	// ErrInvalidPrefix is returned by every operation of a store configured
	// with a Prefix containing PrefixSeparator.
	ErrInvalidPrefix = cachecore.ErrInvalidPrefix
	// ErrInvalidMaxValueBytes is returned by every operation of a store
	// configured with a negative MaxValueBytes.
	ErrInvalidMaxValueBytes = cachecore.ErrInvalidMaxValueBytes
	// ErrNotEncrypted is returned by reads of an encrypting store that find
	// a value stored without encryption; see BaseConfig.AcceptUnencrypted.
	ErrNotEncrypted = cachecore.ErrNotEncrypted
)

// PrefixSeparator joins a configured Prefix and a key into the key the
// backend stores; see cachecore.PrefixSeparator.
const PrefixSeparator = cachecore.PrefixSeparator

// withConfig wraps one of this package's stores in cfg. The constructors
// have no error result: a configuration error is reported by the returned
// store's Ready and by every operation.
func withConfig(inner cachecore.Store, cfg cachecore.BaseConfig) cachecore.Store {
	s, _ := cachecore.WrapStore(inner, cfg)
	return s
}

// withDefaults wraps one of this package's stores in cfg after giving it
// DefaultTTL when cfg has none.
func withDefaults(inner cachecore.Store, cfg cachecore.BaseConfig) cachecore.Store {
	if cfg.DefaultTTL == 0 {
		cfg.DefaultTTL = DefaultTTL
	}
	return withConfig(inner, cfg)
}
