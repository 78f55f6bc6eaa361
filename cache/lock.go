package cache

import (
	"crypto/rand"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// DefaultLockRetryInterval is how often Lock and LockHandle.Block retry
// while another owner holds the lock.
const DefaultLockRetryInterval = 50 * time.Millisecond

// maxRememberedLocks triggers pruning of expired lock tokens, which
// accumulate when holders let leases run out instead of unlocking.
const maxRememberedLocks = 1024

// heldLock is a lock acquired through TryLock or Lock.
type heldLock struct {
	token   []byte
	expires time.Time
}

// TryLock acquires the lock named key for ttl when no one holds it, and
// reports whether it did. The lock is a store entry whose value is a random
// owner token; the Cache remembers the token so that Unlock can prove
// ownership. ttl must be positive (ErrInvalidTTL).
func (c *Cache) TryLock(key string, ttl time.Duration) (bool, error) {
	start := c.begin()
	token, ok, err := c.acquire(key, ttl)
	if ok {
		c.rememberLock(key, token, ttl)
	}
	c.observe("lock", key, start, ok, err)
	return ok, err
}

// Lock waits until the lock is acquired or timeout elapses, retrying every
// DefaultLockRetryInterval. It returns false and no error on timeout, and
// the context's error when the Cache's context ends first.
func (c *Cache) Lock(key string, ttl, timeout time.Duration) (bool, error) {
	start := c.begin()
	token, ok, err := c.acquireWait(key, ttl, timeout, DefaultLockRetryInterval)
	if ok {
		c.rememberLock(key, token, ttl)
	}
	c.observe("lock", key, start, ok, err)
	return ok, err
}

// Unlock releases a lock acquired through TryLock or Lock on this Cache or
// a handle derived from it. It deletes the lock only while it still holds
// the token this Cache stored, so a caller whose lease ran out cannot
// release the next owner's lock; that case returns ErrLockNotHeld, as does
// unlocking a key this Cache never locked.
//
// The Cache keeps one token per key: if a lease runs out and the same Cache
// acquires the key again, Unlock releases the newer acquisition. Use a
// LockHandle per holder when goroutines of one process contend for a key.
func (c *Cache) Unlock(key string) error {
	start := c.begin()
	s := c.shared
	s.mu.Lock()
	held, ok := s.lockTokens[key]
	delete(s.lockTokens, key)
	s.mu.Unlock()
	err := ErrLockNotHeld
	if ok {
		err = c.release(key, held.token)
	}
	c.observe("unlock", key, start, false, err)
	return err
}

func (c *Cache) rememberLock(key string, token []byte, ttl time.Duration) {
	s := c.shared
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.lockTokens) >= maxRememberedLocks {
		for k, h := range s.lockTokens {
			if now.After(h.expires) {
				delete(s.lockTokens, k)
			}
		}
	}
	s.lockTokens[key] = heldLock{token: token, expires: now.Add(ttl)}
}

func newToken() ([]byte, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	return b[:], nil
}

// acquire makes one attempt to create the lock entry with a fresh token.
func (c *Cache) acquire(key string, ttl time.Duration) ([]byte, bool, error) {
	if ttl <= 0 {
		return nil, false, ErrInvalidTTL
	}
	token, err := newToken()
	if err != nil {
		return nil, false, err
	}
	created, err := c.store.Add(c.ctx, lockKey(key), token, ttl)
	if err != nil || !created {
		return nil, false, err
	}
	return token, true, nil
}

// acquireWait retries acquire every retry until timeout. The loop is
// bounded by the deadline and by the context.
func (c *Cache) acquireWait(key string, ttl, timeout, retry time.Duration) ([]byte, bool, error) {
	if retry <= 0 {
		retry = DefaultLockRetryInterval
	}
	deadline := time.Now().Add(timeout)
	for {
		token, ok, err := c.acquire(key, ttl)
		if ok || err != nil {
			return token, ok, err
		}
		wait := min(retry, time.Until(deadline))
		if wait <= 0 {
			return nil, false, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-c.ctx.Done():
			t.Stop()
			return nil, false, c.ctx.Err()
		case <-t.C:
		}
	}
}

// release deletes the lock entry if it still holds token. When it does not,
// the lease ran out: if another owner has taken the lock since, the caller
// must learn that its critical section was not exclusive to the end, so
// that is ErrLockNotHeld; if the lock is simply gone, there is nothing left
// to release and no one else was affected.
func (c *Cache) release(key string, token []byte) error {
	lk := lockKey(key)
	deleted, err := cachecore.CompareAndDelete(c.ctx, c.store, lk, token)
	if err != nil || deleted {
		return err
	}
	_, taken, err := c.store.Get(c.ctx, lk)
	if err != nil {
		return err
	}
	if taken {
		return ErrLockNotHeld
	}
	return nil
}
