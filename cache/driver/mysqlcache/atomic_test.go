package mysqlcache

import (
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// atomicConfig runs drivertest's cross-process check on MariaDB, each
// Cache with a pool of its own on the table of the namespace.
func atomicConfig(ns string) drivertest.AtomicConfig {
	return drivertest.AtomicConfig{
		Namespace: ns,
		ChildTest: "TestAtomicChild",
		EnvVar:    "MYC_NS",
		NewCache: func(t testing.TB, ns string) *cache.Cache {
			s, err := New(Config{
				DB: testDB(t, testConfig(t)), Table: sqltest.TableOf(ns), SweepInterval: -1,
				BaseConfig: cachecore.BaseConfig{Prefix: ns},
			})
			if err != nil {
				t.Fatal(err)
			}
			return cache.NewCache(s)
		},
	}
}

// TestAtomicAcrossProcesses checks that locks, counters and rate limits
// hold across two processes sharing the table.
func TestAtomicAcrossProcesses(t *testing.T) {
	if drivertest.IsChild() {
		t.Skip("parent only")
	}
	ns := sqltest.Name(t)
	sqltest.DropTable(t, testDB(t, testConfig(t)), sqltest.TableOf(ns))
	drivertest.RunAtomic(t, atomicConfig(ns))
}

// TestAtomicChild is the child's half of TestAtomicAcrossProcesses.
func TestAtomicChild(t *testing.T) { drivertest.AtomicChild(t, atomicConfig("")) }
