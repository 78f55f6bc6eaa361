package groupcache

import (
	"sync"
	"sync/atomic"
)

// clockCache maps keys to values, evicting in an approximation of
// least-recently-used order and keeping count of the bytes of its keys
// and values. Byte budgets are enforced by the Group, across its main and
// hot caches, not here.
//
// A hit is the operation a groupcache exists for, so get writes nothing
// that other cores are likely to hold: it takes no lock, moves nothing
// and counts nothing (the Group counts lookups, see lookupCounts). Each
// shard's index is a table of atomic pointers to entries that never
// change once published, save for a reference bit. Writers take the
// shard's mutex and publish with atomic stores, and evict with the CLOCK
// algorithm (second chance): entries queue in insertion order, and the
// clock hand at the head of the queue evicts the first entry that has not
// been referenced since the hand last passed it, clearing the bit of each
// one it spares. A hit sets the bit only if it is clear, so an entry in
// steady use is written to once per turn of the hand, not on every hit.
//
// Every method is safe for concurrent use. Keys arrive with their hash,
// computed once by the caller: the high bits pick the shard, the low bits
// the slot inside it.
type clockCache struct {
	shards []shard
	shift  uint // the hash is shifted right by this to pick a shard

	nbytes atomic.Int64 // sum of the shards' nbytes, readable without locks
}

// newClockCache returns a cache of 1<<log2Shards shards.
func newClockCache(log2Shards uint) *clockCache {
	return &clockCache{
		shards: make([]shard, 1<<log2Shards),
		shift:  64 - log2Shards, // a shift by 64 yields 0: one shard
	}
}

func (c *clockCache) shardFor(h uint64) *shard {
	return &c.shards[h>>c.shift]
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
	s := c.shardFor(h)
	return c.use(s, s.lookup(key, uint32(h)), now)
}

// getExact is get under the shard's lock: it never misses a key that is
// present.
func (c *clockCache) getExact(key string, h uint64, now func() int64) (v ByteView, expire int64, ok bool) {
	s := c.shardFor(h)
	s.mu.Lock()
	_, e := s.find(key, uint32(h))
	s.mu.Unlock()
	return c.use(s, e, now)
}

// use returns the value of e, found in s, unless e is nil or has expired
// by now(), and marks it referenced. An expired entry is removed.
func (c *clockCache) use(s *shard, e *entry, now func() int64) (v ByteView, expire int64, ok bool) {
	if e == nil {
		return ByteView{}, 0, false
	}
	if e.expire != 0 && e.expire <= now() {
		c.removeEntry(s, e)
		return ByteView{}, 0, false
	}
	// Only the first hit after the clock hand passed writes: the
	// entry's cache line stays shared between cores that read it.
	if e.ref.Load() == 0 {
		e.ref.Store(1)
	}
	return e.value, e.expire, true
}

// removeEntry removes e if it is still the entry of its key.
func (c *clockCache) removeEntry(s *shard, e *entry) {
	s.mu.Lock()
	var freed int64
	if pos := s.slotOf(e); pos >= 0 {
		freed = s.removeAt(pos, e)
		s.expired++
	}
	s.mu.Unlock()
	c.nbytes.Add(-freed)
}

// add stores value under key, replacing any value it had, as the newest
// entry of its shard.
func (c *clockCache) add(key string, h uint64, value ByteView, expire int64) {
	s := c.shardFor(h)
	s.mu.Lock()
	delta := s.add(key, uint32(h), value, expire)
	s.mu.Unlock()
	c.nbytes.Add(delta)
}

// remove deletes key and reports whether it was present.
func (c *clockCache) remove(key string, h uint64) bool {
	s := c.shardFor(h)
	s.mu.Lock()
	pos, e := s.find(key, uint32(h))
	var freed int64
	if e != nil {
		freed = s.removeAt(pos, e)
	}
	s.mu.Unlock()
	c.nbytes.Add(-freed)
	return e != nil
}

// removeOldest evicts the entry at the clock hand of the shard that h
// picks or, if that one is empty, of the next shard that is not. It
// reports whether it evicted anything.
func (c *clockCache) removeOldest(h uint64) bool {
	first := int(h >> c.shift)
	for k := range c.shards {
		s := &c.shards[(first+k)%len(c.shards)]
		s.mu.Lock()
		freed, ok := s.evict()
		s.mu.Unlock()
		if ok {
			c.nbytes.Add(-freed)
			return true
		}
	}
	return false
}

// bytes returns the bytes of all keys and values.
func (c *clockCache) bytes() int64 {
	return c.nbytes.Load()
}

// stats sums the shards' sizes and evictions. Gets and Hits are the
// Group's to fill in.
func (c *clockCache) stats() CacheStats {
	var st CacheStats
	for k := range c.shards {
		s := &c.shards[k]
		s.mu.Lock()
		st.Bytes += s.nbytes
		st.Items += int64(s.n)
		st.Evictions += s.evictions
		s.mu.Unlock()
	}
	return st
}

// A shard is one CLOCK cache. Its entries are found through an
// open-addressed table (linear probing, deletion by backward shift) whose
// slots readers load atomically, and queue for eviction in a list linked
// through the entries.
type shard struct {
	// table is all that readers touch. It is replaced, not changed, when
	// it grows: a reader that loaded the old one finishes its probe on a
	// snapshot.
	table atomic.Pointer[slotTable]

	// Writers' fields start on another cache line, so that taking the
	// lock does not evict readers' copy of table.
	_ [56]byte

	mu sync.Mutex

	// All fields below are guarded by mu.
	clock     clockList // the entries, oldest first
	n         int       // live entries
	nbytes    int64     // bytes of live keys and values
	evictions int64
	expired   int64 // entries removed because a lookup found them expired

	_ [64]byte // keep the next shard's table off this cache line
}

