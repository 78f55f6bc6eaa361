package postgrescache

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// TestDroppedStoreStopsSweepAndClosesPool drops stores that opened their
// own pools and have no Context: their sweeps must stop and their pools
// close once they are collected, rather than leak for the program's life.
func TestDroppedStoreStopsSweepAndClosesPool(t *testing.T) {
	addr := serverAddr(t)
	ns := sqltest.Name(t)
	db := testDB(t, addr)
	t.Cleanup(func() { sqltest.DropTable(t, db, sqltest.TableOf(ns)) })
	const stores = 20
	before := runtime.NumGoroutine()
	func() {
		for range stores {
			s, err := sqlcore.New(sqlcore.Config{
				BaseConfig:    cachecore.BaseConfig{Prefix: ns},
				DriverName:    "pgx",
				DSN:           dsn(addr),
				Table:         sqltest.TableOf(ns),
				SweepInterval: time.Hour,
			})
			if err != nil {
				t.Fatal(err)
			}
			// A connection in the pool, so that a leaked pool shows.
			if err := s.Set(context.Background(), "k", []byte("v"), time.Minute); err != nil {
				t.Fatal(err)
			}
		}
	}()
	var n int
	for range 200 {
		runtime.GC()
		if n = runtime.NumGoroutine(); n < before+stores/4 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d goroutines after dropping %d stores, %d before", n, stores, before)
}
