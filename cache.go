package groupcache

import (
	"sync"
	"sync/atomic"
)

// clockCache maps keys to values and keeps count of the bytes of its keys
// and values, choosing what to evict by how recently and how often each
// key was asked for. Byte budgets are enforced by the Group, across its
// main and hot caches, not here: the Group calls removeOldest until it is
// within budget.
//
// A hit is the operation a groupcache exists for, so get writes nothing
// that other cores are likely to hold: it takes no lock, moves nothing
// and counts nothing (the Group counts lookups, see lookupCounts). The
// index is split into shards, each a table of atomic pointers to entries
// that never change once published, save for their hit count and queue
// bit. Writers
// take the cache's mutex, then the mutex of the shard whose table they
// change, and publish with atomic stores. A hit raises the entry's hit
// count only while it is below maxFreq, so an entry in steady use is
// written to once per turn of the clock hand, not on every hit.
//
// Eviction follows S3-FIFO (Yang et al., "FIFO queues are all you need
// for cache eviction", SOSP 2023), with one addition for loops; each part
// is there for a workload the others lose on (BENCHMARKS.md has the
// figures):
//
//   - Two queues. A new key enters a small FIFO queue that holds about a
//     tenth of the cache's bytes; one hit promoteHits times while there
//     moves to the main queue when it reaches the head, one that is not
//     is evicted. Most keys of block and web traces are asked for once:
//     the small queue lets them go after a short stay instead of pushing
//     out keys in use, as LRU does (OLTP, P3, gli).
//   - A main queue that is a CLOCK with hit counts up to maxFreq: the
//     hand evicts the first entry not hit since it last passed, and
//     spares an entry that was, counting one hit down. Lazy promotion,
//     as in SIEVE (Zhang et al., NSDI 2024), keeps hits free of locks.
//   - A ghost queue: the hashes of as many keys as the cache holds,
//     recently evicted from the small queue. A key that comes back while
//     remembered was evicted too soon and goes straight to the main
//     queue, and is forgotten, so that it goes there once per eviction
//     from the small queue (P3, OLTP).
//   - First-fill admission: while the small queue holds more than its
//     share even without its oldest key, that key moves to the main
//     queue if it was hit, and so do five in eight of the keys that were
//     not, as W-TinyLFU (Einziger et al., "TinyLFU: A Highly Efficient
//     Cache Admission Policy", ACM Transactions on Storage, 2017) admits
//     every key while its cache is below capacity. Keys admitted so, and
//     then asked for again, stay: on a loop larger than the cache, where
//     every recency policy evicts each key just before its turn comes
//     (LRU, SIEVE and S3-FIFO hit nothing), that keeps part of a cache's
//     worth of the loop cached (loop, gli). Admitting every key costs
//     where the keys asked for again soon after the cache fills are not
//     the first ones but the next (P3 at 100,000 entries); admitting a
//     share, as BIP inserts only a share of lines at the MRU end
//     (Qureshi et al., "Adaptive Insertion Policies for High Performance
//     Caching", ISCA 2007), leaves room for those, at a cost on gli.
//
// TinyLFU's frequency sketch, deciding between a small-queue candidate and
// the main queue's victim, was tried here and scored lower on every row of
// the trace table, equal on P3 at 100,000 entries (BENCHMARKS.md); so hits count only in the
// entries' own bits, and a hit costs what it cost under plain CLOCK: no
// lock, and in steady use one atomic write per pass of the hand.
//
// One clock spans all shards. A clock per shard would evict from the
// shard of the key being added, so that a new key could push out a key
// in steady use, or itself, while unused keys of other shards stay.
//
// Every method is safe for concurrent use. Keys arrive with their hash,
// computed once by the caller: the high bits of its low 32 pick the
// shard, the low bits the slot inside it.
type clockCache struct {
	// Readers use only these two fields.
	shards []shard
	shift  uint // the 32-bit hash is shifted right by this to pick a shard

	// Writers' fields start on another cache line, however the struct
	// is aligned, so that writes do not evict readers' copy of shards.
	_ [64]byte

	nbytes atomic.Int64 // bytes of all keys and values, readable without locks

	mu         sync.Mutex
	small      clockList  // new entries, oldest first; guarded by mu
	main       clockList  // entries kept for their use; the head is the hand; guarded by mu
	smallBytes int64      // bytes of the entries of small; guarded by mu
	n          int        // live entries; guarded by mu
	ghosts     ghostQueue // hashes of keys evicted from small; guarded by mu
	fetches    ghostQueue // hashes of keys recordFetch saw; guarded by mu
	evictions  int64      // guarded by mu
	firstFills uint64     // keys first-fill admission has decided on; guarded by mu
	expired    int64      // entries a lookup found expired; guarded by mu
}

