package groupcache

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// ErrGetterPanicked is returned to the callers that were waiting for a
// load whose Getter panicked. The goroutine that ran the Getter gets the
// panic itself, as Go convention dictates; the key is free to load again.
var ErrGetterPanicked = errors.New("groupcache: Getter panicked")

// flightKey names a load in progress. A load that asks the key's owner
// (remote) and one that runs the Getter here (local) are kept apart: a
// request that arrived from a peer may wait for a local load but never for
// a remote one, so two peers whose rings disagree cannot wait on each
// other.
type flightKey struct {
	key    string
	remote bool
}

// flightGroup collapses concurrent loads of one key into one. Unlike
// golang.org/x/sync/singleflight, a waiter stops waiting when its own
// context ends, and a load that fails because its leader gave up (see
// callerGaveUp) is not a result: it passes to the caller that has waited
// longest, which runs it again with its own context. So no caller gets
// another caller's context error, and none is overtaken by callers that
// came after it, however many of them arrive with short deadlines.
type flightGroup struct {
	mu    sync.Mutex
	calls map[flightKey]*call // guarded by mu
}

// A call is one load in progress, led by one caller at a time.
type call struct {
	// waiters are the callers waiting for the load, in order of
	// arrival. Guarded by flightGroup.mu.
	waiters []*waiter

	// The result, written by the leader that ends the load before it
	// wakes the waiters, and read by them only after.
	value  ByteView
	expire int64
	err    error

	// sink is what a Getter running for this load fills; it lives here
	// to save the load an allocation.
	sink loadSink
}

// A waiter is a caller waiting for a call. Its fields are guarded by
// flightGroup.mu; wake is closed under it.
type waiter struct {
	wake  chan struct{} // closed when the load ends or passes to this waiter
	woken bool          // wake is closed
	lead  bool          // the load passed to this waiter, which must run it
}

// loadFunc loads a key. It runs in the goroutine of the caller that leads
// the flight, with that caller's context, and gets a sink of the flight's
// own for a Getter to fill.
type loadFunc func(ctx context.Context, sink *loadSink) (ByteView, int64, error)

// do runs fn for k unless a load of k is already in progress, in which
// case it waits for that load's result, or for the load to pass to it.
func (f *flightGroup) do(ctx context.Context, k flightKey, fn loadFunc) (ByteView, int64, error) {
	f.mu.Lock()
	c, inFlight := f.calls[k]
	if !inFlight {
		if f.calls == nil {
			f.calls = make(map[flightKey]*call)
		}
		c = &call{}
		f.calls[k] = c
		f.mu.Unlock()
		return f.lead(ctx, k, c, fn)
	}
	w := &waiter{wake: make(chan struct{})}
	c.waiters = append(c.waiters, w)
	f.mu.Unlock()

	select {
	case <-w.wake:
	case <-ctx.Done():
		f.mu.Lock()
		switch {
		case !w.woken:
			if i := slices.Index(c.waiters, w); i >= 0 {
				c.waiters = slices.Delete(c.waiters, i, i+1)
			}
		case w.lead:
			f.passOn(k, c) // this caller cannot run the load
		}
		f.mu.Unlock()
		return ByteView{}, 0, ctx.Err()
	}
	if !w.lead {
		return c.value, c.expire, c.err
	}
	if err := callerGaveUp(ctx); err != nil {
		f.mu.Lock()
		f.passOn(k, c)
		f.mu.Unlock()
		return ByteView{}, 0, err
	}
	return f.lead(ctx, k, c, fn)
}

// lead runs fn for c and then either ends the load with fn's result or,
// if fn failed because the caller gave up, passes the load on.
func (f *flightGroup) lead(ctx context.Context, k flightKey, c *call, fn loadFunc) (v ByteView, expire int64, err error) {
	returned, abandoned := false, false
	defer func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		switch {
		case !returned:
			// fn panicked or called runtime.Goexit. The panic goes
			// on unrecovered, keeping its stack; the waiters are
			// released with an error.
			c.value, c.expire, c.err = ByteView{}, 0, ErrGetterPanicked
			f.end(k, c)
		case abandoned:
			f.passOn(k, c)
		default:
			c.value, c.expire, c.err = v, expire, err
			f.end(k, c)
		}
	}()
	c.sink = loadSink{} // a leader before this one may have filled it
	v, expire, err = fn(ctx, &c.sink)
	abandoned = err != nil && callerGaveUp(ctx) != nil
	returned = true
	return v, expire, err
}

// passOn hands c to its longest waiting caller, or ends it if none is
// left. The result of a load nobody waits for is never read. f.mu must be
// held.
func (f *flightGroup) passOn(k flightKey, c *call) {
	if len(c.waiters) == 0 {
		f.end(k, c)
		return
	}
	w := c.waiters[0]
	c.waiters[0] = nil
	c.waiters = c.waiters[1:]
	w.woken, w.lead = true, true
	close(w.wake)
}

// end wakes c's waiters to read its result and lets the next caller of k
// start a load. f.mu must be held.
func (f *flightGroup) end(k flightKey, c *call) {
	if f.calls[k] == c { // forget may have dropped it already
		delete(f.calls, k)
	}
	for _, w := range c.waiters {
		w.woken = true
		close(w.wake)
	}
	c.waiters = nil
}

// forget makes later callers of key start a load of their own instead of
// waiting for one in progress, whose result may predate a write. Callers
// already waiting still get that result.
func (f *flightGroup) forget(key string) {
	f.mu.Lock()
	delete(f.calls, flightKey{key: key})
	delete(f.calls, flightKey{key: key, remote: true})
	f.mu.Unlock()
}
