package mysqlcache_test

import (
	"fmt"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/mysqlcache"
)

// A cache in a MySQL or MariaDB table, created on first use. Keys are
// stored as "myapp:" + key, so Flush removes this application's rows and
// nothing else in the table.
func ExampleNew() {
	store, err := mysqlcache.New(mysqlcache.Config{
		DSN:        "root@tcp(127.0.0.1:3306)/test",
		BaseConfig: cachecore.BaseConfig{Prefix: "myapp", DefaultTTL: 10 * time.Minute},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := cache.NewCache(store)
	if err := c.Ready(); err != nil {
		fmt.Println("MySQL is unavailable:", err)
		return
	}
	if err := c.SetString("greeting", "hello", time.Minute); err != nil {
		fmt.Println(err)
		return
	}
	v, _, _ := c.GetString("greeting")
	fmt.Println(v)
	// A counter every process sharing the table adds to.
	n, err := c.Increment("visits", 1, time.Hour)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n > 0)
	// A lock held by one process at a time, whichever pool it uses.
	if ok, _ := c.TryLock("nightly-report", time.Minute); ok {
		defer c.Unlock("nightly-report")
		fmt.Println("running the report")
	}
}
