package groupcache

import (
	"sync"
	"sync/atomic"
)

// lruCache maps keys to values with least-recently-used eviction, keeping
// count of the bytes of its keys and values. It is split into shards, each
// an exact LRU behind its own mutex, so that hits on different keys do not
// contend; eviction takes the oldest entry of one shard, which on a cache
// of many entries is close to global LRU order. Byte budgets are enforced
// by the Group, across its main and hot caches, not here.
//
// Every method is safe for concurrent use. Keys arrive with their hash,
// computed once by the caller: the high bits pick the shard, the low bits
// the slot inside it.
type lruCache struct {
	shards []shard
	shift  uint // the hash is shifted right by this to pick a shard

	nbytes atomic.Int64 // sum of the shards' nbytes, readable without locks
}

// newLRUCache returns a cache of 1<<log2Shards shards.
func newLRUCache(log2Shards uint) *lruCache {
	return &lruCache{
		shards: make([]shard, 1<<log2Shards),
		shift:  64 - log2Shards, // a shift by 64 yields 0: one shard
	}
}

func (c *lruCache) shardFor(h uint64) *shard {
	return &c.shards[h>>c.shift]
}

// get returns the value of key and its expiry (Unix nanoseconds, 0 for
// never). An entry that has expired by now() is removed and reported
// missing; now is called only for entries that can expire.
//
// With countGet, the lookup also counts one Group.Stats.Gets, and with
// countHit a hit counts one Group.Stats.CacheHits, in the shard's pending
// counters (see flushStats).
func (c *lruCache) get(key string, h uint64, now func() int64, countGet, countHit bool) (v ByteView, expire int64, ok bool) {
	s := c.shardFor(h)
	s.mu.Lock()
	s.gets++
	if countGet {
		s.pendingGets++
	}
	pos, i := s.find(key, uint32(h))
	if i < 0 {
		s.mu.Unlock()
		return ByteView{}, 0, false
	}
	e := &s.entries[i]
	if e.expire != 0 && e.expire <= now() {
		freed := s.removeAt(pos, i)
		s.mu.Unlock()
		c.nbytes.Add(-freed)
		return ByteView{}, 0, false
	}
	s.hits++
	if countHit {
		s.pendingHits++
	}
	s.moveToFront(i)
	v, expire = e.value, e.expire
	s.mu.Unlock()
	return v, expire, true
}

// add stores value under key, replacing any value it had, as the most
// recently used entry of its shard.
func (c *lruCache) add(key string, h uint64, value ByteView, expire int64) {
	s := c.shardFor(h)
	s.mu.Lock()
	delta := s.add(key, uint32(h), value, expire)
	s.mu.Unlock()
	c.nbytes.Add(delta)
}

// remove deletes key and reports whether it was present.
func (c *lruCache) remove(key string, h uint64) bool {
	s := c.shardFor(h)
	s.mu.Lock()
	pos, i := s.find(key, uint32(h))
	var freed int64
	if i >= 0 {
		freed = s.removeAt(pos, i)
	}
	s.mu.Unlock()
	c.nbytes.Add(-freed)
	return i >= 0
}

// removeOldest evicts the least recently used entry of the shard that h
// picks or, if that one is empty, of the next shard that is not. It
// reports whether it evicted anything.
func (c *lruCache) removeOldest(h uint64) bool {
	first := int(h >> c.shift)
	for k := range c.shards {
		s := &c.shards[(first+k)%len(c.shards)]
		s.mu.Lock()
		freed, ok := s.removeOldest()
		s.mu.Unlock()
		if ok {
			c.nbytes.Add(-freed)
			return true
		}
	}
	return false
}

// bytes returns the bytes of all keys and values.
func (c *lruCache) bytes() int64 {
	return c.nbytes.Load()
}

// takePending returns and clears the shards' pending Stats counts.
func (c *lruCache) takePending() (gets, hits int64) {
	for k := range c.shards {
		s := &c.shards[k]
		s.mu.Lock()
		gets += s.pendingGets
		hits += s.pendingHits
		s.pendingGets, s.pendingHits = 0, 0
		s.mu.Unlock()
	}
	return gets, hits
}

// stats sums the shards' counters.
func (c *lruCache) stats() CacheStats {
	var st CacheStats
	for k := range c.shards {
		s := &c.shards[k]
		s.mu.Lock()
		st.Bytes += s.nbytes
		st.Items += int64(s.n)
		st.Gets += s.gets
		st.Hits += s.hits
		st.Evictions += s.evictions
		s.mu.Unlock()
	}
	return st
}

