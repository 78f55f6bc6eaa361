package cache

import (
	"bytes"
	"hash/maphash"
	"sync"
	"time"
)

// lockTableStripes divides the remembered lock tokens so that locking
// unrelated keys from many goroutines does not serialise on one mutex.
const lockTableStripes = 16

// minLockPrune is the size at which a stripe first looks for expired
// tokens to forget.
const minLockPrune = 64

// lockTable remembers the owner token of each lock acquired with
// Cache.TryLock or Cache.Lock, which is how Cache.Unlock proves ownership.
// Holders that let leases run out instead of unlocking leave tokens
// behind; each stripe forgets expired ones when it has doubled in size
// since it last did, so the scan costs O(1) per acquisition amortised and
// a stripe holds at most about twice its live locks.
type lockTable struct {
	seed    maphash.Seed
	stripes [lockTableStripes]lockTableStripe
}

type lockTableStripe struct {
	mu      sync.Mutex
	held    map[string]heldLock
	pruneAt int
	// examined counts the tokens pruning has looked at, the work that
	// must stay proportional to acquisitions.
	examined int
}

// heldLock is a lock acquired through TryLock or Lock.
type heldLock struct {
	storeKey string // the lock's key in the store, kept to spare Unlock building it
	token    []byte
	expires  time.Time
}

func (t *lockTable) stripe(key string) *lockTableStripe {
	return &t.stripes[maphash.String(t.seed, key)%lockTableStripes]
}

func (t *lockTable) remember(key string, h heldLock) {
	s := t.stripe(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held == nil {
		s.held = make(map[string]heldLock)
		s.pruneAt = minLockPrune
	}
	if len(s.held) >= s.pruneAt {
		now := time.Now()
		s.examined += len(s.held)
		for k, old := range s.held {
			if now.After(old.expires) {
				delete(s.held, k)
			}
		}
		s.pruneAt = max(minLockPrune, 2*len(s.held))
	}
	s.held[key] = h
}

func (t *lockTable) lookup(key string) (heldLock, bool) {
	s := t.stripe(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.held[key]
	return h, ok
}

// forget drops key's token if it is still token: a concurrent acquisition
// may have replaced it since the caller looked it up.
func (t *lockTable) forget(key string, token []byte) {
	s := t.stripe(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if h, ok := s.held[key]; ok && bytes.Equal(h.token, token) {
		delete(s.held, key)
	}
}
