package mysqlcache

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// TestFirstIncrementsRacingToCreate starts racers on pools of their own
// at once on counters none has yet, key after key: there is no row to
// lock, so all but one lose the race to create it and must run again, not
// report the delta as the counter's value, and none may fail. The
// increments of each key must return 1 to racers, each once. It fails
// when a lost race is not retried (values repeat) and when the
// transaction runs at REPEATABLE READ (the racers deadlock).
func TestFirstIncrementsRacingToCreate(t *testing.T) {
	const (
		racers = 4
		keys   = 25
	)
	cfg := testConfig(t)
	ns := sqltest.Name(t)
	sqltest.DropTable(t, testDB(t, cfg), sqltest.TableOf(ns))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stores := make([]cachecore.Store, racers)
	for i := range stores {
		s, err := New(Config{DB: testDB(t, cfg), Table: sqltest.TableOf(ns), SweepInterval: -1, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Ready(ctx); err != nil {
			t.Fatal(err)
		}
		stores[i] = s
	}
	for k := range keys {
		key := "c" + strconv.Itoa(k)
		got := make([]int64, racers)
		errs := make([]error, racers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, s := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				got[i], errs[i] = s.Increment(ctx, key, 1, time.Minute)
			}()
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
		}
		slices.Sort(got)
		if want := []int64{1, 2, 3, 4}; !slices.Equal(got, want) {
			t.Fatalf("first increments of %s returned %v, want %v", key, got, want)
		}
	}
}
