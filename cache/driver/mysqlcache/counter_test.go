package mysqlcache

import (
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// TestIncrementSyntaxIsParseInts checks that the increment accepts
// exactly the counter text strconv.ParseInt does (without '+'), where
// MySQL's CAST(... AS SIGNED) reads "abc" as 0 and "12abc" as 12 with a
// mere warning, and leaves a refused value as it was, including one out
// of int64's range.
func TestIncrementSyntaxIsParseInts(t *testing.T) { sqltest.RunIncrementSyntax(t, target(t)) }

func TestIncrementKeepsOrRestartsExpiry(t *testing.T) { sqltest.RunIncrementExpiry(t, target(t)) }

func TestDeleteManyAcrossBatches(t *testing.T) { sqltest.RunDeleteManyAcrossBatches(t, target(t)) }
