package dynamocache

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// contractTTL is longer than the suite's default because each operation
// on a local DynamoDB is an HTTP round trip.
const contractTTL = 300 * time.Millisecond

func TestRawStoreContract(t *testing.T) {
	s := newStore(testClient(t, serverEndpoint(t)), testTable)
	cachetest.RunStoreContract(t, s, cachetest.Options{TTL: contractTTL, LargeValueBytes: 300 << 10})
}

func TestExpiresAtRoundsUpAndClamps(t *testing.T) {
	now := time.UnixMilli(1_000_000)
	for _, c := range []struct {
		in   time.Duration
		want int64
	}{
		{0, 0},
		{-time.Second, 0},
		{time.Nanosecond, 1_000_001},
		{1500 * time.Microsecond, 1_000_002},
		{time.Second, 1_001_000},
		{1<<63 - 1, now.Add(cachecore.MaxTTL).UnixMilli()},
	} {
		if got := cachecore.ExpiresAtMilli(now, c.in); got != c.want {
			t.Errorf("expiresAt(%v) = %d, want %d", c.in, got, c.want)
		}
	}
}

// TestExpiredItemIsNeverReturned writes an item whose expiry has passed,
// as DynamoDB keeps them: reads miss, Add succeeds, Increment restarts.
func TestExpiredItemIsNeverReturned(t *testing.T) {
	s := newStore(testClient(t, serverEndpoint(t)), testTable)
	ctx := context.Background()
	k := drivertest.Namespace(t) + ":old"
	t.Cleanup(func() { s.Delete(ctx, k) })
	past := func() {
		if _, err := s.client.PutItem(ctx, putInput(s, k, []byte("41"), time.Now().Add(-time.Hour).UnixMilli())); err != nil {
			t.Fatal(err)
		}
	}
	past()
	if _, found, err := s.Get(ctx, k); err != nil || found {
		t.Fatalf("Get of an expired item = found %v, %v", found, err)
	}
	if n, err := s.Increment(ctx, k, 5, 0); err != nil || n != 5 {
		t.Fatalf("Increment of an expired counter = %d, %v; want 5", n, err)
	}
	past()
	if ok, err := s.Add(ctx, k, []byte("v"), time.Minute); err != nil || !ok {
		t.Fatalf("Add over an expired item = %v, %v; want created", ok, err)
	}
}

// TestIncrementReplacesExpiredForeignItem writes an expired item with no
// "v" attribute, as another program sharing the table might: Increment
// replaces it and starts the counter at delta.
func TestIncrementReplacesExpiredForeignItem(t *testing.T) {
	s := newStore(testClient(t, serverEndpoint(t)), testTable)
	ctx := context.Background()
	k := drivertest.Namespace(t) + ":foreign"
	t.Cleanup(func() { s.Delete(ctx, k) })
	in := putInput(s, k, nil, time.Now().Add(-time.Hour).UnixMilli())
	delete(in.Item, attrValue)
	if _, err := s.client.PutItem(ctx, in); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Increment(ctx, k, 3, 0); err != nil || n != 3 {
		t.Fatalf("Increment over an expired foreign item = %d, %v; want 3", n, err)
	}
	if v, found, err := s.Get(ctx, k); err != nil || !found || string(v) != "3" {
		t.Fatalf("Get after Increment = %q, %v, %v; want \"3\"", v, found, err)
	}
}

// TestIncrementOverExpiredForeignItemKeepsConcurrentWrite has another
// writer store a counter between Increment's read of an expired foreign
// item and its write (through the store's clock, which Increment reads
// in between): the write must lose and retry, so that both counts hold.
func TestIncrementOverExpiredForeignItemKeepsConcurrentWrite(t *testing.T) {
	s := newStore(testClient(t, serverEndpoint(t)), testTable)
	ctx := context.Background()
	k := drivertest.Namespace(t) + ":foreign"
	t.Cleanup(func() { s.Delete(ctx, k) })
	in := putInput(s, k, nil, time.Now().Add(-time.Hour).UnixMilli())
	delete(in.Item, attrValue)
	if _, err := s.client.PutItem(ctx, in); err != nil {
		t.Fatal(err)
	}
	raced := false
	s.now = func() time.Time {
		if !raced {
			raced = true
			if _, err := s.client.PutItem(ctx, putInput(s, k, []byte("10"), 0)); err != nil {
				t.Error(err)
			}
		}
		return time.Now()
	}
	if n, err := s.Increment(ctx, k, 3, 0); err != nil || n != 13 {
		t.Fatalf("Increment racing another writer = %d, %v; want 13", n, err)
	}
}

func TestRawInspectorContract(t *testing.T) {
	cachetest.RunInspectorContract(t, newStore(testClient(t, serverEndpoint(t)), testTable))
}
