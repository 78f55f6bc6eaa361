package lru

import (
	"slices"
	"testing"
)

// FuzzAgainstModel runs an arbitrary sequence of operations on a Cache
// and on the obviously correct model of lru_test.go, and requires the
// same answers, lengths, evictions and, at the end, recency order. Each
// operation is two bytes: which operation, and its argument.
func FuzzAgainstModel(f *testing.F) {
	f.Add(uint8(0), []byte{0, 1, 0, 2, 0, 3, 1, 1, 0, 4})
	f.Add(uint8(2), []byte{0, 1, 0, 2, 1, 1, 0, 3, 2, 1, 3, 0, 0, 5})
	f.Add(uint8(3), []byte{0, 1, 0, 2, 0, 3, 4, 1, 0, 4, 0, 5, 5, 0, 0, 6})
	f.Add(uint8(255), []byte{0, 1, 0, 2, 4, 0, 0, 3})
	f.Fuzz(func(t *testing.T, max uint8, ops []byte) {
		var got evictLog
		c := New(int(int8(max)) % 8) // includes 0 (no limit) and negatives
		c.OnEvicted = got.record
		m := &model{max: c.MaxEntries}
		for i := 0; i+1 < len(ops) && i < 2000; i += 2 {
			arg := int(ops[i+1])
			k := arg % 12
			switch ops[i] % 6 {
			case 0:
				c.Add(k, i)
				m.add(k, i)
			case 1:
				gv, gok := c.Get(k)
				mv, mok := m.get(k)
				if gv != mv || gok != mok {
					t.Fatalf("op %d: Get(%d) = %v, %v; model %v, %v", i/2, k, gv, gok, mv, mok)
				}
			case 2:
				c.Remove(k)
				m.remove(k)
			case 3:
				c.RemoveOldest()
				m.removeOldest()
			case 4:
				n := arg%10 - 1
				c.MaxEntries = n
				m.max = n
			case 5:
				// Clear reports in map order; compare it as a set.
				start := len(got)
				c.Clear()
				m.clear()
				sortLog(got[start:])
				sortLog(m.log[start:])
			}
			if c.Len() != len(m.entries) {
				t.Fatalf("op %d: Len = %d, model %d", i/2, c.Len(), len(m.entries))
			}
			if !slices.Equal(got, m.log) {
				t.Fatalf("op %d: evictions %v, model %v", i/2, got, m.log)
			}
		}
		for len(m.entries) > 0 {
			c.RemoveOldest()
			m.removeOldest()
		}
		if !slices.Equal(got, m.log) || c.Len() != 0 {
			t.Fatalf("draining: evictions %v, model %v", got, m.log)
		}
	})
}
