package sqlcore_test

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore"
)

// A cache on a pool the program already has, here of pgx's driver
// (imported elsewhere in the program as _ "github.com/jackc/pgx/v5/stdlib").
// The table is created at start-up by EnsureSchema rather than on first
// use, and the sweep of expired rows stops with ctx.
func ExampleNew() {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	db, err := sql.Open("pgx", "postgres://app@127.0.0.1:5432/app")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	if err := sqlcore.EnsureSchema(ctx, db, "pgx", "cache_entries"); err != nil {
		fmt.Println("cannot create the cache table:", err)
		return
	}
	store, err := sqlcore.New(sqlcore.Config{
		DriverName: "pgx",
		DB:         db,
		Context:    ctx,
		BaseConfig: cachecore.BaseConfig{Prefix: "myapp", DefaultTTL: 10 * time.Minute},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := cache.NewCache(store)
	n, err := c.Increment("visits", 1, time.Hour)
	fmt.Println(n, err)
}
