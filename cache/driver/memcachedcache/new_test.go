package memcachedcache

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
)

func TestStoreContract(t *testing.T) {
	s := New(Config{Addresses: []string{serverAddr(t)}, BaseConfig: cachecore.BaseConfig{
		Prefix: namespace(t), DefaultTTL: 2 * time.Second,
	}})
	opts := contractOptions
	opts.DefaultTTL = 2 * time.Second
	opts.TTLWait = 5 * time.Second
	cachetest.RunStoreContract(t, s, opts)
}

func TestStoreContractShaped(t *testing.T) {
	s := New(Config{Addresses: []string{serverAddr(t)}, BaseConfig: cachecore.BaseConfig{
		Prefix: namespace(t), DefaultTTL: 2 * time.Second, MaxValueBytes: 4096,
		Compression: cachecore.CompressionGzip, EncryptionKey: make([]byte, 32),
	}})
	opts := contractOptions
	opts.DefaultTTL = 2 * time.Second
	opts.TTLWait = 5 * time.Second
	opts.MaxValueBytes = 4096
	cachetest.RunStoreContract(t, s, opts)
}

func TestNewDefaultsAreGoforjs(t *testing.T) {
	addr := serverAddr(t)
	raw := testStore(t, Config{Addresses: []string{addr}})
	s := New(Config{Addresses: []string{addr}})
	ctx := context.Background()
	k := namespace(t)
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
	s := New(Config{Addresses: []string{serverAddr(t)}, BaseConfig: cachecore.BaseConfig{MaxValueBytes: -1}})
	if s.Driver() != cachecore.DriverMemcached {
		t.Fatalf("Driver = %q", s.Driver())
	}
	if err := s.Set(context.Background(), "k", []byte("v"), 0); !errors.Is(err, cachecore.ErrInvalidMaxValueBytes) {
		t.Fatalf("Set = %v, want ErrInvalidMaxValueBytes", err)
	}
}
