package natscache

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// shortDefaultTTL keeps the contract's wait for default-TTL entries short.
const shortDefaultTTL = 300 * time.Millisecond

// constructor describes New on the test bucket to drivertest's checks.
func constructor(t *testing.T) drivertest.Constructor {
	kv := testKV(t, serverAddr(t))
	return drivertest.Constructor{
		New: func(t *testing.T, base cachecore.BaseConfig) (cachecore.Store, error) {
			return New(Config{Bucket: kv, BaseConfig: base}), nil
		},
		Forget:     func(ns string) { forget(kv, ns) },
		DefaultTTL: shortDefaultTTL,
		Options:    cachetest.Options{LargeValueBytes: largeValue},
		PutOutside: func(t *testing.T, key string) {
			if _, err := kv.Put(context.Background(), key, []byte("v")); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { kv.Purge(context.Background(), key) })
		},
		HasOutside: func(ctx context.Context, key string) (bool, error) {
			_, err := kv.Get(ctx, key)
			if errors.Is(err, jetstream.ErrKeyNotFound) {
				return false, nil
			}
			return err == nil, err
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
	drivertest.BadConfigFailsClosed(t, constructor(t), cachecore.DriverNATS)
}

func TestNewWithoutKeyValueFails(t *testing.T) {
	drivertest.UnconfiguredFails(t, New(Config{}), cachecore.DriverNATS, ErrNoKeyValue)
}

func TestNewDefaultsAreGoforjs(t *testing.T) {
	kv := testKV(t, serverAddr(t))
	ctx := context.Background()
	s := New(Config{Bucket: kv})
	k := drivertest.Namespace(t)
	if err := s.Set(ctx, k, []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	stored := keyPrefix(DefaultPrefix) + encodePart(k)
	t.Cleanup(func() { kv.Purge(context.Background(), stored) })
	e, err := kv.Get(ctx, stored)
	if err != nil {
		t.Fatalf("%s: %v; want the key under prefix app", stored, err)
	}
	_, exp := unwrap(e.Value())
	left := time.Until(time.UnixMilli(int64(exp)))
	if left <= DefaultTTL-time.Minute || left > DefaultTTL+time.Millisecond {
		t.Fatalf("%s expires in %v, want DefaultTTL %v", stored, left, DefaultTTL)
	}
}
