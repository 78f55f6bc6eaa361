package mysqlcache

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// TestFaultsEndAtDeadlineAndRecover cuts and stalls the connections to
// the server: every operation must fail by its context's deadline, and
// once the connections are back the same store must work again.
func TestFaultsEndAtDeadlineAndRecover(t *testing.T) {
	cfg := testConfig(t)
	admin := testDB(t, cfg)
	proxy := drivertest.NewProxy(t, cfg.Addr)
	// The driver logs every connection the proxy breaks; the test
	// checks the errors the store returns instead.
	viaProxy := cfg.Clone()
	viaProxy.Addr = proxy.Addr()
	viaProxy.Logger = log.New(io.Discard, "", 0)
	conn, err := mysql.NewConnector(viaProxy)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(conn)
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
