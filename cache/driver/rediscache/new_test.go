package rediscache

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// shortDefaultTTL keeps the contract's wait for default-TTL entries short.
const shortDefaultTTL = 300 * time.Millisecond

// constructor describes New on the test server to drivertest's checks.
func constructor(t *testing.T) drivertest.Constructor {
	client := testClient(t, serverAddr(t))
	return drivertest.Constructor{
		New: func(t *testing.T, base cachecore.BaseConfig) (cachecore.Store, error) {
			return New(Config{Client: client, BaseConfig: base}), nil
		},
		Forget:     func(ns string) { newStore(client).FlushPrefix(context.Background(), ns) },
		DefaultTTL: shortDefaultTTL,
		Options:    cachetest.Options{ExpiryResolution: time.Millisecond},
		PutOutside: func(t *testing.T, key string) {
			if err := client.Set(context.Background(), key, "v", time.Minute).Err(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { client.Del(context.Background(), key) })
		},
		HasOutside: func(ctx context.Context, key string) (bool, error) {
			n, err := client.Exists(ctx, key).Result()
			return n == 1, err
		},
	}
}

func TestStoreContract(t *testing.T)       { drivertest.StoreContract(t, constructor(t)) }
func TestStoreContractShaped(t *testing.T) { drivertest.StoreContractShaped(t, constructor(t)) }
func TestInspectorContract(t *testing.T)   { drivertest.InspectorContract(t, constructor(t)) }
func TestFlushLeavesOtherPrefixes(t *testing.T) {
	drivertest.FlushLeavesOtherPrefixes(t, constructor(t))
}

func TestNewWithBadConfigFailsClosed(t *testing.T) {
	drivertest.BadConfigFailsClosed(t, constructor(t), cachecore.DriverRedis)
}

func TestNewDefaultsAreGoforjs(t *testing.T) {
	client := testClient(t, serverAddr(t))
	ctx := context.Background()
	s := New(Config{Client: client})
	k := drivertest.Namespace(t)
	if err := s.Set(ctx, k, []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Del(ctx, "app:"+k) })
	ttl, err := client.PTTL(ctx, "app:"+k).Result()
	if err != nil || ttl <= DefaultTTL-time.Minute || ttl > DefaultTTL {
		t.Fatalf("app:%s has ttl %v (%v), want the key under prefix app with DefaultTTL %v", k, ttl, err, DefaultTTL)
	}
}

func TestNewWithoutClientFails(t *testing.T) {
	drivertest.UnconfiguredFails(t, New(Config{}), cachecore.DriverRedis, ErrNoClient)
}
