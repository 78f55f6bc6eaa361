package cache_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
)

// TestDroppedMemoryStoreStopsJanitor drops 200 memory stores built with a
// context that never ends. Each used to keep its janitor goroutine, and
// with it its data, for the life of the process.
func TestDroppedMemoryStoreStopsJanitor(t *testing.T) {
	const stores = 200
	before := runtime.NumGoroutine()
	func() {
		for i := range stores {
			var cfg cache.StoreConfig
			if i%2 == 0 { // half of them behind the configuration layer
				cfg.Prefix = "p"
			}
			s := cache.NewMemoryStoreWithConfig(context.Background(), cfg)
			if err := s.Set(context.Background(), "k", make([]byte, 1<<10), 0); err != nil {
				t.Fatal(err)
			}
		}
	}()
	var n int
	for range 100 {
		runtime.GC()
		if n = runtime.NumGoroutine(); n < before+stores/10 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d goroutines after dropping %d memory stores, %d before", n, stores, before)
}
