package cache

import (
	"context"
	"sync"
	"time"
)

// LockHandle provides ergonomic lock management on top of Cache lock
// helpers: one holder of the lock named key, leased for ttl at a time.
//
// Each handle owns its token, so unlike Cache.Unlock, Release can never
// release an acquisition made by another handle, even in the same process.
// Release deletes the lock only while it still holds this handle's token;
// if the lease ran out and another owner took the lock, Release returns
// ErrLockNotHeld and leaves their lock alone. Do not assume exclusivity
// for longer than ttl.
//
// A LockHandle is safe for concurrent use.
type LockHandle struct {
	c        *Cache
	key      string
	storeKey string
	ttl      time.Duration
	token    []byte // this handle's owner token, the lock's value while it holds it
	state    *handleState
}

// handleState is shared by a handle and its WithContext copies, so a lock
// acquired through one can be released through another.
type handleState struct {
	mu   sync.Mutex
	held bool
}

// NewLockHandle creates a reusable lock handle for a key/ttl pair.
func (c *Cache) NewLockHandle(key string, ttl time.Duration) *LockHandle {
	return &LockHandle{c: c, key: key, storeKey: lockKey(key), ttl: ttl, token: newToken(), state: new(handleState)}
}

// WithContext returns a handle for the same lock, sharing its held state,
// whose store operations and waits use ctx.
func (l *LockHandle) WithContext(ctx context.Context) *LockHandle {
	d := *l
	d.c = l.c.WithContext(ctx)
	return &d
}

// Acquire attempts to acquire the lock once (non-blocking). A handle that
// already holds the lock reports false, like any other contender.
func (l *LockHandle) Acquire() (bool, error) {
	ok, err := l.c.acquire(l.key, l.storeKey, l.token, l.ttl)
	l.hold(ok)
	return ok, err
}

// hold records a successful acquisition. The store's Add admits one owner,
// so no other acquisition of this handle can be recorded concurrently, and
// waiting for the store happens outside the mutex so Release is never
// blocked behind a pending acquire.
func (l *LockHandle) hold(ok bool) {
	if !ok {
		return
	}
	l.state.mu.Lock()
	l.state.held = true
	l.state.mu.Unlock()
}

// Release unlocks the key if this handle previously acquired it.
//
// It is safe to call multiple times; repeated calls become no-ops after the
// first successful release. ErrLockNotHeld reports that the lease ran out
// and another owner holds the lock now; the handle then no longer holds it
// either. Other errors leave the handle holding the lock so Release can be
// retried.
func (l *LockHandle) Release() error {
	l.state.mu.Lock()
	defer l.state.mu.Unlock()
	if !l.state.held {
		return nil
	}
	start := l.c.begin()
	spent, err := l.c.release(l.storeKey, l.token)
	if spent {
		l.state.held = false
	}
	l.c.observe("unlock", l.key, start, err == nil, err)
	return err
}

// Get acquires the lock once, runs fn if acquired, then releases
// automatically. It reports whether fn ran, and fn's error, or else the
// release error. The lock is released even when fn panics, and the panic
// then continues. A nil fn returns ErrNilCallback without acquiring.
func (l *LockHandle) Get(fn func() error) (bool, error) {
	if fn == nil {
		return false, ErrNilCallback
	}
	ok, err := l.Acquire()
	if !ok || err != nil {
		return false, err
	}
	return true, l.runAndRelease(fn)
}

// Block waits up to timeout to acquire the lock, runs fn if acquired, then
// releases, also when fn panics. As in goforj/cache it reports false with
// context.DeadlineExceeded when the timeout passes first; see Cache.Lock.
// A nil fn returns ErrNilCallback without acquiring.
//
// retryInterval <= 0 falls back to DefaultLockRetryInterval.
func (l *LockHandle) Block(timeout, retryInterval time.Duration, fn func() error) (bool, error) {
	if fn == nil {
		return false, ErrNilCallback
	}
	start := l.c.begin()
	ok, err := l.c.acquireWait(l.key, l.storeKey, l.token, l.ttl, timeout, retryInterval)
	l.hold(ok)
	l.c.observe("lock", l.key, start, ok, err)
	if !ok || err != nil {
		return false, err
	}
	return true, l.runAndRelease(fn)
}

// runAndRelease runs fn and releases the lock. The release is deferred so
// that a panicking fn does not leave the lock held until its lease runs
// out; the panic continues once the lock is released.
func (l *LockHandle) runAndRelease(fn func() error) (err error) {
	defer func() {
		if rerr := l.Release(); err == nil {
			err = rerr
		}
	}()
	return fn()
}
