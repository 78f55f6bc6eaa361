package groupcache

import (
	"context"
	"errors"
	"sync"
)

// ErrGetterPanicked is returned to the callers that were waiting for a
// load whose Getter panicked. The goroutine that ran the Getter gets the
// panic itself, as Go convention dictates; the key is free to load again.
var ErrGetterPanicked = errors.New("groupcache: Getter panicked")

// maxLeaderRetries bounds how many times a waiter takes over a load whose
// leader gave up because its own context ended.
const maxLeaderRetries = 8

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
// context ends, and a load abandoned by its leader's context is taken over
// by a waiter instead of failing every waiter with the leader's error.
type flightGroup struct {
	mu    sync.Mutex
	calls map[flightKey]*call // guarded by mu
}

// A call is one load in progress. Its result fields are written by the
// leader before done is closed and only read after.
type call struct {
	// done is made by the first waiter, under flightGroup.mu, so that
	// the common load nobody waits for allocates no channel. The leader
	// closes it, if made, under the same lock.
	done chan struct{}

	value  ByteView
	expire int64
	err    error

	// abandoned reports that the load failed because the leader's
	// context ended, not because of the key.
	abandoned bool

	// sink is what a Getter running for this load fills; it lives here
	// to save the load an allocation.
	sink loadSink
}

// loadFunc loads a key. It runs in the goroutine of the caller that leads
// the flight, with that caller's context, and gets a sink of the flight's
// own for a Getter to fill.
type loadFunc func(ctx context.Context, sink *loadSink) (ByteView, int64, error)

// do runs fn for k unless a load of k is already in progress, in which
// case it waits for that load's result. led reports whether this caller
// ran fn.
func (f *flightGroup) do(ctx context.Context, k flightKey, fn loadFunc) (v ByteView, expire int64, led bool, err error) {
	for attempt := 0; ; attempt++ {
		f.mu.Lock()
		c, inFlight := f.calls[k]
		if !inFlight {
			if f.calls == nil {
				f.calls = make(map[flightKey]*call)
			}
			c = &call{}
			f.calls[k] = c
			f.mu.Unlock()
			f.lead(ctx, k, c, fn)
			return c.value, c.expire, true, c.err
		}
		if c.done == nil {
			c.done = make(chan struct{})
		}
		done := c.done
		f.mu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
			return ByteView{}, 0, false, ctx.Err()
		}
		if c.abandoned && attempt < maxLeaderRetries {
			continue
		}
		return c.value, c.expire, false, c.err
	}
}

func (f *flightGroup) lead(ctx context.Context, k flightKey, c *call, fn loadFunc) {
	returned := false
	defer func() {
		if !returned {
			// fn panicked or called runtime.Goexit. The panic goes
			// on unrecovered, keeping its stack; the waiters are
			// released with an error.
			c.err = ErrGetterPanicked
		}
		f.mu.Lock()
		if f.calls[k] == c { // forget may have dropped it already
			delete(f.calls, k)
		}
		if c.done != nil {
			close(c.done)
		}
		f.mu.Unlock()
	}()
	c.value, c.expire, c.err = fn(ctx, &c.sink)
	c.abandoned = c.err != nil && ctx.Err() != nil
	returned = true
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
