package groupcache

import (
	"context"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestWorkingSetThatFitsIsLoadedOnceAtEveryBudget asks, ten times over,
// for a working set of 4 KiB values that takes half the budget, and after
// it each time for as many bytes of new keys as a quarter and a half of
// the budget. The new keys are never asked for again, so the cache has
// room for the working set and the latest new keys together, and must
// evict only old new keys: like an LRU cache, it must load the working
// set once. Caches of 1 MiB or more are sharded; eviction must look
// across the shards, or a new key evicts a working-set key, or itself,
// in its own shard while old unused keys survive in others.
func TestWorkingSetThatFitsIsLoadedOnceAtEveryBudget(t *testing.T) {
	value := strings.Repeat("v", 4<<10)
	for _, budget := range []int64{1<<20 - 1, 1 << 20, 4 << 20, 16 << 20} {
		t.Run(fmt.Sprint(budget), func(t *testing.T) {
			var hotLoads atomic.Int64
			g := NewRegistry().NewGroup("g", budget, GetterFunc(func(_ context.Context, key string, dest Sink) error {
				if strings.HasPrefix(key, "hot") {
					hotLoads.Add(1)
				}
				return dest.SetString(value)
			}))
			hot := int(budget / 2 / int64(len(value)))
			cold := hot * 3 / 4
			next := 0
			for round := 0; round < 10; round++ {
				for i := 0; i < hot; i++ {
					getString(t, g, fmt.Sprintf("hot-%d", i))
				}
				for i := 0; i < cold; i++ {
					getString(t, g, fmt.Sprintf("cold-%d", next))
					next++
				}
			}
			if n := hotLoads.Load(); n != int64(hot) {
				t.Fatalf("a working set of %d keys was loaded %d times in 10 rounds; want once", hot, n)
			}
			if ev := g.CacheStats(MainCache).Evictions; ev == 0 {
				t.Fatal("nothing was evicted: the test does not test eviction")
			}
		})
	}
}

// BenchmarkGetMissEvictSharded is BenchmarkGetMiss/evict=true with a
// budget large enough for the cache to be sharded: every Get misses, and
// its insertion evicts an entry that may lie in any shard.
func BenchmarkGetMissEvictSharded(b *testing.B) {
	value := strings.Repeat("v", 64)
	g := benchGroup(b, 4<<20, value)
	keys := make([]string, 1<<17) // 12 MiB of entries, three times the budget
	for i := range keys {
		keys[i] = fmt.Sprintf("key-%031d", i)
	}
	ctx := context.Background()
	var s string
	sink := StringSink(&s)
	for _, k := range keys { // fill the cache: every Get below evicts
		g.Get(ctx, k, sink)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Get(ctx, keys[i%len(keys)], sink)
	}
}

// TestConcurrentEvictionsAcrossShards runs readers against writers that
// add, remove and evict keys of every shard, so that an eviction often
// takes an entry from another shard than the one a writer or reader is
// in, and checks that no reader sees another key's value and that the
// clock, the tables and the counts agree at the end.
func TestConcurrentEvictionsAcrossShards(t *testing.T) {
	const (
		keys    = 512
		limit   = 64
		writers = 2
		readers = 4
		opsPerG = 4000
	)
	c := newClockCache(5)
	never := func() int64 { return 0 }
	seed := maphash.MakeSeed()
	key := func(i int) (string, uint64) {
		k := fmt.Sprintf("key%d", i)
		return k, maphash.String(seed, k)
	}
	var wg sync.WaitGroup
	var bad sync.Map
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 5))
			for op := range opsPerG {
				k, h := key(rng.IntN(keys))
				if rng.IntN(8) == 0 {
					c.remove(k, h)
					continue
				}
				c.add(k, h, cacheValue(k, op), 0)
				for c.stats().Items > limit {
					c.removeOldest()
				}
			}
		}()
	}
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(r), 6))
			for range opsPerG {
				k, h := key(rng.IntN(keys))
				get := c.get
				if rng.IntN(2) == 0 {
					get = c.getExact
				}
				if v, _, ok := get(k, h, never); ok && !strings.HasPrefix(v.String(), k+"=") {
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
	if st := c.stats(); st.Items != items || st.Bytes != bytes || items > limit || st.Evictions == 0 {
		t.Fatalf("stats %+v; the entries found are %d, of %d bytes", st, items, bytes)
	}
	checkClock(t, c)
}

// TestGhostSendsAKeyToTheMainQueueOnce checks that a key back from the
// ghost queue uses up its ghost. It fills a cache of twenty entries, scans
// forty new keys through it so that the ghost remembers the last twenty
// of them, and brings one back into the main queue; the other ghosts,
// brought back after it, push it out of the main queue unhit. When it
// comes back once more it has earned nothing since its eviction from the
// small queue, and must start again in the small queue: a ghost that
// outlived its use sent such keys to the main queue on every miss, where
// they pushed out keys in use (1.3 points on the P3 trace at 100,000
// entries).
func TestGhostSendsAKeyToTheMainQueueOnce(t *testing.T) {
	c := newClockCache(0)
	const size = 20
	add := func(i int) {
		c.add(fmt.Sprintf("k%02d", i), uint64(i), ByteView{s: "v"}, 0)
		for c.bytes() > size*4 {
			if !c.removeOldest() {
				t.Fatal("removeOldest evicted nothing from a full cache")
			}
		}
	}
	has := func(i int) bool {
		_, ok := peek(c, fmt.Sprintf("k%02d", i), uint64(i))
		return ok
	}
	for i := range 3 * size {
		add(i)
	}
	const back = 3*size - 3 // evicted from the small queue last
	if has(back) {
		t.Fatalf("k%02d outlived the scan", back)
	}
	add(back)
	if !peekMain(c, fmt.Sprintf("k%02d", back), back) {
		t.Fatal("a key back from the ghost queue did not go to the main queue")
	}
	// The nineteen keys evicted from the small queue before k57 come
	// back too: the main queue's first keys make room for them, then
	// k57 does.
	for i := back - size + 1; has(back) && i < back; i++ {
		add(i)
		if !peekMain(c, fmt.Sprintf("k%02d", i), uint64(i)) {
			t.Fatalf("k%02d, back from the ghost queue, did not go to the main queue", i)
		}
	}
	if has(back) {
		t.Fatal("the main queue kept an unhit key while taking in others")
	}
	add(back)
	if peekMain(c, fmt.Sprintf("k%02d", back), back) {
		t.Fatal("a key went from the ghost queue to the main queue twice for one eviction from the small queue")
	}
}

// TestFirstFillAdmitsEveryKeyHitWhileFilling fills a cache with keys of
// which a few are hit once, fewer times than promotion takes: first-fill
// admission turns some unhit keys away, but moves every hit key to the
// main queue, so that a working set that fits, asked for again while the
// cache fills, is never evicted (see
// TestWorkingSetThatFitsIsLoadedOnceAtEveryBudget).
func TestFirstFillAdmitsEveryKeyHitWhileFilling(t *testing.T) {
	c := newClockCache(0)
	never := func() int64 { panic("no entry expires") }
	const size = 40
	key := func(i int) string { return fmt.Sprintf("k%03d", i) }
	hit := func(i int) bool { return i%firstFillOf >= firstFillAdmit-1 }
	for i := range 2 * size {
		c.add(key(i), uint64(i), ByteView{s: "v"}, 0)
		if i < size && hit(i) {
			c.get(key(i), uint64(i), never)
		}
		for c.bytes() > size*5 {
			if !c.removeOldest() {
				t.Fatal("removeOldest evicted nothing from a full cache")
			}
		}
	}
	turnedAway := 0
	for i := range size {
		inMain := peekMain(c, key(i), uint64(i))
		if hit(i) && !inMain {
			t.Fatalf("%s, hit while the cache filled, is not in the main queue", key(i))
		}
		if !hit(i) && !inMain {
			turnedAway++
		}
	}
	if turnedAway == 0 {
		t.Fatal("first-fill admission admitted every unhit key: the test does not test the share")
	}
}
