package sqlitecache

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// dbFile returns the path of a database file in a directory of the test,
// removed with it.
func dbFile(t testing.TB) string {
	return filepath.Join(t.TempDir(), "cache.db")
}

// testDB returns a pool of its own on the database dsn names, with the
// store's pragmas, closed with the test.
func testDB(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	full, err := WithPragmas(dsn, 0)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open(DriverName, full)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.PingContext(context.Background()); err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	return db
}

// newTestStore is a store on a table of its own under prefix ns, with the
// sweep off.
func newTestStore(t testing.TB, db *sql.DB, ns string, base cachecore.BaseConfig) cachecore.Store {
	t.Helper()
	base.Prefix = ns
	s, err := New(Config{DB: db, Table: sqltest.TableOf(ns), BaseConfig: base, SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// removeDatabase removes the database file at path and the WAL and
// shared-memory files SQLite keeps beside it, when the test ends.
func removeDatabase(t testing.TB, path string) {
	t.Cleanup(func() {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
				t.Errorf("remove %s: %v", path+suffix, err)
			}
		}
	})
}
