package groupcache

import (
	"container/list"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

// modelClock is the obviously correct reference: CLOCK as a queue in
// insertion order, where the entry at the front is evicted unless it was
// referenced, in which case it loses its reference and goes to the back.
type modelClock struct {
	queue *list.List // of *modelEntry, front is the clock hand
	byKey map[string]*list.Element
	bytes int64
}

type modelEntry struct {
	key, value string
	ref        bool
}

func newModelClock() *modelClock {
	return &modelClock{queue: list.New(), byKey: map[string]*list.Element{}}
}

func (m *modelClock) get(key string) (string, bool) {
	el, ok := m.byKey[key]
	if !ok {
		return "", false
	}
	e := el.Value.(*modelEntry)
	e.ref = true
	return e.value, true
}

// add makes key the newest entry, unreferenced, whether or not it was
// present.
func (m *modelClock) add(key, value string) {
	m.remove(key)
	m.byKey[key] = m.queue.PushBack(&modelEntry{key: key, value: value})
	m.bytes += int64(len(key) + len(value))
}

func (m *modelClock) remove(key string) bool {
	el, ok := m.byKey[key]
	if ok {
		e := el.Value.(*modelEntry)
		m.bytes -= int64(len(e.key) + len(e.value))
		m.queue.Remove(el)
		delete(m.byKey, key)
	}
	return ok
}

// removeOldest evicts and returns the next key the clock hand evicts.
func (m *modelClock) removeOldest() (string, bool) {
	for el := m.queue.Front(); el != nil; el = m.queue.Front() {
		e := el.Value.(*modelEntry)
		if !e.ref {
			m.remove(e.key)
			return e.key, true
		}
		e.ref = false
		m.queue.MoveToBack(el)
	}
	return "", false
}

// peek returns the value of key in c without referencing it, under the
// shard's lock.
func peek(c *clockCache, key string, h uint64) (string, bool) {
	s := c.shardFor(h)
	s.mu.Lock()
	defer s.mu.Unlock()
	_, e := s.find(key, uint32(h))
	if e == nil {
		return "", false
	}
	return e.value.String(), true
}

// TestShardMatchesModel drives a cache, of one shard or of 32, and the
// model with the same random operations over a small key space, so that
// probe runs collide, wrap around and are shifted back on deletion and
// the table grows, and compares every answer, every eviction and, after
// each round, every entry. The clock spans the shards: eviction order is
// the model's whatever the number of shards.
func TestShardMatchesModel(t *testing.T) {
	seed := maphash.MakeSeed()
	rng := rand.New(rand.NewPCG(1, 2))
	never := func() int64 { panic("no entry expires") }
	for round := 0; round < 20; round++ {
		c := newClockCache(uint(round%4/2) * 5)
		m := newModelClock()
		keys := 1 + rng.IntN(200)
		hash := func(key string) uint64 {
			h := maphash.String(seed, key)
			if round%2 == 1 {
				h &= 7 // force long probe runs and many equal hashes
			}
			return h
		}
		for op := 0; op < 5000; op++ {
			key := fmt.Sprintf("k%d", rng.IntN(keys))
			h := hash(key)
			switch rng.IntN(5) {
			case 0:
				value := fmt.Sprint(rng.IntN(1000))
				c.add(key, h, ByteView{s: value}, 0)
				m.add(key, value)
			case 1:
				got, _, ok := c.get(key, h, never)
				want, wantOK := m.get(key)
				if ok != wantOK || got.String() != want {
					t.Fatalf("round %d op %d: get(%q) = %q, %v; want %q, %v", round, op, key, got, ok, want, wantOK)
				}
			case 2:
				got, _, ok := c.getExact(key, h, never)
				want, wantOK := m.get(key)
				if ok != wantOK || got.String() != want {
					t.Fatalf("round %d op %d: getExact(%q) = %q, %v; want %q, %v", round, op, key, got, ok, want, wantOK)
				}
			case 3:
				if got, want := c.remove(key, h), m.remove(key); got != want {
					t.Fatalf("round %d op %d: remove(%q) = %v; want %v", round, op, key, got, want)
				}
			case 4:
				victim, want := m.removeOldest()
				if got := c.removeOldest(); got != want {
					t.Fatalf("round %d op %d: removeOldest = %v; want %v", round, op, got, want)
				}
				if _, ok := peek(c, victim, hash(victim)); want && ok {
					t.Fatalf("round %d op %d: removeOldest kept %q, the model's victim", round, op, victim)
				}
			}
			if c.bytes() != m.bytes {
				t.Fatalf("round %d op %d: bytes = %d; want %d", round, op, c.bytes(), m.bytes)
			}
		}
		if st := c.stats(); st.Items != int64(len(m.byKey)) || st.Bytes != m.bytes {
			t.Fatalf("round %d: stats %+v; model has %d items, %d bytes", round, st, len(m.byKey), m.bytes)
		}
		for key, el := range m.byKey {
			if got, ok := peek(c, key, hash(key)); !ok || got != el.Value.(*modelEntry).value {
				t.Fatalf("round %d: %q = %q, %v; want %q", round, key, got, ok, el.Value.(*modelEntry).value)
			}
		}
		checkClock(t, c)
		// Eviction order must be the model's.
		for {
			victim, ok := m.removeOldest()
			if got := c.removeOldest(); got != ok {
				t.Fatalf("round %d: removeOldest = %v; want %v", round, got, ok)
			}
			if !ok {
				break
			}
			if _, ok := peek(c, victim, hash(victim)); ok {
				t.Fatalf("round %d: %q survived its turn to be evicted", round, victim)
			}
		}
	}
}

// TestClockSparesReferencedEntries follows the clock hand step by step:
// without hits it evicts in insertion order, and a hit buys an entry one
// pass of the hand.
func TestClockSparesReferencedEntries(t *testing.T) {
	c := newClockCache(0)
	never := func() int64 { panic("no entry expires") }
	hashes := map[string]uint64{"a": 0, "b": 1, "c": 2, "d": 3}
	for _, k := range []string{"a", "b", "c", "d"} {
		c.add(k, hashes[k], ByteView{s: "v"}, 0)
	}
	if _, _, ok := c.get("a", 0, never); !ok {
		t.Fatal("a missing")
	}
	c.add("c", 2, ByteView{s: "v2"}, 0) // replaced: now the newest
	for _, want := range []string{"b", "d", "c", "a"} {
		if !c.removeOldest() {
			t.Fatalf("cache empty before %q was evicted", want)
		}
		for k, h := range hashes {
			if _, ok := peek(c, k, h); ok == (k == want) {
				t.Fatalf("after evicting %q, presence of %q is %v", want, k, ok)
			}
		}
		delete(hashes, want)
	}
	if c.removeOldest() || c.bytes() != 0 {
		t.Fatalf("cache not empty: %d bytes", c.bytes())
	}
}

// TestClockEvictsEvenIfAllReferenced checks that an eviction ends when
// every entry is referenced: the hand clears each bit once, then evicts.
func TestClockEvictsEvenIfAllReferenced(t *testing.T) {
	c := newClockCache(0)
	never := func() int64 { panic("no entry expires") }
	for i := range 10 {
		c.add(fmt.Sprint(i), uint64(i), ByteView{s: "v"}, 0)
		c.get(fmt.Sprint(i), uint64(i), never)
	}
	if !c.removeOldest() {
		t.Fatal("removeOldest evicted nothing")
	}
	if _, ok := peek(c, "0", 0); ok {
		t.Fatal("the oldest entry survived a full turn of the hand")
	}
}

func TestCacheExpiry(t *testing.T) {
	for _, exact := range []bool{false, true} {
		c := newClockCache(0)
		now := int64(100)
		get := func(key string, h uint64) (ByteView, int64, bool) {
			clock := func() int64 { return now }
			if exact {
				return c.getExact(key, h, clock)
			}
			return c.get(key, h, clock)
		}
		c.add("a", 1, ByteView{s: "1"}, 150)
		c.add("b", 2, ByteView{s: "2"}, 0)
		if _, exp, ok := get("a", 1); !ok || exp != 150 {
			t.Fatalf("exact=%v: get before expiry = %d, %v", exact, exp, ok)
		}
		now = 150
		if _, _, ok := get("a", 1); ok {
			t.Fatalf("exact=%v: entry served at its expiry time", exact)
		}
		if st := c.stats(); st.Items != 1 || st.Bytes != 2 || c.bytes() != 2 {
			t.Fatalf("exact=%v: expired entry not removed: %+v", exact, st)
		}
		if _, _, ok := get("b", 2); !ok {
			t.Fatalf("exact=%v: entry without expiry was lost", exact)
		}
	}
}

func TestCacheShardsSpreadAndEvictAcrossShards(t *testing.T) {
	c := newClockCache(3)
	seed := maphash.MakeSeed()
	for i := 0; i < 100; i++ {
		k := fmt.Sprint(i)
		c.add(k, maphash.String(seed, k), ByteView{s: "v"}, 0)
	}
	used := 0
	for i := range c.shards {
		if c.shards[i].n > 0 {
			used++
		}
	}
	if used < 6 {
		t.Fatalf("100 keys landed in only %d of 8 shards", used)
	}
	// removeOldest must find entries in any shard, whatever the hint.
	for i := 0; i < 100; i++ {
		if !c.removeOldest() {
			t.Fatalf("removeOldest failed with %d entries left", 100-i)
		}
	}
	if c.removeOldest() || c.bytes() != 0 {
		t.Fatalf("cache not empty: %d bytes", c.bytes())
	}
}

// checkClock checks that the cache's clock links exactly the entries in
// its shards' tables, both ways.
func checkClock(t *testing.T, c *clockCache) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	tables := 0
	for k := range c.shards {
		s := &c.shards[k]
		s.mu.Lock()
		tables += s.n
		s.mu.Unlock()
	}
	n := 0
	var prev *entry
	for e := c.clock.head; e != nil && n <= c.n; e = e.next {
		if e.prev != prev {
			t.Errorf("clock entry %d, %q, is not linked back to its predecessor", n, e.key)
		}
		s := c.shardOf(e)
		s.mu.Lock()
		if s.slotOf(e) < 0 {
			t.Errorf("clock entry %d, %q, is not in its shard's table", n, e.key)
		}
		s.mu.Unlock()
		prev = e
		n++
	}
	if n != c.n || n != tables || c.clock.tail != prev {
		t.Errorf("clock links %d entries, ending at %p; the count is %d, the tables hold %d, the tail is %p", n, prev, c.n, tables, c.clock.tail)
	}
}

