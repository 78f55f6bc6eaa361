package cachecore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

func TestValidateBaseConfig(t *testing.T) {
	cases := []struct {
		name string
		cfg  cachecore.BaseConfig
		want error
	}{
		{"zero", cachecore.BaseConfig{}, nil},
		{"everything", cachecore.BaseConfig{
			DefaultTTL: time.Minute, Prefix: "app", Compression: cachecore.CompressionSnappy, MaxValueBytes: 1,
			EncryptionKey: vecKey[:24], KeyBoundEncryption: true, AcceptUnencrypted: true,
		}, nil},
		{"none codec", cachecore.BaseConfig{Compression: cachecore.CompressionNone}, nil},
		{"negative limit", cachecore.BaseConfig{MaxValueBytes: -1}, cachecore.ErrInvalidMaxValueBytes},
		{"unknown codec", cachecore.BaseConfig{Compression: "zstd"}, cachecore.ErrUnsupportedCodec},
		{"short key", cachecore.BaseConfig{EncryptionKey: vecKey[:15]}, cachecore.ErrEncryptionKey},
		{"key-bound without key", cachecore.BaseConfig{KeyBoundEncryption: true}, cachecore.ErrEncryptionKey},
		{"separator in prefix", cachecore.BaseConfig{Prefix: "a:b"}, cachecore.ErrInvalidPrefix},
		// goforj/cache's order: the limit, then the codec, then the key.
		{"order", cachecore.BaseConfig{MaxValueBytes: -1, Compression: "zstd", EncryptionKey: []byte("k"), Prefix: ":"}, cachecore.ErrInvalidMaxValueBytes},
		{"order 2", cachecore.BaseConfig{Compression: "zstd", EncryptionKey: []byte("k"), Prefix: ":"}, cachecore.ErrUnsupportedCodec},
		{"order 3", cachecore.BaseConfig{EncryptionKey: []byte("k"), Prefix: ":"}, cachecore.ErrEncryptionKey},
	}
	for _, tc := range cases {
		if err := cachecore.ValidateBaseConfig(tc.cfg); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("%s: ValidateBaseConfig = %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestWrapStoreFailsClosed checks that a refused configuration yields its
// error and a store that reports it from every operation, keeping the
// backend's driver.
func TestWrapStoreFailsClosed(t *testing.T) {
	ctx := context.Background()
	raw := cache.NewMemoryStore(t.Context())
	s, err := cachecore.WrapStore(raw, cachecore.BaseConfig{MaxValueBytes: -5})
	if !errors.Is(err, cachecore.ErrInvalidMaxValueBytes) || s == nil {
		t.Fatalf("WrapStore = %v, %v; want a store and ErrInvalidMaxValueBytes", s, err)
	}
	if s.Driver() != cachecore.DriverMemory {
		t.Fatalf("Driver = %q, want the backend's", s.Driver())
	}
	_, _, getErr := s.Get(ctx, "k")
	_, addErr := s.Add(ctx, "k", nil, time.Minute)
	_, incErr := s.Increment(ctx, "k", 1, time.Minute)
	_, decErr := s.Decrement(ctx, "k", 1, time.Minute)
	for op, err := range map[string]error{
		"Ready": s.Ready(ctx), "Get": getErr, "Set": s.Set(ctx, "k", nil, time.Minute), "Add": addErr,
		"Increment": incErr, "Decrement": decErr, "Delete": s.Delete(ctx, "k"),
		"DeleteMany": s.DeleteMany(ctx, "k"), "Flush": s.Flush(ctx),
	} {
		if !errors.Is(err, cachecore.ErrInvalidMaxValueBytes) {
			t.Errorf("%s = %v, want ErrInvalidMaxValueBytes", op, err)
		}
	}
}

func TestWrapStoreNilStore(t *testing.T) {
	s, err := cachecore.WrapStore(nil, cachecore.BaseConfig{})
	if !errors.Is(err, cachecore.ErrNilStore) || s == nil {
		t.Fatalf("WrapStore(nil) = %v, %v; want a store and ErrNilStore", s, err)
	}
	if err := s.Ready(context.Background()); !errors.Is(err, cachecore.ErrNilStore) {
		t.Fatalf("Ready = %v, want ErrNilStore", err)
	}
}

// TestWrapStoreWithNothingToDo returns the backend itself, so its
// capabilities unknown to this package stay reachable.
func TestWrapStoreWithNothingToDo(t *testing.T) {
	raw := cache.NewMemoryStore(t.Context())
	for _, cfg := range []cachecore.BaseConfig{{}, {Compression: cachecore.CompressionNone, AcceptUnencrypted: true}} {
		if s, err := cachecore.WrapStore(raw, cfg); s != raw || err != nil {
			t.Fatalf("WrapStore(%+v) = %v, %v; want the store itself", cfg, s, err)
		}
	}
	s, _ := cachecore.WrapStore(raw, cachecore.BaseConfig{Prefix: "p"})
	if _, ok := s.(cachecore.ExpiryGetter); !ok {
		t.Fatal("wrapping hid the backend's ExpiryGetter")
	}
	s, _ = cachecore.WrapStore(noExpiry{raw}, cachecore.BaseConfig{Prefix: "p"})
	if _, ok := s.(cachecore.ExpiryGetter); ok {
		t.Fatal("wrapping claims an ExpiryGetter the backend lacks")
	}
}

// noExpiry hides every optional interface of the store it embeds.
type noExpiry struct{ cachecore.Store }
