package sqltest

import (
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// AtomicConfig runs drivertest's cross-process check on the database of
// target, each Cache with a pool of its own on the table of the
// namespace, under the namespace as its prefix. The parent drops the
// table with RunAtomic's test; envVar carries the namespace to the child.
func AtomicConfig(target func(testing.TB) Target, ns, envVar string) drivertest.AtomicConfig {
	return drivertest.AtomicConfig{
		Namespace: ns,
		ChildTest: "TestAtomicChild",
		EnvVar:    envVar,
		NewCache: func(t testing.TB, ns string) *cache.Cache {
			tg := target(t)
			return cache.NewCache(tg.store(t, StoreConfig{DB: tg.open(t), Table: TableOf(ns), Prefix: ns}))
		},
	}
}

// RunAtomic is the parent's half of the cross-process check of
// AtomicConfig, on a namespace and table of its own.
func RunAtomic(t *testing.T, target func(testing.TB) Target, envVar string) {
	if drivertest.IsChild() {
		t.Skip("parent only")
	}
	ns := Name(t)
	DropTable(t, target(t).open(t), TableOf(ns))
	drivertest.RunAtomic(t, AtomicConfig(target, ns, envVar))
}
