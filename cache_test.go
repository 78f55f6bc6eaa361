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

// modelClock is the obviously correct reference of the eviction policy
// described at clockCache: a small and a main FIFO queue, hit counts up to
// maxFreq, and a ghost list of hashes, as plain lists and maps.
type modelClock struct {
	small, main *list.List // of *modelEntry, front is the oldest
	byKey       map[string]*list.Element
	bytes       int64
	smallBytes  int64
	ghosts      []modelGhost // oldest first
	firstFills  int          // unhit keys first-fill admission decided on
	hash        func(string) uint64
}

// A modelGhost is a hash evicted from the small queue; live until a key
// of that hash comes back.
type modelGhost struct {
	h    uint32
	live bool
}

type modelEntry struct {
	key, value string
	hits       int
	inMain     bool
}

func newModelClock(hash func(string) uint64) *modelClock {
	return &modelClock{small: list.New(), main: list.New(), byKey: map[string]*list.Element{}, hash: hash}
}

func (m *modelClock) get(key string) (string, bool) {
	el, ok := m.byKey[key]
	if !ok {
		return "", false
	}
	e := el.Value.(*modelEntry)
	e.hits = min(e.hits+1, maxFreq)
	return e.value, true
}

// ghostTake reports whether h is a ghost, and forgets it. The forgotten
// adds keep their place in the list: they count towards its limit.
func (m *modelClock) ghostTake(h uint32) bool {
	found := false
	for i := range m.ghosts {
		if m.ghosts[i].h == h && m.ghosts[i].live {
			m.ghosts[i].live = false
			found = true
		}
	}
	return found
}

// add makes key the newest entry, unhit, whether or not it was present: in
// the main queue if it replaces a main entry or its hash is a ghost, which
// it uses up.
func (m *modelClock) add(key, value string) {
	toMain := m.ghostTake(uint32(m.hash(key)))
	if el, ok := m.byKey[key]; ok && el.Value.(*modelEntry).inMain {
		toMain = true
	}
	m.remove(key)
	e := &modelEntry{key: key, value: value, inMain: toMain}
	size := int64(len(key) + len(value))
	if toMain {
		m.byKey[key] = m.main.PushBack(e)
	} else {
		m.byKey[key] = m.small.PushBack(e)
		m.smallBytes += size
	}
	m.bytes += size
}

func (m *modelClock) remove(key string) bool {
	el, ok := m.byKey[key]
	if ok {
		e := el.Value.(*modelEntry)
		size := int64(len(e.key) + len(e.value))
		m.bytes -= size
		if e.inMain {
			m.main.Remove(el)
		} else {
			m.small.Remove(el)
			m.smallBytes -= size
		}
		delete(m.byKey, key)
	}
	return ok
}

func (m *modelClock) promote(el *list.Element) {
	e := el.Value.(*modelEntry)
	m.small.Remove(el)
	m.smallBytes -= int64(len(e.key) + len(e.value))
	e.hits, e.inMain = 0, true
	m.byKey[e.key] = m.main.PushBack(e)
}

// mainVictim returns the front of the main queue once every entry before
// it that was hit has lost a hit and gone to the back, passing at most as
// many entries as there are.
func (m *modelClock) mainVictim() *list.Element {
	for spare := len(m.byKey); m.main.Len() > 0; spare-- {
		el := m.main.Front()
		if e := el.Value.(*modelEntry); spare > 0 && e.hits > 0 {
			e.hits--
			m.main.MoveToBack(el)
			continue
		}
		return el
	}
	return nil
}

