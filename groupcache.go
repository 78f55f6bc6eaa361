// Package groupcache provides a data loading mechanism with caching and
// de-duplication that works across a set of peer processes.
//
// Each data Get first consults its local cache, otherwise delegates to the
// requested key's canonical owner, which then checks its cache or finally
// gets the data. In the common case, many concurrent cache misses across a
// set of peers for the same key result in just one cache fill.
//
// A Group is a named cache namespace with a Getter that loads a key's
// value when no peer has it. Each Group keeps two caches inside one
// byte budget, evicting as S3-FIFO does (free of locks on a hit): the
// main cache holds the keys this process owns, and the hot cache holds
// keys owned by other peers that were fetched twice recently, so that a
// hot key does not make every request cross the network. Ownership comes from a
// PeerPicker, normally an HTTPPool, which places keys on a consistent-hash
// ring built exactly as golang/groupcache builds it and fetches from peers
// over HTTP with the same protobuf messages, so that processes running
// either library can share one ring. Concurrent loads of one key in one
// process are collapsed into one; a peer that fails is counted and the key
// is loaded locally instead, so a Get that the local Getter can answer
// never fails because of the network.
//
// The package is a drop-in replacement for github.com/golang/groupcache:
// every exported name of it keeps its signature. Additions, such as
// Registry, expiring values and peer-wide Set and Remove, are opt-in.
package groupcache

import (
	"context"
	"errors"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"

	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
)

// A Getter loads data for a key.
type Getter interface {
	// Get returns the value identified by key, populating dest.
	//
	// The returned data must be unversioned. That is, key must
	// uniquely describe the loaded data, without an implicit
	// current time, and without relying on cache expiration
	// mechanisms, unless the Getter gives the value an expiry with
	// SetExpiry or the group has a TTL.
	Get(ctx context.Context, key string, dest Sink) error
}

// ErrNotFound is the error a Getter returns, possibly wrapped, for a key
// that has no value. Get passes it to its caller like any error of the
// Getter, but does not count it in Stats.LocalLoadErrs; and an owner that
// answers a peer with it makes the peer return it too, where any other
// failure of the owner makes the peer load the key itself.
var ErrNotFound = errors.New("groupcache: not found")

// A GetterFunc implements Getter with a function.
type GetterFunc func(ctx context.Context, key string, dest Sink) error

// Get calls f(ctx, key, dest).
func (f GetterFunc) Get(ctx context.Context, key string, dest Sink) error {
	return f(ctx, key, dest)
}

// A Group is a cache namespace and associated data loaded spread over a
// group of 1 or more machines.
type Group struct {
	name       string
	getter     Getter
	registry   *Registry
	cacheBytes int64 // limit for the sum of the main and hot caches' bytes
	ttl        time.Duration
	now        func() int64 // Unix nanoseconds
	seed       maphash.Seed

	peersOnce sync.Once
	peers     PeerPicker // set by peersOnce

	// mainCache holds the keys this process owns; hotCache holds keys
	// owned elsewhere that are asked for often enough to copy here.
	mainCache *clockCache
	hotCache  *clockCache

	// lookups counts the caches' lookups; it is large, and the hit
	// path only follows the pointer.
	lookups *lookupCounts

	// budgetMu serializes insertions and the evictions they cause, so
	// that the two caches together exceed cacheBytes by at most the
	// entry being inserted.
	budgetMu sync.Mutex

	flights flightGroup

	// writes counts the Set and Remove calls that reached this process,
	// in stripes chosen by key hash. A load that sees its stripe change
	// while in progress does not cache its result, which may predate
	// the write.
	writes [writeStripes]atomic.Uint64

	// Stats are statistics on the group.
	Stats Stats
}

// GroupOptions are the optional settings of a Group. The zero value gives
// golang/groupcache's behaviour.
type GroupOptions struct {
	// TTL is how long a loaded value stays valid when its Getter gives
	// it no expiry of its own through SetExpiry. Zero or negative means
	// values never expire; so does a TTL that reaches past April 2262,
	// where Unix nanoseconds overflow an int64.
	TTL time.Duration

	// Now returns the current time, for deciding expiry. If nil, it is
	// time.Now. Tests set it to control the clock.
	Now func() time.Time
}

// NewGroup creates a coordinated group-aware Getter from a Getter.
//
// The returned Getter tries (but does not guarantee) to run only one Get
// call at once for a given key across an entire set of peer processes.
// Concurrent callers both in the local process and in other processes
// receive copies of the answer once the original Get completes.
//
// cacheBytes bounds the bytes of the keys and values that the group's main
// and hot caches hold together; zero or negative means nothing is cached.
// The group name must be unique for each getter: a duplicate name panics.
// A nil getter panics. The group is registered in DefaultRegistry.
func NewGroup(name string, cacheBytes int64, getter Getter) *Group {
	return DefaultRegistry.NewGroupOpts(name, cacheBytes, getter, nil)
}