// TestClockHoldsOnlyLiveEntries checks that replaced and removed entries
// leave the clock at once, so that it keeps no value alive.
func TestClockHoldsOnlyLiveEntries(t *testing.T) {
	c := newClockCache(0)
	c.add("stay", 0, ByteView{s: "v"}, 0)
	for i := range 1000 {
		k := fmt.Sprint(i)
		c.add(k, uint64(i), ByteView{s: "v"}, 0)
		c.add(k, uint64(i), ByteView{s: "w"}, 0)
		if !c.remove(k, uint64(i)) {
			t.Fatalf("%q missing", k)
		}
	}
	checkClock(t, c)
	if c.n != 1 || c.clock.head == nil || c.clock.head.key != "stay" {
		t.Fatalf("%d live entries; the clock starts at %+v", c.n, c.clock.head)
	}
}

// TestEntrySize guards the memory per entry: an entry must fit the 64-byte
// size class.
func TestEntrySize(t *testing.T) {
	if n := unsafe.Sizeof(entry{}); n > 64 {
		t.Fatalf("an entry takes %d bytes; want at most 64", n)
	}
}

// cacheValue is the value that TestConcurrentReadsAndWrites stores under
// key: the key, and a version that writers change.
func cacheValue(key string, version int) ByteView {
	return ByteView{s: key + "=" + fmt.Sprint(version)}
}

