package cache

import (
	"context"

	"github.com/seed3c1b93bc/groupcache"
)

// ErrNotFound is returned by the Getter of a group behind a group store
// (NewGroupStore) for a key that has no value; the store reports such a key
// as a miss. The Getter may wrap it with detail.
//
// It is groupcache.ErrNotFound, which travels between peers: the owner
// answers the asking peer with it, and the asking peer returns it without
// running its own Getter or counting a peer error. A miss costs one Getter
// run, at the owner. (A peer running golang/groupcache answers with a
// failure instead, and the asking peer then runs its own Getter.)
var ErrNotFound = groupcache.ErrNotFound

// GroupGetter returns a groupcache.Getter for a group behind a group store,
// whose values the facade's typed helpers read: load's result is encoded
// with the default codec, the one Get[T], Set[T] and Remember[T] use
// (JSON; see Set). load reports a key without
// a value by returning ErrNotFound, and any other error fails the Get.
//
// Keys of the facade's own bookkeeping (locks "__lock:k", stale copies
// "k:__stale", refresh deadlines "k:__refresh_exp" and rate limits
// "__cache:rate:...") are reported as not found without calling load, so
// load sees only application keys.
func GroupGetter[T any](load func(ctx context.Context, key string) (T, error)) groupcache.Getter {
	return groupcache.GetterFunc(func(ctx context.Context, key string, dest groupcache.Sink) error {
		if isBookkeepingKey(key) {
			return ErrNotFound
		}
		v, err := load(ctx, key)
		if err != nil {
			return err
		}
		b, err := encodeDefault(v)
		if err != nil {
			return err
		}
		return dest.SetBytes(b)
	})
}

// NotFoundGetter is a groupcache.Getter without a source: it reports every
// key with ErrNotFound. A group made with it holds only what is written to
// it, so a group store over it is a cache shared by the cluster and filled
// by Set and by the loaders of Remember.
type NotFoundGetter struct{}

// Get returns ErrNotFound.
func (NotFoundGetter) Get(context.Context, string, groupcache.Sink) error { return ErrNotFound }
