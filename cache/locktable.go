package cache

import (
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

// lockTable remembers the locks acquired with Cache.TryLock or Cache.Lock,
// so that Cache.Unlock can tell a key the Cache locked from one it did
// not. Holders that let leases run out instead of unlocking leave entries
// behind; each stripe forgets expired ones when it has doubled in size
// since it last did, so the scan costs O(1) per acquisition amortised.
type lockTable struct {
	seed    maphash.Seed
	stripes [lockTableStripes]lockTableStripe
}

type lockTableStripe struct {
	mu      sync.Mutex
	held    map[string]heldLock
	pruneAt int
	// examined counts the entries pruning has looked at, the work that
	// must stay proportional to acquisitions.
	examined int
}

// heldLock is a lock acquired through TryLock or Lock.
type heldLock struct {
	storeKey string // the lock's key in the store, kept to spare Unlock building it
	ttl      time.Duration
	// expiresBy is a time by which the lease has surely ended, in
	// UnixNano, or 0 until a prune first sees the entry. Reading the
	// clock costs as much as the rest of an acquisition on some
	// machines, so acquisitions leave it to the prune, which reads the
	// clock once for all entries and bounds the expiry from above; an
	// entry is then forgotten by the first prune after that bound.
	expiresBy int64
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
		s.prune(time.Now().UnixNano())
	}
	s.held[key] = h
}

// prune forgets the entries whose leases have surely ended by now, and
// bounds the expiry of those it sees for the first time, each acquired
// before now.
func (s *lockTableStripe) prune(now int64) {
	s.examined += len(s.held)
	for k, h := range s.held {
		switch {
		case h.expiresBy == 0:
			h.expiresBy = now + int64(h.ttl)
			s.held[k] = h
		case now >= h.expiresBy:
			delete(s.held, k)
		}
	}
	s.pruneAt = max(minLockPrune, 2*len(s.held))
}

// take removes and returns key's entry, for a release that either spends
// it or gives it back with restore.
func (t *lockTable) take(key string) (heldLock, bool) {
	s := t.stripe(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.held[key]
	if ok {
		delete(s.held, key)
	}
	return h, ok
}

// restore gives back an entry that take removed and a failed release did
// not spend, unless an acquisition has remembered a newer one meanwhile.
func (t *lockTable) restore(key string, h heldLock) {
	s := t.stripe(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.held[key]; !ok {
		s.held[key] = h
	}
}
