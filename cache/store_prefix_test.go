package cache_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// TestPrefixCannotReachLongerPrefix shares one directory between the
// prefixes "tenant1" and "tenant10". Keys used to be stored as prefix+key,
// so tenant1's "0:user" was tenant10's ":user", and tenant1's Flush, which
// listed keys starting with "tenant1", removed tenant10's keys as well.
func TestPrefixCannotReachLongerPrefix(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func(prefix string) cachecore.Store {
		return cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{FileDir: dir, BaseConfig: cachecore.BaseConfig{Prefix: prefix}})
	}
	tenant1, tenant10, raw := open("tenant1"), open("tenant10"), cache.NewFileStore(ctx, dir)

	must(t, tenant10.Set(ctx, "user", []byte("tenant10's"), time.Minute))
	must(t, tenant1.Set(ctx, "0:user", []byte("tenant1's"), time.Minute))
	if v, found, err := tenant10.Get(ctx, ":user"); err != nil || found {
		t.Fatalf("tenant10 reads tenant1's key: %q, %v, %v", v, found, err)
	}
	must(t, tenant1.Flush(ctx))
	if v, found, err := tenant10.Get(ctx, "user"); err != nil || !found || string(v) != "tenant10's" {
		t.Fatalf("tenant1's Flush took tenant10's key: %q, %v, %v", v, found, err)
	}
	if _, found, _ := tenant1.Get(ctx, "0:user"); found {
		t.Fatal("tenant1's Flush left its own key")
	}
	// The stored key is prefix + ":" + key, as goforj/cache drivers store it.
	if v, found, err := raw.Get(ctx, "tenant10:user"); err != nil || !found || string(v) != "tenant10's" {
		t.Fatalf("raw Get of tenant10:user = %q, %v, %v", v, found, err)
	}
}

// TestPrefixWithSeparatorIsRejected: with ':' inside a prefix, prefix "a"
// with key "b:c" and prefix "a:b" with key "c" would be one stored key.
func TestPrefixWithSeparatorIsRejected(t *testing.T) {
	ctx := context.Background()
	s := cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{BaseConfig: cachecore.BaseConfig{Prefix: "a:b"}})
	if err := s.Ready(ctx); !errors.Is(err, cache.ErrInvalidPrefix) {
		t.Fatalf("Ready = %v, want ErrInvalidPrefix", err)
	}
	if err := s.Set(ctx, "c", []byte("v"), time.Minute); !errors.Is(err, cache.ErrInvalidPrefix) {
		t.Fatalf("Set = %v, want ErrInvalidPrefix", err)
	}
}
