package natscache

import (
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// TestFaultsEndAtDeadlineAndRecover cuts and stalls the connection to the
// server: every operation must fail by its context's deadline, and once
// the connection is back the same store must work again.
func TestFaultsEndAtDeadlineAndRecover(t *testing.T) {
	proxy := drivertest.NewProxy(t, serverAddr(t))
	k := drivertest.Namespace(t)
	kv := testKV(t, proxy.Addr())
	s := newStore(jsBucket{kv}, k, false)
	flushed(t, kv, k)
	drivertest.RunFaults(t, proxy, s, k)
}
