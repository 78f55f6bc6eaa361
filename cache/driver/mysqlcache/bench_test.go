package mysqlcache

import (
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// benchWarmups is how many calls of each path run before measuring.
const benchWarmups = 200

// BenchmarkGet compares the facade's Get with the store's own statement
// on the raw pool.
func BenchmarkGet(b *testing.B) {
	sqltest.BenchGet(b, target(b), func(table string) string {
		return "SELECT v, ea FROM " + table + " WHERE k = ?"
	})
}

// BenchmarkSet compares the facade's Set with MySQL's upsert on the raw
// pool.
func BenchmarkSet(b *testing.B) {
	sqltest.BenchSet(b, target(b), func(table string) string {
		return "INSERT INTO " + table + " (k, v, ea) VALUES (?, ?, ?)" +
			" ON DUPLICATE KEY UPDATE v = VALUES(v), ea = VALUES(ea)"
	})
}

// BenchmarkIncrement measures the transaction an increment is on MySQL
// (begin, locking read, upsert, commit) on one existing counter.
func BenchmarkIncrement(b *testing.B) {
	db := testDB(b, testConfig(b))
	c := cache.NewCache(newTestStore(b, db, sqltest.Name(b), cachecore.BaseConfig{}))
	sqltest.ReportCPU(b, func() {
		if _, err := c.Increment("n", 1, time.Hour); err != nil {
			b.Fatal(err)
		}
	})
}
