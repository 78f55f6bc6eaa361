package sqltest

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// RunFaults runs drivertest's faults on a store on viaProxy, a pool to
// the test database through proxy: every operation must fail by its
// context's deadline while the connections are cut or stalled, and the
// same store must work once they are back. With the server stalled, the
// error must also say the deadline passed.
func RunFaults(t *testing.T, tg Target, proxy *drivertest.Proxy, viaProxy *sql.DB) {
	prefix := Name(t)
	table := TableOf(prefix)
	DropTable(t, tg.open(t), table)
	s := tg.store(t, StoreConfig{DB: viaProxy, Table: table, Prefix: prefix})
	drivertest.RunFaults(t, proxy, s, "k")

	proxy.Stall()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, _, err := s.Get(ctx, "k")
	proxy.Restore()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get with the server stalled = %v, want an error wrapping context.DeadlineExceeded", err)
	}
}