// NewGroupOpts is like NewGroup with options; o may be nil.
func NewGroupOpts(name string, cacheBytes int64, getter Getter, o *GroupOptions) *Group {
	return DefaultRegistry.NewGroupOpts(name, cacheBytes, getter, o)
}

// NewGroup is like the package-level NewGroup, registering the group in r.
func (r *Registry) NewGroup(name string, cacheBytes int64, getter Getter) *Group {
	return r.NewGroupOpts(name, cacheBytes, getter, nil)
}

// NewGroupOpts is like the package-level NewGroupOpts, registering the
// group in r.
func (r *Registry) NewGroupOpts(name string, cacheBytes int64, getter Getter, o *GroupOptions) *Group {
	if getter == nil {
		panic("groupcache: nil Getter")
	}
	g := &Group{
		name:       name,
		getter:     getter,
		registry:   r,
		cacheBytes: cacheBytes,
		now:        func() int64 { return time.Now().UnixNano() },
		seed:       maphash.MakeSeed(),
	}
	if o != nil {
		g.ttl = o.TTL
		if now := o.Now; now != nil {
			g.now = func() int64 { return now().UnixNano() }
		}
	}
	// Large caches split their index into shards, so that no table grows
	// all at once and the exact lookups of concurrent loads rarely meet
	// on a lock (hits take none). Eviction follows one clock across the
	// shards either way.
	var log2Shards uint
	if cacheBytes >= 1<<20 {
		log2Shards = 5
	}
	g.mainCache = newClockCache(log2Shards)
	g.hotCache = newClockCache(log2Shards)
	g.lookups = new(lookupCounts)
	r.add(g)
	g.registerDeferredCounters()
	return g
}

// Name returns the name of the group.
func (g *Group) Name() string {
	return g.name
}

func (g *Group) initPeers() {
	if g.peers == nil {
		g.peers = g.registry.peerPicker(g.name)
	}
}

func (g *Group) hash(key string) uint64 {
	return maphash.String(g.seed, key)
}

// Get loads the value of key into dest: from this process's caches, from
// the key's owner, or through the Getter, in that order of preference. If
// the owner cannot be reached or fails, the value is loaded locally and
// the failure counted in Stats.PeerErrors.
//
// Get honours ctx's deadline and cancellation; a caller that gives up
// does not cancel a load that other callers of the same key wait for.
func (g *Group) Get(ctx context.Context, key string, dest Sink) error {
	// Get is small enough to be inlined into its caller, where the
	// compiler sees dest's concrete type: the sink a caller makes for
	// one Get can then stay on the caller's stack.
	if dest == nil {
		return g.nilSink()
	}
	v, _, err := g.get(ctx, key, false)
	if err != nil {
		return err
	}
	return setSinkView(dest, v)
}

func (g *Group) nilSink() error {
	g.Stats.Gets.Add(1)
	return ErrNilDestination
}

// get returns the value of key and its expiry. fromPeer marks requests
// that a peer sent here, which never go to another peer.
func (g *Group) get(ctx context.Context, key string, fromPeer bool) (v ByteView, expire int64, err error) {
	g.peersOnce.Do(g.initPeers)
	if ctx == nil {
		ctx = context.Background()
	}
	h := g.hash(key)
	if g.cacheBytes <= 0 {
		g.Stats.Gets.Add(1)
	} else if v, expire, ok := g.lookupCounted(key, h); ok {
		return v, expire, nil
	}
	return g.load(ctx, key, h, fromPeer)
}

// load is get after a miss of the caches, which get has counted.
func (g *Group) load(ctx context.Context, key string, h uint64, fromPeer bool) (v ByteView, expire int64, err error) {
	g.Stats.Loads.Add(1)
	ctx, end := g.startLoad(ctx) // not deferred: a defer would cost hits too
	if !fromPeer {
		if peer, ok := g.peers.PickPeer(key); ok {
			v, expire, err := g.flights.do(ctx, flightKey{key: key, remote: true}, func(ctx context.Context, _ *loadSink) (ByteView, int64, error) {
				if v, expire, ok := g.lookupCache(key, h); ok {
					g.Stats.CacheHits.Add(1)
					return v, expire, nil
				}
				g.Stats.LoadsDeduped.Add(1)
				v, expire, err := g.getFromPeer(ctx, peer, key, h)
				if err == nil {
					g.Stats.PeerLoads.Add(1)
					return v, expire, nil
				}
				if ctxErr := callerGaveUp(ctx); ctxErr != nil {
					return ByteView{}, 0, ctxErr // the peer is not at fault
				}
				if errors.Is(err, ErrNotFound) {
					return ByteView{}, 0, err // an answer, not a failure
				}
				g.Stats.PeerErrors.Add(1)
				return g.loadLocally(ctx, key, h, false, false)
			})
			end(err)
			return v, expire, err
		}
	}
	v, expire, err = g.loadLocally(ctx, key, h, true, true)
	end(err)
	return v, expire, err
}

