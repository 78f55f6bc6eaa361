package mysqlcache

import (
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// atomicEnv carries the namespace of TestAtomicAcrossProcesses to its
// child.
const atomicEnv = "MYC_NS"

// TestAtomicAcrossProcesses checks that locks, counters and rate limits
// hold across two processes sharing the table.
func TestAtomicAcrossProcesses(t *testing.T) { sqltest.RunAtomic(t, target, atomicEnv) }

// TestAtomicChild is the child's half of TestAtomicAcrossProcesses.
func TestAtomicChild(t *testing.T) {
	drivertest.AtomicChild(t, sqltest.AtomicConfig(target, "", atomicEnv))
}
