package rediscache

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// goforjClient has exactly the methods of goforj/cache's Client, around
// a real client: what a user's wrapper written for that driver offers.
type goforjClient struct{ c *redis.Client }

func (g goforjClient) Ping(ctx context.Context) *redis.StatusCmd { return g.c.Ping(ctx) }
func (g goforjClient) Get(ctx context.Context, key string) *redis.StringCmd {
	return g.c.Get(ctx, key)
}
func (g goforjClient) Set(ctx context.Context, key string, value any, exp time.Duration) *redis.StatusCmd {
	return g.c.Set(ctx, key, value, exp)
}
func (g goforjClient) SetNX(ctx context.Context, key string, value any, exp time.Duration) *redis.BoolCmd {
	return g.c.SetNX(ctx, key, value, exp)
}
func (g goforjClient) IncrBy(ctx context.Context, key string, value int64) *redis.IntCmd {
	return g.c.IncrBy(ctx, key, value)
}
func (g goforjClient) Expire(ctx context.Context, key string, exp time.Duration) *redis.BoolCmd {
	return g.c.Expire(ctx, key, exp)
}
func (g goforjClient) Del(ctx context.Context, keys ...string) *redis.IntCmd {
	return g.c.Del(ctx, keys...)
}
func (g goforjClient) Scan(ctx context.Context, cursor uint64, match string, count int64) *redis.ScanCmd {
	return g.c.Scan(ctx, cursor, match, count)
}

// txClient is goforjClient with transactions.
type txClient struct{ goforjClient }

func (t txClient) TxPipelined(ctx context.Context, fn func(redis.Pipeliner) error) ([]redis.Cmder, error) {
	return t.c.TxPipelined(ctx, fn)
}

