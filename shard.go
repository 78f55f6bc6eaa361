package groupcache

import (
	"sync"
	"sync/atomic"
)

// A shard is one part of a clockCache's index: an open-addressed table
// (linear probing, deletion by backward shift) whose slots readers load
// atomically.
type shard struct {
	// table is all that readers touch. It is replaced, not changed, when
	// it grows: a reader that loaded the old one finishes its probe on a
	// snapshot.
	table atomic.Pointer[slotTable]

	// Writers' fields start on another cache line, so that taking the
	// lock does not evict readers' copy of table.
	_ [56]byte

	// mu guards n and changes to table. Writers take it after the
	// cache's mutex; getExact takes it alone.
	mu sync.Mutex
	n  int // live entries

	_ [64]byte // keep the next shard's table off this cache line
}

// A slotTable is a shard's index. Its slots are changed only under the
// shard's lock and read without it.
type slotTable struct {
	slots []atomic.Pointer[entry] // len is a power of two
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

// put publishes e, in the place of the entry of its key if there is one,
// and returns that entry. s.mu must be held.
func (s *shard) put(e *entry) *entry {
	if pos, old := s.find(e.key, e.hash); old != nil {
		s.table.Load().slots[pos].Store(e)
		return old
	}
	if t := s.table.Load(); t == nil || (s.n+1)*4 > len(t.slots)*3 {
		s.growTable()
	}
	s.insertSlot(e)
	s.n++
	return nil
}

// deleteAt removes the entry at slot pos. s.mu must be held.
func (s *shard) deleteAt(pos int) {
	s.deleteSlot(pos)
	s.n--
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
