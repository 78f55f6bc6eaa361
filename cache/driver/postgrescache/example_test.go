package postgrescache_test

import (
	"fmt"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/postgrescache"
)

// A cache in a PostgreSQL table, created on first use. Keys are stored as
// "myapp:" + key, so Flush removes this application's rows and nothing
// else in the table.
func ExampleNew() {
	store, err := postgrescache.New(postgrescache.Config{
		DSN:        "postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
		BaseConfig: cachecore.BaseConfig{Prefix: "myapp", DefaultTTL: 10 * time.Minute},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := cache.NewCache(store)
	if err := c.Ready(); err != nil {
		fmt.Println("PostgreSQL is unavailable:", err)
		return
	}
	if err := c.SetString("greeting", "hello", time.Minute); err != nil {
		fmt.Println(err)
		return
	}
	v, _, _ := c.GetString("greeting")
	fmt.Println(v)
	// A lock held by one process at a time, whichever pool it uses.
	if ok, _ := c.TryLock("nightly-report", time.Minute); ok {
		defer c.Unlock("nightly-report")
		fmt.Println("running the report")
	}
}
