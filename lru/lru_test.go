package lru

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
)

type pair struct {
	key   Key
	value interface{}
}

type evictLog []pair

func (l *evictLog) record(key Key, value interface{}) {
	*l = append(*l, pair{key, value})
}

func TestZeroValueUsable(t *testing.T) {
	var c Cache
	if _, ok := c.Get("missing"); ok {
		t.Fatal("Get on zero Cache reported a hit")
	}
	c.Remove("missing")
	c.RemoveOldest()
	c.Clear()
	if n := c.Len(); n != 0 {
		t.Fatalf("Len of zero Cache = %d, want 0", n)
	}
	for i := 0; i < 1000; i++ {
		c.Add(i, i*i)
	}
	if n := c.Len(); n != 1000 {
		t.Fatalf("Len after 1000 Adds with no limit = %d, want 1000", n)
	}
	if v, ok := c.Get(999); !ok || v != 999*999 {
		t.Fatalf("Get(999) = %v, %v; want %d, true", v, ok, 999*999)
	}
}

func TestKeysOfAnyComparableType(t *testing.T) {
	type point struct{ x, y int }
	c := New(0)
	keys := []Key{"s", 1, int64(1), 1.5, point{1, 2}, [2]string{"a", "b"}, true, nil}
	for i, k := range keys {
		c.Add(k, i)
	}
	if c.Len() != len(keys) {
		t.Fatalf("Len = %d, want %d: distinct keys collided", c.Len(), len(keys))
	}
	for i, k := range keys {
		if v, ok := c.Get(k); !ok || v != i {
			t.Errorf("Get(%#v) = %v, %v; want %d, true", k, v, ok, i)
		}
	}
}

func TestNonComparableKeyPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Add with a slice key did not panic")
		}
	}()
	New(0).Add([]byte("k"), 1)
}

func TestEvictsLeastRecentlyUsed(t *testing.T) {
	var log evictLog
	c := New(2)
	c.OnEvicted = log.record
	c.Add("a", 1)
	c.Add("b", 2)
	c.Get("a") // "b" is now the oldest
	c.Add("c", 3)
	if want := (evictLog{{"b", 2}}); !slices.Equal(log, want) {
		t.Fatalf("evicted %v, want %v", log, want)
	}
	if _, ok := c.Get("b"); ok {
		t.Error("evicted key still present")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.Get(k); !ok {
			t.Errorf("key %q missing", k)
		}
	}
}

func TestOnEvictedSemantics(t *testing.T) {
	var log evictLog
	c := New(0)
	c.OnEvicted = log.record

	c.Add("k", 1)
	c.Add("k", 2) // replacement is not an eviction
	if len(log) != 0 {
		t.Fatalf("replacing a value called OnEvicted: %v", log)
	}
	c.Remove("k")
	c.Remove("k") // absent: no callback
	if want := (evictLog{{"k", 2}}); !slices.Equal(log, want) {
		t.Fatalf("after Remove, evicted %v, want %v", log, want)
	}

	log = nil
	c.Add("x", 1)
	c.Add("y", 2)
	c.RemoveOldest()
	if want := (evictLog{{"x", 1}}); !slices.Equal(log, want) {
		t.Fatalf("after RemoveOldest, evicted %v, want %v", log, want)
	}

	log = nil
	c.Add("z", 3)
	c.Clear()
	sortLog(log)
	if want := (evictLog{{"y", 2}, {"z", 3}}); !slices.Equal(log, want) {
		t.Fatalf("after Clear, evicted %v, want %v", log, want)
	}
	if c.Len() != 0 {
		t.Fatalf("Len after Clear = %d", c.Len())
	}
	c.Add("again", 1)
	if v, ok := c.Get("again"); !ok || v != 1 {
		t.Fatal("cache unusable after Clear")
	}
}

func TestOnEvictedSetAfterFirstAdd(t *testing.T) {
	var log evictLog
	c := New(1)
	c.Add("a", 1)
	c.OnEvicted = log.record
	c.Add("b", 2)
	if want := (evictLog{{"a", 1}}); !slices.Equal(log, want) {
		t.Fatalf("evicted %v, want %v", log, want)
	}
}

