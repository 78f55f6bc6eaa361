package dynamocache_test

import (
	"context"
	"fmt"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/dynamocache"
)

// A cache on a local DynamoDB. Keys are stored as "myapp:" + key in the
// table "cache_entries", created if missing, so Flush removes this
// application's entries and nothing else in the table.
func ExampleNew() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	store, err := dynamocache.New(ctx, dynamocache.Config{
		Endpoint:   "http://127.0.0.1:8000",
		BaseConfig: cachecore.BaseConfig{Prefix: "myapp", DefaultTTL: 10 * time.Minute},
	})
	if err != nil {
		fmt.Println("DynamoDB is unavailable:", err)
		return
	}
	c := cache.NewCache(store)
	if err := c.SetString("greeting", "hello", time.Minute); err != nil {
		fmt.Println(err)
		return
	}
	v, _, _ := c.GetString("greeting")
	fmt.Println(v)
	// A lock held by one process at a time, whichever client it uses.
	if ok, _ := c.TryLock("nightly-report", time.Minute); ok {
		defer c.Unlock("nightly-report")
		fmt.Println("running the report")
	}
}
