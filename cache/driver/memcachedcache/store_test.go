package memcachedcache

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// memcached counts time in whole seconds, so the expiry checks use
// lifetimes of seconds.
var contractOptions = cachetest.Options{
	TTL:              2 * time.Second,
	TTLWait:          4 * time.Second,
	LargeValueBytes:  DefaultMaxItemBytes - 1024,
	FlushUnsupported: true,
}

func TestRawStoreContract(t *testing.T) {
	s := testStore(t, Config{Addresses: []string{serverAddr(t)}})
	cachetest.RunStoreContract(t, s, contractOptions)
}

func TestRawStoreContractFlushAll(t *testing.T) {
	s := testStore(t, Config{Addresses: []string{serverAddr(t)}, FlushAll: true})
	opts := contractOptions
	opts.FlushUnsupported = false
	cachetest.RunStoreContract(t, s, opts)
}

func TestExptime(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	for _, c := range []struct {
		ttl  time.Duration
		want int64
	}{
		{0, 0},
		{-time.Second, 0},
		{time.Nanosecond, 1},
		{1500 * time.Millisecond, 2},
		{30 * 24 * time.Hour, relativeLimit},
		{30*24*time.Hour + time.Second, now.Unix() + relativeLimit + 1},
		{math.MaxInt64, math.MaxInt32},
	} {
		if got := exptime(c.ttl, now); got != c.want {
			t.Errorf("exptime(%v) = %d, want %d", c.ttl, got, c.want)
		}
	}
}

// TestUnsafeKeysAreMappedApart writes keys memcached cannot take as they
// are, and keys that look like their mapped forms, and checks that each
// reads back its own value.
func TestUnsafeKeysAreMappedApart(t *testing.T) {
	s := testStore(t, Config{Addresses: []string{serverAddr(t)}})
	ctx := context.Background()
	ns := drivertest.Namespace(t)
	long := ns + strings.Repeat("x", 300)
	keys := []string{
		long, long + "y", ns + " space", ns + "\x00nul", ns + "\r\nset evil 0 0 1", ns + "\x7f",
		serverKey(long), // a caller passing the mapped form of another key
		hashedKeyMarker + ns,
		ns + strings.Repeat("z", maxKeyLen-len(ns)), // exactly the limit
	}
	for i, k := range keys {
		if err := s.Set(ctx, k, []byte(strconv.Itoa(i)), time.Minute); err != nil {
			t.Fatalf("Set(%q): %v", k, err)
		}
	}
	for i, k := range keys {
		got, found, err := s.Get(ctx, k)
		if err != nil || !found || string(got) != strconv.Itoa(i) {
			t.Errorf("Get(%q) = %q, %v, %v; want %d", k, got, found, err, i)
		}
	}
	s.DeleteMany(ctx, keys...)
}

// TestValueTooLargeRefusedBeforeSending points the store at an address
// where nothing listens: the size check must answer before any dial.
func TestValueTooLargeRefusedBeforeSending(t *testing.T) {
	s := testStore(t, Config{Addresses: []string{"127.0.0.1:1"}, MaxItemBytes: 1000})
	ctx := context.Background()
	big := make([]byte, 1000)
	if err := s.Set(ctx, "k", big, time.Minute); !errors.Is(err, cachecore.ErrValueTooLarge) {
		t.Fatalf("Set = %v, want ErrValueTooLarge", err)
	}
	if _, err := s.Add(ctx, "k", big, time.Minute); !errors.Is(err, cachecore.ErrValueTooLarge) {
		t.Fatalf("Add = %v, want ErrValueTooLarge", err)
	}
}

// TestServerItemLimitIsValueTooLarge sends a value the server refuses
// although the configured limit lets it through.
func TestServerItemLimitIsValueTooLarge(t *testing.T) {
	s := testStore(t, Config{Addresses: []string{serverAddr(t)}, MaxItemBytes: 64 << 20})
	ctx := context.Background()
	k := drivertest.Namespace(t)
	if err := s.Set(ctx, k, make([]byte, 2<<20), time.Minute); !errors.Is(err, cachecore.ErrValueTooLarge) {
		t.Fatalf("Set(2 MiB) = %v, want ErrValueTooLarge", err)
	}
	// The connection stays usable for the next operation.
	if err := s.Set(ctx, k, []byte("v"), time.Minute); err != nil {
		t.Fatalf("Set after a refused value: %v", err)
	}
	s.Delete(ctx, k)
}

func TestNegativeCountersAndExpiryKept(t *testing.T) {
	s := testStore(t, Config{Addresses: []string{serverAddr(t)}})
	ctx := context.Background()
	k := drivertest.Namespace(t)
	if n, err := s.Decrement(ctx, k, 5, time.Hour); err != nil || n != -5 {
		t.Fatalf("Decrement of a missing counter = %d, %v; want -5", n, err)
	}
	if n, err := s.Increment(ctx, k, 2, 0); err != nil || n != -3 {
		t.Fatalf("Increment = %d, %v; want -3", n, err)
	}
	var it item
	s.client.do(ctx, s.client.pick(k), "get", func(cn *conn) (err error) {
		it, _, err = cn.metaGet(k)
		return err
	})
	if it.ttl < 3500 || it.ttl > 3600 {
		t.Fatalf("counter has %ds to live after an increment without ttl, want the hour it was created with", it.ttl)
	}
	s.Delete(ctx, k)
}

// TestLongTTLsAreKept writes with lifetimes past memcached's 30-day
// relative limit, up to "forever": the entries must be stored, not read by
// the server as a time in 1970 and dropped at once.
func TestLongTTLsAreKept(t *testing.T) {
	s := testStore(t, Config{Addresses: []string{serverAddr(t)}})
	ctx := context.Background()
	k := drivertest.Namespace(t)
	for _, ttl := range []time.Duration{31 * 24 * time.Hour, 10 * 365 * 24 * time.Hour, math.MaxInt64} {
		if err := s.Set(ctx, k, []byte("v"), ttl); err != nil {
			t.Fatalf("Set with ttl %v: %v", ttl, err)
		}
		if _, found, err := s.Get(ctx, k); err != nil || !found {
			t.Fatalf("Get after Set with ttl %v = %v, %v; want the entry", ttl, found, err)
		}
		if n, err := s.Increment(ctx, k+"n", 1, ttl); err != nil || n < 1 {
			t.Fatalf("Increment with ttl %v = %d, %v", ttl, n, err)
		}
	}
	s.DeleteMany(ctx, k, k+"n")
}
