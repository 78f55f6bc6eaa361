package groupcache

import (
	"strconv"
	"sync"
	"sync/atomic"
)

// Stats are per-group statistics. Read them with the counters' Get (or
// String) method, which is exact: see flushStats.
type Stats struct {
	Gets           AtomicInt // any Get request, including from peers
	CacheHits      AtomicInt // either cache was good
	PeerLoads      AtomicInt // either remote load or remote cache hit (not an error)
	PeerErrors     AtomicInt
	Loads          AtomicInt // (gets - cacheHits)
	LoadsDeduped   AtomicInt // after singleflight
	LocalLoads     AtomicInt // total good local loads
	LocalLoadErrs  AtomicInt // total bad local loads
	ServerRequests AtomicInt // gets that came over the network from peers
}

// An AtomicInt is an int64 to be accessed atomically.
type AtomicInt int64

// Add atomically adds n to i.
func (i *AtomicInt) Add(n int64) {
	atomic.AddInt64((*int64)(i), n)
}

// Get atomically gets the value of i.
func (i *AtomicInt) Get() int64 {
	if g, ok := deferredCounters.Load(i); ok {
		g.(*Group).flushStats()
	}
	return atomic.LoadInt64((*int64)(i))
}

// String returns the value of i in decimal.
func (i *AtomicInt) String() string {
	return strconv.FormatInt(i.Get(), 10)
}

// deferredCounters maps the Gets and CacheHits counters of every group to
// the group. A cache hit is the operation a groupcache exists for, and
// adding to two atomics that every core shares would make concurrent hits
// queue on one cache line; instead a hit counts itself in its cache
// shard, under the shard lock it holds anyway, and reading either counter
// through Get first adds the shards' pending counts to it. Reading the
// int64 by other means can see a count that lags.
var deferredCounters sync.Map // *AtomicInt → *Group

func (g *Group) registerDeferredCounters() {
	deferredCounters.Store(&g.Stats.Gets, g)
	deferredCounters.Store(&g.Stats.CacheHits, g)
}

// flushStats adds the caches' pending counts to g.Stats.
func (g *Group) flushStats() {
	gets, hits := g.mainCache.takePending()
	hotGets, hotHits := g.hotCache.takePending()
	g.Stats.Gets.Add(gets + hotGets)
	g.Stats.CacheHits.Add(hits + hotHits)
}
