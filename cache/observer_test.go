package cache_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

type recorder struct {
	mu     sync.Mutex
	events []cache.CacheOpEvent
}

func (r *recorder) OnCacheOp(_ context.Context, e cache.CacheOpEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func TestObserverSeesOperations(t *testing.T) {
	rec := new(recorder)
	c := newCache(t).WithObserver(rec)
	must(t, c.SetString("k", "v", time.Minute))
	_, _, _ = c.GetBytes("k")
	_, _, _ = c.GetBytes("missing")
	_, _ = c.RememberBytes("k", time.Minute, func() ([]byte, error) { return nil, errors.New("unused") })
	_, _ = c.Increment("k", 1, time.Minute)

	want := []struct {
		op  string
		key string
		hit bool
		err bool
	}{
		{"set", "k", false, false},
		{"set_string", "k", false, false},
		{"get", "k", true, false},
		{"get", "missing", false, false},
		{"get", "k", true, false},
		{"remember", "k", true, false},
		{"increment", "k", false, true},
	}
	if len(rec.events) != len(want) {
		t.Fatalf("got %d events, want %d: %+v", len(rec.events), len(want), rec.events)
	}
	for i, w := range want {
		e := rec.events[i]
		if e.Operation != w.op || e.Key != w.key || e.Hit != w.hit || (e.Err != nil) != w.err || e.Driver != cachecore.DriverMemory || e.Duration < 0 {
			t.Errorf("event %d = %+v, want %+v", i, e, w)
		}
	}
	if !errors.Is(rec.events[6].Err, cache.ErrNotNumeric) {
		t.Errorf("increment event error = %v", rec.events[6].Err)
	}
}

// TestWithObserverSetsObserverInPlace checks goforj/cache's contract: a
// program that ignores WithObserver's result still gets its events.
func TestWithObserverSetsObserverInPlace(t *testing.T) {
	rec := new(recorder)
	c := newCache(t)
	if got := c.WithObserver(rec); got != c {
		t.Fatal("WithObserver returned a different Cache")
	}
	_, _, _ = c.GetBytes("k")
	_, _, _ = c.WithContext(context.Background()).GetBytes("k")
	if len(rec.events) != 2 {
		t.Fatalf("got %d events, want 2", len(rec.events))
	}
}
