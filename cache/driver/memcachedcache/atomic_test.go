package memcachedcache

import (
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// atomicConfig runs drivertest's cross-process check on memcached, each
// Cache with a client of its own.
func atomicConfig(ns string) drivertest.AtomicConfig {
	return drivertest.AtomicConfig{
		Namespace: ns,
		ChildTest: "TestAtomicChild",
		EnvVar:    "MCC_NS",
		NewCache: func(t testing.TB, ns string) *cache.Cache {
			return cache.NewCache(newTestStore(t, serverAddr(t), ns))
		},
	}
}

// TestAtomicAcrossProcesses checks that locks, counters and rate limits
// hold across two processes sharing the server.
func TestAtomicAcrossProcesses(t *testing.T) {
	drivertest.RunAtomic(t, atomicConfig(drivertest.Namespace(t)))
}

// TestAtomicChild is the child's half of TestAtomicAcrossProcesses.
func TestAtomicChild(t *testing.T) { drivertest.AtomicChild(t, atomicConfig("")) }
