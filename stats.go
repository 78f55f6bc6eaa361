package groupcache

import (
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"
	"weak"
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
	if w, ok := deferredCounters.Load(uintptr(unsafe.Pointer(i))); ok {
		if g := w.(weak.Pointer[Group]).Value(); g != nil {
			g.flushStats()
		}
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
// queue on one cache line; instead a Get's lookup counts itself in a
// counter that other goroutines rarely share (see lookupCounts), and
// reading either counter through Get first adds the lookups counted since
// the last read to it. Reading the int64 by other means can see a count
// that lags.
//
// The map holds the counters' addresses and weak pointers, so that it
// keeps no group alive: a group that is no longer reachable is collected,
// and its entries are removed when it is.
var deferredCounters sync.Map // uintptr of an *AtomicInt → weak.Pointer[Group]

func (g *Group) registerDeferredCounters() {
	w := weak.Make(g)
	keys := [2]uintptr{uintptr(unsafe.Pointer(&g.Stats.Gets)), uintptr(unsafe.Pointer(&g.Stats.CacheHits))}
	for _, k := range keys {
		deferredCounters.Store(k, w)
	}
	runtime.AddCleanup(g, func(keys [2]uintptr) {
		for _, k := range keys {
			// A newer group may have been given the address since;
			// remove only an entry whose group is gone.
			if w, ok := deferredCounters.Load(k); ok && w.(weak.Pointer[Group]).Value() == nil {
				deferredCounters.CompareAndDelete(k, w)
			}
		}
	}, keys)
}

// flushStats adds the lookups counted since the last flush to g.Stats.
func (g *Group) flushStats() {
	g.lookups.flush(&g.Stats)
}

// A lookupOutcome is where a lookup of the main cache, and of the hot
// cache if the main one missed, found its key. A counted lookup is the
// first of a Get, which counts in Stats.Gets, and in Stats.CacheHits if
// it hits.
type lookupOutcome int

const (
	mainHitCounted lookupOutcome = iota
	hotHitCounted
	missCounted
	mainHit
	hotHit
	miss
	numLookupOutcomes
)

// lookupCounts counts a Group's lookups by outcome, from which it derives
// Stats.Gets and CacheHits, and the Gets and Hits of both caches.
type lookupCounts struct {
	counts stripedCounters

	mu sync.Mutex // serializes flushes; guards the fields below
	// Counted gets and hits already added to Stats.
	flushedGets, flushedHits int64
}

func (l *lookupCounts) count(o lookupOutcome) {
	l.counts.add(int(o))
}

// flush adds the counted gets and hits since the last flush to st.
// Flushes are serialized, so that a flush that returns has added every
// lookup counted before it began, whichever flush summed it.
func (l *lookupCounts) flush(st *Stats) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.counts.sums()
	hits := s[mainHitCounted] + s[hotHitCounted]
	gets := hits + s[missCounted]
	st.Gets.Add(gets - l.flushedGets)
	st.CacheHits.Add(hits - l.flushedHits)
	l.flushedGets, l.flushedHits = gets, hits
}

// cacheStats returns the gets and hits of the main cache or, with hot,
// of the hot cache, which is looked up only when the main one misses.
func (l *lookupCounts) cacheStats(hot bool) (gets, hits int64) {
	s := l.counts.sums()
	if hot {
		hits = s[hotHitCounted] + s[hotHit]
		return hits + s[missCounted] + s[miss], hits
	}
	hits = s[mainHitCounted] + s[mainHit]
	return hits + s[hotHitCounted] + s[hotHit] + s[missCounted] + s[miss], hits
}
