package groupcache

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

func TestStripedCountersSumExactly(t *testing.T) {
	c := new(stripedCounters)
	const goroutines, adds = 8, 1000
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range adds {
				c.add((g + j) % numCounters)
			}
		}()
	}
	wg.Wait()
	var total int64
	for i, n := range c.sums() {
		if n == 0 {
			t.Errorf("counter %d is 0", i)
		}
		total += n
	}
	if total != goroutines*adds {
		t.Fatalf("counters sum to %d; want %d", total, goroutines*adds)
	}
}

// TestStatsExactUnderConcurrentGets checks Stats and CacheStats against
// the Gets that concurrent goroutines made, some of which hit, while
// other goroutines read the counters.
func TestStatsExactUnderConcurrentGets(t *testing.T) {
	getter := &countingGetter{}
	g := NewRegistry().NewGroup("g", 1<<20, getter)
	ctx := context.Background()
	const keys, goroutines, gets = 10, 4, 500
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range gets {
				var s string
				if err := g.Get(ctx, fmt.Sprint("k", j%keys), StringSink(&s)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	stop := make(chan struct{})
	reader := make(chan struct{})
	go func() {
		defer close(reader)
		for {
			select {
			case <-stop:
				return
			default:
				g.Stats.Gets.Get()
				g.CacheStats(MainCache)
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-reader

	st := &g.Stats
	if n := getter.calls.Load(); n != keys {
		t.Fatalf("Getter ran %d times for %d keys", n, keys)
	}
	if got, want := st.Gets.Get(), int64(goroutines*gets); got != want {
		t.Errorf("Stats.Gets = %d; want %d", got, want)
	}
	// A Get that misses at its start counts a load; its flight, if it
	// leads one, looks the key up once more before loading.
	if got, want := st.CacheHits.Get(), int64(goroutines*gets)-st.Loads.Get(); got < want {
		t.Errorf("Stats.CacheHits = %d; want at least the %d Gets that did not load", got, want)
	}
	cs := g.CacheStats(MainCache)
	if cs.Hits != st.CacheHits.Get() || cs.Items != keys {
		t.Errorf("main cache %+v; Stats.CacheHits %d", cs, st.CacheHits.Get())
	}
	if want := st.Loads.Get() + st.LoadsDeduped.Get() + st.CacheHits.Get(); cs.Gets != want {
		t.Errorf("main cache Gets = %d; want a lookup per Get and per flight, %d", cs.Gets, want)
	}
}
