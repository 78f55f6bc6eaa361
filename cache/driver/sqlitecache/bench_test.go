package sqlitecache

import (
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// The benchmarks compare the same call through the facade and as a
// prepared statement on the raw database/sql pool against the same table
// of the same file, so the difference is what the facade and store add.

// BenchmarkGet compares the facade's Get with the store's own statement
// on the raw pool.
func BenchmarkGet(b *testing.B) {
	sqltest.BenchGet(b, target(b), func(table string) string {
		return "SELECT v, ea FROM " + table + " WHERE k = ?1"
	})
}

// BenchmarkSet compares the facade's Set with SQLite's upsert on the raw
// pool.
func BenchmarkSet(b *testing.B) {
	sqltest.BenchSet(b, target(b), func(table string) string {
		return "INSERT INTO " + table + " (k, v, ea) VALUES (?1, ?2, ?3)" +
			" ON CONFLICT (k) DO UPDATE SET v = excluded.v, ea = excluded.ea"
	})
}
