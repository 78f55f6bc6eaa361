package rediscache

import (
	"context"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// TestFaultsEndAtDeadlineAndRecover cuts and stalls the connection to the
// server: every operation must fail by its context's deadline, and once
// the connection is back the same store must work again.
func TestFaultsEndAtDeadlineAndRecover(t *testing.T) {
	proxy := drivertest.NewProxy(t, serverAddr(t))
	s := newStore(testClient(t, proxy.Addr()))
	k := namespace(t)
	t.Cleanup(func() { s.FlushPrefix(context.Background(), k) })
	drivertest.RunFaults(t, proxy, s, k)
}
