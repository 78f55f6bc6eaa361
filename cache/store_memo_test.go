package cache_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// countingStore counts Get calls reaching the backing store. It hides the
// backing store's optional interfaces, like most foreign stores would.
type countingStore struct {
	cachecore.Store
	gets atomic.Int32
}

func (s *countingStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	s.gets.Add(1)
	return s.Store.Get(ctx, key)
}

func TestMemoServesRepeatReadsFromMemory(t *testing.T) {
	ctx := context.Background()
	base := &countingStore{Store: cache.NewMemoryStore(ctx)}
	memo := cache.NewMemoStore(base)
	must(t, base.Set(ctx, "k", []byte("v"), time.Minute))
	for range 5 {
		v, found, err := memo.Get(ctx, "k")
		if err != nil || !found || string(v) != "v" {
			t.Fatalf("Get = %q, %v, %v", v, found, err)
		}
		v[0] = 'X' // callers own their copy
	}
	if n := base.gets.Load(); n != 1 {
		t.Fatalf("backing store read %d times, want 1", n)
	}
	// Misses are not memoized.
	for range 3 {
		_, _, _ = memo.Get(ctx, "missing")
	}
	must(t, base.Set(ctx, "missing", []byte("now here"), time.Minute))
	if _, found, _ := memo.Get(ctx, "missing"); !found {
		t.Fatal("a memoized miss hid a later write")
	}
}

func TestMemoInvalidatesOnWrites(t *testing.T) {
	ctx := context.Background()
	memo := cache.NewMemoStore(cache.NewMemoryStore(ctx))
	read := func() string {
		v, _, err := memo.Get(ctx, "k")
		must(t, err)
		return string(v)
	}
	must(t, memo.Set(ctx, "k", []byte("1"), time.Minute))
	if read() != "1" {
		t.Fatal("first read")
	}
	writes := []struct {
		name string
		do   func() error
		want string
	}{
		{"Set", func() error { return memo.Set(ctx, "k", []byte("2"), time.Minute) }, "2"},
		{"Increment", func() error { _, err := memo.Increment(ctx, "k", 1, time.Minute); return err }, "3"},
		{"Decrement", func() error { _, err := memo.Decrement(ctx, "k", 2, time.Minute); return err }, "1"},
		{"Delete", func() error { return memo.Delete(ctx, "k") }, ""},
		{"Add", func() error { _, err := memo.Add(ctx, "k", []byte("4"), time.Minute); return err }, "4"},
		{"DeleteMany", func() error { return memo.DeleteMany(ctx, "k") }, ""},
		{"Set again", func() error { return memo.Set(ctx, "k", []byte("5"), time.Minute) }, "5"},
		{"Flush", func() error { return memo.Flush(ctx) }, ""},
	}
	for _, w := range writes {
		must(t, w.do())
		if got := read(); got != w.want {
			t.Fatalf("after %s read %q, want %q", w.name, got, w.want)
		}
	}
}

func TestMemoRespectsBackingExpiry(t *testing.T) {
	ctx := context.Background()
	base := cache.NewMemoryStore(ctx)
	memo := cache.NewMemoStore(base)
	must(t, base.Set(ctx, "k", []byte("v"), 30*time.Millisecond))
	if _, found, _ := memo.Get(ctx, "k"); !found {
		t.Fatal("miss before expiry")
	}
	time.Sleep(50 * time.Millisecond)
	if _, found, _ := memo.Get(ctx, "k"); found {
		t.Fatal("memo served a value past its backing expiry")
	}
}

func TestMemoMaxAgeBoundsStoresWithoutExpiry(t *testing.T) {
	ctx := context.Background()
	base := &countingStore{Store: cache.NewMemoryStore(ctx)}
	memo := cache.NewMemoStoreWithConfig(base, cache.MemoConfig{MaxAge: 20 * time.Millisecond})
	must(t, base.Set(ctx, "k", []byte("v1"), time.Minute))
	_, _, _ = memo.Get(ctx, "k")
	must(t, base.Set(ctx, "k", []byte("v2"), time.Minute)) // an external write
	time.Sleep(40 * time.Millisecond)
	if v, _, _ := memo.Get(ctx, "k"); string(v) != "v2" {
		t.Fatalf("memo served %q beyond MaxAge", v)
	}
}

