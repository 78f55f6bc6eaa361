package postgrescache

import (
	"database/sql"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// TestFaultsEndAtDeadlineAndRecover cuts and stalls the connections to
// the server: every operation must fail by its context's deadline, and
// once the connections are back the same store must work again.
func TestFaultsEndAtDeadlineAndRecover(t *testing.T) {
	addr := serverAddr(t)
	proxy := drivertest.NewProxy(t, addr)
	db, err := sql.Open(DriverName, dsn(proxy.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sqltest.RunFaults(t, target(t), proxy, db)
}
