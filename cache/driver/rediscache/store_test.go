package rediscache

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

func TestRawStoreContract(t *testing.T) {
	s := rawStore(testClient(t, serverAddr(t)))
	cachetest.RunStoreContract(t, s, cachetest.Options{ExpiryResolution: time.Millisecond})
}

func TestRawInspectorContract(t *testing.T) {
	cachetest.RunInspectorContract(t, newStore(testClient(t, serverAddr(t))))
}

func TestExpirationRoundsUpAndClamps(t *testing.T) {
	for _, c := range []struct{ in, want time.Duration }{
		{0, 0},
		{-time.Second, 0},
		{time.Nanosecond, time.Millisecond},
		{1500 * time.Microsecond, 2 * time.Millisecond},
		{time.Second, time.Second},
		{1<<63 - 1, cachecore.MaxTTL},
	} {
		if got := expiration(c.in); got != c.want {
			t.Errorf("expiration(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestForeverTTLIsAccepted(t *testing.T) {
	s := newStore(testClient(t, serverAddr(t)))
	ctx := context.Background()
	k := drivertest.Namespace(t) + ":forever"
	t.Cleanup(func() { s.Delete(ctx, k) })
	if err := s.Set(ctx, k, []byte("v"), 1<<63-1); err != nil {
		t.Fatalf("Set with the largest ttl: %v", err)
	}
	page, err := s.ListPage(ctx, cachecore.ListPageOptions{Query: k})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].ExpiresAt == nil ||
		time.UnixMilli(*page.Entries[0].ExpiresAt).Before(time.Now().Add(50*365*24*time.Hour)) {
		t.Fatalf("ListPage = %+v, %v; want one entry expiring about a century away", page, err)
	}
	if _, err := s.Increment(ctx, k+"n", 1, 1<<63-1); err != nil {
		t.Fatalf("Increment with the largest ttl: %v", err)
	}
	s.Delete(ctx, k+"n")
}

func TestGlobEscapeMatchesOnlyItself(t *testing.T) {
	s := newStore(testClient(t, serverAddr(t)))
	ctx := context.Background()
	ns := drivertest.Namespace(t)
	odd := ns + `:a*b?[c]\d`
	other := ns + `:aXXbY[c]\d`
	for _, k := range []string{odd, other} {
		if err := s.Set(ctx, k, []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { s.DeleteMany(ctx, odd, other) })
	if err := s.FlushPrefix(ctx, odd); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := s.Get(ctx, odd); found {
		t.Fatalf("FlushPrefix(%q) left the key itself", odd)
	}
	if _, found, _ := s.Get(ctx, other); !found {
		t.Fatalf("FlushPrefix(%q) treated it as a pattern and removed %q", odd, other)
	}
}
