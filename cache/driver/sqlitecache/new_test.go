package sqlitecache

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// goforjDefaultTTL is goforj/cache's default lifetime.
const goforjDefaultTTL = 5 * time.Minute

func TestNewDefaultsAreGoforjs(t *testing.T) {
	path := dbFile(t)
	ctx := context.Background()
	s, err := New(Config{DSN: path, SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	if err := s.Set(ctx, "k", []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	var ea int64
	if err := testDB(t, path).QueryRowContext(ctx, "SELECT ea FROM cache_entries WHERE k = 'app:k'").Scan(&ea); err != nil {
		t.Fatalf("no row app:k in cache_entries: %v", err)
	}
	if at := time.UnixMilli(ea); at.Before(before.Add(goforjDefaultTTL)) || at.After(time.Now().Add(goforjDefaultTTL+time.Millisecond)) {
		t.Fatalf("row expires at %v, want %v after it was written", at, goforjDefaultTTL)
	}
}

func TestNewWithoutDatabaseFailsClosed(t *testing.T) {
	sqltest.RunNewWithoutDatabaseFailsClosed(t, target(t))
}

func TestNewRefusesMissingDirectory(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no", "such", "dir")
	for _, dsn := range []string{missing + "/cache.db", "file:" + missing + "/cache.db?_pragma=foreign_keys(1)"} {
		s, err := New(Config{DSN: dsn})
		if !errors.Is(err, ErrNoDirectory) || !strings.Contains(err.Error(), missing) {
			t.Errorf("New(%q) = %v, want ErrNoDirectory naming the directory", dsn, err)
		}
		if s == nil || s.Driver() != cachecore.DriverSQL {
			t.Fatalf("New(%q) returned store %v, want one of driver sql", dsn, s)
		}
		if err := s.Set(context.Background(), "k", []byte("v"), 0); !errors.Is(err, ErrNoDirectory) {
			t.Errorf("Set on the store of %q = %v, want ErrNoDirectory", dsn, err)
		}
	}
}

// TestPrivateMemoryDatabasesRefused checks the DSNs under which each
// connection of the pool would open an empty database of its own.
func TestPrivateMemoryDatabasesRefused(t *testing.T) {
	for _, dsn := range []string{
		":memory:", ":memory:?cache=shared", "file::memory:", "file:x?mode=memory",
		"file:x?vfs=memdb", "file:", "?_pragma=foreign_keys(1)",
	} {
		s, err := New(Config{DSN: dsn})
		if !errors.Is(err, ErrPrivateDatabase) {
			t.Errorf("New(%q) = %v, want ErrPrivateDatabase", dsn, err)
			continue
		}
		if err := s.Set(context.Background(), "k", []byte("v"), 0); !errors.Is(err, ErrPrivateDatabase) {
			t.Errorf("Set on the store of %q = %v, want ErrPrivateDatabase", dsn, err)
		}
	}
}

// TestSharedMemoryDatabases checks the in-memory DSNs every connection
// of the pool shares: goforj/cache's documented one and memdb. Goroutines
// on one store use several connections at once, which with shared cache
// take table locks the driver waits on.
func TestSharedMemoryDatabases(t *testing.T) {
	ns := sqltest.Name(t)
	for _, dsn := range []string{
		"file::memory:?cache=shared",
		"file:" + ns + "?mode=memory&cache=shared",
		"file:/" + ns + "?vfs=memdb",
	} {
		t.Run(dsn, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s, err := New(Config{DSN: dsn, Table: sqltest.TableOf(ns), Context: ctx, SweepInterval: -1,
				BaseConfig: cachecore.BaseConfig{Prefix: ns}})
			if err != nil {
				t.Fatal(err)
			}
			const workers, rounds = 8, 25
			var (
				wg   sync.WaitGroup
				mu   sync.Mutex
				errs []error
			)
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					key := string(rune('a' + w))
					for range rounds {
						opCtx, done := context.WithTimeout(ctx, 20*time.Second)
						err := s.Set(opCtx, key, []byte(key), time.Minute)
						if err == nil {
							_, err = s.Increment(opCtx, "n", 1, time.Minute)
						}
						if err == nil {
							var v []byte
							if v, _, err = s.Get(opCtx, key); err == nil && string(v) != key {
								err = errors.New("read " + string(v) + " from key " + key)
							}
						}
						done()
						if err != nil {
							mu.Lock()
							errs = append(errs, err)
							mu.Unlock()
							return
						}
					}
				}()
			}
			wg.Wait()
			if len(errs) > 0 {
				t.Fatalf("%d workers failed, first: %v", len(errs), errs[0])
			}
			if v, _, err := s.Get(ctx, "n"); err != nil || string(v) != "200" {
				t.Fatalf("counter = %q, %v; want 200", v, err)
			}
		})
	}
}

