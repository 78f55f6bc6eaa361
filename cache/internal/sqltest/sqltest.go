// Package sqltest holds the tests the SQL driver modules
// (cache/driver/postgrescache, mysqlcache, sqlitecache) share: the store
// and inspector contracts on a table, flushes among prefixes sharing a
// table, expired rows left in the table, counter syntax and expiry,
// exact counts from concurrent increments on separate connections, the
// sweep of expired rows, table names that try to inject SQL, tables of
// an older or a wrong layout or dropped under a running store, and the
// facade-against-raw-statement benchmarks. It uses database/sql only;
// each driver's test describes its database, and what its dialect does
// differently, with a Target.
//
// It is internal to the cache tree; the driver modules may import it
// because Go's internal rule is about import paths, not modules. It
// cannot import sqlcore (a module that requires this one), so a Target
// supplies sqlcore's errors itself.
package sqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// StoreConfig is what a check asks of Target.New.
type StoreConfig struct {
	// DB is the pool the store must use (Config.DB).
	DB *sql.DB
	// Table and Prefix are Config.Table and BaseConfig.Prefix.
	Table, Prefix string
	// SweepInterval and SweepBatch are the Config fields of those names;
	// SweepInterval is negative (no sweep) unless the check needs one.
	SweepInterval time.Duration
	SweepBatch    int
	// Context is Config.Context.
	Context context.Context
	// DSN is Config.DSN, for a store opening its own pool.
	DSN string
	// Base is the store's BaseConfig but for its Prefix, which is Prefix.
	Base cachecore.BaseConfig
}

// BaseConfig returns c.Base with c.Prefix as its Prefix: the BaseConfig
// of the driver's Config.
func (c StoreConfig) BaseConfig() cachecore.BaseConfig {
	b := c.Base
	b.Prefix = c.Prefix
	return b
}

// Target describes the database under test.
type Target struct {
	// Open returns a new pool to the test database, closed by the caller,
	// with connections of its own.
	Open func(t testing.TB) *sql.DB
	// New calls the driver's New with cfg.
	New func(cfg StoreConfig) (cachecore.Store, error)
	// Placeholder is the marker of the n-th (1-based) statement parameter.
	Placeholder func(n int) string
	// GoforjTable is the CREATE TABLE statement of goforj/cache's table
	// for this database (its layout, without the expiry index).
	GoforjTable func(table string) string
	// WrongTable is a CREATE TABLE statement of a table with column k as
	// its primary key, column v of the value type, and no column ea.
	WrongTable func(table string) string
	// HasExpiryIndex reports whether table has an index on ea.
	HasExpiryIndex func(t testing.TB, db *sql.DB, table string) bool
	// ErrInvalidTable, ErrTableLayout, ErrNoDatabase and ErrInvalidKey
	// are sqlcore's errors.
	ErrInvalidTable, ErrTableLayout, ErrNoDatabase, ErrInvalidKey error
	// DSN returns a data source name of the test database, for a store
	// opening its own pool.
	DSN func(t testing.TB) string
	// EnsureSchema is the driver's EnsureSchema.
	EnsureSchema func(ctx context.Context, db *sql.DB, table string) error
	// EnsureSchemaRounds is how many times EnsureSchemaConcurrently races
	// its pools to create the table (once if zero): a second round has
	// them all find the table and its index there.
	EnsureSchemaRounds int
	// MaxKeyBytes is the longest key text, prefix and separator included,
	// the store takes.
	MaxKeyBytes int

	// DefaultTTL is the lifetime the driver gives an entry written with
	// ttl 0 when BaseConfig.DefaultTTL is zero.
	DefaultTTL time.Duration
	// NotNumeric are counter texts RunIncrementSyntax must see refused
	// besides those every driver must refuse: what the database's own
	// conversion to an integer would accept.
	NotNumeric []string
	// Numeric are counter texts RunIncrementSyntax must see incremented
	// by one, besides those every driver must, to the value given.
	Numeric map[string]int64
	// ExpiredNonCounter has RunIncrementExpiry let a value that is not a
	// counter expire, rather than a counter, before incrementing it.
	ExpiredNonCounter bool
	// FlushPrefix is the prefix RunFlushLeavesOtherPrefixes flushes, and
	// FlushOthers the prefixes sharing its table whose keys must remain:
	// ones the dialect's LIKE or collation could confuse with it.
	FlushPrefix string
	FlushOthers []string
	// BenchWarmups is how many calls of each path BenchGet and BenchSet
	// make before measuring, so that neither pays alone for opening
	// connections and preparing statements.
	BenchWarmups int
}

// Name returns a name no other test run uses, of lowercase letters and
// digits, fit for a table or a key prefix.
func Name(t testing.TB) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "t" + hex.EncodeToString(b)
}

// DropTable drops table when the test ends.
func DropTable(t testing.TB, db *sql.DB, table string) {
	t.Cleanup(func() {
		if _, err := db.ExecContext(context.Background(), "DROP TABLE IF EXISTS "+table); err != nil {
			t.Errorf("drop %s: %v", table, err)
		}
	})
}

// TableOf is the table of the tests in namespace ns.
func TableOf(ns string) string { return "cache_" + ns }

// newStore returns a pool, and a store on it with base on a table of its
// own dropped with the test, under a prefix of its own, with the sweep
// off; and the table and prefix.
func (tg Target) newStore(t testing.TB, base cachecore.BaseConfig) (db *sql.DB, s cachecore.Store, table, prefix string) {
	t.Helper()
	db = tg.open(t)
	prefix = Name(t)
	return db, tg.NewStore(t, db, prefix, base), TableOf(prefix), prefix
}

// NewStore returns a store on db under prefix ns, with base but for its
// Prefix and the sweep off, on table TableOf(ns), which is dropped with
// the test.
func (tg Target) NewStore(t testing.TB, db *sql.DB, ns string, base cachecore.BaseConfig) cachecore.Store {
	t.Helper()
	table := TableOf(ns)
	DropTable(t, db, table)
	return tg.store(t, StoreConfig{DB: db, Table: table, Prefix: ns, Base: base})
}

// open returns tg.Open's pool, closed with the test.
func (tg Target) open(t testing.TB) *sql.DB {
	t.Helper()
	db := tg.Open(t)
	t.Cleanup(func() { db.Close() })
	return db
}

// store returns tg.New's store for cfg or fails the test.
func (tg Target) store(t testing.TB, cfg StoreConfig) cachecore.Store {
	t.Helper()
	if cfg.SweepInterval == 0 {
		cfg.SweepInterval = -1
	}
	s, err := tg.New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return s
}

// count returns the number of rows of table satisfying where, a condition
// on the row whose parameters are args.
func (tg Target) count(t testing.TB, db *sql.DB, table, where string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table+" WHERE "+where, args...).Scan(&n); err != nil {
		t.Fatalf("count %s where %s: %v", table, where, err)
	}
	return n
}
