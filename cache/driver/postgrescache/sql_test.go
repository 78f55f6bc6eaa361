package postgrescache

import (
	"database/sql"
	"strconv"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// target describes PostgreSQL to the shared SQL checks.
func target(t testing.TB) sqltest.Target {
	addr := serverAddr(t)
	return sqltest.Target{
		Open: func(t testing.TB) *sql.DB { return testDB(t, addr) },
		New: func(cfg sqltest.StoreConfig) (cachecore.Store, error) {
			return New(Config{
				DB: cfg.DB, DSN: cfg.DSN, Table: cfg.Table, BaseConfig: cfg.BaseConfig(),
				SweepInterval: cfg.SweepInterval, SweepBatch: cfg.SweepBatch, Context: cfg.Context,
			})
		},
		Placeholder: func(n int) string { return "$" + strconv.Itoa(n) },
		// goforj/cache's PostgreSQL table.
		GoforjTable: func(table string) string {
			return "CREATE TABLE " + table + " (k TEXT PRIMARY KEY, v BYTEA NOT NULL, ea BIGINT NOT NULL)"
		},
		WrongTable: func(table string) string {
			return "CREATE TABLE " + table + " (k TEXT PRIMARY KEY, v BYTEA NOT NULL, expires TIMESTAMPTZ)"
		},
		HasExpiryIndex: func(t testing.TB, db *sql.DB, table string) bool {
			t.Helper()
			var n int
			err := db.QueryRow(`SELECT count(*) FROM pg_index i JOIN pg_attribute a
				ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
				WHERE i.indrelid = to_regclass($1) AND a.attname = 'ea'`, table).Scan(&n)
			if err != nil {
				t.Fatal(err)
			}
			return n > 0
		},
		ErrInvalidTable: sqlcore.ErrInvalidTable,
		ErrTableLayout:  sqlcore.ErrTableLayout,
		ErrNoDatabase:   sqlcore.ErrNoDatabase,
		ErrInvalidKey:   sqlcore.ErrInvalidKey,
		DSN:             func(testing.TB) string { return dsn(addr) },
		EnsureSchema:    EnsureSchema,
		// sqlcore's bound on PostgreSQL keys, below what a B-tree index
		// entry holds.
		MaxKeyBytes:  2048,
		DefaultTTL:   goforjDefaultTTL,
		FlushPrefix:  "a_b%",
		FlushOthers:  []string{"a_b%x", "aXbYZ"},
		BenchWarmups: benchWarmups,
	}
}

func TestConcurrentIncrementsFromSeparateConnections(t *testing.T) {
	sqltest.RunConcurrentIncrements(t, target(t))
}

func TestSweepRemovesExpiredRowsInBatches(t *testing.T) { sqltest.RunSweep(t, target(t)) }

func TestTableNameInjectionRefused(t *testing.T) { sqltest.RunTableInjection(t, target(t)) }

func TestGoforjTableGetsIndexAndIsShared(t *testing.T) { sqltest.RunOldLayout(t, target(t)) }

func TestWrongLayoutIsNamed(t *testing.T) { sqltest.RunWrongLayout(t, target(t)) }
