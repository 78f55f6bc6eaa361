package cachetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

func (s *suite) concurrency(t *testing.T) {
	const (
		workers = 8
		rounds  = 20
	)
	ctx := context.Background()
	counter := s.key(t, "counter")
	once := s.key(t, "once")
	var (
		wg   sync.WaitGroup
		wins atomic.Int64
		errs = make(chan error, workers)
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.worker(ctx, t, w, rounds, counter, once, &wins)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if s.opts.Null {
		if n := wins.Load(); n != workers*rounds {
			t.Fatalf("null store Add created %d times, want %d", n, workers*rounds)
		}
		return
	}
	if n := wins.Load(); n != 1 {
		t.Fatalf("concurrent Add created the key %d times, want once", n)
	}
	s.expect(t, counter, []byte(fmt.Sprint(workers*rounds)))
}

func (s *suite) worker(ctx context.Context, t *testing.T, w, rounds int, counter, once string, wins *atomic.Int64) error {
	own := fmt.Sprintf("%sworker%d", s.key(t, ""), w)
	for i := range rounds {
		want := fmt.Sprintf("w%d-i%d", w, i)
		if err := s.store.Set(ctx, own, []byte(want), time.Hour); err != nil {
			return fmt.Errorf("store.Set: %w", err)
		}
		got, found, err := s.store.Get(ctx, own)
		if err != nil {
			return fmt.Errorf("store.Get: %w", err)
		}
		if !s.opts.Null && (!found || string(got) != want) {
			return fmt.Errorf("worker %d read %q (found %v), want its own write %q", w, got, found, want)
		}
		if _, err := s.store.Increment(ctx, counter, 1, time.Hour); err != nil {
			return fmt.Errorf("store.Increment: %w", err)
		}
		created, err := s.store.Add(ctx, once, []byte(want), time.Hour)
		if err != nil {
			return fmt.Errorf("store.Add: %w", err)
		}
		if created {
			wins.Add(1)
		}
		// Readers of a shared key must see some complete write.
		if v, found, err := s.store.Get(ctx, once); err != nil || (found && len(v) == 0) {
			return fmt.Errorf("store.Get(shared) = %q, %v, %v", v, found, err)
		}
	}
	return nil
}

func (s *suite) canceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	k := s.key(t, "k")
	check := func(op string, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with canceled context = %v, want context.Canceled", op, err)
		}
	}
	check("Ready", s.store.Ready(ctx))
	_, _, err := s.store.Get(ctx, k)
	check("Get", err)
	check("Set", s.store.Set(ctx, k, []byte("v"), time.Hour))
	_, err = s.store.Add(ctx, k, []byte("v"), time.Hour)
	check("Add", err)
	_, err = s.store.Increment(ctx, k, 1, time.Hour)
	check("Increment", err)
	_, err = s.store.Decrement(ctx, k, 1, time.Hour)
	check("Decrement", err)
	check("Delete", s.store.Delete(ctx, k))
	check("DeleteMany", s.store.DeleteMany(ctx, k))
	check("Flush", s.store.Flush(ctx))
	if cd, ok := s.store.(cachecore.CompareAndDeleter); ok {
		_, err = cd.CompareAndDelete(ctx, k, []byte("v"))
		check("CompareAndDelete", err)
	}
	if eg, ok := s.store.(cachecore.ExpiryGetter); ok {
		_, _, _, err = eg.GetWithExpiry(ctx, k)
		check("GetWithExpiry", err)
	}
	if insp, ok := s.store.(cachecore.Inspector); ok && insp.Capabilities().CanList {
		_, err = insp.ListPage(ctx, cachecore.ListPageOptions{})
		check("ListPage", err)
	}
	// Nothing may have been written.
	s.expect(t, k, nil)
}