func TestMemoIsBounded(t *testing.T) {
	ctx := context.Background()
	base := &countingStore{Store: cache.NewMemoryStore(ctx)}
	memo := cache.NewMemoStoreWithConfig(base, cache.MemoConfig{MaxEntries: 4, MaxBytes: 100})
	for i := range 10 {
		must(t, base.Set(ctx, fmt.Sprint(i), []byte("v"), time.Minute))
		_, _, _ = memo.Get(ctx, fmt.Sprint(i))
	}
	base.gets.Store(0)
	// The four most recent are memoized; older ones were evicted.
	for _, k := range []string{"6", "7", "8", "9"} {
		_, _, _ = memo.Get(ctx, k)
	}
	if n := base.gets.Load(); n != 0 {
		t.Fatalf("%d of the 4 most recent keys were evicted", n)
	}
	_, _, _ = memo.Get(ctx, "0")
	if n := base.gets.Load(); n != 1 {
		t.Fatal("the least recently used key was not evicted")
	}

	// Values beyond MaxBytes are served but never memoized.
	must(t, base.Set(ctx, "big", make([]byte, 200), time.Minute))
	base.gets.Store(0)
	for range 2 {
		if v, _, _ := memo.Get(ctx, "big"); len(v) != 200 {
			t.Fatalf("big value read as %d bytes", len(v))
		}
	}
	if n := base.gets.Load(); n != 2 {
		t.Fatalf("big value read from backing %d times, want every time", n)
	}
}

// writeDuringGetStore writes through the memo store while each of its Gets
// is on its way back, as a concurrent writer would during a backend round
// trip.
type writeDuringGetStore struct {
	countingStore
	memo     cachecore.Store
	writeKey string
}

func (s *writeDuringGetStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	v, found, err := s.countingStore.Get(ctx, key)
	if werr := s.memo.Set(ctx, s.writeKey, []byte("x"), time.Minute); werr != nil {
		return nil, false, werr
	}
	return v, found, err
}

// TestMemoKeepsMemoizingUnderUnrelatedWrites checks that writes to other
// keys during a read's backend round trip do not stop the read from being
// memoized, so repeat reads of an unchanged key stay in memory.
func TestMemoKeepsMemoizingUnderUnrelatedWrites(t *testing.T) {
	ctx := context.Background()
	base := &writeDuringGetStore{countingStore: countingStore{Store: cache.NewMemoryStore(ctx)}, writeKey: "other"}
	base.memo = cache.NewMemoStore(base)
	must(t, base.countingStore.Set(ctx, "k", []byte("v"), time.Minute))
	for range 200 {
		if v, _, err := base.memo.Get(ctx, "k"); err != nil || string(v) != "v" {
			t.Fatalf("Get = %q, %v", v, err)
		}
	}
	if n := base.gets.Load(); n != 1 {
		t.Fatalf("200 reads of an unchanged key reached the backing store %d times, want 1", n)
	}
}

// TestMemoDoesNotMemoizeReadRacingWriteOfItsKey checks that a write to the
// key being read during the round trip still stops memoizing, since the
// value read may predate it.
func TestMemoDoesNotMemoizeReadRacingWriteOfItsKey(t *testing.T) {
	ctx := context.Background()
	base := &writeDuringGetStore{countingStore: countingStore{Store: cache.NewMemoryStore(ctx)}, writeKey: "k"}
	base.memo = cache.NewMemoStore(base)
	must(t, base.countingStore.Set(ctx, "k", []byte("v"), time.Minute))
	for range 3 {
		_, _, _ = base.memo.Get(ctx, "k")
	}
	if n := base.gets.Load(); n != 3 {
		t.Fatalf("reads racing writes of their key reached the backing store %d times, want every time", n)
	}
}
