package cache

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// DefaultLockRetryInterval is how often Lock and LockHandle.Block retry
// while another owner holds the lock.
const DefaultLockRetryInterval = 50 * time.Millisecond

// TryLock acquires the lock named key for ttl when no one holds it, and
// reports whether it did. The lock is a store entry whose value is the
// Cache's owner token, drawn at random by NewCache and shared by the
// handles derived from it; Unlock deletes the entry only while it holds
// that token. ttl must be positive (ErrInvalidTTL).
func (c *Cache) TryLock(key string, ttl time.Duration) (bool, error) {
	lk := lockKey(key)
	ok, err := c.acquire(key, lk, c.shared.lockToken, ttl)
	if ok {
		c.rememberLock(key, lk, ttl)
	}
	return ok, err
}

// Lock waits until the lock is acquired or timeout elapses, retrying every
// DefaultLockRetryInterval. As in goforj/cache, a timeout returns false
// with context.DeadlineExceeded, and the context's error is returned when
// the Cache's context ends first. A timeout <= 0 makes a single attempt,
// like TryLock (goforj/cache would wait until the context ends).
func (c *Cache) Lock(key string, ttl, timeout time.Duration) (bool, error) {
	start := c.begin()
	lk := lockKey(key)
	ok, err := c.acquireWait(key, lk, c.shared.lockToken, ttl, timeout, DefaultLockRetryInterval)
	if ok {
		c.rememberLock(key, lk, ttl)
	}
	c.observe("lock", key, start, ok, err)
	return ok, err
}

// Unlock releases a lock acquired through TryLock or Lock on this Cache or
// a handle derived from it. It deletes the lock only while it still holds
// this Cache's token, so a caller whose lease ran out cannot release
// another owner's lock.
//
// As in goforj/cache, unlocking a key that no one holds (never locked, or
// already unlocked, or its lease ran out) returns nil. Unlike goforj/cache,
// which also returns nil there, Unlock returns ErrLockNotHeld when another
// owner holds the lock now: the caller's lease ran out during its critical
// section, which was therefore not exclusive to the end. When the store
// call fails (a cancelled context, an unreachable backend), the Cache
// still counts the lock as held and Unlock can be retried once it has
// returned.
//
// The Cache is one owner: if a lease runs out and the same Cache acquires
// the key again, Unlock releases the newer acquisition. Use a LockHandle
// per holder when goroutines of one process contend for a key.
func (c *Cache) Unlock(key string) error {
	start := c.begin()
	var err error
	if held, ok := c.shared.locks.take(key); ok {
		var spent bool
		spent, err = c.release(held.storeKey, c.shared.lockToken)
		if !spent {
			c.shared.locks.restore(key, held)
		}
	} else {
		// Not recorded as held: a second Unlock, or a key never locked
		// here. Only the store knows whether another owner holds it.
		_, err = c.release(lockKey(key), c.shared.lockToken)
	}
	c.observe("unlock", key, start, err == nil, err)
	return err
}

func (c *Cache) rememberLock(key, storeKey string, ttl time.Duration) {
	c.shared.locks.remember(key, heldLock{storeKey: storeKey, ttl: ttl})
}

// newToken returns a random owner token. Tokens must be unique, not
// secret (anyone who can read the store can read them), so they come from
// math/rand/v2's generator, which is seeded from the operating system,
// rather than from crypto/rand.
func newToken() []byte {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint64(b, rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
	return b
}

// acquire makes one attempt to create the lock entry storeKey holding
// token.
// Every attempt is reported to the observer as "try_lock" under key, as
// goforj/cache reports it.
func (c *Cache) acquire(key, storeKey string, token []byte, ttl time.Duration) (bool, error) {
	start := c.begin()
	ok, err := false, ErrInvalidTTL
	if ttl > 0 {
		ok, err = c.store.Add(c.ctx, storeKey, token, ttl)
	}
	c.observe("try_lock", key, start, ok, err)
	return ok, err
}

// acquireWait retries acquire every retry until timeout, after which it
// returns context.DeadlineExceeded. The loop is bounded by the deadline and
// by the context. A timeout <= 0 makes one attempt.
func (c *Cache) acquireWait(key, storeKey string, token []byte, ttl, timeout, retry time.Duration) (bool, error) {
	if retry <= 0 {
		retry = DefaultLockRetryInterval
	}
	deadline := time.Now().Add(timeout)
	for {
		ok, err := c.acquire(key, storeKey, token, ttl)
		if ok || err != nil {
			return ok, err
		}
		if timeout <= 0 {
			return false, nil
		}
		wait := min(retry, time.Until(deadline))
		if wait <= 0 {
			return false, context.DeadlineExceeded
		}
		t := time.NewTimer(wait)
		select {
		case <-c.ctx.Done():
			t.Stop()
			return false, c.ctx.Err()
		case <-t.C:
		}
	}
}

// release deletes the lock entry storeKey if it still holds token, and
// reports whether the token is spent. When the entry no longer holds the
// token, the lease ran out: if another owner has taken the lock since, the
// caller must learn that its critical section was not exclusive to the
// end, so that is ErrLockNotHeld; if the lock is simply gone, there is
// nothing left to release and no one else was affected. Either way the
// token is spent. Any other error leaves the lock possibly held, so the
// token is not spent and the caller keeps it to retry; Cache.Unlock and
// LockHandle.Release both decide on this result.
func (c *Cache) release(storeKey string, token []byte) (spent bool, err error) {
	deleted, err := cachecore.CompareAndDelete(c.ctx, c.store, storeKey, token)
	if err != nil {
		return false, err
	}
	if deleted {
		return true, nil
	}
	_, taken, err := c.store.Get(c.ctx, storeKey)
	if err != nil {
		return false, err
	}
	if taken {
		return true, ErrLockNotHeld
	}
	return true, nil
}
