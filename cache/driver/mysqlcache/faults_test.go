package mysqlcache

import (
	"database/sql"
	"io"
	"log"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// TestFaultsEndAtDeadlineAndRecover cuts and stalls the connections to
// the server: every operation must fail by its context's deadline, and
// once the connections are back the same store must work again.
func TestFaultsEndAtDeadlineAndRecover(t *testing.T) {
	cfg := testConfig(t)
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
	sqltest.RunFaults(t, target(t), proxy, db)
}
