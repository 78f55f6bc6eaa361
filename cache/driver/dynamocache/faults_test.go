package dynamocache

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// opDeadline bounds each operation while the server is away; slack is
// what an operation may overrun it by (scheduling under -race on a busy
// machine), while the SDK's HTTP client has no timeout of its own, so that an
// operation that ignored its context would be caught.
const (
	opDeadline = 300 * time.Millisecond
	slack      = 1500 * time.Millisecond
)

// ops returns each operation of s on keys under k, by name.
func ops(s *store, k string) map[string]func(context.Context) error {
	return map[string]func(context.Context) error{
		"Ready":       s.Ready,
		"Get":         func(ctx context.Context) error { _, _, err := s.Get(ctx, k); return err },
		"Set":         func(ctx context.Context) error { return s.Set(ctx, k, []byte("v"), time.Minute) },
		"Add":         func(ctx context.Context) error { _, err := s.Add(ctx, k+"a", []byte("v"), time.Minute); return err },
		"Increment":   func(ctx context.Context) error { _, err := s.Increment(ctx, k+"n", 1, time.Minute); return err },
		"Decrement":   func(ctx context.Context) error { _, err := s.Decrement(ctx, k+"n", 1, time.Minute); return err },
		"Delete":      func(ctx context.Context) error { return s.Delete(ctx, k) },
		"DeleteMany":  func(ctx context.Context) error { return s.DeleteMany(ctx, k, k+"a") },
		"FlushPrefix": func(ctx context.Context) error { return s.FlushPrefix(ctx, k) },
		"ListPage": func(ctx context.Context) error {
			_, err := s.ListPage(ctx, cachecore.ListPageOptions{Query: k})
			return err
		},
		"GetWithExpiry": func(ctx context.Context) error { _, _, _, err := s.GetWithExpiry(ctx, k); return err },
		"CompareAndDelete": func(ctx context.Context) error {
			_, err := s.CompareAndDelete(ctx, k, []byte("v"))
			return err
		},
	}
}

// TestFaultsEndAtDeadlineAndRecover cuts and stalls the connection to the
// server: every operation must fail by its context's deadline, and once
// the connection is back the same store must work again.
func TestFaultsEndAtDeadlineAndRecover(t *testing.T) {
	endpoint := serverEndpoint(t)
	testClient(t, endpoint) // creates the table
	proxy := drivertest.NewProxy(t, strings.TrimPrefix(endpoint, "http://"))
	s := newStore(newClient(Config{Endpoint: "http://" + proxy.Addr()}), testTable)
	k := namespace(t)
	ctx := context.Background()
	t.Cleanup(func() { s.FlushPrefix(context.Background(), k) })
	if err := s.Set(ctx, k, []byte("before"), time.Minute); err != nil {
		t.Fatal(err)
	}
	for _, fault := range []struct {
		name  string
		apply func()
	}{{"cut", proxy.Cut}, {"stall", proxy.Stall}} {
		fault.apply()
		for op, err := range timedOps(t, s, k) {
			if err == nil {
				t.Errorf("%s: %s succeeded with the server away", fault.name, op)
			}
		}
		proxy.Restore()
		recovered(t, s, k)
	}
}

// timedOps runs each operation with a deadline of opDeadline and fails the
// test if one returns more than slack after it.
func timedOps(t *testing.T, s *store, k string) map[string]error {
	t.Helper()
	errs := map[string]error{}
	for op, call := range ops(s, k) {
		ctx, cancel := context.WithTimeout(context.Background(), opDeadline)
		start := time.Now()
		errs[op] = call(ctx)
		if d := time.Since(start); d > opDeadline+slack {
			t.Errorf("%s took %v, want it to end by its deadline %v (+%v)", op, d, opDeadline, slack)
		}
		cancel()
	}
	return errs
}

// recovered waits, boundedly, for the store to answer again, then checks
// that every operation works.
func recovered(t *testing.T, s *store, k string) {
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
	for op, call := range ops(s, k) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := call(ctx); err != nil {
			t.Errorf("after recovery, %s: %v", op, err)
		}
		cancel()
	}
}
