package cache

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"time"

	"github.com/seed3c1b93bc/groupcache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// GroupStoreConfig configures a group store. The zero value is ready to use.
type GroupStoreConfig struct {
	// DefaultTTL is the lifetime of entries written with ttl <= 0. Zero
	// leaves it to the group: its GroupOptions.TTL when it has one, and
	// otherwise no expiry.
	DefaultTTL time.Duration

	// MaxValueBytes rejects writes of longer values with ErrValueTooLarge
	// before they reach the network. Zero means no limit of the store's
	// own; the HTTPPool's MaxValueBytes still bounds values sent to
	// another peer. A negative value makes every operation fail with
	// ErrInvalidMaxValueBytes.
	MaxValueBytes int

	// Now is the clock that write expiries are computed with. It must be
	// the group's clock: GroupOptions.Now if the group has one. Nil means
	// time.Now.
	Now func() time.Time
}

// NewGroupStore returns a store backed by group, a groupcache Group spread
// over a ring of peers, with the zero GroupStoreConfig. See
// NewGroupStoreWithConfig.
func NewGroupStore(group *groupcache.Group) cachecore.Store {
	return NewGroupStoreWithConfig(group, GroupStoreConfig{})
}

// NewGroupStoreWithConfig returns a read-through store backed by group. It
// panics if group is nil.
//
// Get is group.Get: a key cached nowhere is loaded once in the whole
// cluster, by its owner, through the group's Getter, and the Getter
// reports a key without a value by returning ErrNotFound (see GroupGetter
// and NotFoundGetter), which the store turns into a miss. Every other
// Getter error is returned by Get. Set is group.Set: the value goes to the
// key's owner and the copies other peers keep are dropped. Delete and
// DeleteMany are group.Remove, so the next Get of the key runs the Getter
// again. An error from a write may name peers that could not be reached;
// see Group.Set and Group.Remove for what was done despite it.
//
// The store is a cache, not a database: written values live in the
// owner's memory within the group's cacheBytes and may be evicted at any
// time, after which Get runs the Getter. A write is lost the same way when
// its owner restarts or the ring changes owners.
//
// A ttl <= 0 means cfg.DefaultTTL, and without one the group's TTL.
//
// What the engine does not offer, the store does in the open:
//
//   - Add and Increment (and Decrement) are a Get followed by a Set. The
//     store's writes hold a lock per key, so they are atomic against each
//     other within this store in this process, but not against writers in
//     other processes: two peers can both create a key with Add, so locks
//     made through this store are exclusive only within one process, and
//     concurrent Increments from different peers can lose counts, so rate
//     limits are approximate across peers. A key counts as absent for Add
//     when Get misses, that is when the Getter reports ErrNotFound.
//   - The engine does not tell how long an entry has left, so Increment of
//     an existing counter writes it back with a fresh lifetime of ttl even
//     when ttl <= 0 resolves to the default, where other stores keep its
//     expiry.
//   - Flush returns ErrFlushUnsupported and removes nothing: no peer knows
//     every key of the group. Delete the keys you know.
//   - Driver is cachecore.DriverGroup and Ready reports only the context's
//     error: a peer may be unreachable at any moment, and Get then loads
//     locally.
//
// # Remember over the ring
//
// Remember[T] on a Cache over this store first calls Get, so its loader
// runs only when the group's Getter reports ErrNotFound, and the value it
// loads is then stored with Set at the key's owner. That makes two ways to
// use it, which can share one group:
//
//   - The Getter loads from the source, for example with GroupGetter over
//     a database query. Get[T] and Remember[T] on every peer decode what
//     the owner's Getter loaded; concurrent misses of one key anywhere in
//     the cluster run the Getter once, and Remember's loader does not run
//     at all. This is the way to load once cluster-wide.
//   - For keys the Getter reports not found (all of them with
//     NotFoundGetter), Remember's loader runs on the peer that missed,
//     once for the concurrent callers of that peer's Cache, and stores its
//     result at the owner, where later calls on every peer find it.
//     Callers on different peers missing at the same moment can each run
//     their loader once.
//
// For the same reason RememberStale falls back to its stale copy only when
// a loader of the second kind fails: a Getter error is returned by Get
// before any loader runs.
func NewGroupStoreWithConfig(group *groupcache.Group, cfg GroupStoreConfig) cachecore.Store {
	if group == nil {
		panic("cache: NewGroupStore with a nil group")
	}
	s := &groupStore{
		group: group,
		now:   cfg.Now,
		seed:  maphash.MakeSeed(),
	}
	if s.now == nil {
		s.now = time.Now
	}
	// The shared layer applies the default TTL and the size limit, as for
	// every store; a ttl <= 0 that reaches the group store means the
	// group's own TTL.
	return withConfig(s, cachecore.BaseConfig{DefaultTTL: cfg.DefaultTTL, MaxValueBytes: cfg.MaxValueBytes})
}

