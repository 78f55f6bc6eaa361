package sqltest

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

// ReportCPU runs fn's benchmark loop and also reports the CPU time this
// process spent per operation (cpu-ns/op). On a busy machine the wall
// time of a round trip to the server varies far more than what the
// facade adds, which is CPU time on the client's side.
func ReportCPU(b *testing.B, fn func()) {
	b.ReportAllocs()
	start := processCPU(b)
	for b.Loop() {
		fn()
	}
	b.ReportMetric(float64(processCPU(b)-start)/float64(b.N), "cpu-ns/op")
}

// BenchGet measures a Get of a 128-byte value through the facade
// (sub-benchmark facade) and as the raw statement selectSQL (sub-benchmark
// client), which must read columns v and ea of the row whose key is its
// one parameter. table is what selectSQL reads.
func BenchGet(b *testing.B, tg Target, selectSQL func(table string) string) {
	db, s, table, prefix := tg.newStore(b, cachecore.BaseConfig{})
	c := cache.NewCache(s)
	ctx := context.Background()
	if err := c.SetBytes("k", make([]byte, 128), time.Hour); err != nil {
		b.Fatal(err)
	}
	raw, err := db.PrepareContext(ctx, selectSQL(table))
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	key := prefix + cachecore.PrefixSeparator + "k"
	// Warm both paths, so that neither pays for opening connections and
	// preparing statements on them, which whichever ran first would.
	for range tg.BenchWarmups {
		var v []byte
		var ea int64
		c.GetBytes("k")
		raw.QueryRowContext(ctx, key).Scan(&v, &ea)
	}
	b.Run("facade", func(b *testing.B) {
		ReportCPU(b, func() {
			if _, ok, err := c.GetBytes("k"); err != nil || !ok {
				b.Fatal(ok, err)
			}
		})
	})
	b.Run("client", func(b *testing.B) {
		ReportCPU(b, func() {
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

// BenchSet measures a Set of a 128-byte value through the facade and as
// the raw statement upsertSQL, which must write the row of parameters key,
// value and expiry in Unix milliseconds into table.
func BenchSet(b *testing.B, tg Target, upsertSQL func(table string) string) {
	db, s, table, prefix := tg.newStore(b, cachecore.BaseConfig{})
	c := cache.NewCache(s)
	ctx := context.Background()
	value := make([]byte, 128)
	if err := c.SetBytes("k", value, time.Hour); err != nil {
		b.Fatal(err)
	}
	raw, err := db.PrepareContext(ctx, upsertSQL(table))
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	key := prefix + cachecore.PrefixSeparator + "k"
	for range tg.BenchWarmups {
		c.SetBytes("k", value, time.Hour)
		raw.ExecContext(ctx, key, value, time.Now().Add(time.Hour).UnixMilli())
	}
	b.Run("facade", func(b *testing.B) {
		ReportCPU(b, func() {
			if err := c.SetBytes("k", value, time.Hour); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("client", func(b *testing.B) {
		ReportCPU(b, func() {
			if _, err := raw.ExecContext(ctx, key, value, time.Now().Add(time.Hour).UnixMilli()); err != nil {
				b.Fatal(err)
			}
		})
	})
}
