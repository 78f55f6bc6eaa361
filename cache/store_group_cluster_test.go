package cache_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache"
	"github.com/seed3c1b93bc/groupcache/cache"
)

type user struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// userDB stands for the database behind the group: a map whose reads each
// peer's Getter logs.
type userDB struct {
	mu    sync.Mutex
	users map[string]user
	log   loadLog
	// gate, when set, holds every query until it is closed.
	gate chan struct{}
}

func (db *userDB) put(key string, u user) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.users[key] = u
}

// getter returns the Getter of one peer's group.
func (db *userDB) getter(peer string) groupcache.Getter {
	return cache.GroupGetter(func(ctx context.Context, key string) (user, error) {
		db.log.record(peer, key)
		if db.gate != nil {
			select {
			case <-db.gate:
			case <-ctx.Done():
				return user{}, ctx.Err()
			}
		}
		db.mu.Lock()
		defer db.mu.Unlock()
		u, ok := db.users[key]
		if !ok {
			return user{}, cache.ErrNotFound
		}
		return u, nil
	})
}

func newUserDB() *userDB {
	return &userDB{users: map[string]user{
		"user:1": {1, "Ada"},
		"user:2": {2, "Grace"},
	}}
}

// TestGroupStoreRememberLoadsOnceAcrossPeers calls Remember[T] for one cold
// key from several goroutines on every peer at once: the owner's Getter
// runs once for the whole cluster, and Remember's loader never runs,
// because the Getter found the key.
func TestGroupStoreRememberLoadsOnceAcrossPeers(t *testing.T) {
	db := newUserDB()
	db.gate = make(chan struct{})
	peers := startGroupCluster(t, clusterSpec{getter: db.getter})
	const key = "user:1"
	owner := ownerOf(t, peers, key)

	var (
		loaderRuns atomic.Int32
		wg         sync.WaitGroup
		results    = make(chan user, 4*len(peers))
	)
	for _, p := range peers {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u, err := cache.Remember(p.cache, key, time.Minute, func() (user, error) {
					loaderRuns.Add(1)
					return user{}, errors.New("Remember's loader must not run for a key the Getter finds")
				})
				if err != nil {
					t.Errorf("%s: Remember: %v", p.name, err)
				}
				results <- u
			}()
		}
	}
	// Let the callers reach the owner before its query returns; the
	// assertions hold whether or not they all do.
	time.Sleep(50 * time.Millisecond)
	close(db.gate)
	wg.Wait()
	close(results)
	for u := range results {
		if u != (user{1, "Ada"}) {
			t.Errorf("Remember = %+v, want Ada", u)
		}
	}
	if got := db.log.loaders(key); !slices.Equal(got, []string{owner.name}) {
		t.Errorf("Getter ran on %v, want once on the owner %s", got, owner.name)
	}
	if n := loaderRuns.Load(); n != 0 {
		t.Errorf("Remember's loader ran %d times, want 0", n)
	}
	// Later calls anywhere are served from the ring.
	for _, p := range peers {
		if u, found, err := cache.Get[user](p.cache, key); !found || err != nil || u.Name != "Ada" {
			t.Errorf("%s: Get = %+v, %v, %v", p.name, u, found, err)
		}
	}
	if n := len(db.log.loaders(key)); n != 1 {
		t.Errorf("Getter ran %d times after later Gets, want 1", n)
	}
}

// TestGroupStoreSetSeenByEveryPeer writes from one peer after every other
// peer has copied the key into its hot cache: every peer reads the new
// value, without a query.
func TestGroupStoreSetSeenByEveryPeer(t *testing.T) {
	db := newUserDB()
	peers := startGroupCluster(t, clusterSpec{getter: db.getter})
	const key = "user:1"
	owner := ownerOf(t, peers, key)
	for _, p := range peers {
		if p != owner {
			warmHotCache(t, p, key)
		}
	}

	writer := peers[0]
	if writer == owner {
		writer = peers[1] // a write that has to cross the network
	}
	if err := cache.Set(writer.cache, key, user{1, "Ada Lovelace"}, time.Minute); err != nil {
		t.Fatalf("%s: Set: %v", writer.name, err)
	}
	for _, p := range peers {
		u, found, err := cache.Get[user](p.cache, key)
		if !found || err != nil || u.Name != "Ada Lovelace" {
			t.Errorf("%s: Get after Set = %+v, %v, %v; want Ada Lovelace", p.name, u, found, err)
		}
	}
	if got := db.log.loaders(key); !slices.Equal(got, []string{owner.name}) {
		t.Errorf("Getter ran on %v, want only the first load on the owner %s", got, owner.name)
	}
}

// warmHotCache reads key on p until p keeps a copy in its hot cache. The
// engine copies a sampled tenth of remote reads, so the loop ends within
// its bound unless copying is broken.
func warmHotCache(t *testing.T, p *groupPeer, key string) {
	t.Helper()
	for range 500 {
		if _, _, err := cache.Get[user](p.cache, key); err != nil {
			t.Fatalf("%s: Get: %v", p.name, err)
		}
		if p.group.CacheStats(groupcache.HotCache).Items > 0 {
			return
		}
	}
	t.Fatalf("%s kept no hot copy of %q after 500 reads", p.name, key)
}

