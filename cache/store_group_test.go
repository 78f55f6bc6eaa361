package cache_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache"
	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
)

// groupContract is what every group store declares to the contract suite:
// it cannot flush, and a counter's expiry restarts when it is incremented.
var groupContract = cachetest.Options{FlushUnsupported: true, CounterTTLRestarts: true}

// TestGroupStoreContract runs the contract suite against group stores in
// one process with no peers and in a three-peer cluster, where the store
// of one peer writes and reads keys that the others own.
func TestGroupStoreContract(t *testing.T) {
	const shortTTL = 120 * time.Millisecond
	onePeer := func(o *groupcache.GroupOptions, cfg cache.GroupStoreConfig) cachecore.Store {
		g := groupcache.NewRegistry().NewGroupOpts("contract", 64<<20, cache.NotFoundGetter{}, o)
		return cache.NewGroupStoreWithConfig(g, cfg)
	}
	with := func(f func(*cachetest.Options)) cachetest.Options {
		o := groupContract
		f(&o)
		return o
	}
	cases := []struct {
		name string
		new  func(t *testing.T) (cachecore.Store, cachetest.Options)
	}{
		{"OnePeer", func(t *testing.T) (cachecore.Store, cachetest.Options) {
			return cache.NewGroupStore(groupcache.NewRegistry().NewGroup("contract", 64<<20, cache.NotFoundGetter{})), groupContract
		}},
		{"OnePeerGroupTTL", func(t *testing.T) (cachecore.Store, cachetest.Options) {
			return onePeer(&groupcache.GroupOptions{TTL: shortTTL}, cache.GroupStoreConfig{}),
				with(func(o *cachetest.Options) { o.DefaultTTL = shortTTL })
		}},
		{"OnePeerConfigured", func(t *testing.T) (cachecore.Store, cachetest.Options) {
			// The store's DefaultTTL wins over the group's TTL.
			return onePeer(&groupcache.GroupOptions{TTL: time.Hour}, cache.GroupStoreConfig{DefaultTTL: shortTTL, MaxValueBytes: 64 << 10}),
				with(func(o *cachetest.Options) { o.DefaultTTL, o.MaxValueBytes = shortTTL, 64<<10 })
		}},
		{"ThreePeers", func(t *testing.T) (cachecore.Store, cachetest.Options) {
			clock := newFakeClock()
			peers := startGroupCluster(t, clusterSpec{
				groupOpts: &groupcache.GroupOptions{Now: clock.Now},
				storeCfg:  cache.GroupStoreConfig{Now: clock.Now},
			})
			return peers[0].store, with(func(o *cachetest.Options) { o.Wait = clock.Advance })
		}},
		{"ThreePeersDefaultTTL", func(t *testing.T) (cachecore.Store, cachetest.Options) {
			// A fake clock: on a loaded machine the round trips of an
			// expiry check outlasted a real 120ms.
			clock := newFakeClock()
			peers := startGroupCluster(t, clusterSpec{
				groupOpts: &groupcache.GroupOptions{Now: clock.Now},
				storeCfg:  cache.GroupStoreConfig{DefaultTTL: shortTTL, Now: clock.Now},
			})
			return peers[1].store, with(func(o *cachetest.Options) { o.DefaultTTL, o.Wait = shortTTL, clock.Advance })
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store, opts := tc.new(t)
			cachetest.RunStoreContract(t, store, opts)
		})
	}
}

func TestGroupStoreDriver(t *testing.T) {
	s := cache.NewGroupStore(groupcache.NewRegistry().NewGroup("g", 1<<20, cache.NotFoundGetter{}))
	if d := s.Driver(); d != cachecore.DriverGroup {
		t.Fatalf("Driver = %q, want %q", d, cachecore.DriverGroup)
	}
	if err := s.Flush(context.Background()); !errors.Is(err, cache.ErrFlushUnsupported) {
		t.Fatalf("Flush = %v, want ErrFlushUnsupported", err)
	}
}

func TestGroupStoreGetterErrors(t *testing.T) {
	errDB := errors.New("database down")
	getter := groupcache.GetterFunc(func(_ context.Context, key string, dest groupcache.Sink) error {
		switch key {
		case "down":
			return errDB
		case "gone":
			return errors.Join(errors.New("user 7 deleted"), cache.ErrNotFound)
		}
		return dest.SetString("v:" + key)
	})
	s := cache.NewGroupStore(groupcache.NewRegistry().NewGroup("g", 1<<20, getter))
	ctx := context.Background()
	if _, _, err := s.Get(ctx, "down"); !errors.Is(err, errDB) {
		t.Errorf("Get of a failing key = %v, want %v", err, errDB)
	}
	if v, found, err := s.Get(ctx, "gone"); found || err != nil {
		t.Errorf("Get of a key reported with a wrapped ErrNotFound = %q, %v, %v; want a miss", v, found, err)
	}
	if v, found, err := s.Get(ctx, "k"); !found || err != nil || string(v) != "v:k" {
		t.Errorf("Get = %q, %v, %v; want the Getter's value", v, found, err)
	}
	// Add counts a key the Getter can load as present.
	if created, err := s.Add(ctx, "k", []byte("other"), time.Minute); created || err != nil {
		t.Errorf("Add over a loadable key = %v, %v; want not created", created, err)
	}
}

func TestGroupStoreCounterExpiryRestarts(t *testing.T) {
	clock := newFakeClock()
	g := groupcache.NewRegistry().NewGroupOpts("g", 1<<20, cache.NotFoundGetter{}, &groupcache.GroupOptions{Now: clock.Now})
	s := cache.NewGroupStoreWithConfig(g, cache.GroupStoreConfig{Now: clock.Now})
	ctx := context.Background()
	for range 3 {
		if _, err := s.Increment(ctx, "c", 1, time.Minute); err != nil {
			t.Fatal(err)
		}
		clock.Advance(40 * time.Second)
	}
	// Two minutes after it was created, the counter lives on because each
	// Increment gave it another minute; a minute after the last it is gone.
	if v, found, err := s.Get(ctx, "c"); !found || err != nil || string(v) != "3" {
		t.Fatalf("Get = %q, %v, %v; want \"3\"", v, found, err)
	}
	clock.Advance(21 * time.Second)
	if v, found, err := s.Get(ctx, "c"); found || err != nil {
		t.Fatalf("Get a minute after the last Increment = %q, %v, %v; want a miss", v, found, err)
	}
}
