package rediscache

import (
	"context"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// atomicConfig runs drivertest's cross-process check on Redis, each Cache
// with a client of its own.
func atomicConfig(ns string) drivertest.AtomicConfig {
	return drivertest.AtomicConfig{
		Namespace: ns,
		ChildTest: "TestAtomicChild",
		EnvVar:    "RDC_NS",
		NewCache: func(t testing.TB, ns string) *cache.Cache {
			return cache.NewCache(newTestStore(t, testClient(t, serverAddr(t)), ns))
		},
	}
}

// TestAtomicAcrossProcesses checks that locks, counters and rate limits
// hold across two processes sharing the server.
func TestAtomicAcrossProcesses(t *testing.T) {
	if drivertest.IsChild() {
		t.Skip("parent only")
	}
	ns := drivertest.Namespace(t)
	client := testClient(t, serverAddr(t))
	t.Cleanup(func() { newStore(client).FlushPrefix(context.Background(), ns) })
	drivertest.RunAtomic(t, atomicConfig(ns))
}

// TestAtomicChild is the child's half of TestAtomicAcrossProcesses.
func TestAtomicChild(t *testing.T) { drivertest.AtomicChild(t, atomicConfig("")) }
