package mysqlcache

import (
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

func TestStoreContract(t *testing.T)       { sqltest.RunStoreContract(t, target(t)) }
func TestStoreContractShaped(t *testing.T) { sqltest.RunStoreContractShaped(t, target(t)) }
func TestInspectorContract(t *testing.T)   { sqltest.RunInspectorContract(t, target(t)) }

// TestFlushLeavesOtherPrefixes shares a table between prefixes: one the
// start of the other, one with LIKE's wildcards, one differing only in
// case, and a row outside all.
func TestFlushLeavesOtherPrefixes(t *testing.T) { sqltest.RunFlushLeavesOtherPrefixes(t, target(t)) }

// TestExpiredRowsNeverReturned leaves an expired row in the table (no
// sweep) and checks that no read returns it.
func TestExpiredRowsNeverReturned(t *testing.T) { sqltest.RunExpiredRowsNeverReturned(t, target(t)) }