// A slotTable is a shard's index. Its slots are changed only under the
// shard's lock and read without it.
type slotTable struct {
	slots []atomic.Pointer[entry] // len is a power of two
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
	ref    atomic.Uint32 // 1 if hit since the clock hand last passed

	// The entry's neighbours in its shard's clock, guarded by the
	// shard's lock. Readers never touch them.
	prev, next *entry
}

func entrySize(key string, value ByteView) int64 {
	return int64(len(key) + value.Len())
}

// lookup returns the entry of key, or nil, without the lock. It may miss
// an entry that a concurrent deletion shifts back behind the probe, and
// gives up after probing every slot once, should concurrent writes keep
// the probe from ever meeting an empty slot.
func (s *shard) lookup(key string, h uint32) *entry {
	t := s.table.Load()
	if t == nil {
		return nil
	}
	mask := uint32(len(t.slots) - 1)
	pos := h & mask
	for range t.slots {
		e := t.slots[pos].Load()
		if e == nil {
			return nil
		}
		if e.hash == h && e.key == key {
			return e
		}
		pos = (pos + 1) & mask
	}
	return nil
}

// find returns the slot position and entry of key, or -1, nil. s.mu must
// be held.
func (s *shard) find(key string, h uint32) (pos int, e *entry) {
	if s.n == 0 {
		return -1, nil
	}
	slots := s.table.Load().slots
	mask := len(slots) - 1
	// The table is never full: this ends at key or an empty slot.
	for pos = int(h) & mask; ; pos = (pos + 1) & mask {
		e = slots[pos].Load()
		if e == nil {
			return -1, nil
		}
		if e.hash == h && e.key == key {
			return pos, e
		}
	}
}

// slotOf returns the slot position of e, or -1 if e is no longer in the
// table. s.mu must be held.
func (s *shard) slotOf(e *entry) int {
	if s.n == 0 {
		return -1
	}
	slots := s.table.Load().slots
	mask := len(slots) - 1
	for pos := int(e.hash) & mask; ; pos = (pos + 1) & mask {
		switch slots[pos].Load() {
		case e:
			return pos
		case nil:
			return -1
		}
	}
}

// add inserts or replaces key and returns the change in bytes. s.mu must
// be held.
func (s *shard) add(key string, h uint32, value ByteView, expire int64) int64 {
	e := &entry{key: key, value: value, expire: expire, hash: h}
	if pos, old := s.find(key, h); old != nil {
		// The new entry takes the old one's slot, and the newest
		// place in the clock.
		s.table.Load().slots[pos].Store(e)
		s.clock.remove(old)
		s.clock.push(e)
		delta := int64(value.Len() - old.value.Len())
		s.nbytes += delta
		return delta
	}
	if t := s.table.Load(); t == nil || (s.n+1)*4 > len(t.slots)*3 {
		s.growTable()
	}
	s.insertSlot(e)
	s.clock.push(e)
	s.n++
	size := entrySize(key, value)
	s.nbytes += size
	return size
}

// evict removes the entry at the clock hand that has not been referenced
// since the hand last passed it, and returns the bytes it freed. s.mu
// must be held.
func (s *shard) evict() (int64, bool) {
	// Hits may set reference bits as fast as the hand clears them: once
	// the hand has passed every entry, it evicts the next one whatever
	// its bit.
	for spare := s.n; s.clock.head != nil; spare-- {
		e := s.clock.head
		if spare > 0 && e.ref.Load() != 0 {
			e.ref.Store(0)
			s.clock.remove(e)
			s.clock.push(e)
			continue
		}
		s.evictions++
		return s.removeAt(s.slotOf(e), e), true
	}
	return 0, false
}

// removeAt removes e, found at slot pos, and returns the bytes freed.
// s.mu must be held.
func (s *shard) removeAt(pos int, e *entry) int64 {
	s.deleteSlot(pos)
	s.clock.remove(e)
	s.n--
	size := entrySize(e.key, e.value)
	s.nbytes -= size
	return size
}

// growTable publishes a table of twice as many slots, holding the same
// entries. s.mu must be held.
func (s *shard) growTable() {
	old := s.table.Load()
	n := 8
	if old != nil {
		n = 2 * len(old.slots)
	}
	t := &slotTable{slots: make([]atomic.Pointer[entry], n)}
	if old != nil {
		for i := range old.slots {
			if e := old.slots[i].Load(); e != nil {
				t.insert(e)
			}
		}
	}
	s.table.Store(t)
}

// insertSlot publishes e in the first empty slot of its probe run. s.mu
// must be held.
func (s *shard) insertSlot(e *entry) {
	s.table.Load().insert(e)
}

func (t *slotTable) insert(e *entry) {
	mask := len(t.slots) - 1
	pos := int(e.hash) & mask
	for t.slots[pos].Load() != nil {
		pos = (pos + 1) & mask
	}
	t.slots[pos].Store(e)
}

// deleteSlot empties slot pos and moves later members of its probe run
// back, so that every key stays reachable from its home slot without
// tombstones. Each move copies an entry to its new slot before its old
// one is overwritten, so a reader never sees a slot empty that was not,
// though it may pass a moved entry and miss it. s.mu must be held.
func (s *shard) deleteSlot(pos int) {
	slots := s.table.Load().slots
	mask := len(slots) - 1
	hole := pos
	for j := (pos + 1) & mask; ; j = (j + 1) & mask {
		e := slots[j].Load()
		if e == nil {
			break
		}
		home := int(e.hash) & mask
		// The entry at j may fill the hole if the hole lies on its
		// probe path, from home to j.
		if (j-home)&mask >= (j-hole)&mask {
			slots[hole].Store(e)
			hole = j
		}
	}
	slots[hole].Store(nil)
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
