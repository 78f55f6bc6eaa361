package memcachedcache

import (
	"context"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// The benchmarks compare Get and Set through the facade with the same
// meta command on the store's own client (see drivertest.BenchmarkGet):
// there is no third-party client in the build to compare with.

func BenchmarkGet(b *testing.B) {
	addr := serverAddr(b)
	ns := drivertest.Namespace(b)
	raw := testStore(b, Config{Addresses: []string{addr}})
	k := storedKey(ns, "k")
	srv := raw.client.pick(k)
	drivertest.BenchmarkGet(b, cache.NewCache(newTestStore(b, addr, ns)), "k", func(ctx context.Context) error {
		return raw.client.do(ctx, srv, "get", func(cn *conn) error {
			_, _, err := cn.metaGet(k)
			return err
		})
	})
}

func BenchmarkSet(b *testing.B) {
	addr := serverAddr(b)
	ns := drivertest.Namespace(b)
	raw := testStore(b, Config{Addresses: []string{addr}})
	k := storedKey(ns, "k")
	srv := raw.client.pick(k)
	drivertest.BenchmarkSet(b, cache.NewCache(newTestStore(b, addr, ns)), "k", func(ctx context.Context, value []byte) error {
		return raw.client.do(ctx, srv, "set", func(cn *conn) error {
			_, err := cn.metaSet(k, value, 60)
			return err
		})
	})
}
