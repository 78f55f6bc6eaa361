package sqlitecache

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	// modernc.org/sqlite registers itself with database/sql as "sqlite".
	_ "modernc.org/sqlite"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore"
)

// DriverName is the database/sql driver this package registers and uses:
// modernc.org/sqlite's, a translation of SQLite to Go that needs no C
// toolchain. goforj/cache uses the same driver.
const DriverName = "sqlite"

// DefaultBusyTimeout is how long a statement waits for another
// connection's write lock when Config.BusyTimeout is zero. It bounds the
// wait; each operation also ends when its context does.
const DefaultBusyTimeout = 5 * time.Second

// Config configures New. The zero value of each field works except that
// one of DSN and DB is required. BaseConfig, Table, Context, SweepInterval
// and SweepBatch have the meaning of the sqlcore.Config fields of the same
// names.
type Config struct {
	// BaseConfig shapes keys and values; see cachecore.WrapStore. An empty
	// Prefix means "app" and a zero DefaultTTL five minutes, as in
	// goforj/cache.
	cachecore.BaseConfig

	// DSN names the database as modernc.org/sqlite takes it: a path
	// ("/var/cache/app.db") or a URI ("file:/var/cache/app.db?_pragma=...").
	// New adds the pragmas the store needs to every connection unless the
	// DSN sets them itself (see WithPragmas) and refuses a DSN that would
	// give each pooled connection a database of its own, such as
	// ":memory:"; "file::memory:?cache=shared" is one in-memory database
	// for the whole process. It is used when DB is nil.
	DSN string
	// Table is the table's name, "cache_entries" when empty; see
	// sqlcore.ErrInvalidTable for the names allowed.
	Table string

	// DB, when set, is used instead of a pool opened from DSN; it must
	// reach SQLite through DriverName, and the store does not close it.
	// Open it with a DSN from WithPragmas to get the store's settings.
	DB *sql.DB
	// BusyTimeout is how long a statement waits for another connection,
	// of this process or another, to release the database's write lock
	// before failing; DefaultBusyTimeout when zero. A DSN that sets
	// busy_timeout itself keeps its own.
	BusyTimeout time.Duration

	// Context, when set, stops the sweep of expired rows once it is done
	// and closes a pool the store opened from DSN.
	Context context.Context
	// SweepInterval is how often expired rows are deleted: every minute
	// when zero, never when negative.
	SweepInterval time.Duration
	// SweepBatch bounds the rows each delete of the sweep removes; 500
	// when zero.
	SweepBatch int
}

// New returns a store on a table of a SQLite database; see sqlcore.New,
// which it calls with modernc.org/sqlite's driver after preparing the DSN
// with WithPragmas. The table, created on first use if absent, has
// goforj/cache's layout, so processes using either share the file.
//
// A DSN naming a file in a directory that does not exist, or one that
// would give each connection a private database, and a Table in the temp
// schema, which each connection has its own of, yield an error
// (ErrNoDirectory, ErrPrivateDatabase) together with a store that returns
// it from every operation, so a caller that ignores the error still fails
// closed. Other problems, such as a file that cannot be opened, are
// errors of the first operation, as with the other SQL drivers.
func New(cfg Config) (cachecore.Store, error) {
	// Each connection has a temp schema of its own, as with ":memory:".
	if schema, _, ok := strings.Cut(cfg.Table, "."); ok && strings.EqualFold(schema, "temp") {
		err := fmt.Errorf("%w: table %q is in the temp schema", ErrPrivateDatabase, cfg.Table)
		return cachecore.FailingStore(cachecore.DriverSQL, err), err
	}
	dsn := cfg.DSN
	if cfg.DB == nil && dsn != "" {
		var err error
		if dsn, err = WithPragmas(dsn, cfg.BusyTimeout); err != nil {
			return cachecore.FailingStore(cachecore.DriverSQL, err), err
		}
	}
	return sqlcore.New(sqlcore.Config{
		BaseConfig:    cfg.BaseConfig,
		DriverName:    DriverName,
		DSN:           dsn,
		Table:         cfg.Table,
		DB:            cfg.DB,
		Context:       cfg.Context,
		SweepInterval: cfg.SweepInterval,
		SweepBatch:    cfg.SweepBatch,
	})
}

// EnsureSchema creates the table (table, or "cache_entries" when empty)
// and its expiry index in db unless they exist; see sqlcore.EnsureSchema.
func EnsureSchema(ctx context.Context, db *sql.DB, table string) error {
	return sqlcore.EnsureSchema(ctx, db, DriverName, table)
}
