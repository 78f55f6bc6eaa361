package rediscache

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"

	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// testDB is the logical database the tests use, away from the default
// one, because the raw store's Flush empties the whole database.
const testDB = 12

// serverAddr returns the Redis server's address or skips the test.
func serverAddr(t testing.TB) string {
	return drivertest.Server(t, "REDIS_ADDR", "127.0.0.1:6379", "redis-server --daemonize yes")
}

// testClient returns a client of its own to addr, closed with the test.
func testClient(t testing.TB, addr string) *redis.Client {
	t.Helper()
	c := newClient(Config{Addr: addr, DB: testDB})
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("ping %s: %v", addr, err)
	}
	return c
}

// newTestStore is the store the facade tests use: New with the prefix ns.
func newTestStore(t testing.TB, client Client, ns string) cachecore.Store {
	return New(Config{Client: client, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
}

// storedKey is the key the server holds for key of a store from
// newTestStore.
func storedKey(ns, key string) string { return ns + cachecore.PrefixSeparator + key }