// TestPragmasOnEveryConnection checks that the settings WithPragmas adds
// hold on every connection of a pool, not only the first, and that a
// DSN's own settings win.
func TestPragmasOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		dsn                      string
		busy, journal, syncLevel string
	}{
		{dbFile(t), "5000", "wal", "1"},
		{"file:" + dbFile(t) + "?_busy_timeout=250&_pragma=journal_mode(DELETE)", "250", "delete", "2"},
		{"file:" + dbFile(t) + "?_pragma=busy_timeout(100)&_pragma=synchronous(FULL)", "100", "wal", "2"},
		{"file::memory:?cache=shared", "5000", "memory", "2"},
	} {
		db := testDB(t, c.dsn)
		var conns []interface{ Close() error }
		for i := range 3 {
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, conn)
			for pragma, want := range map[string]string{"busy_timeout": c.busy, "journal_mode": c.journal, "synchronous": c.syncLevel} {
				var got string
				if err := conn.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("%s: connection %d: %s = %s, want %s", c.dsn, i, pragma, got, want)
				}
			}
		}
		for _, c := range conns {
			c.Close()
		}
	}
}

func TestWithPragmas(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ dsn, want string }{
		{dir + "/a.db", dir + "/a.db?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"},
		{"file:" + dir + "/a.db?_timeout=7", "file:" + dir + "/a.db?_timeout=7&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"},
		{"file:" + dir + "/a.db?mode=ro", "file:" + dir + "/a.db?mode=ro&_pragma=busy_timeout(5000)"},
		{"file://localhost" + dir + "/a.db?_pragma=main.journal_mode=delete", "file://localhost" + dir + "/a.db?_pragma=main.journal_mode=delete&_pragma=busy_timeout(5000)"},
		{"file:/x?vfs=memdb&_pragma=BUSY_TIMEOUT(1)", "file:/x?vfs=memdb&_pragma=BUSY_TIMEOUT(1)"},
	} {
		if got, err := WithPragmas(c.dsn, 0); err != nil || got != c.want {
			t.Errorf("WithPragmas(%q) =\n%q, %v; want\n%q", c.dsn, got, err, c.want)
		}
	}
	if got, err := WithPragmas("file::memory:?cache=shared", 1500*time.Microsecond); err != nil ||
		got != "file::memory:?cache=shared&_pragma=busy_timeout(2)" {
		t.Errorf("WithPragmas with a busy timeout of 1.5ms = %q, %v", got, err)
	}
	for _, dsn := range []string{"file://otherhost/x.db", dir + "/a.db?%zz"} {
		if _, err := WithPragmas(dsn, 0); !errors.Is(err, ErrDSN) {
			t.Errorf("WithPragmas(%q) = %v, want ErrDSN", dsn, err)
		}
	}
}

// TestUnknownDriverRefused checks sqlcore's refusal, through the driver
// names this package does not use.
func TestUnknownDriverRefused(t *testing.T) {
	s, err := sqlcore.New(sqlcore.Config{DriverName: "sqlite4", DSN: "x"})
	if !errors.Is(err, sqlcore.ErrUnknownDriver) {
		t.Fatalf("New = %v, want ErrUnknownDriver", err)
	}
	if err := s.Ready(context.Background()); !errors.Is(err, sqlcore.ErrUnknownDriver) {
		t.Fatalf("Ready = %v, want ErrUnknownDriver", err)
	}
}

// TestDSNPoolClosesWithContext opens the store's own pool from a DSN and
// checks that ending Config.Context closes it.
func TestDSNPoolClosesWithContext(t *testing.T) { sqltest.RunDSNPoolClosesWithContext(t, target(t)) }
