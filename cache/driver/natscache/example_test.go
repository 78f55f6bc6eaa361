package natscache_test

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/natscache"
)

// A cache on a NATS JetStream key/value bucket. Keys are stored under
// prefix "myapp", so Flush removes this application's entries and nothing
// else in the bucket.
func ExampleNew() {
	// Reconnect forever, so that the cache works again after an outage.
	nc, err := nats.Connect(nats.DefaultURL, nats.MaxReconnects(-1))
	if err != nil {
		fmt.Println("NATS is unavailable:", err)
		return
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		fmt.Println(err)
		return
	}
	kv, err := js.CreateOrUpdateKeyValue(context.Background(), jetstream.KeyValueConfig{Bucket: "cache"})
	if err != nil {
		fmt.Println("JetStream is unavailable:", err)
		return
	}
	c := cache.NewCache(natscache.New(natscache.Config{
		Bucket:     kv,
		BaseConfig: cachecore.BaseConfig{Prefix: "myapp", DefaultTTL: 10 * time.Minute},
	}))
	if err := c.SetString("greeting", "hello", time.Minute); err != nil {
		fmt.Println(err)
		return
	}
	v, _, _ := c.GetString("greeting")
	fmt.Println(v)
	// A lock held by one process at a time, whichever connection it uses.
	if ok, _ := c.TryLock("nightly-report", time.Minute); ok {
		defer c.Unlock("nightly-report")
		fmt.Println("running the report")
	}
}
