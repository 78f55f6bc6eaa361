package sqlitecache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"modernc.org/sqlite"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// SQLite's primary result codes the faults end with.
const (
	sqliteBusy     = 5
	sqliteReadOnly = 8
	sqliteFull     = 13
)

// faultDeadline bounds each operation while the database is locked;
// faultSlack is what it may overrun it by (scheduling under -race on a
// busy machine), far below the busy timeout of 5s that an operation
// ignoring its context would wait out.
const (
	faultDeadline = 300 * time.Millisecond
	faultSlack    = 1500 * time.Millisecond
)

// readOps are the operations of drivertest.StoreOps that only read.
var readOps = map[string]bool{"Ready": true, "Get": true, "GetWithExpiry": true, "ListPage": true}

// sqliteCode returns the primary result code of SQLite's error in err's
// chain, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return 0
	}
	return se.Code() & 0xff
}

// runOps runs every operation of drivertest.StoreOps(s, key) with a
// deadline of faultDeadline, failing the test if one returns more than
// faultSlack after it, and returns each one's error.
func runOps(t *testing.T, s cachecore.Store, key string) map[string]error {
	t.Helper()
	errs := map[string]error{}
	for op, call := range drivertest.StoreOps(s, key) {
		ctx, cancel := context.WithTimeout(context.Background(), faultDeadline)
		start := time.Now()
		errs[op] = call(ctx)
		if d := time.Since(start); d > faultDeadline+faultSlack {
			t.Errorf("%s took %v, want it to end by its deadline %v (+%v)", op, d, faultDeadline, faultSlack)
		}
		cancel()
	}
	return errs
}

// allWork requires every operation of drivertest.StoreOps(s, key) to
// succeed.
func allWork(t *testing.T, s cachecore.Store, key string) {
	t.Helper()
	for op, call := range drivertest.StoreOps(s, key) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := call(ctx); err != nil {
			t.Errorf("%s: %v", op, err)
		}
		cancel()
	}
}

// lock holds SQLite's write lock on the database dsn names from a
// connection of its own, as another process's transaction would, with
// begin ("BEGIN IMMEDIATE" or "BEGIN EXCLUSIVE"). It returns the function
// that releases the lock.
func lock(t *testing.T, dsn, begin string) (release func()) {
	t.Helper()
	ctx := context.Background()
	db := testDB(t, dsn)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{begin, "CREATE TABLE IF NOT EXISTS locker (x)", "INSERT INTO locker VALUES (1)"} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return func() {
		if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
			t.Fatal(err)
		}
		conn.Close()
		db.Close()
	}
}

// TestLockedDatabaseEndsAtDeadlineAndRecovers holds the write lock from
// another connection, with an immediate and with an exclusive
// transaction: every write must fail by its context's deadline, with
// SQLite's busy error or the context's, while reads go on (in WAL mode,
// the store's, an exclusive transaction does not shut readers out). Once
// the lock is released the same store must work again.
func TestLockedDatabaseEndsAtDeadlineAndRecovers(t *testing.T) {
	for _, begin := range []string{"BEGIN IMMEDIATE", "BEGIN EXCLUSIVE"} {
		t.Run(begin, func(t *testing.T) {
			dsn := dbFile(t)
			s := newTestStore(t, testDB(t, dsn), sqltest.Name(t), cachecore.BaseConfig{})
			if err := s.Set(context.Background(), "k", []byte("before"), time.Minute); err != nil {
				t.Fatal(err)
			}
			release := lock(t, dsn, begin)
			for op, err := range runOps(t, s, "k") {
				switch {
				case readOps[op]:
					if err != nil {
						t.Errorf("%s with another connection writing: %v, want it served (WAL)", op, err)
					}
				case err == nil:
					t.Errorf("%s succeeded with the database locked", op)
				case !errors.Is(err, context.DeadlineExceeded) && sqliteCode(err) != sqliteBusy:
					t.Errorf("%s = %v, want the deadline or SQLite's busy error", op, err)
				}
			}
			release()
			allWork(t, s, "k")
		})
	}
}

