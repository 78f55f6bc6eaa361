package postgrescache

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// TestFaultsEndAtDeadlineAndRecover cuts and stalls the connections to
// the server: every operation must fail by its context's deadline, and
// once the connections are back the same store must work again.
func TestFaultsEndAtDeadlineAndRecover(t *testing.T) {
	addr := serverAddr(t)
	admin := testDB(t, addr)
	proxy := drivertest.NewProxy(t, addr)
	db, err := sql.Open(DriverName, dsn(proxy.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ns := sqltest.Name(t)
	sqltest.DropTable(t, admin, sqltest.TableOf(ns))
	s, err := New(Config{DB: db, Table: sqltest.TableOf(ns), SweepInterval: -1, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
	if err != nil {
		t.Fatal(err)
	}
	drivertest.RunFaults(t, proxy, s, "k")

	// With the server stalled, the error says the deadline passed.
	proxy.Stall()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, _, err = s.Get(ctx, "k")
	proxy.Restore()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get with the server stalled = %v, want an error wrapping context.DeadlineExceeded", err)
	}
}