// smallShare is the inverse of the share of a cache's bytes that its small
// queue holds: S3-FIFO's 10%.
const smallShare = 10

// promoteHits is how many hits move an entry of the small queue to the
// main one when it reaches the head: S3-FIFO's move-to-main threshold of
// 2. A threshold of 1 scored about 0.7 points lower on OLTP, 0.4 on P3 at
// 25,000 entries, and 0.3 higher on P3 at 100,000 (BENCHMARKS.md).
const promoteHits = 2

// First-fill admission moves firstFillAdmit of every firstFillOf unhit
// keys to the main queue (see firstFill). The share was chosen on the
// trace table of BENCHMARKS.md, one for all traces: 3 in 4 left P3 at
// 100,000 entries below its floor, 1 in 2 cost gli too much for the
// mean; 5 in 8 leaves a margin on both.
const (
	firstFillAdmit = 5
	firstFillOf    = 8
)

// The bits of entry.ref.
const (
	freqMask = 3 // hits since the clock hand last passed, up to maxFreq; set by readers
	maxFreq  = 3
	mainBit  = 4 // in the main queue, not the small one; set by writers
)

// newClockCache returns a cache of 1<<log2Shards shards; log2Shards must
// be at most 32.
func newClockCache(log2Shards uint) *clockCache {
	return &clockCache{
		shards: make([]shard, 1<<log2Shards),
		shift:  32 - log2Shards, // a shift by 32 yields 0: one shard
	}
}

func (c *clockCache) shardFor(h uint64) *shard {
	return &c.shards[uint32(h)>>c.shift]
}

// shardOf returns the shard whose table holds e.
func (c *clockCache) shardOf(e *entry) *shard {
	return &c.shards[e.hash>>c.shift]
}

// get returns the value of key and its expiry (Unix nanoseconds, 0 for
// never), without taking a lock. An entry that has expired by now() is
// removed and reported missing; now is called only for entries that can
// expire.
//
// get may report a key missing while a concurrent add, remove or eviction
// in its shard moves the key within the index. A caller that acts on a
// miss in a way that must not be repeated, such as running a Getter,
// checks again with getExact.
func (c *clockCache) get(key string, h uint64, now func() int64) (v ByteView, expire int64, ok bool) {
	return c.use(c.shardFor(h).lookup(key, uint32(h)), now)
}

// getExact is get under the shard's lock: it never misses a key that is
// present.
func (c *clockCache) getExact(key string, h uint64, now func() int64) (v ByteView, expire int64, ok bool) {
	s := c.shardFor(h)
	s.mu.Lock()
	_, e := s.find(key, uint32(h))
	s.mu.Unlock()
	return c.use(e, now)
}

// use returns the value of e unless e is nil or has expired by now(), and
// marks it referenced. An expired entry is removed.
func (c *clockCache) use(e *entry, now func() int64) (v ByteView, expire int64, ok bool) {
	if e == nil {
		return ByteView{}, 0, false
	}
	if e.expire != 0 && e.expire <= now() {
		c.removeEntry(e)
		return ByteView{}, 0, false
	}
	// Only hits that raise the count write, one per pass of the hand
	// for an entry in steady use: the entry's cache line stays shared
	// between cores that read it. A lost race loses a count, no more.
	if r := e.ref.Load(); r&freqMask < maxFreq {
		e.ref.CompareAndSwap(r, r+1)
	}
	return e.value, e.expire, true
}

// removeEntry removes e if it is still the entry of its key.
func (c *clockCache) removeEntry(e *entry) {
	c.mu.Lock()
	s := c.shardOf(e)
	s.mu.Lock()
	pos := s.slotOf(e)
	if pos >= 0 {
		s.deleteAt(pos)
		c.expired++
	}
	s.mu.Unlock()
	if pos >= 0 {
		c.unlink(e)
	}
	c.mu.Unlock()
}