// TestReadOnlyDatabaseServesReads opens a database read-only, as a
// process without write permission on the file does: writes must fail
// with SQLite's read-only error and reads must still work.
func TestReadOnlyDatabaseServesReads(t *testing.T) {
	path := dbFile(t)
	ns := sqltest.Name(t)
	ctx := context.Background()
	writer := newTestStore(t, testDB(t, path), ns, cachecore.BaseConfig{})
	if err := writer.Set(ctx, "k", []byte("v"), time.Hour); err != nil {
		t.Fatal(err)
	}
	dsns := []string{"file:" + path + "?mode=ro"}
	if os.Geteuid() != 0 {
		// root writes whatever the file's mode says.
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(path, 0o644) })
		dsns = append(dsns, path)
	}
	for _, dsn := range dsns {
		s, err := New(Config{DSN: dsn, Table: sqltest.TableOf(ns), SweepInterval: -1, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
		if err != nil {
			t.Fatal(err)
		}
		if v, found, err := s.Get(ctx, "k"); err != nil || !found || string(v) != "v" {
			t.Errorf("%s: Get = %q, %v, %v; want the value", dsn, v, found, err)
		}
		if _, err := s.(cachecore.Inspector).ListPage(ctx, cachecore.ListPageOptions{}); err != nil {
			t.Errorf("%s: ListPage: %v", dsn, err)
		}
		for op, err := range runOps(t, s, "k") {
			if readOps[op] {
				if err != nil {
					t.Errorf("%s: %s: %v", dsn, op, err)
				}
				continue
			}
			if sqliteCode(err) != sqliteReadOnly || !strings.Contains(err.Error(), "readonly") {
				t.Errorf("%s: %s = %v, want SQLite's read-only error", dsn, op, err)
			}
		}
	}
}

// TestFullDatabaseLosesNothingAndRecovers caps the database's size with
// PRAGMA max_page_count, as a full disk would: the write that does not fit
// must fail with SQLite's full error, every value written before must stay
// readable, and once a Flush has freed pages writes must work again.
func TestFullDatabaseLosesNothingAndRecovers(t *testing.T) {
	path := dbFile(t)
	ns := sqltest.Name(t)
	ctx := context.Background()
	db := testDB(t, "file:"+path+"?_pragma=max_page_count(40)")
	s := newTestStore(t, db, ns, cachecore.BaseConfig{})
	value := []byte(strings.Repeat("x", 2000))
	var (
		written []string
		full    error
	)
	for i := range 200 {
		k := fmt.Sprintf("k%03d", i)
		if err := s.Set(ctx, k, value, time.Hour); err != nil {
			full = err
			break
		}
		written = append(written, k)
	}
	if sqliteCode(full) != sqliteFull || !strings.Contains(full.Error(), "full") {
		t.Fatalf("after %d values the error is %v, want SQLite's full error", len(written), full)
	}
	if len(written) < 10 {
		t.Fatalf("only %d values fit before the database was full", len(written))
	}
	if _, err := s.Increment(ctx, "counter", 1, time.Hour); err == nil {
		// A row this small may still fit in a page's free space.
		t.Logf("an increment fit after the database filled")
	}
	for _, k := range written {
		if v, found, err := s.Get(ctx, k); err != nil || !found || len(v) != len(value) {
			t.Fatalf("value %s after the database filled: %d bytes, %v, %v", k, len(v), found, err)
		}
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatalf("Flush of a full database: %v", err)
	}
	for i := range len(written) {
		if err := s.Set(ctx, fmt.Sprintf("n%03d", i), value, time.Hour); err != nil {
			t.Fatalf("Set %d after Flush freed the pages: %v", i, err)
		}
	}
}
