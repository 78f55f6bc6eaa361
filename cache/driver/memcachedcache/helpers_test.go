package memcachedcache

import (
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// serverAddr returns the memcached server's address or skips the test.
func serverAddr(t testing.TB) string {
	return drivertest.Server(t, "MEMCACHED_ADDR", "127.0.0.1:11211", "memcached -d -l 127.0.0.1 -p 11211")
}

// testStore returns a raw store of its own on addr.
func testStore(t testing.TB, cfg Config) *store {
	s := newStore(cfg)
	t.Cleanup(s.client.close)
	return s
}

// newTestStore is the store the facade tests use: New with the prefix ns.
func newTestStore(t testing.TB, addr, ns string) cachecore.Store {
	return New(Config{Addresses: []string{addr}, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
}

// storedKey is the key the server holds for key of a store from
// newTestStore.
func storedKey(ns, key string) string { return serverKey(ns + cachecore.PrefixSeparator + key) }