// A shard is an exact LRU. Its entries live in one slice, linked into a
// recency list by index, and are found through an open-addressed table of
// indexes (linear probing, deletion by backward shift). Compared with a
// map and a list of pointers this keeps the per-entry overhead near 60
// bytes and gives the garbage collector two large objects per shard to
// track instead of two small ones per entry.
type shard struct {
	mu sync.Mutex

	// All fields below are guarded by mu.
	slots     []int32 // 0 is empty, i+1 refers to entries[i]; len is a power of two
	entries   []entry
	free      int32 // first unused entry, linked through next; -1 when none
	head      int32 // most recently used entry; -1 when empty
	tail      int32 // least recently used entry; -1 when empty
	n         int   // live entries
	nbytes    int64 // bytes of live keys and values
	gets      int64
	hits      int64
	evictions int64

	// Counts of Group.Stats.Gets and CacheHits not yet added to the
	// group's Stats: a hit adds to these, under the lock it holds
	// anyway, rather than to atomics that every core would share.
	pendingGets int64
	pendingHits int64

	_ [64]byte // keep neighbouring shards' locks off this cache line
}

type entry struct {
	key        string
	value      ByteView
	expire     int64 // Unix nanoseconds; 0 means never
	hash       uint32
	prev, next int32 // recency list; next also links free entries
}

func entrySize(key string, value ByteView) int64 {
	return int64(len(key) + value.Len())
}

// find returns the slot position and entry index of key, or -1, -1.
func (s *shard) find(key string, h uint32) (pos int, i int32) {
	if s.n == 0 {
		return -1, -1
	}
	mask := len(s.slots) - 1
	for pos = int(h) & mask; ; pos = (pos + 1) & mask {
		x := s.slots[pos]
		if x == 0 {
			return -1, -1
		}
		if e := &s.entries[x-1]; e.hash == h && e.key == key {
			return pos, x - 1
		}
	}
}

// add inserts or replaces key and returns the change in bytes.
func (s *shard) add(key string, h uint32, value ByteView, expire int64) int64 {
	if _, i := s.find(key, h); i >= 0 {
		e := &s.entries[i]
		delta := int64(value.Len() - e.value.Len())
		e.value, e.expire = value, expire
		s.nbytes += delta
		s.moveToFront(i)
		return delta
	}
	if s.slots == nil {
		s.head, s.tail, s.free = -1, -1, -1
	}
	if (s.n+1)*4 > len(s.slots)*3 {
		s.growIndex()
	}
	var i int32
	if s.free >= 0 {
		i = s.free
		s.free = s.entries[i].next
	} else {
		i = int32(len(s.entries))
		s.entries = append(s.entries, entry{})
	}
	s.entries[i] = entry{key: key, value: value, expire: expire, hash: h, prev: -1, next: -1}
	s.insertSlot(i)
	s.pushFront(i)
	s.n++
	size := entrySize(key, value)
	s.nbytes += size
	return size
}

// removeOldest evicts the tail entry and returns the bytes it freed.
func (s *shard) removeOldest() (int64, bool) {
	if s.n == 0 {
		return 0, false
	}
	i := s.tail
	pos, _ := s.find(s.entries[i].key, s.entries[i].hash)
	s.evictions++
	return s.removeAt(pos, i), true
}

// removeAt removes entry i, found at slot pos, and returns the bytes freed.
func (s *shard) removeAt(pos int, i int32) int64 {
	e := &s.entries[i]
	size := entrySize(e.key, e.value)
	s.deleteSlot(pos)
	s.unlink(i)
	*e = entry{next: s.free} // drop the references so the memory can be collected
	s.free = i
	s.n--
	s.nbytes -= size
	return size
}

func (s *shard) growIndex() {
	old := s.slots
	s.slots = make([]int32, max(8, 2*len(old)))
	for _, x := range old {
		if x != 0 {
			s.insertSlot(x - 1)
		}
	}
}

func (s *shard) insertSlot(i int32) {
	mask := len(s.slots) - 1
	pos := int(s.entries[i].hash) & mask
	for s.slots[pos] != 0 {
		pos = (pos + 1) & mask
	}
	s.slots[pos] = i + 1
}

// deleteSlot empties slot pos and moves later members of its probe run
// back, so that every key stays reachable from its home slot without
// tombstones.
func (s *shard) deleteSlot(pos int) {
	mask := len(s.slots) - 1
	hole := pos
	for j := (pos + 1) & mask; s.slots[j] != 0; j = (j + 1) & mask {
		home := int(s.entries[s.slots[j]-1].hash) & mask
		// The entry at j may fill the hole if the hole lies on its
		// probe path, from home to j.
		if (j-home)&mask >= (j-hole)&mask {
			s.slots[hole] = s.slots[j]
			hole = j
		}
	}
	s.slots[hole] = 0
}

func (s *shard) unlink(i int32) {
	e := &s.entries[i]
	if e.prev >= 0 {
		s.entries[e.prev].next = e.next
	} else {
		s.head = e.next
	}
	if e.next >= 0 {
		s.entries[e.next].prev = e.prev
	} else {
		s.tail = e.prev
	}
	e.prev, e.next = -1, -1
}

func (s *shard) pushFront(i int32) {
	e := &s.entries[i]
	e.prev, e.next = -1, s.head
	if s.head >= 0 {
		s.entries[s.head].prev = i
	}
	s.head = i
	if s.tail < 0 {
		s.tail = i
	}
}

func (s *shard) moveToFront(i int32) {
	if s.head == i {
		return
	}
	s.unlink(i)
	s.pushFront(i)
}