// checkCommonOps runs what every client supports through New: reads,
// writes, Add, Flush and N concurrent increments giving exactly N.
func checkCommonOps(t *testing.T, raw *redis.Client, client Client, ns string) cachecore.Store {
	t.Helper()
	ctx := context.Background()
	s := New(Config{Client: client, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
	t.Cleanup(func() { newStore(raw).FlushPrefix(ctx, ns) })
	if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, found, err := s.Get(ctx, "k"); err != nil || !found || string(v) != "v" {
		t.Fatalf("Get = %q, %v, %v", v, found, err)
	}
	if added, err := s.Add(ctx, "k", []byte("w"), time.Minute); err != nil || added {
		t.Fatalf("Add of a present key = %v, %v", added, err)
	}
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Increment(ctx, "n", 1, time.Minute)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Increment: %v", err)
		}
	}
	if got, err := raw.Get(ctx, storedKey(ns, "n")).Int(); err != nil || got != n {
		t.Fatalf("after %d concurrent increments the counter is %d (%v)", n, got, err)
	}
	if err := s.Set(ctx, "text", []byte("abc"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Increment(ctx, "text", 1, time.Minute); !errors.Is(err, cachecore.ErrNotNumeric) {
		t.Fatalf("Increment of text = %v, want ErrNotNumeric", err)
	}
	if err := s.DeleteMany(ctx, "k", "text"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.Get(ctx, "k"); found {
		t.Fatal("DeleteMany left a key")
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if raw.Exists(ctx, storedKey(ns, "n")).Val() != 0 {
		t.Fatal("Flush left a key")
	}
	return s
}

// TestGoforjClientIsAccepted uses a client with only goforj/cache's
// methods: everything works except compare-and-delete, which says why
// rather than deleting non-atomically.
func TestGoforjClientIsAccepted(t *testing.T) {
	raw := testClient(t, serverAddr(t))
	ns := drivertest.Namespace(t)
	s := checkCommonOps(t, raw, goforjClient{raw}, ns)
	ctx := context.Background()
	if _, ok := s.(cachecore.ExpiryGetter); ok {
		t.Fatal("a client without transactions claims GetWithExpiry")
	}

	if _, err := s.Increment(ctx, "short", 1, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if d := raw.PTTL(ctx, storedKey(ns, "short")).Val(); d <= 300*time.Millisecond || d > time.Second {
		t.Fatalf("counter lifetime %v, want the ttl rounded up to a second", d)
	}

	if err := s.Set(ctx, "lock", []byte("token"), time.Minute); err != nil {
		t.Fatal(err)
	}
	deleted, err := cachecore.CompareAndDelete(ctx, s, "lock", []byte("token"))
	if !errors.Is(err, ErrNoScripting) || deleted {
		t.Fatalf("CompareAndDelete = %v, %v; want ErrNoScripting", deleted, err)
	}
	if _, found, _ := s.Get(ctx, "lock"); !found {
		t.Fatal("CompareAndDelete without scripting deleted the key")
	}
	c := cache.NewCache(s)
	if ok, err := c.TryLock("job", time.Minute); err != nil || !ok {
		t.Fatalf("TryLock = %v, %v", ok, err)
	}
	if err := c.Unlock("job"); !errors.Is(err, ErrNoScripting) {
		t.Fatalf("Unlock = %v, want ErrNoScripting", err)
	}

	in := s.(cachecore.Inspector)
	if in.Capabilities().CanTTL {
		t.Fatal("a client without pipelines claims expiries in listings")
	}
	page, err := in.ListPage(ctx, cachecore.ListPageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int{}
	for _, e := range page.Entries {
		sizes[e.Key] = e.SizeBytes
	}
	if sizes["lock"] != len("token") {
		t.Fatalf("ListPage = %+v, want lock of %d bytes", page.Entries, len("token"))
	}
}

// TestTxClientIncrementsInATransaction uses goforj/cache's methods plus
// TxPipelined: counters get their lifetime to the millisecond, and the
// store answers GetWithExpiry.
func TestTxClientIncrementsInATransaction(t *testing.T) {
	raw := testClient(t, serverAddr(t))
	ns := drivertest.Namespace(t)
	s := checkCommonOps(t, raw, txClient{goforjClient{raw}}, ns)
	ctx := context.Background()
	if _, err := s.Increment(ctx, "short", 1, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if d := raw.PTTL(ctx, storedKey(ns, "short")).Val(); d <= 0 || d > 300*time.Millisecond {
		t.Fatalf("counter lifetime %v, want at most 300ms", d)
	}
	eg, ok := s.(cachecore.ExpiryGetter)
	if !ok {
		t.Fatal("a client with transactions is not an ExpiryGetter")
	}
	if _, exp, found, err := eg.GetWithExpiry(ctx, "short"); err != nil || !found || exp.IsZero() {
		t.Fatalf("GetWithExpiry = %v, %v, %v", exp, found, err)
	}
}

// TestGetWithExpiryFallsBackToPTTL checks the answer for servers before
// Redis 7.0, which lack PEXPIRETIME.
func TestGetWithExpiryFallsBackToPTTL(t *testing.T) {
	client := testClient(t, serverAddr(t))
	s := newExpiryStore(newStore(client))
	s.noExpireTime.Store(true)
	ctx := context.Background()
	k := drivertest.Namespace(t) + ":k"
	t.Cleanup(func() { client.Del(ctx, k) })
	before := time.Now()
	if err := s.Set(ctx, k, []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	v, exp, found, err := s.GetWithExpiry(ctx, k)
	if err != nil || !found || string(v) != "v" {
		t.Fatalf("GetWithExpiry = %q, %v, %v", v, found, err)
	}
	// PTTL is added to the time the transaction was sent, so the expiry
	// is never later than a minute from now, and earlier than the write's
	// only by the transaction's latency (allowed generously).
	if exp.Before(before.Add(time.Minute-time.Second)) || exp.After(time.Now().Add(time.Minute)) {
		t.Fatalf("expiry %v, want about a minute after %v", exp, before)
	}
	if err := s.Set(ctx, k, []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	if _, exp, found, err := s.GetWithExpiry(ctx, k); err != nil || !found || !exp.IsZero() {
		t.Fatalf("GetWithExpiry of a key without expiry = %v, %v, %v", exp, found, err)
	}
}
