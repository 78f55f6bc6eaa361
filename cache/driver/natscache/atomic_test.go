package natscache

import (
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// atomicConfig runs drivertest's cross-process check on NATS KV, each
// Cache with a connection of its own.
func atomicConfig(ns string) drivertest.AtomicConfig {
	return drivertest.AtomicConfig{
		Namespace: ns,
		ChildTest: "TestAtomicChild",
		EnvVar:    "NTC_NS",
		NewCache: func(t testing.TB, ns string) *cache.Cache {
			return cache.NewCache(newTestStore(t, testKV(t, serverAddr(t)), ns))
		},
	}
}

// TestAtomicAcrossProcesses checks that locks, counters and rate limits
// hold across two processes sharing the bucket.
func TestAtomicAcrossProcesses(t *testing.T) {
	if drivertest.IsChild() {
		t.Skip("parent only")
	}
	ns := drivertest.Namespace(t)
	flushed(t, testKV(t, serverAddr(t)), ns)
	drivertest.RunAtomic(t, atomicConfig(ns))
}

// TestAtomicChild is the child's half of TestAtomicAcrossProcesses.
func TestAtomicChild(t *testing.T) { drivertest.AtomicChild(t, atomicConfig("")) }