// callerGaveUp returns the error of a context that is done or whose
// deadline has passed. A request that fails at the caller's deadline may
// return before the context's own timer has marked it done, and must not
// be blamed on the peer.
func callerGaveUp(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}

// loadLocally runs the Getter for key, once for all concurrent callers in
// this process, and caches the value in the main cache. With handover,
// it first asks the key's previous owner, after a ring change, for its
// copy (handover.go); a load that follows a failed peer request does not.
func (g *Group) loadLocally(ctx context.Context, key string, h uint64, countDedup, handover bool) (ByteView, int64, error) {
	v, expire, err := g.flights.do(ctx, flightKey{key: key}, func(ctx context.Context, sink *loadSink) (ByteView, int64, error) {
		if v, expire, ok := g.lookupCache(key, h); ok {
			g.Stats.CacheHits.Add(1)
			return v, expire, nil
		}
		if countDedup {
			g.Stats.LoadsDeduped.Add(1)
		}
		writes := g.writeCount(h).Load()
		if handover {
			if v, expire, ok := g.handedOver(ctx, key, h); ok {
				g.Stats.PeerLoads.Add(1)
				g.populateCache(key, h, v, expire, g.mainCache, writes)
				return v, expire, nil
			}
		}
		v, expire, err := g.getLocally(ctx, key, sink)
		if err != nil {
			if !errors.Is(err, ErrNotFound) {
				g.Stats.LocalLoadErrs.Add(1)
			}
			return ByteView{}, 0, err
		}
		g.Stats.LocalLoads.Add(1)
		g.populateCache(key, h, v, expire, g.mainCache, writes)
		return v, expire, nil
	})
	return v, expire, err
}

// getLocally runs the Getter into dest and returns what it stored. The
// Getter writes into a sink of the load's own rather than the caller's:
// the value then reaches every waiting caller the same way, and the
// caller's sink never escapes to the heap through the Getter interface.
func (g *Group) getLocally(ctx context.Context, key string, dest *loadSink) (ByteView, int64, error) {
	ctx, end := g.startGetter(ctx)
	err := g.getter.Get(ctx, key, dest)
	end(err)
	if err != nil {
		return ByteView{}, 0, err
	}
	v, err := dest.view()
	if err != nil {
		return ByteView{}, 0, err
	}
	expire := dest.expire
	if expire == 0 && g.ttl > 0 {
		expire = expiryAfter(g.now(), g.ttl)
	}
	return v, expire, nil
}

// errExpiredResponse is returned for a peer response that expired before
// it arrived; the key is loaded again locally.
var errExpiredResponse = errors.New("groupcache: peer returned an expired value")

func (g *Group) getFromPeer(ctx context.Context, peer ProtoGetter, key string, h uint64) (ByteView, int64, error) {
	writes := g.writeCount(h).Load()
	req := &pb.GetRequest{Group: &g.name, Key: &key}
	res := &pb.GetResponse{}
	if err := peer.Get(ctx, req, res); err != nil {
		return ByteView{}, 0, err
	}
	expire := res.GetExpire()
	v, err := g.acceptRemote(peer, key, h, res.Value, expire, writes)
	return v, expire, err
}

// acceptRemote takes the value of key that peer, its owner, sent, with
// its expiry, whether alone or in a batch: it fails with
// errExpiredResponse if the value expired on the way, and otherwise
// offers it to the hot cache and returns it. writesBefore is as for
// populateCache.
func (g *Group) acceptRemote(peer ProtoGetter, key string, h uint64, value []byte, expire int64, writesBefore uint64) (ByteView, error) {
	if expire != 0 && expire <= g.now() {
		return ByteView{}, errExpiredResponse
	}
	// Our own client unmarshals every answer into a slice of its own;
	// another ProtoGetter may keep the slice it returned, and reuse it.
	var v ByteView
	if _, ours := peer.(*httpGetter); ours {
		v = viewOfOwnedBytes(value)
	} else {
		v = viewOfBytes(value)
	}
	g.keepRemote(key, h, v, expire, writesBefore)
	return v, nil
}

