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

// warmups is how many calls of each path run before measuring.
const warmups = 200

// reportCPU runs fn's benchmark loop and also reports the CPU time this
// process spent per operation (cpu-ns/op). On a busy machine the wall
// time of a round trip to the server varies far more than what the
// facade adds, which is CPU time on the client's side.
func reportCPU(b *testing.B, fn func()) {
	b.ReportAllocs()
	start := processCPU(b)
	for b.Loop() {
		fn()
	}
	b.ReportMetric(float64(processCPU(b)-start)/float64(b.N), "cpu-ns/op")
}

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
	// Warm both paths, so that neither pays for opening connections and
	// preparing statements on them, which whichever ran first would.
	for range warmups {
		var v []byte
		var ea int64
		c.GetBytes("k")
		raw.QueryRowContext(ctx, key).Scan(&v, &ea)
	}
	b.Run("facade", func(b *testing.B) {
		reportCPU(b, func() {
			if _, ok, err := c.GetBytes("k"); err != nil || !ok {
				b.Fatal(ok, err)
			}
		})
	})
	b.Run("client", func(b *testing.B) {
		reportCPU(b, func() {
			var (
				v  []byte
				ea int64
			)
			if err := raw.QueryRowContext(ctx, key).Scan(&v, &ea); err != nil {
				b.Fatal(err)
			}
		})
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
	for range warmups {
		c.SetBytes("k", value, time.Hour)
		raw.ExecContext(ctx, key, value, time.Now().Add(time.Hour).UnixMilli())
	}
	b.Run("facade", func(b *testing.B) {
		reportCPU(b, func() {
			if err := c.SetBytes("k", value, time.Hour); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("client", func(b *testing.B) {
		reportCPU(b, func() {
			if _, err := raw.ExecContext(ctx, key, value, time.Now().Add(time.Hour).UnixMilli()); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkIncrement measures the transaction an increment is on MySQL
// (begin, locking read, upsert, commit) on one existing counter.
func BenchmarkIncrement(b *testing.B) {
	db := testDB(b, testConfig(b))
	c := cache.NewCache(newTestStore(b, db, namespace(b), cachecore.BaseConfig{}))
	reportCPU(b, func() {
		if _, err := c.Increment("n", 1, time.Hour); err != nil {
			b.Fatal(err)
		}
	})
}
