package natscache

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

func TestRawStoreContract(t *testing.T) {
	kv := testKV(t, serverAddr(t))
	ns := drivertest.Namespace(t)
	flushed(t, kv, ns)
	cachetest.RunStoreContract(t, newStore(jsBucket{kv}, ns, false), cachetest.Options{LargeValueBytes: largeValue})
}

func TestKeysAreGoforjs(t *testing.T) {
	s := newStore(nil, "app", false)
	if got, want := s.key("user:1"), "p.YXBw.k.dXNlcjox"; got != want {
		t.Fatalf("key = %q, want %q", got, want)
	}
	if got, want := newStore(nil, "", false).key(""), "p._.k._"; got != want {
		t.Fatalf("empty key = %q, want %q", got, want)
	}
	// Keys longer than the pieces key encodes at a time, of every length
	// modulo three, encode as the whole key does.
	for n := 1; n <= 100; n++ {
		k := strings.Repeat("k\xff/", n)[:n]
		if got, want := s.key(k), "p.YXBw.k."+encodePart(k); got != want {
			t.Fatalf("key of %d bytes = %q, want %q", n, got, want)
		}
	}
}

func TestEnvelopeRoundTripsAndExpires(t *testing.T) {
	now := time.UnixMilli(1_000_000)
	b := wrap([]byte("v"), uint64(cachecore.ExpiresAtMilli(now, time.Nanosecond)))
	if string(b[:4]) != "NCV1" || len(b) != 13 {
		t.Fatalf("envelope = %q", b)
	}
	v, exp := unwrap(b)
	if string(v) != "v" || exp != 1_000_001 {
		t.Fatalf("unwrap = %q, %d; want v expiring 1ms later", v, exp)
	}
	if expired(exp, now) || !expired(exp, now.Add(time.Millisecond)) {
		t.Fatal("expiry misjudged")
	}
	if v, exp := unwrap([]byte("bare")); string(v) != "bare" || exp != 0 {
		t.Fatalf("bare value read as %q, %d", v, exp)
	}
	if cachecore.ExpiresAtMilli(now, 1<<63-1) == 0 || cachecore.ExpiresAtMilli(now, 0) != 0 {
		t.Fatal("expiresAt of forever or none")
	}
}

func TestForeverTTLIsAccepted(t *testing.T) {
	kv := testKV(t, serverAddr(t))
	ns := drivertest.Namespace(t)
	flushed(t, kv, ns)
	s := newStore(jsBucket{kv}, ns, false)
	ctx := context.Background()
	if err := s.Set(ctx, "k", []byte("v"), 1<<63-1); err != nil {
		t.Fatalf("Set with the largest ttl: %v", err)
	}
	if _, found, err := s.Get(ctx, "k"); err != nil || !found {
		t.Fatalf("Get = %v, %v", found, err)
	}
	if _, err := s.Increment(ctx, "n", 1, 1<<63-1); err != nil {
		t.Fatalf("Increment with the largest ttl: %v", err)
	}
}

// largeValue is the contract's large value: NATS refuses messages past the
// server's max_payload, 1 MiB by default, envelope and headers included.
const largeValue = 512 << 10

func TestRawInspectorContract(t *testing.T) {
	kv := testKV(t, serverAddr(t))
	ns := drivertest.Namespace(t)
	flushed(t, kv, ns)
	cachetest.RunInspectorContract(t, newStore(jsBucket{kv}, ns, false))
}
