package memcachedcache

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// TestFaultsEndAtDeadlineAndRecover cuts and stalls the connection to the
// server: every operation must fail by its context's deadline, and once
// the connection is back the same store must work again.
func TestFaultsEndAtDeadlineAndRecover(t *testing.T) {
	proxy := drivertest.NewProxy(t, serverAddr(t))
	s := testStore(t, Config{Addresses: []string{proxy.Addr()}})
	k := drivertest.Namespace(t)
	t.Cleanup(func() { s.DeleteMany(context.Background(), k, k+"a", k+"n") })
	drivertest.RunFaults(t, proxy, s, k)
}

// TestIdleConnectionsClosedByServerAreNotReused fills the pool, has the
// "server" close every connection while they sit idle, as a restart does,
// and checks that each following operation succeeds at its first try.
func TestIdleConnectionsClosedByServerAreNotReused(t *testing.T) {
	proxy := drivertest.NewProxy(t, serverAddr(t))
	s := testStore(t, Config{Addresses: []string{proxy.Addr()}})
	ctx := context.Background()
	k := drivertest.Namespace(t)
	const conns = 8
	// Hold conns connections at once so that the pool keeps that many.
	held := make([]*conn, 0, conns)
	srv := s.client.pick(k)
	for range conns {
		cn, err := srv.get(ctx, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, cn)
	}
	for _, cn := range held {
		srv.put(cn)
	}
	proxy.Cut()
	proxy.Restore()
	// The closes reach the client's sockets at once on loopback; allow
	// for a slow scheduler.
	time.Sleep(100 * time.Millisecond)
	for i := range conns {
		if _, _, err := s.Get(ctx, k); err != nil {
			t.Fatalf("Get %d after the restart: %v", i, err)
		}
	}
}
