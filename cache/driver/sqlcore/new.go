package sqlcore

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"weak"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// dialectFor returns the dialect of a database/sql driver name.
func dialectFor(driverName string) (*dialect, error) {
	switch driverName {
	case "pgx", "postgres":
		return postgres(), nil
	case "mysql":
		return mysql(), nil
	case "sqlite", "sqlite3":
		return sqlite(), nil
	}
	return nil, fmt.Errorf("%w: %q (known: pgx, postgres, mysql, sqlite, sqlite3)", ErrUnknownDriver, driverName)
}

// New returns a store on the table cfg names, shaped by cfg.BaseConfig
// through cachecore.WrapStore after applying DefaultPrefix and DefaultTTL,
// and starts its sweep of expired rows (see Config.SweepInterval).
//
// New does not contact the database: the table is created, or checked,
// on first use (see EnsureSchema), and Ready reports whether the database
// answers and the table is usable. This differs from goforj/cache, whose
// New connects; an unreachable database is an error of each operation
// instead, and the same store works once the database is back.
//
// A Config that cannot work (no DriverName dialect, neither DSN nor DB, a
// table name outside the allow-list, an invalid BaseConfig) yields an
// error together with a store that returns the same error from every
// operation, so a caller that ignores the error still fails closed.
func New(cfg Config) (cachecore.Store, error) {
	refuse := func(err error) (cachecore.Store, error) {
		return cachecore.FailingStore(cachecore.DriverSQL, err), err
	}
	d, err := dialectFor(cfg.DriverName)
	if err != nil {
		return refuse(err)
	}
	table := cfg.Table
	if table == "" {
		table = DefaultTable
	}
	if err := validTable(table); err != nil {
		return refuse(err)
	}
	base := cfg.BaseConfig
	if base.Prefix == "" {
		base.Prefix = DefaultPrefix
	}
	if base.DefaultTTL <= 0 {
		base.DefaultTTL = DefaultTTL
	}
	if err := cachecore.ValidateBaseConfig(base); err != nil {
		return refuse(err)
	}
	db, owned := cfg.DB, false
	if db == nil {
		if cfg.DSN == "" {
			return refuse(ErrNoDatabase)
		}
		// sql.Open only checks the driver name; it connects on first use.
		if db, err = sql.Open(cfg.DriverName, cfg.DSN); err != nil {
			return refuse(fmt.Errorf("sqlcore: open %s: %w", cfg.DriverName, err))
		}
		owned = true
	}
	raw := newStore(db, d, table)
	s, err := cachecore.WrapStore(raw, base)
	if err != nil {
		if owned {
			db.Close()
		}
		return s, err
	}
	ctx := cfg.Context
	if ctx == nil {
		ctx = context.Background()
	}
	// Dropping the store ends its sweep and closes a pool it opened, as
	// Config.Context's end does.
	ctx, cancel := context.WithCancel(ctx)
	runtime.AddCleanup(raw, func(cancel context.CancelFunc) { cancel() }, cancel)
	sw := sweeper{store: weak.Make(raw), db: db, interval: cfg.SweepInterval, batch: cfg.SweepBatch}
	if sw.interval == 0 {
		sw.interval = DefaultSweepInterval
	}
	if sw.batch <= 0 {
		sw.batch = DefaultSweepBatch
	}
	// A pool the store opened is closed when ctx ends, so the goroutine
	// runs for that too.
	if sw.interval > 0 || owned {
		go sw.run(ctx, owned)
	}
	return s, nil
}
