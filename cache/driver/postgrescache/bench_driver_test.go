package postgrescache

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// BenchmarkDriverGet measures what database/sql costs over pgx's own pool
// for the store's read, the same statement on the same row: the figure
// behind using pgx through database/sql (which lets sqlcore serve every
// database with one store) rather than pgx directly.
func BenchmarkDriverGet(b *testing.B) {
	addr := serverAddr(b)
	db := testDB(b, addr)
	ns := sqltest.Name(b)
	s := newTestStore(b, db, ns, cachecore.BaseConfig{})
	ctx := context.Background()
	if err := s.Set(ctx, "k", make([]byte, 128), time.Hour); err != nil {
		b.Fatal(err)
	}
	q := "SELECT v, ea FROM " + sqltest.TableOf(ns) + " WHERE k = $1"
	key := ns + cachecore.PrefixSeparator + "k"
	stmt, err := db.PrepareContext(ctx, q)
	if err != nil {
		b.Fatal(err)
	}
	defer stmt.Close()
	pool, err := pgxpool.New(ctx, dsn(addr))
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	var (
		v  []byte
		ea int64
	)
	for range benchWarmups {
		stmt.QueryRowContext(ctx, key).Scan(&v, &ea)
		pool.QueryRow(ctx, q, key).Scan(&v, &ea)
	}
	b.Run("database-sql", func(b *testing.B) {
		sqltest.ReportCPU(b, func() {
			if err := stmt.QueryRowContext(ctx, key).Scan(&v, &ea); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("pgxpool", func(b *testing.B) {
		sqltest.ReportCPU(b, func() {
			if err := pool.QueryRow(ctx, q, key).Scan(&v, &ea); err != nil {
				b.Fatal(err)
			}
		})
	})
}