// TestConcurrentReadsAndWrites runs readers against writers that add,
// replace, remove and evict keys in one shard, with hashes that put every
// key in one long probe run, so that deletions shift entries past the
// readers and the table grows under them. A reader must never see the
// value of another key; stable keys, which no writer removes, must always
// be found by getExact; and the byte count must be exact at the end.
func TestConcurrentReadsAndWrites(t *testing.T) {
	const (
		stable   = 16
		churn    = 48
		writers  = 2
		readers  = 4
		opsPerG  = 4000
		homeBits = 3 // all keys hash to 8 home slots
	)
	c := newClockCache(0)
	never := func() int64 { return 0 }
	key := func(i int) (string, uint64) {
		k := fmt.Sprintf("key%d", i)
		return k, uint64(i) & (1<<homeBits - 1)
	}
	for i := range stable {
		k, h := key(i)
		c.add(k, h, cacheValue(k, 0), 0)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 10 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for op := range opsPerG {
				k, h := key(stable + rng.IntN(churn))
				switch rng.IntN(3) {
				case 0:
					c.add(k, h, cacheValue(k, op), 0)
				case 1:
					c.remove(k, h)
				case 2:
					// A key that comes and goes at once:
					// its slot is taken and shifted back.
					c.add(k, h, cacheValue(k, op), 0)
					c.remove(k, h)
				}
			}
		}()
	}
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(r), 2))
			for range opsPerG {
				i := rng.IntN(stable + churn)
				k, h := key(i)
				exact := rng.IntN(2) == 0
				var v ByteView
				var ok bool
				if exact {
					v, _, ok = c.getExact(k, h, never)
				} else {
					v, _, ok = c.get(k, h, never)
				}
				if ok && !strings.HasPrefix(v.String(), k+"=") {
					fail("get(%q) = %q", k, v)
				}
				if i < stable && exact && !ok {
					fail("getExact missed stable key %q", k)
				}
			}
		}()
	}
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	// Bytes are exact: they match the entries that can be found.
	var items, bytes int64
	for i := range stable + churn {
		k, h := key(i)
		if v, ok := peek(c, k, h); ok {
			items++
			bytes += int64(len(k) + len(v))
		}
	}
	if st := c.stats(); st.Items != items || st.Bytes != bytes || c.bytes() != bytes {
		t.Fatalf("stats %+v, bytes %d; the entries found are %d, of %d bytes", st, c.bytes(), items, bytes)
	}
	checkClock(t, c)
}

