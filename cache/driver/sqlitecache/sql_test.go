package sqlitecache

import (
	"database/sql"
	"strconv"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// target describes a SQLite database file of the test to the shared SQL
// checks; every pool Open returns is on that file, with connections of
// its own.
func target(t testing.TB) sqltest.Target {
	path := dbFile(t)
	return sqltest.Target{
		Open: func(t testing.TB) *sql.DB { return testDB(t, path) },
		New: func(cfg sqltest.StoreConfig) (cachecore.Store, error) {
			return New(Config{
				DB: cfg.DB, DSN: cfg.DSN, Table: cfg.Table, BaseConfig: cfg.BaseConfig(),
				SweepInterval: cfg.SweepInterval, SweepBatch: cfg.SweepBatch, Context: cfg.Context,
			})
		},
		Placeholder: func(n int) string { return "?" + strconv.Itoa(n) },
		// goforj/cache's SQLite table.
		GoforjTable: func(table string) string {
			return "CREATE TABLE " + table + " (k TEXT PRIMARY KEY, v BLOB NOT NULL, ea INTEGER NOT NULL)"
		},
		WrongTable: func(table string) string {
			return "CREATE TABLE " + table + " (k TEXT PRIMARY KEY, v BLOB NOT NULL, expires INTEGER)"
		},
		HasExpiryIndex: func(t testing.TB, db *sql.DB, table string) bool {
			t.Helper()
			var n int
			err := db.QueryRow(`SELECT count(*) FROM pragma_index_list(?1) AS l, pragma_index_info(l.name) AS i
				WHERE i.name = 'ea' AND i.seqno = 0`, table).Scan(&n)
			if err != nil {
				t.Fatal(err)
			}
			return n > 0
		},
		ErrInvalidTable: sqlcore.ErrInvalidTable,
		ErrTableLayout:  sqlcore.ErrTableLayout,
		ErrNoDatabase:   sqlcore.ErrNoDatabase,
		ErrInvalidKey:   sqlcore.ErrInvalidKey,
		DSN:             func(testing.TB) string { return path },
		EnsureSchema:    EnsureSchema,
		// sqlcore's bound on SQLite keys.
		MaxKeyBytes: 1 << 20,
		DefaultTTL:  goforjDefaultTTL,
		// What SQLite's CAST reads as a number, and texts of its own
		// parser's edge cases.
		NotNumeric: []string{"abc", "-", "--5", "5-", "5\xff", "5\x00", "\x005", "5\x001"},
		Numeric: map[string]int64{
			"-1": 0, "00000000000000000000000041": 42, "9223372036854775806": 9223372036854775807,
		},
		// SQLite's CAST reads any text; an expired entry that held none
		// must still count from zero.
		ExpiredNonCounter: true,
		FlushPrefix:       "a_b%!",
		FlushOthers:       []string{"a_b%!x", "aXbYZ!", "A_B%!", "a_b%"},
		// sqlitecache's benchmarks have always run unwarmed; this keeps
		// their figures comparable with the earlier ones.
		BenchWarmups: 0,
	}
}

// TestConcurrentIncrementsFromSeparateConnections has pools of one
// connection each increment one counter: SQLite's write lock, waited for
// through the busy timeout, must let every increment count.
func TestConcurrentIncrementsFromSeparateConnections(t *testing.T) {
	sqltest.RunConcurrentIncrements(t, target(t))
}

func TestSweepRemovesExpiredRowsInBatches(t *testing.T) { sqltest.RunSweep(t, target(t)) }

func TestTableNameInjectionRefused(t *testing.T) { sqltest.RunTableInjection(t, target(t)) }

func TestGoforjTableGetsIndexAndIsShared(t *testing.T) { sqltest.RunOldLayout(t, target(t)) }

func TestWrongLayoutIsNamed(t *testing.T) { sqltest.RunWrongLayout(t, target(t)) }
