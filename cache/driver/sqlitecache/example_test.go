package sqlitecache_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/sqlitecache"
)

// A cache in a SQLite file, which other processes on the machine, of
// this package or of goforj/cache, may share. The table is created on
// first use; keys are stored as "myapp:" + key, so Flush removes this
// application's rows and nothing else in the table.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "sqlitecache-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	// Ending the context stops the sweep of expired rows and closes the
	// pool the store opened.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, err := sqlitecache.New(sqlitecache.Config{
		DSN:        filepath.Join(dir, "cache.db"),
		Context:    ctx,
		BaseConfig: cachecore.BaseConfig{Prefix: "myapp", DefaultTTL: 10 * time.Minute},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := cache.NewCache(store)
	if err := c.SetString("greeting", "hello", time.Minute); err != nil {
		fmt.Println(err)
		return
	}
	v, _, _ := c.GetString("greeting")
	fmt.Println(v)
	// A lock held by one process at a time, whichever pool it uses.
	if ok, _ := c.TryLock("nightly-report", time.Minute); ok {
		fmt.Println("running the report")
		c.Unlock("nightly-report")
	}
	n, _ := c.Increment("visits", 1, time.Hour)
	fmt.Println(n)
	// Output:
	// hello
	// running the report
	// 1
}
