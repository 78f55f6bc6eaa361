package mysqlcache

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// startCommand starts the distribution's MariaDB server.
const startCommand = "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"

// defaultDSN reaches the test database of the loopback server; MYSQL_DSN
// overrides it, and MYSQL_ADDR its address.
const defaultDSN = "root@tcp(127.0.0.1:3306)/test"

// testConfig returns the driver configuration of the test database, or
// skips the test when its server is not answering.
func testConfig(t testing.TB) *mysql.Config {
	t.Helper()
	dsn := os.Getenv("MYSQL_DSN")
	if dsn == "" {
		dsn = defaultDSN
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("MYSQL_DSN: %v", err)
	}
	// MYSQL_ADDR, when set, overrides the DSN's address.
	cfg.Addr = drivertest.Server(t, "MYSQL_ADDR", cfg.Addr, startCommand)
	cfg.Timeout = 20 * time.Second
	return cfg
}

// testDB returns a pool of its own to the test database, closed with the
// test.
func testDB(t testing.TB, cfg *mysql.Config) *sql.DB {
	t.Helper()
	db, err := sql.Open(DriverName, cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.PingContext(context.Background()); err != nil {
		t.Fatalf("ping %s: %v", cfg.Addr, err)
	}
	return db
}

// newTestStore is a store on a table of its own under prefix ns, with
// the sweep off; the table is dropped with the test.
func newTestStore(t testing.TB, db *sql.DB, ns string, base cachecore.BaseConfig) cachecore.Store {
	t.Helper()
	return target(t).NewStore(t, db, ns, base)
}
