package sqlitecache

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore"
)

// TestEnsureSchemaConcurrently creates one table from several pools on
// one file at once, as processes starting together do.
func TestEnsureSchemaConcurrently(t *testing.T) {
	path := dbFile(t)
	table := tableOf(namespace(t))
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		db := testDB(t, path)
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
	if !target(t).HasExpiryIndex(t, testDB(t, path), table) {
		t.Fatal("no index on ea after EnsureSchema")
	}
}

// TestSchemaQualifiedTable names the table with its schema, which SQLite
// wants on the index's name rather than on its table.
func TestSchemaQualifiedTable(t *testing.T) {
	db := testDB(t, dbFile(t))
	ns := namespace(t)
	s, err := New(Config{DB: db, Table: "main." + tableOf(ns), SweepInterval: -1, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
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
	if !target(t).HasExpiryIndex(t, db, tableOf(ns)) {
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
	db := testDB(t, dbFile(t))
	if err := EnsureSchema(context.Background(), db, "t; DROP TABLE x"); !errors.Is(err, sqlcore.ErrInvalidTable) {
		t.Fatalf("EnsureSchema = %v, want ErrInvalidTable", err)
	}
}

// TestTableDroppedWhileRunningIsCreatedAgain drops the table under a
// store that has prepared its statements: the store must create it again
// rather than fail for ever.
func TestTableDroppedWhileRunningIsCreatedAgain(t *testing.T) {
	db := testDB(t, dbFile(t))
	ns := namespace(t)
	s := newTestStore(t, db, ns, cachecore.BaseConfig{})
	ctx := context.Background()
	if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "DROP TABLE "+tableOf(ns)); err != nil {
		t.Fatal(err)
	}
	// The call that finds the table gone may fail; the next must not.
	s.Set(ctx, "k", []byte("v2"), time.Minute)
	if err := s.Set(ctx, "k", []byte("v3"), time.Minute); err != nil {
		t.Fatalf("Set after the table was dropped: %v", err)
	}
	if v, found, err := s.Get(ctx, "k"); err != nil || !found || string(v) != "v3" {
		t.Fatalf("Get = %q, %v, %v", v, found, err)
	}
}

// TestExpiredRowsNeverReturned leaves an expired row in the table (no
// sweep) and checks that no read returns it: Get, GetWithExpiry,
// ListPage, compare-and-delete; and that Add takes its place.
func TestExpiredRowsNeverReturned(t *testing.T) {
	db := testDB(t, dbFile(t))
	ns := namespace(t)
	s := newTestStore(t, db, ns, cachecore.BaseConfig{})
	ctx := context.Background()
	if err := s.Set(ctx, "gone", []byte("v"), 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(40 * time.Millisecond)
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+tableOf(ns)+" WHERE k = ?1", ns+":gone").Scan(&n); err != nil || n != 1 {
		t.Fatalf("the expired row is not in the table (%d, %v); the test needs it there", n, err)
	}
	if _, found, err := s.Get(ctx, "gone"); err != nil || found {
		t.Fatalf("Get of an expired row = %v, %v", found, err)
	}
	if _, _, found, err := s.(cachecore.ExpiryGetter).GetWithExpiry(ctx, "gone"); err != nil || found {
		t.Fatalf("GetWithExpiry of an expired row = %v, %v", found, err)
	}
	page, err := s.(cachecore.Inspector).ListPage(ctx, cachecore.ListPageOptions{})
	if err != nil || len(page.Entries) != 0 {
		t.Fatalf("ListPage = %+v, %v; want no entries", page, err)
	}
	if ok, err := cachecore.CompareAndDelete(ctx, s, "gone", []byte("v")); err != nil || ok {
		t.Fatalf("CompareAndDelete of an expired row = %v, %v; want false", ok, err)
	}
	if ok, err := s.Add(ctx, "gone", []byte("new"), time.Minute); err != nil || !ok {
		t.Fatalf("Add over an expired row = %v, %v; want created", ok, err)
	}
	if v, _, _ := s.Get(ctx, "gone"); string(v) != "new" {
		t.Fatalf("after Add, Get = %q", v)
	}
	if ok, err := s.Add(ctx, "gone", []byte("again"), time.Minute); err != nil || ok {
		t.Fatalf("Add over a live row = %v, %v; want not created", ok, err)
	}
}
