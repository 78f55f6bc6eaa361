package memcachedcache

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// constructor describes New on the test server to drivertest's checks.
// Memcached expires entries lazily at whole seconds, so the default TTL
// and the contract's waits are in seconds.
func constructor(t *testing.T) drivertest.Constructor {
	addr := serverAddr(t)
	opts := contractOptions
	opts.TTLWait = 5 * time.Second
	return drivertest.Constructor{
		New: func(t *testing.T, base cachecore.BaseConfig) (cachecore.Store, error) {
			return New(Config{Addresses: []string{addr}, BaseConfig: base}), nil
		},
		// memcached cannot list a prefix's keys to remove them; the
		// contracts' keys expire within seconds.
		Forget:     func(string) {},
		DefaultTTL: 2 * time.Second,
		Options:    opts,
	}
}

func TestStoreContract(t *testing.T)       { drivertest.StoreContract(t, constructor(t)) }
func TestStoreContractShaped(t *testing.T) { drivertest.StoreContractShaped(t, constructor(t)) }

func TestNewDefaultsAreGoforjs(t *testing.T) {
	addr := serverAddr(t)
	raw := testStore(t, Config{Addresses: []string{addr}})
	s := New(Config{Addresses: []string{addr}})
	ctx := context.Background()
	k := drivertest.Namespace(t)
	if err := s.Set(ctx, k, []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	var it item
	err := raw.client.do(ctx, raw.client.pick("app:"+k), "get", func(cn *conn) (err error) {
		it, _, err = cn.metaGet("app:" + k)
		return err
	})
	if err != nil || string(it.value) != "v" || it.ttl < 290 || it.ttl > 300 {
		t.Fatalf("app:%s = %q with %ds to live (%v); want the key under prefix app with DefaultTTL %v", k, it.value, it.ttl, err, DefaultTTL)
	}
	raw.Delete(ctx, "app:"+k)
}

func TestNewWithBadConfigFailsClosed(t *testing.T) {
	drivertest.BadConfigFailsClosed(t, constructor(t), cachecore.DriverMemcached)
}
