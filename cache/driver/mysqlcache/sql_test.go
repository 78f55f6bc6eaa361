package mysqlcache

import (
	"database/sql"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// target describes MariaDB to the shared SQL checks.
func target(t testing.TB) sqltest.Target {
	cfg := testConfig(t)
	return sqltest.Target{
		Open: func(t testing.TB) *sql.DB { return testDB(t, cfg) },
		New: func(c sqltest.StoreConfig) (cachecore.Store, error) {
			return New(Config{
				DB: c.DB, DSN: c.DSN, Table: c.Table, BaseConfig: c.BaseConfig(),
				SweepInterval: c.SweepInterval, SweepBatch: c.SweepBatch, Context: c.Context,
			})
		},
		Placeholder: func(int) string { return "?" },
		// goforj/cache's MySQL table.
		GoforjTable: func(table string) string {
			return "CREATE TABLE " + table + " (k VARBINARY(255) PRIMARY KEY, v LONGBLOB NOT NULL, ea BIGINT NOT NULL) ENGINE=InnoDB"
		},
		WrongTable: func(table string) string {
			return "CREATE TABLE " + table + " (k VARBINARY(255) PRIMARY KEY, v LONGBLOB NOT NULL, expires DATETIME)"
		},
		HasExpiryIndex: func(t testing.TB, db *sql.DB, table string) bool {
			t.Helper()
			var n int
			err := db.QueryRow("SELECT count(*) FROM information_schema.STATISTICS"+
				" WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = 'ea' AND SEQ_IN_INDEX = 1", table).Scan(&n)
			if err != nil {
				t.Fatal(err)
			}
			return n > 0
		},
		ErrInvalidTable: sqlcore.ErrInvalidTable,
		ErrTableLayout:  sqlcore.ErrTableLayout,
		ErrNoDatabase:   sqlcore.ErrNoDatabase,
		ErrInvalidKey:   sqlcore.ErrInvalidKey,
		DSN:             func(testing.TB) string { return cfg.FormatDSN() },
		EnsureSchema:    EnsureSchema,
		// A second round finds the table and its index there, which
		// MySQL, without CREATE INDEX IF NOT EXISTS, must see first.
		EnsureSchemaRounds: 2,
		// The key column is VARBINARY(255).
		MaxKeyBytes:  255,
		DefaultTTL:   goforjDefaultTTL,
		NotNumeric:   []string{"abc", "12abc", "9223372036854775808"},
		FlushPrefix:  "a_b%",
		FlushOthers:  []string{"a_b%x", "aXbYZ", "A_B%"},
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
