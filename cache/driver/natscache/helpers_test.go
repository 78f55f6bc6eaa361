package natscache

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// testBucket is the bucket the tests share; each test keeps to a prefix
// of its own.
const testBucket = "groupcache_natscache_test"

// serverAddr returns the NATS server's host:port or skips the test.
func serverAddr(t testing.TB) string {
	return drivertest.Server(t, "NATS_ADDR", "127.0.0.1:4222", "nats-server -js")
}

// testKV returns the test bucket on a connection of its own to addr,
// closed with the test. The connection reconnects forever, quickly, as
// Config.KeyValue recommends.
func testKV(t testing.TB, addr string) jetstream.KeyValue {
	t.Helper()
	nc, err := nats.Connect("nats://"+addr, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	if err != nil {
		t.Fatalf("connect %s: %v", addr, err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: testBucket})
	if err != nil {
		t.Fatalf("bucket %s: %v", testBucket, err)
	}
	return kv
}

// newTestStore is the store the facade tests use: New with the prefix ns.
func newTestStore(t testing.TB, kv jetstream.KeyValue, ns string) cachecore.Store {
	return New(Config{Bucket: kv, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
}

// flushed removes the keys of prefix ns when the test ends.
func flushed(t testing.TB, kv jetstream.KeyValue, ns string) {
	t.Cleanup(func() { forget(kv, ns) })
}

// forget removes the keys of prefix ns.
func forget(kv jetstream.KeyValue, ns string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	newStore(jsBucket{kv}, ns, false).Flush(ctx)
}