// TestConcurrentEvictions runs readers against writers that fill one
// shard and evict from it, and checks that no reader sees another key's
// value and that the byte count is exact at the end.
func TestConcurrentEvictions(t *testing.T) {
	const (
		keys    = 256
		writers = 2
		readers = 4
		opsPerG = 4000
	)
	c := newClockCache(0)
	never := func() int64 { return 0 }
	key := func(i int) (string, uint64) {
		k := fmt.Sprintf("key%d", i)
		return k, uint64(i) & 15
	}
	var wg sync.WaitGroup
	var bad sync.Map
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 3))
			for op := range opsPerG {
				k, h := key(rng.IntN(keys))
				c.add(k, h, cacheValue(k, op), 0)
				for c.shards[0].size() > 64 {
					c.removeOldest()
				}
			}
		}()
	}
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(r), 4))
			for range opsPerG {
				k, h := key(rng.IntN(keys))
				if v, _, ok := c.get(k, h, never); ok && !strings.HasPrefix(v.String(), k+"=") {
					bad.Store(k, v.String())
				}
			}
		}()
	}
	wg.Wait()
	bad.Range(func(k, v any) bool {
		t.Errorf("get(%q) = %q", k, v)
		return true
	})
	var items, bytes int64
	for i := range keys {
		k, h := key(i)
		if v, ok := peek(c, k, h); ok {
			items++
			bytes += int64(len(k) + len(v))
		}
	}
	if st := c.stats(); st.Items != items || st.Bytes != bytes || c.bytes() != bytes || items > 64 {
		t.Fatalf("stats %+v, bytes %d; the entries found are %d, of %d bytes", st, c.bytes(), items, bytes)
	}
	checkClock(t, c)
}

// size returns the live entries of s.
func (s *shard) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}
