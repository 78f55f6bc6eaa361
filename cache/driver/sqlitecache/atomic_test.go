package sqlitecache

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// atomicFile is the database file the two processes of
// TestAtomicAcrossProcesses share; the child finds it from the namespace.
func atomicFile(ns string) string {
	return filepath.Join(os.TempDir(), "sqlitecache-atomic-"+ns+".db")
}

// atomicConfig runs drivertest's cross-process check on one database
// file, each Cache with a pool of its own, so that the participants
// contend through SQLite's file locks.
func atomicConfig(ns string) drivertest.AtomicConfig {
	return drivertest.AtomicConfig{
		Namespace: ns,
		ChildTest: "TestAtomicChild",
		EnvVar:    "SQLITECACHE_NS",
		NewCache: func(t testing.TB, ns string) *cache.Cache {
			s, err := New(Config{
				DB: testDB(t, atomicFile(ns)), Table: sqltest.TableOf(ns), SweepInterval: -1,
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
// hold across two processes sharing the database file.
func TestAtomicAcrossProcesses(t *testing.T) {
	if drivertest.IsChild() {
		t.Skip("parent only")
	}
	ns := sqltest.Name(t)
	removeDatabase(t, atomicFile(ns))
	drivertest.RunAtomic(t, atomicConfig(ns))
}

// TestAtomicChild is the child's half of TestAtomicAcrossProcesses.
func TestAtomicChild(t *testing.T) { drivertest.AtomicChild(t, atomicConfig("")) }