func TestLoweringMaxEntriesShrinksOnePerAdd(t *testing.T) {
	c := New(10)
	for i := 0; i < 10; i++ {
		c.Add(i, i)
	}
	c.MaxEntries = 5
	if c.Len() != 10 {
		t.Fatalf("lowering MaxEntries evicted eagerly: Len = %d", c.Len())
	}
	c.Add(0, 0) // existing key: nothing evicted
	if c.Len() != 10 {
		t.Fatalf("updating a key evicted: Len = %d", c.Len())
	}
	c.Add(100, 100)
	if c.Len() != 10 {
		t.Fatalf("Add of a new key evicted more than one entry: Len = %d", c.Len())
	}
	if _, ok := c.Get(1); ok {
		t.Error("oldest entry survived the Add")
	}
}

func sortLog(l evictLog) {
	slices.SortFunc(l, func(a, b pair) int {
		as, bs := fmt.Sprint(a.key), fmt.Sprint(b.key)
		if as < bs {
			return -1
		}
		if as > bs {
			return 1
		}
		return 0
	})
}

// model is an obviously correct LRU: a slice ordered from most to least
// recently used, searched linearly. It mirrors upstream's rules, including
// the single eviction per Add and the treatment of negative MaxEntries.
type model struct {
	max     int
	entries []pair
	log     evictLog
}

func (m *model) find(k Key) int {
	return slices.IndexFunc(m.entries, func(p pair) bool { return p.key == k })
}

func (m *model) add(k Key, v interface{}) {
	if i := m.find(k); i >= 0 {
		m.entries = slices.Delete(m.entries, i, i+1)
		m.entries = slices.Insert(m.entries, 0, pair{k, v})
		return
	}
	m.entries = slices.Insert(m.entries, 0, pair{k, v})
	if m.max != 0 && len(m.entries) > m.max {
		m.removeOldest()
	}
}

func (m *model) get(k Key) (interface{}, bool) {
	i := m.find(k)
	if i < 0 {
		return nil, false
	}
	p := m.entries[i]
	m.entries = slices.Delete(m.entries, i, i+1)
	m.entries = slices.Insert(m.entries, 0, p)
	return p.value, true
}

func (m *model) remove(k Key) {
	if i := m.find(k); i >= 0 {
		p := m.entries[i]
		m.entries = slices.Delete(m.entries, i, i+1)
		m.log = append(m.log, p)
	}
}

func (m *model) removeOldest() {
	if n := len(m.entries); n > 0 {
		m.log = append(m.log, m.entries[n-1])
		m.entries = m.entries[:n-1]
	}
}

func (m *model) clear() {
	m.log = append(m.log, m.entries...)
	m.entries = nil
}

func TestRandomizedAgainstModel(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewSource(seed))
			var got evictLog
			var c Cache
			if seed%2 == 0 {
				c = *New(5) // exercise both constructors
			}
			c.OnEvicted = got.record
			m := &model{max: c.MaxEntries}
			for step := 0; step < 3000; step++ {
				k := rng.Intn(12)
				switch op := rng.Intn(100); {
				case op < 45:
					v := rng.Int()
					c.Add(k, v)
					m.add(k, v)
				case op < 80:
					gv, gok := c.Get(k)
					mv, mok := m.get(k)
					if gv != mv || gok != mok {
						t.Fatalf("step %d: Get(%d) = %v, %v; model %v, %v", step, k, gv, gok, mv, mok)
					}
				case op < 90:
					c.Remove(k)
					m.remove(k)
				case op < 95:
					c.RemoveOldest()
					m.removeOldest()
				case op < 97:
					n := rng.Intn(10) - 1 // includes 0 (unlimited) and -1
					c.MaxEntries = n
					m.max = n
				default:
					// Clear reports in map order; compare it as a set.
					start := len(got)
					c.Clear()
					m.clear()
					sortLog(got[start:])
					sortLog(m.log[start:])
				}
				if c.Len() != len(m.entries) {
					t.Fatalf("step %d: Len = %d, model %d", step, c.Len(), len(m.entries))
				}
				if !slices.Equal(got, m.log) {
					t.Fatalf("step %d: evictions %v, model %v", step, got, m.log)
				}
			}
			// The recency order must agree too: drain oldest first.
			for len(m.entries) > 0 {
				c.RemoveOldest()
				m.removeOldest()
			}
			if !slices.Equal(got, m.log) || c.Len() != 0 {
				t.Fatalf("draining: evictions %v, model %v", got, m.log)
			}
		})
	}
}

func BenchmarkAddGet(b *testing.B) {
	c := New(1024)
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = fmt.Sprint("key-", i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i%len(keys)]
		if _, ok := c.Get(k); !ok {
			c.Add(k, i)
		}
	}
}
