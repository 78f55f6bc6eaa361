package drivertest

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// faultDeadline bounds each operation while the server is away;
// faultSlack is what an operation may overrun it by (scheduling under
// -race on a busy machine), far below the drivers' own 3s read timeouts,
// so that an operation that ignored its context would be caught.
const (
	faultDeadline = 300 * time.Millisecond
	faultSlack    = 1500 * time.Millisecond
)

// StoreOps returns each operation of s on keys under key, by name: those
// of cachecore.Store but Flush, CompareAndDelete, and FlushPrefix,
// ListPage and GetWithExpiry when s implements cachecore.PrefixFlusher,
// cachecore.Inspector and cachecore.ExpiryGetter. Each needs the server to
// answer.
func StoreOps(s cachecore.Store, key string) map[string]func(context.Context) error {
	k := key
	ops := map[string]func(context.Context) error{
		"Ready":      s.Ready,
		"Get":        func(ctx context.Context) error { _, _, err := s.Get(ctx, k); return err },
		"Set":        func(ctx context.Context) error { return s.Set(ctx, k, []byte("v"), time.Minute) },
		"Add":        func(ctx context.Context) error { _, err := s.Add(ctx, k+"a", []byte("v"), time.Minute); return err },
		"Increment":  func(ctx context.Context) error { _, err := s.Increment(ctx, k+"n", 1, time.Minute); return err },
		"Decrement":  func(ctx context.Context) error { _, err := s.Decrement(ctx, k+"n", 1, time.Minute); return err },
		"Delete":     func(ctx context.Context) error { return s.Delete(ctx, k) },
		"DeleteMany": func(ctx context.Context) error { return s.DeleteMany(ctx, k, k+"a") },
		"CompareAndDelete": func(ctx context.Context) error {
			_, err := cachecore.CompareAndDelete(ctx, s, k, []byte("v"))
			return err
		},
	}
	if f, ok := s.(cachecore.PrefixFlusher); ok {
		ops["FlushPrefix"] = func(ctx context.Context) error { return f.FlushPrefix(ctx, k) }
	}
	if in, ok := s.(cachecore.Inspector); ok {
		ops["ListPage"] = func(ctx context.Context) error {
			_, err := in.ListPage(ctx, cachecore.ListPageOptions{Query: k})
			return err
		}
	}
	if eg, ok := s.(cachecore.ExpiryGetter); ok {
		ops["GetWithExpiry"] = func(ctx context.Context) error { _, _, _, err := eg.GetWithExpiry(ctx, k); return err }
	}
	return ops
}

// RunFaults cuts, then stalls, the connection from s to its server through
// proxy (s must reach the server through it). Under each fault every
// operation of StoreOps(s, key) must fail, and by its context's deadline;
// after proxy.Restore the same store must answer again and every operation
// must succeed. Removing the keys under key is the caller's business.
func RunFaults(t *testing.T, proxy *Proxy, s cachecore.Store, key string) {
	t.Helper()
	if err := s.Set(context.Background(), key, []byte("before"), time.Minute); err != nil {
		t.Fatal(err)
	}
	for _, fault := range []struct {
		name  string
		apply func()
	}{{"cut", proxy.Cut}, {"stall", proxy.Stall}} {
		fault.apply()
		for op, err := range timedOps(t, s, key) {
			if err == nil {
				t.Errorf("%s: %s succeeded with the server away", fault.name, op)
			}
		}
		proxy.Restore()
		recovered(t, s, key)
	}
}

// timedOps runs each operation with a deadline of faultDeadline and fails
// the test if one returns more than faultSlack after it.
func timedOps(t *testing.T, s cachecore.Store, k string) map[string]error {
	t.Helper()
	errs := map[string]error{}
	for op, call := range StoreOps(s, k) {
		ctx, cancel := context.WithTimeout(context.Background(), faultDeadline)
		start := time.Now()
		errs[op] = call(ctx)
		if d := time.Since(start); d > faultDeadline+faultSlack {
			t.Errorf("%s took %v, want it to end by its deadline %v (+%v)", op, d, faultDeadline, faultSlack)
		}
		cancel()
	}
	return errs
}

// recovered waits, boundedly, for the store to answer again, then checks
// that every operation works.
func recovered(t *testing.T, s cachecore.Store, k string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := s.Ready(ctx)
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("store did not recover: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for op, call := range StoreOps(s, k) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := call(ctx); err != nil {
			t.Errorf("after recovery, %s: %v", op, err)
		}
		cancel()
	}
}
