package dynamocache

import (
	"context"
	"strings"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// TestFaultsEndAtDeadlineAndRecover cuts and stalls the connection to the
// server: every operation must fail by its context's deadline, and once
// the connection is back the same store must work again.
func TestFaultsEndAtDeadlineAndRecover(t *testing.T) {
	endpoint := serverEndpoint(t)
	testClient(t, endpoint) // creates the table
	proxy := drivertest.NewProxy(t, strings.TrimPrefix(endpoint, "http://"))
	s := newStore(newClient(Config{Endpoint: "http://" + proxy.Addr()}), testTable)
	k := drivertest.Namespace(t)
	t.Cleanup(func() { s.FlushPrefix(context.Background(), k) })
	drivertest.RunFaults(t, proxy, s, k)
}
