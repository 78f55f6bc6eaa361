package mysqlcache

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// TestEnsureSchemaConcurrently creates one table from several pools at
// once, as processes starting together do, then again on the complete
// table: MySQL has no CREATE INDEX IF NOT EXISTS, so a store that
// created the index without looking would fail on an existing table.
func TestEnsureSchemaConcurrently(t *testing.T) {
	db, table := sqltest.EnsureSchemaConcurrently(t, target(t))
	var typ string
	if err := db.QueryRow("SELECT COLUMN_TYPE FROM information_schema.COLUMNS"+
		" WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = 'k'", table).Scan(&typ); err != nil || typ != "varbinary(255)" {
		t.Fatalf("key column type = %q, %v; want varbinary(255)", typ, err)
	}
}

func TestEnsureSchemaRefusesBadTable(t *testing.T) {
	sqltest.RunEnsureSchemaRefusesBadTable(t, target(t))
}

// TestTableDroppedWhileRunningIsCreatedAgain drops the table under a
// store that has prepared its statements: the store must recognize the
// server's error 1146 and create the table again rather than fail for
// ever, for plain statements and for the increment's transaction.
func TestTableDroppedWhileRunningIsCreatedAgain(t *testing.T) {
	db := testDB(t, testConfig(t))
	ns := sqltest.Name(t)
	s := newTestStore(t, db, ns, cachecore.BaseConfig{})
	ctx := context.Background()
	counted := 0 // increments since the last drop
	for _, op := range []struct {
		name string
		call func() error
	}{
		{"Set", func() error { return s.Set(ctx, "k", []byte("v"), time.Minute) }},
		{"Increment", func() error {
			_, err := s.Increment(ctx, "n", 1, time.Minute)
			if err == nil {
				counted++
			}
			return err
		}},
	} {
		if err := op.call(); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, "DROP TABLE "+sqltest.TableOf(ns)); err != nil {
			t.Fatal(err)
		}
		counted = 0
		// The call that finds the table gone may fail; the next must not.
		op.call()
		if err := op.call(); err != nil {
			t.Fatalf("%s after the table was dropped: %v", op.name, err)
		}
	}
	if n, err := s.Increment(ctx, "n", 1, time.Minute); err != nil || n != int64(counted)+1 {
		t.Fatalf("Increment = %d, %v; want %d", n, err, counted+1)
	}
}
