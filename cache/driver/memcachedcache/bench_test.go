package memcachedcache

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
)

// The benchmarks compare the same call through the facade and as one
// meta command on the store's own client, against the same server, so
// the difference is what the facade and store add. There is no third-
// party client in the build to compare with.

func BenchmarkGet(b *testing.B) {
	addr := serverAddr(b)
	ns := namespace(b)
	c := cache.NewCache(newTestStore(b, addr, ns))
	raw := testStore(b, Config{Addresses: []string{addr}})
	ctx := context.Background()
	if err := c.SetBytes(ns+":k", make([]byte, 128), time.Minute); err != nil {
		b.Fatal(err)
	}
	k := storedKey(ns, ns+":k")
	b.Run("facade", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok, err := c.GetBytes(ns + ":k"); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		srv := raw.client.pick(k)
		for b.Loop() {
			err := raw.client.do(ctx, srv, "get", func(cn *conn) error {
				_, _, err := cn.metaGet(k)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSet(b *testing.B) {
	addr := serverAddr(b)
	ns := namespace(b)
	c := cache.NewCache(newTestStore(b, addr, ns))
	raw := testStore(b, Config{Addresses: []string{addr}})
	ctx := context.Background()
	value := make([]byte, 128)
	k := storedKey(ns, ns+":k")
	b.Run("facade", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := c.SetBytes(ns+":k", value, time.Minute); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		srv := raw.client.pick(k)
		for b.Loop() {
			err := raw.client.do(ctx, srv, "set", func(cn *conn) error {
				_, err := cn.metaSet(k, value, 60)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
