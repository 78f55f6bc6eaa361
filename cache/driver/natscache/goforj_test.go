package natscache_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/natscache"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// TestGoforjProgram is a program written for goforj/cache's NATS driver,
// as its documentation builds the Config, with only the import paths
// changed: it must compile and work.
func TestGoforjProgram(t *testing.T) {
	addr := drivertest.Server(t, "NATS_ADDR", "127.0.0.1:4222", "nats-server -js")
	nc, err := nats.Connect("nats://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := nc.JetStream()
	if err != nil {
		t.Fatal(err)
	}
	kv, err := js.CreateKeyValue(&nats.KeyValueConfig{Bucket: "groupcache_natscache_goforj"})
	if err != nil {
		t.Fatal(err)
	}
	store := natscache.New(natscache.Config{
		BaseConfig: cachecore.BaseConfig{
			DefaultTTL: 5 * time.Minute,
			Prefix:     "goforj-program",
		},
		KeyValue:  kv,
		BucketTTL: false,
	})
	if store.Driver() != cachecore.DriverNATS {
		t.Fatalf("Driver = %q", store.Driver())
	}
	c := cache.NewCache(store)
	defer store.Flush(context.Background())
	if err := c.SetString("greeting", "hello", time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := c.GetString("greeting"); err != nil || !ok || v != "hello" {
		t.Fatalf("GetString = %q, %v, %v", v, ok, err)
	}
}
