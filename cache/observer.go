package cache

import (
	"context"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// Observer receives events for cache operations. It is called
// synchronously from Cache methods after each operation completes, so it
// must be fast and safe for concurrent use.
//
// A panic in OnCacheOp goes to the caller of the Cache method, like a
// panic in any function the caller handed over. On the goroutines the
// Cache starts itself (background refreshes) no caller could recover it
// and it would end the process, so there it is recovered and dropped: the
// refresh completes and the event is lost.
type Observer interface {
	OnCacheOp(ctx context.Context, event CacheOpEvent)
}

// ObserverFunc adapts a function to the Observer interface.
type ObserverFunc func(ctx context.Context, event CacheOpEvent)

// OnCacheOp implements Observer by calling f.
func (f ObserverFunc) OnCacheOp(ctx context.Context, event CacheOpEvent) { f(ctx, event) }

// CacheOpEvent describes one completed Cache operation.
type CacheOpEvent struct {
	// Operation names the method: "get", "get_many", "pull", "set",
	// "set_many", "add", "increment", "decrement", "delete", "delete_many",
	// "flush", "ready", "lock", "unlock", "rate_limit", "remember",
	// "remember_stale", "refresh_ahead", "refresh_background" or
	// "undecodable". Typed helpers report the operation of the bytes
	// method they use. "undecodable" is reported, in addition to the
	// operation's own event, when a remember-style operation found an
	// entry the store could not decode and loaded over it; Err holds the
	// decode error.
	Operation string
	// Key is the caller's key; empty for operations on several keys.
	Key string
	// Hit reports that a read found a value: for remember-style operations,
	// that the loader did not run; for locks, that the lock was acquired;
	// for Add, that the key was created; for RateLimit, that the call was
	// allowed.
	Hit bool
	// Err is the operation's error, if any.
	Err error
	// Duration is the operation's wall-clock time.
	Duration time.Duration
	// Driver is the store's driver.
	Driver cachecore.Driver
}

// begin returns the start time of an operation, skipping the clock read
// when nobody observes.
func (c *Cache) begin() time.Time {
	if c.observer == nil {
		return time.Time{}
	}
	return time.Now()
}

func (c *Cache) observe(op, key string, start time.Time, hit bool, err error) {
	if c.observer == nil {
		return
	}
	c.observer.OnCacheOp(c.ctx, CacheOpEvent{
		Operation: op,
		Key:       key,
		Hit:       hit,
		Err:       err,
		Duration:  time.Since(start),
		Driver:    c.store.Driver(),
	})
}

// detached returns a handle for a goroutine the Cache starts itself, whose
// observer calls cannot panic past it.
func (c *Cache) detached() *Cache {
	if c.observer == nil {
		return c
	}
	d := *c
	d.observer = recoveringObserver{c.observer}
	return &d
}

// recoveringObserver drops the panics of the observer it wraps.
type recoveringObserver struct{ o Observer }

func (r recoveringObserver) OnCacheOp(ctx context.Context, event CacheOpEvent) {
	defer func() { _ = recover() }()
	r.o.OnCacheOp(ctx, event)
}