// removeOldest evicts and returns the key the policy evicts next.
func (m *modelClock) removeOldest() (string, bool) {
	for {
		share := m.bytes / smallShare
		el := m.small.Front()
		if el == nil || (m.smallBytes <= share && m.main.Len() > 0) {
			v := m.mainVictim()
			if v == nil {
				return "", false
			}
			key := v.Value.(*modelEntry).key
			m.remove(key)
			return key, true
		}
		e := el.Value.(*modelEntry)
		if e.hits >= promoteHits {
			m.promote(el)
			continue
		}
		if m.smallBytes-int64(len(e.key)+len(e.value)) > share {
			// First-fill admission: a key hit while in the small
			// queue, and firstFillAdmit unhit keys of every
			// firstFillOf, in turn.
			if e.hits > 0 {
				m.promote(el)
				continue
			}
			m.firstFills++
			if m.firstFills%firstFillOf < firstFillAdmit {
				m.promote(el)
				continue
			}
		}
		for limit := max(len(m.byKey), 1); len(m.ghosts) >= limit; {
			m.ghosts = m.ghosts[1:]
		}
		m.ghosts = append(m.ghosts, modelGhost{uint32(m.hash(e.key)), true})
		m.remove(e.key)
		return e.key, true
	}
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
		keys := 1 + rng.IntN(200)
		hash := func(key string) uint64 {
			h := maphash.String(seed, key)
			if round%2 == 1 {
				h &= 7 // force long probe runs and many equal hashes
			}
			return h
		}
		m := newModelClock(hash)
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
			if got, want := peekMain(c, key, hash(key)), el.Value.(*modelEntry).inMain; got != want {
				t.Fatalf("round %d: %q in main queue: %v; want %v", round, key, got, want)
			}
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

// TestScanEvictsNeitherMainNorItsOwnHitKeys follows the policy step by
// step. Twenty keys fill an empty cache; keys keep coming, none asked for
// again, until the main queue holds its eighteen: first-fill admission
// sends firstFillAdmit of every firstFillOf there, in turn, and evicts the
// others from the small queue. After that, a scan of new keys evicts only
// keys of the scan, except a scan key hit twice, which moves to the main
// queue when it reaches the head of the small one and costs the main
// queue its oldest key; and a scan key that comes back soon after its
// eviction goes straight to the main queue.
func TestScanEvictsNeitherMainNorItsOwnHitKeys(t *testing.T) {
	c := newClockCache(0)
	never := func() int64 { panic("no entry expires") }
	const size = 20
	key := func(i int) string { return fmt.Sprintf("k%03d", i) }
	add := func(i int) {
		c.add(key(i), uint64(i), ByteView{s: "v"}, 0)
		for c.bytes() > size*5 {
			if !c.removeOldest() {
				t.Fatal("removeOldest evicted nothing from a full cache")
			}
		}
	}
	has := func(i int) bool {
		_, ok := peek(c, key(i), uint64(i))
		return ok
	}
	mainLen := func() int {
		c.mu.Lock()
		defer c.mu.Unlock()
		n := 0
		for e := c.main.head; e != nil; e = e.next {
			n++
		}
		return n
	}
	const mainSize = size - size/smallShare
	next := 0
	for ; next < size || mainLen() < mainSize; next++ {
		if next == 10*size {
			t.Fatal("first-fill admission never filled the main queue")
		}
		add(next)
	}
	// Every key so far reached the head of the small queue while the
	// main queue was under its share, in order: the first-fill
	// rotation decided on each.
	var main []int
	for i := range next {
		admitted := len(main) < mainSize && (i+1)%firstFillOf < firstFillAdmit
		if admitted {
			main = append(main, i)
		}
		if got := peekMain(c, key(i), uint64(i)); got != admitted {
			t.Fatalf("%s in the main queue: %v; first-fill admission admits %d keys in %d, in turn", key(i), got, firstFillAdmit, firstFillOf)
		}
	}
	if next-len(main) <= size-mainSize {
		t.Fatalf("filling the main queue took %d keys for %d places: first-fill admission turned none away", next, mainSize)
	}
	scan := next
	hit := scan + 10
	for i := scan; i < scan+2*size; i++ {
		add(i)
		if i == hit { // hit twice while in the small queue
			c.get(key(hit), uint64(hit), never)
			c.get(key(hit), uint64(hit), never)
		}
	}
	// Promotion reset the main keys' hits, so the hit key's arrival
	// cost the oldest of them; no other.
	if has(main[0]) {
		t.Fatal("the hit scan key joined the main queue without evicting its victim")
	}
	for _, i := range main[1:] {
		if !has(i) {
			t.Fatalf("main-queue key %s was evicted by a scan", key(i))
		}
	}
	if !has(hit) || !peekMain(c, key(hit), uint64(hit)) {
		t.Fatal("a scan key hit twice was not kept in the main queue")
	}
	end := scan + 2*size
	for i := scan; i < end-2; i++ {
		if i != hit && has(i) {
			t.Fatalf("scan key %s outlived newer scan keys", key(i))
		}
	}
	// end-3 was evicted last; it comes back as a main-queue key.
	add(end - 3)
	if !peekMain(c, key(end-3), uint64(end-3)) {
		t.Fatal("a key evicted from the small queue came back to the small queue")
	}
}

// TestClockEvictsEvenIfAllReferenced checks that an eviction ends when
// every entry of the main queue is hit: the hand passes each once, then
// evicts.
func TestClockEvictsEvenIfAllReferenced(t *testing.T) {
	c := newClockCache(0)
	never := func() int64 { panic("no entry expires") }
	hitAll := func(times int) {
		for i := range 10 {
			for range times {
				c.get(fmt.Sprint(i), uint64(i), never)
			}
		}
	}
	for i := range 10 {
		c.add(fmt.Sprint(i), uint64(i), ByteView{s: "v"}, 0)
	}
	hitAll(promoteHits) // all move to the main queue, with no hits there
	if !c.removeOldest() {
		t.Fatal("removeOldest evicted nothing")
	}
	if _, ok := peek(c, "0", 0); ok {
		t.Fatal("the oldest entry of a main queue without hits was not evicted")
	}
	// Every entry now has all the hits it can count, and the hand
	// counts one down per pass: it must still evict within a turn.
	hitAll(maxFreq)
	if !c.removeOldest() {
		t.Fatal("removeOldest evicted nothing")
	}
	if st := c.stats(); st.Items != 8 || st.Evictions != 2 {
		t.Fatalf("after two evictions of ten entries: %+v", st)
	}
}

// peekMain reports whether key is in c's main queue.
func peekMain(c *clockCache, key string, h uint64) bool {
	s := c.shardFor(h)
	s.mu.Lock()
	defer s.mu.Unlock()
	_, e := s.find(key, uint32(h))
	return e != nil && e.ref.Load()&mainBit != 0
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
	n, smallBytes := 0, int64(0)
	for _, q := range []*clockList{&c.small, &c.main} {
		var prev *entry
		for e := q.head; e != nil && n <= c.n; e = e.next {
			if e.prev != prev {
				t.Errorf("queue entry %d, %q, is not linked back to its predecessor", n, e.key)
			}
			if inMain := e.ref.Load()&mainBit != 0; inMain != (q == &c.main) {
				t.Errorf("queue entry %d, %q, is in the wrong queue (main bit %v)", n, e.key, inMain)
			}
			if q == &c.small {
				smallBytes += entrySize(e.key, e.value)
			}
			s := c.shardOf(e)
			s.mu.Lock()
			if s.slotOf(e) < 0 {
				t.Errorf("queue entry %d, %q, is not in its shard's table", n, e.key)
			}
			s.mu.Unlock()
			prev = e
			n++
		}
		if q.tail != prev {
			t.Errorf("a queue ends at %p, its tail is %p", prev, q.tail)
		}
	}
	if n != c.n || n != tables || smallBytes != c.smallBytes {
		t.Errorf("the queues link %d entries of which small ones take %d bytes; the count is %d, the tables hold %d, smallBytes is %d", n, smallBytes, c.n, tables, c.smallBytes)
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
	if c.n != 1 || c.small.head == nil || c.small.head.key != "stay" {
		t.Fatalf("%d live entries; the small queue starts at %+v", c.n, c.small.head)
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