// keepRemote offers the hot cache a value that key's owner sent.
// writesBefore is as for populateCache.
func (g *Group) keepRemote(key string, h uint64, v ByteView, expire int64, writesBefore uint64) {
	// Copy a remote key here on its second recent fetch: a hot key
	// then crosses the network about twice, and keys asked for once,
	// however many, take no space from those that were not.
	if g.hotCache.recordFetch(h) {
		g.populateCache(key, h, v, expire, g.hotCache, writesBefore)
	}
}

// lookupCache looks key up in both caches, exactly: loads call it before
// running a Getter or asking a peer, which a key that is present must not
// cause.
func (g *Group) lookupCache(key string, h uint64) (ByteView, int64, bool) {
	if g.cacheBytes <= 0 {
		return ByteView{}, 0, false
	}
	if v, expire, ok := g.mainCache.getExact(key, h, g.now); ok {
		g.lookups.count(mainHit)
		return v, expire, true
	}
	if v, expire, ok := g.hotCache.getExact(key, h, g.now); ok {
		g.lookups.count(hotHit)
		return v, expire, true
	}
	g.lookups.count(miss)
	return ByteView{}, 0, false
}

// lookupCounted looks key up at the start of a Get, without locks, and
// counts the Get, and the hit if there is one, towards Stats (see
// flushStats). It may miss a key that a concurrent write is moving in
// its cache; the load that follows a miss checks again with lookupCache.
func (g *Group) lookupCounted(key string, h uint64) (ByteView, int64, bool) {
	if v, expire, ok := g.mainCache.get(key, h, g.now); ok {
		g.lookups.count(mainHitCounted)
		return v, expire, true
	}
	if v, expire, ok := g.hotCache.get(key, h, g.now); ok {
		g.lookups.count(hotHitCounted)
		return v, expire, true
	}
	g.lookups.count(missCounted)
	return ByteView{}, 0, false
}

// writeStripes is the number of write counters of a group: enough that a
// stream of writes to some keys rarely stops loads of others from being
// cached.
const writeStripes = 64

func (g *Group) writeCount(h uint64) *atomic.Uint64 {
	return &g.writes[h>>58]
}

// populateCache adds key to c and evicts until the group is within its
// budget, taking from the hot cache while it holds more than an eighth of
// the main cache's bytes. writesBefore is the key's write count from
// before the value was loaded: if a Set or Remove of a key of the same
// stripe came since, the value may be stale and is not cached.
func (g *Group) populateCache(key string, h uint64, v ByteView, expire int64, c *clockCache, writesBefore uint64) {
	if g.cacheBytes <= 0 || entrySize(key, v) > g.cacheBytes {
		return
	}
	g.budgetMu.Lock()
	defer g.budgetMu.Unlock()
	if g.writeCount(h).Load() == writesBefore {
		g.insertLocked(key, h, v, expire, c)
	}
}

// insertLocked adds key to c and evicts until the group is within its
// budget. g.budgetMu must be held.
func (g *Group) insertLocked(key string, h uint64, v ByteView, expire int64, c *clockCache) {
	c.add(key, h, v, expire)
	for {
		mainBytes, hotBytes := g.mainCache.bytes(), g.hotCache.bytes()
		if mainBytes+hotBytes <= g.cacheBytes {
			return
		}
		victim, other := g.mainCache, g.hotCache
		if hotBytes > mainBytes/8 {
			victim, other = other, victim
		}
		if !victim.removeOldest() && !other.removeOldest() {
			return
		}
	}
}

// CacheType represents a type of cache.
type CacheType int

const (
	// The MainCache is the cache for items that this peer is the
	// owner for.
	MainCache CacheType = iota + 1

	// The HotCache is the cache for items that seem popular
	// enough to replicate to this node, even though it's not the
	// owner.
	HotCache
)

// CacheStats returns stats about the provided cache within the group. An
// unknown CacheType gives zero stats.
func (g *Group) CacheStats(which CacheType) CacheStats {
	var st CacheStats
	switch which {
	case MainCache:
		st = g.mainCache.stats()
		st.Gets, st.Hits = g.lookups.cacheStats(false)
	case HotCache:
		st = g.hotCache.stats()
		st.Gets, st.Hits = g.lookups.cacheStats(true)
	}
	return st
}

// CacheStats are returned by stats accessors on Group. Bytes counts the
// lengths of keys and values.
type CacheStats struct {
	Bytes     int64
	Items     int64
	Gets      int64
	Hits      int64
	Evictions int64
}
