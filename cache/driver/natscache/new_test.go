package natscache

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
	kv := testKV(t, serverAddr(t))
	ns := namespace(t)
	s := New(Config{Bucket: kv, BaseConfig: cachecore.BaseConfig{Prefix: ns, DefaultTTL: shortDefaultTTL}})
	flushed(t, kv, ns)
	cachetest.RunStoreContract(t, s, cachetest.Options{DefaultTTL: shortDefaultTTL, LargeValueBytes: largeValue})
}

func TestStoreContractShaped(t *testing.T) {
	kv := testKV(t, serverAddr(t))
	ns := namespace(t)
	s := New(Config{Bucket: kv, BaseConfig: cachecore.BaseConfig{
		Prefix: ns, DefaultTTL: shortDefaultTTL, MaxValueBytes: 4096,
		Compression: cachecore.CompressionGzip, EncryptionKey: make([]byte, 32),
	}})
	flushed(t, kv, ns)
	cachetest.RunStoreContract(t, s, cachetest.Options{DefaultTTL: shortDefaultTTL, MaxValueBytes: 4096})
}

// TestFlushLeavesOtherPrefixes shares a bucket between two prefixes, one
// the start of the other, and a key outside both.
func TestFlushLeavesOtherPrefixes(t *testing.T) {
	kv := testKV(t, serverAddr(t))
	ctx := context.Background()
	ns := namespace(t)
	mine := New(Config{Bucket: kv, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
	longer := New(Config{Bucket: kv, BaseConfig: cachecore.BaseConfig{Prefix: ns + "x"}})
	flushed(t, kv, ns)
	flushed(t, kv, ns+"x")
	bare := ns + "-bare"
	t.Cleanup(func() { kv.Purge(context.Background(), bare) })
	for _, s := range []cachecore.Store{mine, longer} {
		if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := kv.Put(ctx, bare, []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := mine.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := mine.Get(ctx, "k"); found {
		t.Fatal("Flush left its own key")
	}
	if _, found, err := longer.Get(ctx, "k"); err != nil || !found {
		t.Fatalf("Flush of prefix %q removed prefix %q's key (%v)", ns, ns+"x", err)
	}
	if _, err := kv.Get(ctx, bare); err != nil {
		t.Fatalf("Flush removed a key outside its prefix: %v", err)
	}
}

func TestNewDefaultsAreGoforjs(t *testing.T) {
	kv := testKV(t, serverAddr(t))
	ctx := context.Background()
	s := New(Config{Bucket: kv})
	k := namespace(t)
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

func TestNewWithoutKeyValueFails(t *testing.T) {
	s := New(Config{})
	if s.Driver() != cachecore.DriverNATS {
		t.Fatalf("Driver = %q", s.Driver())
	}
	ctx := context.Background()
	if err := s.Ready(ctx); !errors.Is(err, ErrNoKeyValue) {
		t.Fatalf("Ready = %v, want ErrNoKeyValue", err)
	}
	if err := s.Set(ctx, "k", []byte("v"), 0); !errors.Is(err, ErrNoKeyValue) {
		t.Fatalf("Set = %v, want ErrNoKeyValue", err)
	}
}

func TestNewWithBadConfigFailsClosed(t *testing.T) {
	kv := testKV(t, serverAddr(t))
	s := New(Config{Bucket: kv, BaseConfig: cachecore.BaseConfig{EncryptionKey: []byte("short")}})
	if err := s.Set(context.Background(), "k", []byte("v"), 0); !errors.Is(err, cachecore.ErrEncryptionKey) {
		t.Fatalf("Set = %v, want ErrEncryptionKey", err)
	}
}

func TestInspectorContract(t *testing.T) {
	kv := testKV(t, serverAddr(t))
	ns := namespace(t)
	flushed(t, kv, ns)
	cachetest.RunInspectorContract(t, New(Config{Bucket: kv, BaseConfig: cachecore.BaseConfig{Prefix: ns}}))
}
