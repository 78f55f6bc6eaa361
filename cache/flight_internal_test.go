package cache

import (
	"context"
	"errors"
	"testing"
	"time"
)

// panicStore panics on Set, as a buggy backend might.
type panicStore struct{ *memoryStore }

func (panicStore) Set(context.Context, string, []byte, time.Duration) error { panic("bad store") }

// awaitWaiters waits until n callers wait for the flight of kind and key.
func awaitWaiters(t *testing.T, c *Cache, kind flightKind, key string, n int) {
	t.Helper()
	s := c.shared.loads.stripe(key)
	for range 2000 {
		s.flightMu.Lock()
		f := s.flights[kind][key]
		joined := f != nil && f.waiters == n
		s.flightMu.Unlock()
		if joined {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("%d callers did not join the flight for %q", n, key)
}

// TestRememberWaitersSurviveLeaderPanic checks that when a shared load
// panics outside the loader, the panic reaches the caller running it and
// the callers waiting for it get an error instead of hanging.
func TestRememberWaitersSurviveLeaderPanic(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := NewCache(panicStore{newMemoryStore(ctx, 0)})
	started, release := make(chan struct{}), make(chan struct{})
	leaderPanic := make(chan any)
	go func() {
		defer func() { leaderPanic <- recover() }()
		_, _ = c.RememberBytes("k", time.Minute, func() ([]byte, error) {
			close(started)
			<-release
			return []byte("v"), nil
		})
	}()
	<-started
	waiter := make(chan error)
	go func() {
		_, err := c.RememberBytes("k", time.Minute, func() ([]byte, error) { return nil, errors.New("waiter loaded") })
		waiter <- err
	}()
	awaitWaiters(t, c, flightRemember, "k", 1)
	close(release)
	if p := <-leaderPanic; p != "bad store" {
		t.Fatalf("leader recovered %v, want the store's panic", p)
	}
	if err := <-waiter; !errors.Is(err, ErrLoaderPanicked) {
		t.Fatalf("waiter err = %v, want ErrLoaderPanicked", err)
	}
}
