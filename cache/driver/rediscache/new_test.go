package rediscache

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
)

// shortDefaultTTL keeps the contract's wait for default-TTL entries short.
const shortDefaultTTL = 300 * time.Millisecond

func TestStoreContract(t *testing.T) {
	client := testClient(t, serverAddr(t))
	ns := namespace(t)
	s := New(Config{Client: client, BaseConfig: cachecore.BaseConfig{Prefix: ns, DefaultTTL: shortDefaultTTL}})
	t.Cleanup(func() { newStore(client).FlushPrefix(context.Background(), ns) })
	cachetest.RunStoreContract(t, s, cachetest.Options{DefaultTTL: shortDefaultTTL, ExpiryResolution: time.Millisecond})
}

func TestStoreContractShaped(t *testing.T) {
	client := testClient(t, serverAddr(t))
	ns := namespace(t)
	s := New(Config{Client: client, BaseConfig: cachecore.BaseConfig{
		Prefix: ns, DefaultTTL: shortDefaultTTL, MaxValueBytes: 4096,
		Compression: cachecore.CompressionGzip, EncryptionKey: make([]byte, 32),
	}})
	t.Cleanup(func() { newStore(client).FlushPrefix(context.Background(), ns) })
	cachetest.RunStoreContract(t, s, cachetest.Options{DefaultTTL: shortDefaultTTL, MaxValueBytes: 4096, ExpiryResolution: time.Millisecond})
}

func TestInspectorContract(t *testing.T) {
	client := testClient(t, serverAddr(t))
	ns := namespace(t)
	cachetest.RunInspectorContract(t, New(Config{Client: client, BaseConfig: cachecore.BaseConfig{Prefix: ns}}))
}

// TestFlushLeavesOtherPrefixes shares a database between two prefixes,
// one the start of the other, and keys outside both.
func TestFlushLeavesOtherPrefixes(t *testing.T) {
	client := testClient(t, serverAddr(t))
	ctx := context.Background()
	ns := namespace(t)
	mine := New(Config{Client: client, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
	longer := New(Config{Client: client, BaseConfig: cachecore.BaseConfig{Prefix: ns + "x"}})
	t.Cleanup(func() {
		newStore(client).FlushPrefix(ctx, ns)
		client.Del(ctx, ns+"-bare")
	})
	for _, s := range []cachecore.Store{mine, longer} {
		if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	client.Set(ctx, ns+"-bare", "v", time.Minute)
	if err := mine.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := mine.Get(ctx, "k"); found {
		t.Fatal("Flush left its own key")
	}
	if _, found, err := longer.Get(ctx, "k"); err != nil || !found {
		t.Fatalf("Flush of prefix %q removed prefix %q's key (%v)", ns, ns+"x", err)
	}
	if client.Exists(ctx, ns+"-bare").Val() != 1 {
		t.Fatal("Flush removed a key outside its prefix")
	}
}

func TestNewDefaultsAreGoforjs(t *testing.T) {
	client := testClient(t, serverAddr(t))
	ctx := context.Background()
	s := New(Config{Client: client})
	k := namespace(t)
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
	s := New(Config{})
	if s.Driver() != cachecore.DriverRedis {
		t.Fatalf("Driver = %q", s.Driver())
	}
	ctx := context.Background()
	if err := s.Ready(ctx); !errors.Is(err, ErrNoClient) {
		t.Fatalf("Ready = %v, want ErrNoClient", err)
	}
	if err := s.Set(ctx, "k", []byte("v"), 0); !errors.Is(err, ErrNoClient) {
		t.Fatalf("Set = %v, want ErrNoClient", err)
	}
}

func TestNewWithBadConfigFailsClosed(t *testing.T) {
	client := testClient(t, serverAddr(t))
	s := New(Config{Client: client, BaseConfig: cachecore.BaseConfig{EncryptionKey: []byte("short")}})
	if err := s.Set(context.Background(), "k", []byte("v"), 0); !errors.Is(err, cachecore.ErrEncryptionKey) {
		t.Fatalf("Set = %v, want ErrEncryptionKey", err)
	}
}
