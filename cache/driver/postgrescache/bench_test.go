package postgrescache

import (
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// benchWarmups is how many calls of each path run before measuring.
const benchWarmups = 200

// BenchmarkGet compares the facade's Get with the store's own statement
// on the raw pool.
func BenchmarkGet(b *testing.B) {
	sqltest.BenchGet(b, target(b), func(table string) string {
		return "SELECT v, ea FROM " + table + " WHERE k = $1"
	})
}

// BenchmarkSet compares the facade's Set with PostgreSQL's upsert on the
// raw pool.
func BenchmarkSet(b *testing.B) {
	sqltest.BenchSet(b, target(b), func(table string) string {
		return "INSERT INTO " + table + " (k, v, ea) VALUES ($1, $2, $3)" +
			" ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, ea = EXCLUDED.ea"
	})
}
