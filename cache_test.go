package groupcache

import (
	"container/list"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"testing"
)

// modelLRU is the obviously correct reference: a list in recency order.
type modelLRU struct {
	order *list.List // of *modelEntry, front is most recent
	byKey map[string]*list.Element
	bytes int64
}

type modelEntry struct {
	key, value string
}

func newModelLRU() *modelLRU {
	return &modelLRU{order: list.New(), byKey: map[string]*list.Element{}}
}

func (m *modelLRU) get(key string) (string, bool) {
	el, ok := m.byKey[key]
	if !ok {
		return "", false
	}
	m.order.MoveToFront(el)
	return el.Value.(*modelEntry).value, true
}

func (m *modelLRU) add(key, value string) {
	if el, ok := m.byKey[key]; ok {
		e := el.Value.(*modelEntry)
		m.bytes += int64(len(value) - len(e.value))
		e.value = value
		m.order.MoveToFront(el)
		return
	}
	m.byKey[key] = m.order.PushFront(&modelEntry{key, value})
	m.bytes += int64(len(key) + len(value))
}

func (m *modelLRU) remove(key string) bool {
	el, ok := m.byKey[key]
	if ok {
		e := el.Value.(*modelEntry)
		m.bytes -= int64(len(e.key) + len(e.value))
		m.order.Remove(el)
		delete(m.byKey, key)
	}
	return ok
}

func (m *modelLRU) removeOldest() bool {
	el := m.order.Back()
	if el == nil {
		return false
	}
	return m.remove(el.Value.(*modelEntry).key)
}

// TestShardMatchesModel drives a one-shard cache and the model with the
// same random operations over a small key space, so that probe runs
// collide, wrap around and are shifted back on deletion, and compares
// every answer.
func TestShardMatchesModel(t *testing.T) {
	seed := maphash.MakeSeed()
	rng := rand.New(rand.NewPCG(1, 2))
	never := func() int64 { panic("no entry expires") }
	for round := 0; round < 20; round++ {
		c := newLRUCache(0)
		m := newModelLRU()
		keys := 1 + rng.IntN(200)
		for op := 0; op < 5000; op++ {
			key := fmt.Sprintf("k%d", rng.IntN(keys))
			h := maphash.String(seed, key)
			if round%2 == 1 {
				h &= 7 // force long probe runs and many equal hashes
			}
			switch rng.IntN(4) {
			case 0:
				value := fmt.Sprint(rng.IntN(1000))
				c.add(key, h, ByteView{s: value}, 0)
				m.add(key, value)
			case 1:
				got, _, ok := c.get(key, h, never, false, false)
				want, wantOK := m.get(key)
				if ok != wantOK || got.String() != want {
					t.Fatalf("round %d op %d: get(%q) = %q, %v; want %q, %v", round, op, key, got, ok, want, wantOK)
				}
			case 2:
				if got, want := c.remove(key, h), m.remove(key); got != want {
					t.Fatalf("round %d op %d: remove(%q) = %v; want %v", round, op, key, got, want)
				}
			case 3:
				if got, want := c.removeOldest(h), m.removeOldest(); got != want {
					t.Fatalf("round %d op %d: removeOldest = %v; want %v", round, op, got, want)
				}
			}
			if c.bytes() != m.bytes {
				t.Fatalf("round %d op %d: bytes = %d; want %d", round, op, c.bytes(), m.bytes)
			}
		}
		if st := c.stats(); st.Items != int64(len(m.byKey)) || st.Bytes != m.bytes {
			t.Fatalf("round %d: stats %+v; model has %d items, %d bytes", round, st, len(m.byKey), m.bytes)
		}
		// Eviction order must be exact LRU order.
		for el := m.order.Back(); el != nil; el = el.Prev() {
			key := el.Value.(*modelEntry).key
			h := maphash.String(seed, key)
			if round%2 == 1 {
				h &= 7
			}
			if !c.removeOldest(0) {
				t.Fatalf("round %d: cache empty before model", round)
			}
			if _, _, ok := c.get(key, h, never, false, false); ok {
				t.Fatalf("round %d: %q survived its turn to be evicted", round, key)
			}
		}
	}
}

func TestCacheExpiry(t *testing.T) {
	c := newLRUCache(0)
	now := int64(100)
	clock := func() int64 { return now }
	c.add("a", 1, ByteView{s: "1"}, 150)
	c.add("b", 2, ByteView{s: "2"}, 0)
	if _, exp, ok := c.get("a", 1, clock, false, false); !ok || exp != 150 {
		t.Fatalf("get before expiry = %d, %v", exp, ok)
	}
	now = 150
	if _, _, ok := c.get("a", 1, clock, false, false); ok {
		t.Fatal("entry served at its expiry time")
	}
	if st := c.stats(); st.Items != 1 || st.Bytes != 2 {
		t.Fatalf("expired entry not removed: %+v", st)
	}
	if _, _, ok := c.get("b", 2, clock, false, false); !ok {
		t.Fatal("entry without expiry was lost")
	}
}

func TestCacheShardsSpreadAndEvictAcrossShards(t *testing.T) {
	c := newLRUCache(3)
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
		if !c.removeOldest(0) {
			t.Fatalf("removeOldest failed with %d entries left", 100-i)
		}
	}
	if c.removeOldest(0) || c.bytes() != 0 {
		t.Fatalf("cache not empty: %d bytes", c.bytes())
	}
}
