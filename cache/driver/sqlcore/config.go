package sqlcore

import (
	"context"
	"database/sql"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// Defaults New applies, those of goforj/cache's SQL driver, so that a
// process using either reads the other's entries in the same table.
const (
	// DefaultTable is the table of a Config without a Table.
	DefaultTable = "cache_entries"
	// DefaultPrefix namespaces the keys of a Config without a Prefix:
	// logical key k is stored as "app:k".
	DefaultPrefix = "app"
	// DefaultTTL is the lifetime of entries written without one.
	DefaultTTL = 5 * time.Minute
	// DefaultSweepInterval is how often expired rows are deleted.
	DefaultSweepInterval = time.Minute
	// DefaultSweepBatch is how many expired rows one statement deletes.
	DefaultSweepBatch = 500
)

// Config configures New. The zero value of each field works except that
// one of DSN and DB is required, and DriverName always is.
type Config struct {
	// BaseConfig shapes keys and values; see cachecore.WrapStore. An empty
	// Prefix means DefaultPrefix and a zero DefaultTTL means DefaultTTL,
	// as in goforj/cache. A Prefix must not contain ":".
	cachecore.BaseConfig

	// DriverName is the database/sql driver's name, which selects the SQL
	// dialect: "pgx" or "postgres" for PostgreSQL, "mysql" for MySQL and
	// MariaDB, "sqlite" or "sqlite3" for SQLite. The driver itself must be
	// registered by the program (postgrescache, mysqlcache and
	// sqlitecache do so).
	DriverName string
	// DSN is passed to sql.Open with DriverName when DB is nil.
	DSN string
	// Table is the table's name (DefaultTable when empty), optionally
	// qualified by a schema ("cache.entries"); see ErrInvalidTable for
	// the names allowed.
	Table string

	// DB, when set, is used instead of a pool opened from DSN, which is
	// then ignored; the store does not close it.
	DB *sql.DB

	// Context, when set, bounds the store's background work: once it is
	// done the sweep stops and a pool the store opened from DSN is
	// closed, after which the store's operations fail. Whatever the
	// Context, a store the program no longer references stops its sweep
	// and closes a pool it opened once the garbage collector finds it
	// unreachable, so stores made and dropped leak neither goroutines nor
	// connections; Context makes that happen at a known time.
	Context context.Context
	// SweepInterval is how often the store deletes expired rows;
	// DefaultSweepInterval when zero, never when negative. Expired rows
	// are never returned either way; the sweep keeps the table from
	// growing without bound.
	SweepInterval time.Duration
	// SweepBatch is how many rows each delete statement of the sweep
	// removes at most (DefaultSweepBatch when zero or negative), so that
	// no statement holds many row locks for long.
	SweepBatch int
}
