package cache

import (
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// loadStripes is the number of stripes a Cache divides keys into to
// coordinate loads: enough that writes to some keys rarely stop loads of
// others from being stored, and that loads of unrelated keys rarely wait
// on one another's bookkeeping.
const loadStripes = 64

// loadTable coordinates the loads of remember-style operations with each
// other and with writes made through the Cache.
type loadTable struct {
	seed    maphash.Seed
	stripes [loadStripes]loadStripe
	// idle holds flights for reuse. A flight is reachable only through
	// its stripe's map and its waiters, so once it is removed from the map
	// with no waiter it is unreferenced.
	idle sync.Pool
}

type loadStripe struct {
	// writes counts writes through the Cache to keys of this stripe. A
	// writer bumps it under mu's write lock before it changes the store; a
	// load stores its result under the read lock and only if writes still
	// holds the count it saw when it started. So a write either comes
	// after the load's store, and replaces or removes it, or before, and
	// the load, which may have read the source before the write, stores
	// nothing.
	mu     sync.RWMutex
	writes atomic.Uint64

	// filled counts loads of this stripe that stored their result. A
	// caller that missed and then finds no load in flight reads the key
	// again only if filled moved since it started, that is when a load
	// may have stored the key between its read and its taking the lead.
	filled atomic.Uint64

	// flightMu guards flights, the loads in progress by kind and key.
	flightMu sync.Mutex
	flights  [flightKinds]map[string]*flight

	_ [64]byte // keeps neighbouring stripes off one cache line
}

// flightKind separates loads of one key that store different things, so
// that a RememberStale caller never receives a RememberBytes result.
type flightKind uint8

const (
	flightRemember flightKind = iota
	flightStale
	flightRefresh
	flightKinds
)

// flight is one load in progress. The caller that starts it runs it on
// its own goroutine; later callers wait for its result.
type flight struct {
	// writes is the stripe's write count when the load started. A caller
	// that has seen a later write starts its own load instead of waiting
	// for one that may return data older than that write.
	writes uint64
	// done is made by the first waiter and closed when res is set; it
	// stays nil while nobody waits, which is the common case. waiters
	// counts callers that received the flight. Both are guarded by the
	// stripe's flightMu.
	done    chan struct{}
	waiters int
	res     loadResult
}

// loadResult is the outcome of a shared load.
type loadResult struct {
	value []byte
	stale bool
	err   error
}

// ticket is what a caller of a remember-style operation notes before its
// first read of the store, and the load it leads carries.
type ticket struct {
	stripe *loadStripe
	writes uint64
	filled uint64
}

func (t *loadTable) stripe(key string) *loadStripe {
	return &t.stripes[maphash.String(t.seed, key)%loadStripes]
}

// ticket snapshots key's stripe before a read of key.
func (t *loadTable) ticket(key string) ticket {
	s := t.stripe(key)
	return ticket{stripe: s, writes: s.writes.Load(), filled: s.filled.Load()}
}

// wrote records a write through the Cache to key; call it before the
// store changes.
func (t *loadTable) wrote(key string) {
	t.stripe(key).wrote()
}

// wroteAll records a write that may touch every key, such as Flush.
func (t *loadTable) wroteAll() {
	for i := range t.stripes {
		t.stripes[i].wrote()
	}
}

func (s *loadStripe) wrote() {
	s.mu.Lock()
	s.writes.Add(1)
	s.mu.Unlock()
}

// filledSince reports whether a load of t's stripe may have stored a
// value since t was taken.
func (t ticket) filledSince() bool {
	return t.stripe.filled.Load() != t.filled
}

// commit runs store, which stores a loaded result, unless a write through
// the Cache to a key of t's stripe came since t was taken. Skipping is not
// an error: the caller still returns what it loaded.
func (t ticket) commit(store func() error) error {
	s := t.stripe
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.writes.Load() != t.writes {
		return nil
	}
	if err := store(); err != nil {
		return err
	}
	s.filled.Add(1)
	return nil
}

// share runs load once for all callers of one kind and key that arrive
// while it runs. The first caller runs it on its own goroutine; the others
// wait and stop waiting when their own context ends. The load runs
// detached from the first caller's cancellation, so that a store call
// failing on that caller's context does not fail everyone else. Each
// waiter receives its own copy of the value, because callers own the
// slices they receive.
//
// If load panics (fn's own panics are errors already, see callLoader),
// waiters receive ErrLoaderPanicked and the panic goes on in the caller
// that ran it, which is the only one that can recover it.
func (c *Cache) share(kind flightKind, key string, t ticket, load func(ctx context.Context, t ticket) loadResult) loadResult {
	s := t.stripe
	s.flightMu.Lock()
	flights := s.flights[kind]
	// A flight that started before a write this caller has seen may
	// return data from before that write; such a caller starts afresh.
	if f := flights[key]; f != nil && f.writes >= t.writes {
		if f.done == nil {
			f.done = make(chan struct{})
		}
		f.waiters++
		s.flightMu.Unlock()
		return c.await(f)
	}
	f, _ := c.shared.loads.idle.Get().(*flight)
	if f == nil {
		f = new(flight)
	}
	f.writes = t.writes
	if flights == nil {
		flights = make(map[string]*flight)
		s.flights[kind] = flights
	}
	flights[key] = f
	s.flightMu.Unlock()

	ctx := c.ctx
	if ctx.Done() != nil {
		ctx = context.WithoutCancel(ctx)
	}
	finished := false
	defer func() {
		if !finished {
			c.shared.loads.land(s, flights, key, f, loadResult{err: errLeaderPanicked})
		}
	}()
	r := load(ctx, t)
	finished = true
	c.shared.loads.land(s, flights, key, f, r)
	return r
}

// errLeaderPanicked is what waiters receive when the load they wait for
// panicked outside the loader function.
var errLeaderPanicked = fmt.Errorf("%w: the shared load panicked in the caller running it", ErrLoaderPanicked)

// land publishes the result of f, the flight of key in flights of stripe
// s, and retires it.
func (t *loadTable) land(s *loadStripe, flights map[string]*flight, key string, f *flight, r loadResult) {
	s.flightMu.Lock()
	if flights[key] == f {
		delete(flights, key)
	}
	f.res = r
	if f.done != nil {
		close(f.done)
	}
	reuse := f.waiters == 0
	s.flightMu.Unlock()
	if reuse {
		*f = flight{}
		t.idle.Put(f)
	}
}

func (c *Cache) await(f *flight) loadResult {
	if done := c.ctx.Done(); done != nil {
		select {
		case <-f.done:
		case <-done:
			return loadResult{err: c.ctx.Err()}
		}
	} else {
		<-f.done
	}
	r := f.res
	r.value = bytes.Clone(r.value)
	return r
}