// add stores value under key, replacing any value it had, as the newest
// entry: in the main queue if the key was recently evicted from the small
// one, or if it replaces a key of the main queue, else in the small queue.
func (c *clockCache) add(key string, h uint64, value ByteView, expire int64) {
	e := &entry{key: key, value: value, expire: expire, hash: uint32(h)}
	size := entrySize(key, value)
	c.mu.Lock()
	s := c.shardFor(h)
	s.mu.Lock()
	old := s.put(e)
	s.mu.Unlock()
	// A key back from the ghost queue goes to the main queue once: its
	// ghost goes with it (S3-FIFO's rule). A ghost kept would send the
	// key to the main queue on every later miss within the ghost's
	// reach, whether or not it was asked for again while in the main
	// queue; on P3 at 100,000 entries those keys pushed out keys in use,
	// 1.3 points of hit ratio (BENCHMARKS.md).
	toMain := c.ghosts.take(e.hash)
	if old != nil {
		// A new value of a key that earned its place keeps it.
		toMain = toMain || old.ref.Load()&mainBit != 0
		c.unlink(old)
	}
	c.n++
	c.nbytes.Add(size)
	if toMain {
		e.ref.Store(mainBit)
		c.main.push(e)
	} else {
		c.small.push(e)
		c.smallBytes += size
	}
	c.mu.Unlock()
}

// recordFetch counts a fetch of key h from elsewhere and reports whether
// the key was fetched before, recently: the Group mirrors such keys in its
// hot cache. Recently means within the last minFetchWindow fetches, or
// eight times as many as the cache holds entries if that is more: the hot
// cache gets at most a ninth of a Group's bytes, so that is about as many
// fetches as the Group holds entries. A scan of keys asked for once is
// never mirrored, so it evicts nothing.
//
// The memory is of hashes, not counts: a count-min sketch sized, as
// TinyLFU's, for comparing two keys' counts gives most keys a count of
// two or more once it has seen ten fetches per counter, and would mirror
// a scan.
func (c *clockCache) recordFetch(h uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fetches.contains(uint32(h)) {
		return true
	}
	c.fetches.add(uint32(h), max(minFetchWindow, 8*c.n))
	return false
}

// minFetchWindow is the fewest fetches recordFetch remembers.
const minFetchWindow = 1024

// remove deletes key and reports whether it was present.
func (c *clockCache) remove(key string, h uint64) bool {
	c.mu.Lock()
	s := c.shardFor(h)
	s.mu.Lock()
	pos, e := s.find(key, uint32(h))
	if e != nil {
		s.deleteAt(pos)
	}
	s.mu.Unlock()
	if e != nil {
		c.unlink(e)
	}
	c.mu.Unlock()
	return e != nil
}

// removeOldest evicts one entry, the one least likely to be asked for
// again by the policy described at clockCache, and reports whether it
// evicted anything. On the way it may move entries from the small queue
// to the main one, which frees nothing.
func (c *clockCache) removeOldest() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		share := c.nbytes.Load() / smallShare
		e := c.small.head
		if e == nil || (c.smallBytes <= share && c.main.head != nil) {
			v := c.mainVictim()
			if v == nil {
				return false
			}
			c.evict(v)
			return true
		}
		// The small queue is over its share: its oldest entry leaves
		// it, for the main queue or for good.
		rest := c.smallBytes - entrySize(e.key, e.value)
		if e.ref.Load()&freqMask >= promoteHits {
			// Hit while in the small queue: S3-FIFO's promotion.
			c.promote(e)
			continue
		}
		if rest > share && c.firstFill(e) {
			// Even without e the small queue is over its share, so
			// the main queue is under its own: the cache is filling
			// up for the first time, or again after removals, and e
			// gets the room, as W-TinyLFU admits every key while its
			// cache is below capacity, unless it is one of the keys
			// that firstFill turns away. Keys admitted so, and then
			// asked for again, stay: that keeps part of a loop
			// larger than the cache cached, where a pure S3-FIFO
			// leaves the main queue empty and hits nothing.
			c.promote(e)
			continue
		}
		c.ghosts.add(e.hash, c.n)
		c.evict(e)
		return true
	}
}

