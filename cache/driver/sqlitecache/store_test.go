package sqlitecache

import (
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

func TestStoreContract(t *testing.T)       { sqltest.RunStoreContract(t, target(t)) }
func TestStoreContractShaped(t *testing.T) { sqltest.RunStoreContractShaped(t, target(t)) }
func TestInspectorContract(t *testing.T)   { sqltest.RunInspectorContract(t, target(t)) }

// TestFlushLeavesOtherPrefixes shares a table between prefixes: one the
// start of the other, one matching the first under LIKE's wildcards, one
// differing only in case (SQLite's LIKE ignores case), and a row outside
// all of them.
func TestFlushLeavesOtherPrefixes(t *testing.T) { sqltest.RunFlushLeavesOtherPrefixes(t, target(t)) }
