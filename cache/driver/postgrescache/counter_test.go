package postgrescache

import (
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// TestIncrementSyntaxIsParseInts checks that the server-side increment
// accepts exactly the counter text strconv.ParseInt does (without '+'),
// where PostgreSQL's own cast to bigint would accept more, and leaves a
// refused value as it was.
func TestIncrementSyntaxIsParseInts(t *testing.T) { sqltest.RunIncrementSyntax(t, target(t)) }

func TestIncrementKeepsOrRestartsExpiry(t *testing.T) { sqltest.RunIncrementExpiry(t, target(t)) }

func TestDeleteManyAcrossBatches(t *testing.T) { sqltest.RunDeleteManyAcrossBatches(t, target(t)) }
