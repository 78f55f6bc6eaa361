package postgrescache

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

func TestNewDefaultsAreGoforjs(t *testing.T) {
	db := testDB(t, serverAddr(t))
	ctx := context.Background()
	var existed bool
	if err := db.QueryRowContext(ctx, "SELECT to_regclass('cache_entries') IS NOT NULL").Scan(&existed); err != nil {
		t.Fatal(err)
	}
	if !existed {
		sqltest.DropTable(t, db, "cache_entries")
	}
	s, err := New(Config{DB: db, SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	k := sqltest.Name(t)
	t.Cleanup(func() { db.ExecContext(ctx, "DELETE FROM cache_entries WHERE k = $1", "app:"+k) })
	before := time.Now()
	if err := s.Set(ctx, k, []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	var ea int64
	if err := db.QueryRowContext(ctx, "SELECT ea FROM cache_entries WHERE k = $1", "app:"+k).Scan(&ea); err != nil {
		t.Fatalf("no row app:%s in cache_entries: %v", k, err)
	}
	if at := time.UnixMilli(ea); at.Before(before.Add(goforjDefaultTTL)) || at.After(time.Now().Add(goforjDefaultTTL+time.Millisecond)) {
		t.Fatalf("row expires at %v, want %v after it was written", at, goforjDefaultTTL)
	}
}

// goforjDefaultTTL is goforj/cache's default lifetime.
const goforjDefaultTTL = 5 * time.Minute

func TestNewWithoutDatabaseFailsClosed(t *testing.T) {
	sqltest.RunNewWithoutDatabaseFailsClosed(t, target(t))
}

func TestNewWithBadConfigFailsClosed(t *testing.T) {
	sqltest.RunNewWithBadConfigFailsClosed(t, target(t))
}

func TestUnknownDriverRefused(t *testing.T) {
	s, err := sqlcore.New(sqlcore.Config{DriverName: "oracle", DSN: "x"})
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

func TestKeysTextCannotHoldAreEscaped(t *testing.T) {
	sqltest.KeysStoredAsTheyAre(t, target(t), []string{"nul\x00key", "bad\xffutf8", "soh\x01key", "plain/é"}, "plain/é")
}

func TestOverlongKeyRefused(t *testing.T) { sqltest.RunOverlongKeyRefused(t, target(t)) }
