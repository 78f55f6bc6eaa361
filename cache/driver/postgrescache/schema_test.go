package postgrescache

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// TestEnsureSchemaConcurrently creates one table from several pools at
// once, as processes starting together do: PostgreSQL can fail all but
// one CREATE TABLE IF NOT EXISTS with a duplicate in its catalog, which
// EnsureSchema must absorb.
func TestEnsureSchemaConcurrently(t *testing.T) {
	addr := serverAddr(t)
	table := sqltest.TableOf(sqltest.Name(t))
	sqltest.DropTable(t, testDB(t, addr), table)
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		db := testDB(t, addr)
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = EnsureSchema(context.Background(), db, table)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("EnsureSchema %d: %v", i, err)
		}
	}
	db := testDB(t, addr)
	if !target(t).HasExpiryIndex(t, db, table) {
		t.Fatal("no index on ea after EnsureSchema")
	}
	var collation string
	if err := db.QueryRow(`SELECT collation_name FROM information_schema.columns
		WHERE table_name = $1 AND column_name = 'k'`, table).Scan(&collation); err != nil || collation != "C" {
		t.Fatalf("key column collation = %q, %v; want C", collation, err)
	}
}

func TestEnsureSchemaRefusesBadTable(t *testing.T) {
	db := testDB(t, serverAddr(t))
	if err := EnsureSchema(context.Background(), db, "t; DROP TABLE x"); !errors.Is(err, sqlcore.ErrInvalidTable) {
		t.Fatalf("EnsureSchema = %v, want ErrInvalidTable", err)
	}
}

// TestTableDroppedWhileRunningIsCreatedAgain drops the table under a
// store that has prepared its statements: the store must create it again
// rather than fail for ever.
func TestTableDroppedWhileRunningIsCreatedAgain(t *testing.T) {
	sqltest.RunTableDroppedWhileRunning(t, target(t))
}