// TestGroupStoreDeleteReloads deletes a key after the database changed:
// every peer then reads the new row, loaded once more by the owner.
func TestGroupStoreDeleteReloads(t *testing.T) {
	db := newUserDB()
	peers := startGroupCluster(t, clusterSpec{getter: db.getter})
	const key = "user:2"
	owner := ownerOf(t, peers, key)
	for _, p := range peers {
		if p != owner {
			warmHotCache(t, p, key)
		}
	}
	db.put(key, user{2, "Grace Hopper"})
	// Until the delete, the cluster serves the cached row.
	for _, p := range peers {
		if u, _, _ := cache.Get[user](p.cache, key); u.Name != "Grace" {
			t.Fatalf("%s: Get before Delete = %+v, want the cached Grace", p.name, u)
		}
	}

	if err := peers[2].cache.Delete(key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	for _, p := range peers {
		u, found, err := cache.Get[user](p.cache, key)
		if !found || err != nil || u.Name != "Grace Hopper" {
			t.Errorf("%s: Get after Delete = %+v, %v, %v; want Grace Hopper", p.name, u, found, err)
		}
	}
	if got := db.log.loaders(key); !slices.Equal(got, []string{owner.name, owner.name}) {
		t.Errorf("Getter ran on %v, want twice on the owner %s: the first load and the reload", got, owner.name)
	}
}

// TestGroupStoreNotFoundAcrossPeers reads a key the Getter reports not
// found from a peer that does not own it: the owner's not-found answer
// reaches the peer, which neither runs its own Getter nor counts a peer
// error, and the store reports a miss. Remember's loader then fills the
// key at the owner for every peer.
func TestGroupStoreNotFoundAcrossPeers(t *testing.T) {
	db := newUserDB()
	peers := startGroupCluster(t, clusterSpec{getter: db.getter})
	const key = "user:404"
	owner := ownerOf(t, peers, key)
	asker := peers[0]
	if asker == owner {
		asker = peers[1]
	}

	if u, found, err := cache.Get[user](asker.cache, key); found || err != nil {
		t.Fatalf("%s: Get = %+v, %v, %v; want a miss", asker.name, u, found, err)
	}
	if got := db.log.loaders(key); !slices.Equal(got, []string{owner.name}) {
		t.Errorf("Getter ran on %v, want only on the owner %s", got, owner.name)
	}
	if n := asker.group.Stats.PeerErrors.Get(); n != 0 {
		t.Errorf("%s counted %d PeerErrors; the owner's not-found answer is no failure", asker.name, n)
	}

	loaderRuns := 0
	for _, p := range peers {
		u, err := cache.Remember(p.cache, key, time.Minute, func() (user, error) {
			loaderRuns++
			return user{404, "Nobody"}, nil
		})
		if err != nil || u.Name != "Nobody" {
			t.Errorf("%s: Remember = %+v, %v; want Nobody", p.name, u, err)
		}
	}
	if loaderRuns != 1 {
		t.Errorf("Remember's loader ran %d times over the peers one after another, want once", loaderRuns)
	}
}

// TestGroupStoreGetterErrorAcrossPeers checks that a failing Getter's
// error reaches the caller on a peer that does not own the key.
func TestGroupStoreGetterErrorAcrossPeers(t *testing.T) {
	errDB := errors.New("database down")
	peers := startGroupCluster(t, clusterSpec{getter: func(string) groupcache.Getter {
		return cache.GroupGetter(func(context.Context, string) (string, error) { return "", errDB })
	}})
	const key = "user:1"
	owner := ownerOf(t, peers, key)
	for _, p := range peers {
		if _, _, err := p.store.Get(context.Background(), key); !errors.Is(err, errDB) {
			t.Errorf("%s (owner %s): Get = %v, want %v", p.name, owner.name, err, errDB)
		}
	}
}

// TestGroupGetterSkipsBookkeepingKeys checks that the facade's own keys
// never reach the loader: a lock taken on a group store is stored by Set,
// not loaded.
func TestGroupGetterSkipsBookkeepingKeys(t *testing.T) {
	var keys []string
	g := groupcache.NewRegistry().NewGroup("g", 1<<20, cache.GroupGetter(func(_ context.Context, key string) (string, error) {
		keys = append(keys, key)
		return "row", nil
	}))
	c := cache.NewCache(cache.NewGroupStore(g))
	if ok, err := c.TryLock("job", time.Minute); !ok || err != nil {
		t.Fatalf("TryLock = %v, %v; want acquired", ok, err)
	}
	if ok, err := c.TryLock("job", time.Minute); ok || err != nil {
		t.Fatalf("second TryLock = %v, %v; want refused", ok, err)
	}
	if err := c.Unlock("job"); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	if v, _, _ := cache.Get[string](c, "row:1"); v != "row" || !slices.Equal(keys, []string{"row:1"}) {
		t.Fatalf("Get[string] = %q, loader saw %q; want \"row\" and only the application key", v, keys)
	}
}
