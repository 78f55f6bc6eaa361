package drivertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
)

// Namespace returns a key prefix no other test run uses, so that tests
// sharing a server keep to keys of their own.
func Namespace(t testing.TB) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "t" + hex.EncodeToString(b)
}

// Constructor describes a driver's New to the checks every driver shares:
// the store contracts through New, Flush keeping to its prefix, and a bad
// configuration failing closed.
type Constructor struct {
	// New returns the store the driver's New builds with base as its
	// BaseConfig, on a client of the test's (closed with it). A driver
	// whose New has no error result returns a nil error.
	New func(t *testing.T, base cachecore.BaseConfig) (cachecore.Store, error)
	// Forget removes the keys of prefix ns from the server; the checks
	// call it when the test ends.
	Forget func(ns string)
	// DefaultTTL is the short DefaultTTL the contracts configure, so that
	// their wait for entries written without a ttl stays short.
	DefaultTTL time.Duration
	// Options are the contract's options for the driver; the checks set
	// DefaultTTL and, for the shaped store, MaxValueBytes.
	Options cachetest.Options
	// PutOutside writes key on the server outside any prefix, removing it
	// when the test ends, and HasOutside reports whether it is still
	// there; FlushLeavesOtherPrefixes needs them.
	PutOutside func(t *testing.T, key string)
	HasOutside func(ctx context.Context, key string) (bool, error)
}

// newStore builds a store with base, failing the test if New does, and
// forgets prefix's keys when the test ends.
func (c Constructor) newStore(t *testing.T, base cachecore.BaseConfig) cachecore.Store {
	t.Helper()
	s, err := c.New(t, base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Forget(base.Prefix) })
	return s
}

// StoreContract runs cachetest.RunStoreContract on a store from New with
// a prefix of its own and the short DefaultTTL.
func StoreContract(t *testing.T, c Constructor) {
	s := c.newStore(t, cachecore.BaseConfig{Prefix: Namespace(t), DefaultTTL: c.DefaultTTL})
	opts := c.Options
	opts.DefaultTTL = c.DefaultTTL
	cachetest.RunStoreContract(t, s, opts)
}

// shapedLimit is the MaxValueBytes of StoreContractShaped.
const shapedLimit = 4096

// StoreContractShaped is StoreContract with every shaping option on:
// a size limit, compression and encryption.
func StoreContractShaped(t *testing.T, c Constructor) {
	s := c.newStore(t, cachecore.BaseConfig{
		Prefix: Namespace(t), DefaultTTL: c.DefaultTTL, MaxValueBytes: shapedLimit,
		Compression: cachecore.CompressionGzip, EncryptionKey: make([]byte, 32),
	})
	opts := c.Options
	opts.DefaultTTL = c.DefaultTTL
	opts.MaxValueBytes = shapedLimit
	cachetest.RunStoreContract(t, s, opts)
}

// InspectorContract runs cachetest.RunInspectorContract on a store from
// New with a prefix of its own.
func InspectorContract(t *testing.T, c Constructor) {
	cachetest.RunInspectorContract(t, c.newStore(t, cachecore.BaseConfig{Prefix: Namespace(t)}))
}

// FlushLeavesOtherPrefixes shares the server between two prefixes, one
// the start of the other, and a key outside both: Flush of the first must
// remove its own key and no other.
func FlushLeavesOtherPrefixes(t *testing.T, c Constructor) {
	ctx := context.Background()
	ns := Namespace(t)
	mine := c.newStore(t, cachecore.BaseConfig{Prefix: ns})
	longer := c.newStore(t, cachecore.BaseConfig{Prefix: ns + "x"})
	bare := ns + "-bare"
	for _, s := range []cachecore.Store{mine, longer} {
		if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	c.PutOutside(t, bare)
	if err := mine.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := mine.Get(ctx, "k"); found {
		t.Fatal("Flush left its own key")
	}
	if _, found, err := longer.Get(ctx, "k"); err != nil || !found {
		t.Fatalf("Flush of prefix %q removed prefix %q's key (%v)", ns, ns+"x", err)
	}
	if found, err := c.HasOutside(ctx, bare); err != nil || !found {
		t.Fatalf("Flush removed a key outside its prefix (%v)", err)
	}
}

// BadConfigFailsClosed gives New an encryption key of the wrong size:
// New must refuse it, or return a store that refuses every write with
// cachecore.ErrEncryptionKey and keeps the driver's name.
func BadConfigFailsClosed(t *testing.T, c Constructor, driver cachecore.Driver) {
	s, err := c.New(t, cachecore.BaseConfig{EncryptionKey: []byte("short")})
	if err != nil {
		if !errors.Is(err, cachecore.ErrEncryptionKey) || s != nil {
			t.Fatalf("New = %v, %v; want nil, ErrEncryptionKey", s, err)
		}
		return
	}
	if s.Driver() != driver {
		t.Fatalf("Driver = %q, want %q", s.Driver(), driver)
	}
	if err := s.Set(context.Background(), "k", []byte("v"), 0); !errors.Is(err, cachecore.ErrEncryptionKey) {
		t.Fatalf("Set = %v, want ErrEncryptionKey", err)
	}
}

// UnconfiguredFails checks s, from New given no client: it keeps the
// driver's name, and Ready and every write report want.
func UnconfiguredFails(t *testing.T, s cachecore.Store, driver cachecore.Driver, want error) {
	if s.Driver() != driver {
		t.Fatalf("Driver = %q, want %q", s.Driver(), driver)
	}
	ctx := context.Background()
	if err := s.Ready(ctx); !errors.Is(err, want) {
		t.Fatalf("Ready = %v, want %v", err, want)
	}
	if err := s.Set(ctx, "k", []byte("v"), 0); !errors.Is(err, want) {
		t.Fatalf("Set = %v, want %v", err, want)
	}
}
