package mysqlcache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	// The driver registers itself with database/sql as "mysql".
	"github.com/go-sql-driver/mysql"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore"
)

// DriverName is the database/sql driver this package registers and uses:
// go-sql-driver's.
const DriverName = "mysql"

// ErrInvalidDSN is returned by New, and by every operation of the store
// it returns, for a DSN the driver cannot parse.
var ErrInvalidDSN = errors.New("mysqlcache: invalid DSN")

// Config configures New. The zero value of each field works except that
// one of DSN and DB is required. Every field but DSN and DB has the
// meaning of the sqlcore.Config field of the same name.
type Config struct {
	// BaseConfig shapes keys and values; see cachecore.WrapStore. An empty
	// Prefix means "app" and a zero DefaultTTL five minutes, as in
	// goforj/cache.
	cachecore.BaseConfig

	// DSN is a go-sql-driver data source name
	// ("user:password@tcp(host:3306)/db"), used when DB is nil. New turns
	// off its clientFoundRows, which would make Add report a live row as
	// created, and its interpolateParams, so that statements are prepared
	// on the server once and reused.
	DSN string
	// Table is the table's name, "cache_entries" when empty; see
	// sqlcore.ErrInvalidTable for the names allowed.
	Table string

	// DB, when set, is used instead of a pool opened from DSN; it must
	// reach MySQL or MariaDB through this package's driver without
	// clientFoundRows, and the store does not close it.
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

// New returns a store on a MySQL or MariaDB table; see sqlcore.New, which
// it calls with go-sql-driver. The table, created on first use if absent,
// has goforj/cache's layout, so processes using either share it.
func New(cfg Config) (cachecore.Store, error) {
	dsn := cfg.DSN
	if cfg.DB == nil && dsn != "" {
		dc, err := mysql.ParseDSN(dsn)
		if err != nil {
			err = fmt.Errorf("%w: %w", ErrInvalidDSN, err)
			return cachecore.FailingStore(cachecore.DriverSQL, err), err
		}
		dc.ClientFoundRows = false
		dc.InterpolateParams = false
		dsn = dc.FormatDSN()
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

// EnsureSchema creates the table (Table, or "cache_entries" when empty)
// and its expiry index in db unless they exist; see sqlcore.EnsureSchema.
func EnsureSchema(ctx context.Context, db *sql.DB, table string) error {
	return sqlcore.EnsureSchema(ctx, db, DriverName, table)
}
