package mysqlcache

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// goforjDefaultTTL is goforj/cache's default lifetime.
const goforjDefaultTTL = 5 * time.Minute

func TestNewDefaultsAreGoforjs(t *testing.T) {
	db := testDB(t, testConfig(t))
	ctx := context.Background()
	var existed int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.TABLES"+
		" WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'cache_entries'").Scan(&existed); err != nil {
		t.Fatal(err)
	}
	if existed == 0 {
		sqltest.DropTable(t, db, "cache_entries")
	}
	s, err := New(Config{DB: db, SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	k := sqltest.Name(t)
	t.Cleanup(func() { db.ExecContext(ctx, "DELETE FROM cache_entries WHERE k = ?", "app:"+k) })
	before := time.Now()
	if err := s.Set(ctx, k, []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	var ea int64
	if err := db.QueryRowContext(ctx, "SELECT ea FROM cache_entries WHERE k = ?", "app:"+k).Scan(&ea); err != nil {
		t.Fatalf("no row app:%s in cache_entries: %v", k, err)
	}
	if at := time.UnixMilli(ea); at.Before(before.Add(goforjDefaultTTL)) || at.After(time.Now().Add(goforjDefaultTTL+time.Millisecond)) {
		t.Fatalf("row expires at %v, want %v after it was written", at, goforjDefaultTTL)
	}
}

func TestNewWithoutDatabaseFailsClosed(t *testing.T) {
	sqltest.RunNewWithoutDatabaseFailsClosed(t, target(t))
}

func TestNewWithInvalidDSNFailsClosed(t *testing.T) {
	s, err := New(Config{DSN: "root@tcp(127.0.0.1:3306)/test?clientFoundRows=maybe"})
	if !errors.Is(err, ErrInvalidDSN) {
		t.Fatalf("New = %v, want ErrInvalidDSN", err)
	}
	if err := s.Set(context.Background(), "k", []byte("v"), 0); !errors.Is(err, ErrInvalidDSN) {
		t.Fatalf("Set = %v, want ErrInvalidDSN", err)
	}
}

func TestNewWithBadConfigFailsClosed(t *testing.T) {
	sqltest.RunNewWithBadConfigFailsClosed(t, target(t))
}

// TestDSNWithClientFoundRowsKeepsAddExclusive opens the store from a DSN
// asking for found rows, with which a live row would count as affected
// and Add would report it created: New must turn that off.
func TestDSNWithClientFoundRowsKeepsAddExclusive(t *testing.T) {
	cfg := testConfig(t)
	ns := sqltest.Name(t)
	sqltest.DropTable(t, testDB(t, cfg), sqltest.TableOf(ns))
	c := cfg.Clone()
	c.ClientFoundRows = true
	c.InterpolateParams = true
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := New(Config{DSN: c.FormatDSN(), Table: sqltest.TableOf(ns), Context: ctx, SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	if created, err := s.Add(bg, "k", []byte("a"), time.Minute); err != nil || !created {
		t.Fatalf("first Add = %v, %v; want created", created, err)
	}
	if created, err := s.Add(bg, "k", []byte("a"), time.Minute); err != nil || created {
		t.Fatalf("Add over a live row = %v, %v; want not created", created, err)
	}
}

// TestDSNPoolClosesWithContext opens the store's own pool from a DSN and
// checks that ending Config.Context closes it.
func TestDSNPoolClosesWithContext(t *testing.T) { sqltest.RunDSNPoolClosesWithContext(t, target(t)) }

// TestSecondStoreOnTableSkipsExistingIndex opens a store on a table a
// first store created: MySQL has no CREATE INDEX IF NOT EXISTS, so a
// store that created the index unconditionally would fail on every
// table but a new one.
func TestSecondStoreOnTableSkipsExistingIndex(t *testing.T) {
	db := testDB(t, testConfig(t))
	ns := sqltest.Name(t)
	ctx := context.Background()
	first := newTestStore(t, db, ns, cachecore.BaseConfig{})
	if err := first.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	second, err := New(Config{DB: db, Table: sqltest.TableOf(ns), SweepInterval: -1, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
	if err != nil {
		t.Fatal(err)
	}
	if v, found, err := second.Get(ctx, "k"); err != nil || !found || string(v) != "v" {
		t.Fatalf("Get through a second store = %q, %v, %v", v, found, err)
	}
	if err := EnsureSchema(ctx, db, sqltest.TableOf(ns)); err != nil {
		t.Fatalf("EnsureSchema on a complete table: %v", err)
	}
}

// TestKeysAreBinary stores keys a text column would fold, reject or cut,
// and requires each to be its own entry, stored as it is.
func TestKeysAreBinary(t *testing.T) {
	keys := []string{"nul\x00key", "bad\xffutf8", "Key", "key", "kéy", "keý", "trail ", "trail"}
	sqltest.KeysStoredAsTheyAre(t, target(t), keys, "nul\x00key")
}

// TestOverlongKeyRefused checks the bound of VARBINARY(255) keys, prefix
// included.
func TestOverlongKeyRefused(t *testing.T) { sqltest.RunOverlongKeyRefused(t, target(t)) }

// TestValueLimit stores the largest value allowed and refuses a byte more
// before sending it.
func TestValueLimit(t *testing.T) {
	db := testDB(t, testConfig(t))
	s := newTestStore(t, db, sqltest.Name(t), cachecore.BaseConfig{})
	ctx := context.Background()
	const limit = 16<<20 - 1<<10
	big := make([]byte, limit)
	for i := range big {
		big[i] = byte(i)
	}
	if err := s.Set(ctx, "big", big, time.Minute); err != nil {
		t.Fatalf("Set of %d bytes: %v", limit, err)
	}
	if v, found, err := s.Get(ctx, "big"); err != nil || !found || string(v) != string(big) {
		t.Fatalf("Get of %d bytes = %d bytes, %v, %v", limit, len(v), found, err)
	}
	if err := s.Set(ctx, "big", make([]byte, limit+1), time.Minute); !errors.Is(err, cachecore.ErrValueTooLarge) {
		t.Fatalf("Set of %d bytes = %v, want ErrValueTooLarge", limit+1, err)
	}
}
