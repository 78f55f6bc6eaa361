package postgrescache

import (
	"context"
	"database/sql"
	"time"

	// The pgx driver registers itself with database/sql as "pgx".
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore"
)

// DriverName is the database/sql driver this package registers and uses:
// pgx's.
const DriverName = "pgx"

// Config configures New. The zero value of each field works except that
// one of DSN and DB is required. Every field but DSN and DB has the
// meaning of the sqlcore.Config field of the same name.
type Config struct {
	// BaseConfig shapes keys and values; see cachecore.WrapStore. An empty
	// Prefix means "app" and a zero DefaultTTL five minutes, as in
	// goforj/cache.
	cachecore.BaseConfig

	// DSN is a PostgreSQL connection string, as a URL
	// ("postgres://user@host:5432/db") or as key=value pairs, used when
	// DB is nil.
	DSN string
	// Table is the table's name, "cache_entries" when empty; see
	// sqlcore.ErrInvalidTable for the names allowed.
	Table string

	// DB, when set, is used instead of a pool opened from DSN; it must
	// reach PostgreSQL, and the store does not close it.
	DB *sql.DB
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

// New returns a store on a PostgreSQL table; see sqlcore.New, which it
// calls with pgx's database/sql driver. The table, created on first use
// if absent, has goforj/cache's layout, so processes using either share
// it.
func New(cfg Config) (cachecore.Store, error) {
	return sqlcore.New(sqlcore.Config{
		BaseConfig:    cfg.BaseConfig,
		DriverName:    DriverName,
		DSN:           cfg.DSN,
		Table:         cfg.Table,
		DB:            cfg.DB,
		Context:       cfg.Context,
		SweepInterval: cfg.SweepInterval,
		SweepBatch:    cfg.SweepBatch,
	})
}

// EnsureSchema creates the table (Table, or "cache_entries" when empty)
// and its expiry index in db unless they exist; see sqlcore.EnsureSchema.
func EnsureSchema(ctx context.Context, db *sql.DB, table string) error {
	return sqlcore.EnsureSchema(ctx, db, DriverName, table)
}
