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
	// Operation names what happened, with goforj/cache's names and
	// nesting, so dashboards built on its events keep working: every store
	// read is a "get" and every write a "set", and helpers report their
	// own event after those of the reads and writes they make.
	//
	//	GetBytes, Get[T]        get
	//	GetString, GetJSON[T]   get, then get_string or get_json
	//	BatchGetBytes           get per key
	//	SetBytes, Set[T]        set; SetString and SetJSON add set_string, set_json
	//	BatchSetBytes           set per key
	//	Add                     add
	//	Increment, Decrement    increment, decrement
	//	RateLimit               increment of the window's counter key
	//	TryLock, Acquire        try_lock
	//	Lock, Block             try_lock per attempt, then lock
	//	Unlock, Release         unlock
	//	PullBytes, Pull[T]      get, delete (when found), pull
	//	Delete, Flush           delete, flush
	//	DeleteMany              delete_many per key
	//	RememberBytes           get, set after a load, remember
	//	Remember[T]             get, set after a load (no remember event)
	//	RememberStale*          get, sets of the value and its stale copy or
	//	                        a get of the stale copy, remember_stale
	//	RefreshAhead*           get, get of the refresh deadline or, after a
	//	                        load, sets of the value and the deadline,
	//	                        refresh_ahead
	//
	// Two events are this package's own: "refresh_background" ends a
	// background refresh (after its sets), and "undecodable" follows the
	// get of a remember-style operation that found an entry the store
	// could not decode and loaded over it; Err holds the decode error.
	// Ready, Driver, Store and the inspector report nothing.
	Operation string
	// Key is the key concerned: the caller's key, or for bookkeeping reads
	// and writes the bookkeeping key ("k:__stale", "k:__refresh_exp", a
	// rate-limit counter); empty for Flush.
	Key string
	// Hit reports, as in goforj/cache: for get, get_string and pull that
	// a value was found (for get_json, also that it decoded); for
	// try_lock and lock that the lock was acquired; for add that the key
	// was created; for set events false; for every other operation that
	// it succeeded.
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
