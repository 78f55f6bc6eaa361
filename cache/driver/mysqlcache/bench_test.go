package mysqlcache

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// The benchmarks compare the same call through the facade and as a
// prepared statement on the raw database/sql pool against the same
// table, so the difference is what the facade and store add.

func BenchmarkGet(b *testing.B) {
	db := testDB(b, testConfig(b))
	ns := namespace(b)
	c := cache.NewCache(newTestStore(b, db, ns, cachecore.BaseConfig{}))
	ctx := context.Background()
	if err := c.SetBytes("k", make([]byte, 128), time.Hour); err != nil {
		b.Fatal(err)
	}
	raw, err := db.PrepareContext(ctx, "SELECT v, ea FROM "+tableOf(ns)+" WHERE k = ?")
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
	db := testDB(b, testConfig(b))
	ns := namespace(b)
	c := cache.NewCache(newTestStore(b, db, ns, cachecore.BaseConfig{}))
	ctx := context.Background()
	value := make([]byte, 128)
	if err := c.SetBytes("k", value, time.Hour); err != nil {
		b.Fatal(err)
	}
	raw, err := db.PrepareContext(ctx, "INSERT INTO "+tableOf(ns)+" (k, v, ea) VALUES (?, ?, ?)"+
		" ON DUPLICATE KEY UPDATE v = VALUES(v), ea = VALUES(ea)")
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

// BenchmarkIncrement measures the transaction an increment is on MySQL
// (begin, locking read, upsert, commit) on one existing counter.
func BenchmarkIncrement(b *testing.B) {
	db := testDB(b, testConfig(b))
	c := cache.NewCache(newTestStore(b, db, namespace(b), cachecore.BaseConfig{}))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Increment("n", 1, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}
