package memcachedcache_test

import (
	"fmt"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/memcachedcache"
)

// A cache on two memcached servers; each key lives on one of them.
func ExampleNew() {
	c := cache.NewCache(memcachedcache.New(memcachedcache.Config{
		Addresses:  []string{"10.0.0.1:11211", "10.0.0.2:11211"},
		BaseConfig: cachecore.BaseConfig{Prefix: "myapp", DefaultTTL: 10 * time.Minute},
	}))
	if err := c.Ready(); err != nil {
		fmt.Println("memcached is unavailable:", err)
		return
	}
	// Exactly 100 calls a minute pass, across every process sharing the
	// servers.
	st, err := c.RateLimit("api:client-42", 100, time.Minute)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("allowed:", st.Allowed)
}
