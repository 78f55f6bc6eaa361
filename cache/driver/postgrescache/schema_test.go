package postgrescache

import (
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// TestEnsureSchemaConcurrently creates one table from several pools at
// once, as processes starting together do: PostgreSQL can fail all but
// one CREATE TABLE IF NOT EXISTS with a duplicate in its catalog, which
// EnsureSchema must absorb.
func TestEnsureSchemaConcurrently(t *testing.T) {
	db, table := sqltest.EnsureSchemaConcurrently(t, target(t))
	var collation string
	if err := db.QueryRow(`SELECT collation_name FROM information_schema.columns
		WHERE table_name = $1 AND column_name = 'k'`, table).Scan(&collation); err != nil || collation != "C" {
		t.Fatalf("key column collation = %q, %v; want C", collation, err)
	}
}

func TestEnsureSchemaRefusesBadTable(t *testing.T) {
	sqltest.RunEnsureSchemaRefusesBadTable(t, target(t))
}

// TestTableDroppedWhileRunningIsCreatedAgain drops the table under a
// store that has prepared its statements: the store must create it again
// rather than fail for ever.
func TestTableDroppedWhileRunningIsCreatedAgain(t *testing.T) {
	sqltest.RunTableDroppedWhileRunning(t, target(t))
}