type groupStore struct {
	group *groupcache.Group
	now   func() time.Time

	// writeLocks serialise this store's writes of a key, so that the read
	// of Add and Increment and their write are not separated by another
	// write through this store. Striping bounds the memory.
	writeLocks [64]sync.Mutex
	seed       maphash.Seed
}

func (s *groupStore) lock(key string) func() {
	mu := &s.writeLocks[maphash.String(s.seed, key)%uint64(len(s.writeLocks))]
	mu.Lock()
	return mu.Unlock
}

// expiry resolves ttl to the time Group.Set takes, where the zero time
// leaves the choice to the group. It is clamped like every store's expiry,
// so that a "forever" ttl does not reach the engine as a time whose
// UnixNano wraps into the past.
func (s *groupStore) expiry(ttl time.Duration) time.Time {
	if ttl <= 0 {
		return time.Time{}
	}
	return cachecore.ExpiresAt(s.now(), ttl)
}

func (s *groupStore) Driver() cachecore.Driver { return cachecore.DriverGroup }

func (s *groupStore) Ready(ctx context.Context) error { return ctx.Err() }

func (s *groupStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	var v []byte
	err := s.group.Get(ctx, key, groupcache.AllocatingByteSliceSink(&v))
	if errors.Is(err, ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if v == nil {
		v = []byte{} // found, though empty
	}
	return v, true, nil
}

func (s *groupStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer s.lock(key)()
	return s.group.Set(ctx, key, value, s.expiry(ttl))
}

func (s *groupStore) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	defer s.lock(key)()
	_, found, err := s.Get(ctx, key)
	if err != nil || found {
		return false, err
	}
	if err := s.group.Set(ctx, key, value, s.expiry(ttl)); err != nil {
		return false, err
	}
	return true, nil
}

func (s *groupStore) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	defer s.lock(key)()
	current, found, err := s.Get(ctx, key)
	if err != nil {
		return 0, err
	}
	n, text, err := cachecore.AddCounter(current, found, delta)
	if err != nil {
		return 0, err
	}
	if err := s.group.Set(ctx, key, text, s.expiry(ttl)); err != nil {
		return 0, err
	}
	return n, nil
}

func (s *groupStore) Decrement(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	neg, err := cachecore.NegateDelta(delta)
	if err != nil {
		return 0, err
	}
	return s.Increment(ctx, key, neg, ttl)
}

func (s *groupStore) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer s.lock(key)()
	return s.group.Remove(ctx, key)
}

// DeleteMany removes the keys one after another and goes on past a key
// that fails, so that one unreachable peer does not leave the other keys
// in place; the errors are joined.
func (s *groupStore) DeleteMany(ctx context.Context, keys ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var errs []error
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err) // the rest would fail alike
			break
		}
		if err := s.Delete(ctx, k); err != nil {
			errs = append(errs, fmt.Errorf("key %q: %w", k, err))
		}
	}
	return errors.Join(errs...)
}

func (s *groupStore) Flush(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return cachecore.ErrFlushUnsupported
}