// firstFill reports whether e, at the head of the small queue while the
// main queue is under its share, moves to the main queue: if it was hit
// while in the small queue, or if it is one of the firstFillAdmit of
// every firstFillOf unhit keys, in turn. The others take their chance in
// the small queue and the ghost, as every key does once the cache is
// full. c.mu must be held.
func (c *clockCache) firstFill(e *entry) bool {
	if e.ref.Load()&freqMask != 0 {
		// A working set that fits, asked for again while the cache
		// fills, is never turned away (TestFirstFillAdmitsEveryKeyHitWhileFilling).
		return true
	}
	c.firstFills++
	return c.firstFills%firstFillOf < firstFillAdmit
}

// promote moves e from the small queue to the main one, clearing its
// reference bit. c.mu must be held.
func (c *clockCache) promote(e *entry) {
	c.small.remove(e)
	c.smallBytes -= entrySize(e.key, e.value)
	e.ref.Store(mainBit)
	c.main.push(e)
}

// mainVictim returns the entry at the main queue's clock hand that has
// not been referenced since the hand last passed it, or nil if the queue
// is empty. It spares, and moves to the tail, each entry hit since the
// hand last passed it, counting down its hits: an entry hit often
// survives up to maxFreq turns of the hand without further hits, as in
// S3-FIFO's main queue. c.mu must be held.
func (c *clockCache) mainVictim() *entry {
	// Hits may set reference bits as fast as the hand clears them: once
	// the hand has passed every entry, the next one is the victim
	// whatever its bit.
	for spare := c.n; c.main.head != nil; spare-- {
		e := c.main.head
		if spare > 0 && e.ref.Load()&freqMask != 0 {
			e.ref.Add(^uint32(0)) // readers only ever raise the count
			c.main.remove(e)
			c.main.push(e)
			continue
		}
		return e
	}
	return nil
}

// evict removes e from its shard and queue. c.mu must be held.
func (c *clockCache) evict(e *entry) {
	s := c.shardOf(e)
	s.mu.Lock()
	s.deleteAt(s.slotOf(e))
	s.mu.Unlock()
	c.unlink(e)
	c.evictions++
}

// unlink takes e, which its shard's table no longer holds, off its queue
// and the counts. c.mu must be held.
func (c *clockCache) unlink(e *entry) {
	size := entrySize(e.key, e.value)
	if e.ref.Load()&mainBit != 0 {
		c.main.remove(e)
	} else {
		c.small.remove(e)
		c.smallBytes -= size
	}
	c.n--
	c.nbytes.Add(-size)
}

// bytes returns the bytes of all keys and values.
func (c *clockCache) bytes() int64 {
	return c.nbytes.Load()
}

// stats returns the cache's size and evictions. Gets and Hits are the
// Group's to fill in.
func (c *clockCache) stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Bytes: c.nbytes.Load(), Items: int64(c.n), Evictions: c.evictions}
}

// An entry's key, value, expiry and hash never change once it is
// published in a slotTable, so that a reader needs no lock to read them.
// Replacing a key's value publishes a new entry. An entry is 64 bytes, a
// size class of its own (see TestEntrySize).
type entry struct {
	key    string
	value  ByteView
	expire int64         // Unix nanoseconds; 0 means never
	hash   uint32        // the low bits of the key's hash
	ref    atomic.Uint32 // hit count (freqMask) and mainBit

	// The entry's neighbours in its cache's clock, guarded by the
	// cache's lock. Readers never touch them.
	prev, next *entry
}

func entrySize(key string, value ByteView) int64 {
	return int64(len(key) + value.Len())
}

// A clockList is a queue of entries, linked through them; its head is the
// clock hand. The zero value is an empty list.
type clockList struct {
	head, tail *entry
}

// push adds e at the tail, the place of the newest entry.
func (l *clockList) push(e *entry) {
	e.prev, e.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = e
	} else {
		l.head = e
	}
	l.tail = e
}

// remove unlinks e, and unlinks its neighbours from it, so that a removed
// entry that a reader still holds keeps no other entry from being
// collected.
func (l *clockList) remove(e *entry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		l.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		l.tail = e.prev
	}
	e.prev, e.next = nil, nil
}
