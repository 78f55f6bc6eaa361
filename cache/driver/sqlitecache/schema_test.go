package sqlitecache

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// TestEnsureSchemaConcurrently creates one table from several pools on
// one file at once, as processes starting together do.
func TestEnsureSchemaConcurrently(t *testing.T) { sqltest.EnsureSchemaConcurrently(t, target(t)) }

// TestSchemaQualifiedTable names the table with its schema, which SQLite
// wants on the index's name rather than on its table.
func TestSchemaQualifiedTable(t *testing.T) {
	db := testDB(t, dbFile(t))
	ns := sqltest.Name(t)
	s, err := New(Config{DB: db, Table: "main." + sqltest.TableOf(ns), SweepInterval: -1, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, found, err := s.Get(ctx, "k"); err != nil || !found || string(v) != "v" {
		t.Fatalf("Get = %q, %v, %v", v, found, err)
	}
	if !target(t).HasExpiryIndex(t, db, sqltest.TableOf(ns)) {
		t.Fatal("no index on ea")
	}
}

// TestTempTableRefused checks that a table in the temp schema, which
// each connection has a private one of, is refused.
func TestTempTableRefused(t *testing.T) {
	s, err := New(Config{DSN: dbFile(t), Table: "TEMP.cache"})
	if !errors.Is(err, ErrPrivateDatabase) {
		t.Fatalf("New(Table: temp.cache) = %v, want ErrPrivateDatabase", err)
	}
	if err := s.Set(context.Background(), "k", []byte("v"), 0); !errors.Is(err, ErrPrivateDatabase) {
		t.Fatalf("Set = %v, want ErrPrivateDatabase", err)
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

// TestExpiredRowsNeverReturned leaves an expired row in the table (no
// sweep) and checks that no read returns it.
func TestExpiredRowsNeverReturned(t *testing.T) { sqltest.RunExpiredRowsNeverReturned(t, target(t)) }
