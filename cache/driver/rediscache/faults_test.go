package rediscache

import (
	"context"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// TestFaultsEndAtDeadlineAndRecover cuts and stalls the connection to the
// server: every operation must fail by its context's deadline, and once
// the connection is back the same store must work again.
func TestFaultsEndAtDeadlineAndRecover(t *testing.T) {
	proxy := drivertest.NewProxy(t, serverAddr(t))
	client := testClient(t, proxy.Addr())
	s := rawStore(client)
	if _, ok := s.(cachecore.ExpiryGetter); !ok {
		t.Fatal("the store of a *redis.Client is not a cachecore.ExpiryGetter")
	}
	k := drivertest.Namespace(t)
	t.Cleanup(func() { newStore(client).FlushPrefix(context.Background(), k) })
	drivertest.RunFaults(t, proxy, s, k)
}
