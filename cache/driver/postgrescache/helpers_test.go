package postgrescache

import (
	"context"
	"database/sql"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// startCommand starts the distribution's PostgreSQL cluster.
const startCommand = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"

// serverAddr returns the PostgreSQL server's address or skips the test.
func serverAddr(t testing.TB) string {
	return drivertest.Server(t, "POSTGRES_ADDR", "127.0.0.1:5432", startCommand)
}

// dsn is the connection string of the test database at addr.
func dsn(addr string) string {
	return "postgres://postgres@" + addr + "/test?sslmode=disable&connect_timeout=20"
}

// testDB returns a pool of its own to the test database at addr, closed
// with the test.
func testDB(t testing.TB, addr string) *sql.DB {
	t.Helper()
	db, err := sql.Open(DriverName, dsn(addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.PingContext(context.Background()); err != nil {
		t.Fatalf("ping %s: %v", addr, err)
	}
	return db
}

// newTestStore is a store on a table of its own under prefix ns, with
// the sweep off; the table is dropped with the test.
func newTestStore(t testing.TB, db *sql.DB, ns string, base cachecore.BaseConfig) cachecore.Store {
	t.Helper()
	return target(t).NewStore(t, db, ns, base)
}
