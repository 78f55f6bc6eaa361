package sqlitecache

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// The benchmarks compare the same call through the facade and as a
// prepared statement on the raw database/sql pool against the same table
// of the same file, so the difference is what the facade and store add.

func BenchmarkGet(b *testing.B) {
	db := testDB(b, dbFile(b))
	ns := namespace(b)
	c := cache.NewCache(newTestStore(b, db, ns, cachecore.BaseConfig{}))
	ctx := context.Background()
	if err := c.SetBytes("k", make([]byte, 128), time.Hour); err != nil {
		b.Fatal(err)
	}
	raw, err := db.PrepareContext(ctx, "SELECT v, ea FROM "+tableOf(ns)+" WHERE k = ?1")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	key := ns + cachecore.PrefixSeparator + "k"
	b.Run("facade", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok, err := c.GetBytes("k"); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var (
				v  []byte
				ea int64
			)
			if err := raw.QueryRowContext(ctx, key).Scan(&v, &ea); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSet(b *testing.B) {
	db := testDB(b, dbFile(b))
	ns := namespace(b)
	c := cache.NewCache(newTestStore(b, db, ns, cachecore.BaseConfig{}))
	ctx := context.Background()
	value := make([]byte, 128)
	if err := c.SetBytes("k", value, time.Hour); err != nil {
		b.Fatal(err)
	}
	raw, err := db.PrepareContext(ctx, "INSERT INTO "+tableOf(ns)+" (k, v, ea) VALUES (?1, ?2, ?3)"+
		" ON CONFLICT (k) DO UPDATE SET v = excluded.v, ea = excluded.ea")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	key := ns + cachecore.PrefixSeparator + "k"
	b.Run("facade", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := c.SetBytes("k", value, time.Hour); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := raw.ExecContext(ctx, key, value, time.Now().Add(time.Hour).UnixMilli()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
