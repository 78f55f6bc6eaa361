package rediscache_test

import (
	"fmt"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/rediscache"
)

// A cache on Redis. Keys are stored as "myapp:" + key, so Flush removes
// this application's entries and nothing else on the server.
func ExampleNew() {
	c := cache.NewCache(rediscache.New(rediscache.Config{
		Addr:       "127.0.0.1:6379",
		BaseConfig: cachecore.BaseConfig{Prefix: "myapp", DefaultTTL: 10 * time.Minute},
	}))
	if err := c.Ready(); err != nil {
		fmt.Println("Redis is unavailable:", err)
		return
	}
	if err := c.SetString("greeting", "hello", time.Minute); err != nil {
		fmt.Println(err)
		return
	}
	v, _, _ := c.GetString("greeting")
	fmt.Println(v)
	// A lock held by one process at a time, whichever server client it uses.
	if ok, _ := c.TryLock("nightly-report", time.Minute); ok {
		defer c.Unlock("nightly-report")
		fmt.Println("running the report")
	}
}
