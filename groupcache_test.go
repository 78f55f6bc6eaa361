package groupcache

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingGetter returns "value:"+key and counts its calls.
type countingGetter struct {
	calls atomic.Int64
}

func (g *countingGetter) Get(_ context.Context, key string, dest Sink) error {
	g.calls.Add(1)
	return dest.SetString("value:" + key)
}

func TestGetCachesAndCounts(t *testing.T) {
	getter := &countingGetter{}
	g := NewRegistry().NewGroup("g", 1<<20, getter)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		var s string
		if err := g.Get(ctx, "k", StringSink(&s)); err != nil {
			t.Fatal(err)
		}
		if s != "value:k" {
			t.Fatalf("got %q", s)
		}
	}
	if n := getter.calls.Load(); n != 1 {
		t.Fatalf("Getter ran %d times; want 1", n)
	}
	st := &g.Stats
	if st.Gets.Get() != 3 || st.CacheHits.Get() != 2 || st.Loads.Get() != 1 ||
		st.LoadsDeduped.Get() != 1 || st.LocalLoads.Get() != 1 || st.PeerLoads.Get() != 0 {
		t.Fatalf("stats: gets %v hits %v loads %v deduped %v local %v peer %v",
			&st.Gets, &st.CacheHits, &st.Loads, &st.LoadsDeduped, &st.LocalLoads, &st.PeerLoads)
	}
	if cs := g.CacheStats(MainCache); cs.Items != 1 || cs.Bytes != int64(len("k")+len("value:k")) || cs.Hits != 2 {
		t.Fatalf("main cache stats %+v", cs)
	}
	if cs := g.CacheStats(CacheType(99)); cs != (CacheStats{}) {
		t.Fatalf("unknown cache type gave %+v", cs)
	}
	if g.Name() != "g" {
		t.Fatalf("Name() = %q", g.Name())
	}
}

func TestZeroCacheBytesNeverCaches(t *testing.T) {
	getter := &countingGetter{}
	g := NewRegistry().NewGroup("g", 0, getter)
	for i := 0; i < 3; i++ {
		var s string
		if err := g.Get(context.Background(), "k", StringSink(&s)); err != nil || s != "value:k" {
			t.Fatalf("Get = %q, %v", s, err)
		}
	}
	if n := getter.calls.Load(); n != 3 {
		t.Fatalf("Getter ran %d times; want 3", n)
	}
}

func TestConcurrentGetsLoadOnce(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int64
	g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		calls.Add(1)
		<-release
		return dest.SetString("v")
	}))
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s string
			err := g.Get(context.Background(), "k", StringSink(&s))
			if err == nil && s != "v" {
				err = fmt.Errorf("got %q", s)
			}
			errs <- err
		}()
	}
	waitFor(t, func() bool { return g.Stats.Loads.Get() == n })
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if c := calls.Load(); c != 1 {
		t.Fatalf("Getter ran %d times; want 1", c)
	}
	if d := g.Stats.LoadsDeduped.Get(); d != 1 {
		t.Fatalf("LoadsDeduped = %d; want 1", d)
	}
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestEvictionKeepsBudget(t *testing.T) {
	const budget = 1000
	getter := &countingGetter{}
	g := NewRegistry().NewGroup("g", budget, getter)
	for i := 0; i < 500; i++ {
		var s string
		if err := g.Get(context.Background(), fmt.Sprintf("key-%03d", i), StringSink(&s)); err != nil {
			t.Fatal(err)
		}
		if b := g.CacheStats(MainCache).Bytes + g.CacheStats(HotCache).Bytes; b > budget {
			t.Fatalf("after %d loads the caches hold %d bytes, over the budget of %d", i+1, b, budget)
		}
	}
	cs := g.CacheStats(MainCache)
	// Each entry is 7+13 = 20 bytes: exactly 50 fit.
	if cs.Items != 50 || cs.Bytes != 1000 || cs.Evictions != 450 {
		t.Fatalf("main cache %+v; want 50 items, 1000 bytes, 450 evictions", cs)
	}
	// With no hits, keys that filled the cache first hold the main
	// queue, nine tenths of it: the first 45 that first-fill admission
	// admitted, firstFillAdmit of every firstFillOf in turn. A scan of
	// new keys then cycles through the small queue: those 45 keys and
	// the 5 most recent survive.
	main := 0
	before := getter.calls.Load()
	for i := range 500 {
		if main < 45 && (i+1)%firstFillOf < firstFillAdmit {
			main++
		} else if i < 495 {
			continue
		}
		var s string
		g.Get(context.Background(), fmt.Sprintf("key-%03d", i), StringSink(&s))
	}
	if getter.calls.Load() != before {
		t.Fatal("a recently loaded key was evicted before older ones")
	}
}

func TestValueLargerThanBudgetIsNotCached(t *testing.T) {
	g := NewRegistry().NewGroup("g", 100, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		return dest.SetString(strings.Repeat("x", 200))
	}))
	var s string
	if err := g.Get(context.Background(), "big", StringSink(&s)); err != nil || len(s) != 200 {
		t.Fatalf("Get = %d bytes, %v", len(s), err)
	}
	if cs := g.CacheStats(MainCache); cs.Items != 0 {
		t.Fatalf("oversized value cached: %+v", cs)
	}
}

func TestHotCacheEvictedFirst(t *testing.T) {
	g := NewRegistry().NewGroup("g", 1000, &countingGetter{})
	v := ByteView{s: strings.Repeat("v", 90)}
	for i := 0; i < 5; i++ { // 500 bytes of main cache
		k := fmt.Sprintf("main%d-----", i)
		g.populateCache(k, g.hash(k), v, 0, g.mainCache, 0)
	}
	for i := 0; i < 5; i++ { // then 500 of hot cache: the budget is full
		k := fmt.Sprintf("hot%d------", i)
		g.populateCache(k, g.hash(k), v, 0, g.hotCache, 0)
	}
	// One more main entry must push out hot entries, which hold more
	// than an eighth of the main cache's bytes, not main ones.
	k := "main5-----"
	g.populateCache(k, g.hash(k), v, 0, g.mainCache, 0)
	if m, h := g.CacheStats(MainCache), g.CacheStats(HotCache); m.Items != 6 || h.Items != 4 || m.Bytes+h.Bytes > 1000 {
		t.Fatalf("main %+v hot %+v", m, h)
	}
}

func TestGetterErrorIsReturnedAndNotCached(t *testing.T) {
	errBoom := errors.New("boom")
	var calls atomic.Int64
	g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		calls.Add(1)
		return errBoom
	}))
	for i := 0; i < 2; i++ {
		var s string
		if err := g.Get(context.Background(), "k", StringSink(&s)); !errors.Is(err, errBoom) {
			t.Fatalf("Get error = %v; want boom", err)
		}
	}
	if calls.Load() != 2 || g.Stats.LocalLoadErrs.Get() != 2 {
		t.Fatalf("calls %d, LocalLoadErrs %v", calls.Load(), &g.Stats.LocalLoadErrs)
	}
}

func TestGetterThatSetsNothing(t *testing.T) {
	g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(context.Context, string, Sink) error { return nil }))
	var s string
	if err := g.Get(context.Background(), "k", StringSink(&s)); !errors.Is(err, ErrNoValue) {
		t.Fatalf("Get error = %v; want ErrNoValue", err)
	}
	if g.CacheStats(MainCache).Items != 0 {
		t.Fatal("a value that was never set was cached")
	}
	// A sink reused after a successful Get must not pass its old value off.
	g2 := NewRegistry().NewGroup("g2", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		if key == "good" {
			return dest.SetString("good")
		}
		return nil
	}))
	sink := StringSink(&s)
	if err := g2.Get(context.Background(), "good", sink); err != nil {
		t.Fatal(err)
	}
	if err := g2.Get(context.Background(), "bad", sink); !errors.Is(err, ErrNoValue) {
		t.Fatalf("reused sink: Get error = %v; want ErrNoValue", err)
	}
}

func TestGetterSetsTwiceLastWins(t *testing.T) {
	g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		dest.SetString("first")
		return dest.SetBytes([]byte("second"))
	}))
	var s string
	if err := g.Get(context.Background(), "k", StringSink(&s)); err != nil || s != "second" {
		t.Fatalf("Get = %q, %v", s, err)
	}
	var again string
	g.Get(context.Background(), "k", StringSink(&again))
	if again != "second" {
		t.Fatalf("cached %q", again)
	}
}

func TestNilSinkAndNilContext(t *testing.T) {
	g := NewRegistry().NewGroup("g", 1<<20, &countingGetter{})
	if err := g.Get(context.Background(), "k", nil); !errors.Is(err, ErrNilDestination) {
		t.Fatalf("nil sink: %v", err)
	}
	if err := g.Get(context.Background(), "k", StringSink(nil)); !errors.Is(err, ErrNilDestination) {
		t.Fatalf("sink of nil pointer: %v", err)
	}
	var s string
	//lint:ignore SA1012 the old API allowed a nil Context; it must keep working
	if err := g.Get(nil, "k", StringSink(&s)); err != nil || s != "value:k" {
		t.Fatalf("nil ctx: %q, %v", s, err)
	}
}

func TestPanickingGetterLeavesNoKeyStuck(t *testing.T) {
	var calls atomic.Int64
	started := make(chan struct{})
	release := make(chan struct{})
	g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		if calls.Add(1) == 1 {
			close(started)
			<-release
			panic("getter bug")
		}
		return dest.SetString("ok")
	}))
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		var s string
		g.Get(context.Background(), "k", StringSink(&s))
	}()
	<-started
	waiterErr := make(chan error, 1)
	go func() {
		var s string
		waiterErr <- g.Get(context.Background(), "k", StringSink(&s))
	}()
	waitFor(t, func() bool { return g.Stats.Loads.Get() == 2 })
	close(release)
	if p := <-panicked; p != "getter bug" {
		t.Fatalf("leader recovered %v; want the Getter's panic", p)
	}
	if err := <-waiterErr; !errors.Is(err, ErrGetterPanicked) {
		t.Fatalf("waiter got %v; want ErrGetterPanicked", err)
	}
	var s string
	if err := g.Get(context.Background(), "k", StringSink(&s)); err != nil || s != "ok" {
		t.Fatalf("Get after panic = %q, %v", s, err)
	}
}

func TestWaiterCancelDoesNotCancelLoad(t *testing.T) {
	release := make(chan struct{})
	g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(ctx context.Context, key string, dest Sink) error {
		select {
		case <-release:
		case <-ctx.Done():
			return ctx.Err()
		}
		return dest.SetString("v")
	}))
	leaderDone := make(chan error, 1)
	go func() {
		var s string
		leaderDone <- g.Get(context.Background(), "k", StringSink(&s))
	}()
	waitFor(t, func() bool { return g.Stats.LoadsDeduped.Get() == 1 })
	ctx, cancel := context.WithCancel(context.Background())
	waiterDone := make(chan error, 1)
	go func() {
		var s string
		waiterDone <- g.Get(ctx, "k", StringSink(&s))
	}()
	waitFor(t, func() bool { return g.Stats.Loads.Get() == 2 })
	cancel()
	if err := <-waiterDone; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter got %v", err)
	}
	close(release)
	if err := <-leaderDone; err != nil {
		t.Fatalf("leader failed after a waiter cancelled: %v", err)
	}
}

func TestLeaderCancelHandsLoadToWaiter(t *testing.T) {
	var calls atomic.Int64
	g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(ctx context.Context, key string, dest Sink) error {
		if calls.Add(1) == 1 {
			<-ctx.Done() // the first load waits until its caller gives up
			return ctx.Err()
		}
		return dest.SetString("v")
	}))
	ctx, cancel := context.WithCancel(context.Background())
	leaderDone := make(chan error, 1)
	go func() {
		var s string
		leaderDone <- g.Get(ctx, "k", StringSink(&s))
	}()
	waitFor(t, func() bool { return calls.Load() == 1 })
	waiterDone := make(chan string, 1)
	go func() {
		var s string
		if err := g.Get(context.Background(), "k", StringSink(&s)); err != nil {
			s = "error: " + err.Error()
		}
		waiterDone <- s
	}()
	waitFor(t, func() bool { return g.Stats.Loads.Get() == 2 })
	cancel()
	if err := <-leaderDone; !errors.Is(err, context.Canceled) {
		t.Fatalf("leader got %v", err)
	}
	if s := <-waiterDone; s != "v" {
		t.Fatalf("waiter got %q; want the value from a load of its own", s)
	}
}

func TestDuplicateGroupPanics(t *testing.T) {
	r := NewRegistry()
	r.NewGroup("dup", 0, &countingGetter{})
	defer func() {
		if recover() == nil {
			t.Fatal("second group of the same name did not panic")
		}
	}()
	r.NewGroup("dup", 0, &countingGetter{})
}

func TestRegistryHooksAndLookup(t *testing.T) {
	r := NewRegistry()
	var started, created atomic.Int64
	r.RegisterServerStart(func() { started.Add(1) })
	r.RegisterNewGroupHook(func(*Group) { created.Add(1) })
	picked := make(map[string]bool)
	var mu sync.Mutex
	r.RegisterPerGroupPeerPicker(func(name string) PeerPicker {
		mu.Lock()
		picked[name] = true
		mu.Unlock()
		return nil // treated as NoPeers
	})
	a := r.NewGroup("a", 0, &countingGetter{})
	r.NewGroup("b", 0, &countingGetter{})
	if started.Load() != 1 || created.Load() != 2 {
		t.Fatalf("server start ran %d times, new-group hook %d", started.Load(), created.Load())
	}
	if r.GetGroup("a") != a || r.GetGroup("nope") != nil {
		t.Fatal("GetGroup does not find what NewGroup made")
	}
	var s string
	if err := a.Get(context.Background(), "k", StringSink(&s)); err != nil {
		t.Fatal(err)
	}
	if !picked["a"] || picked["b"] {
		t.Fatalf("peer pickers asked for %v; want only a, at its first Get", picked)
	}
	for _, register := range []func(){
		func() { r.RegisterServerStart(func() {}) },
		func() { r.RegisterNewGroupHook(func(*Group) {}) },
		func() { r.RegisterPeerPicker(func() PeerPicker { return nil }) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("a second registration did not panic")
				}
			}()
			register()
		}()
	}
}

func TestRegistryLookupsWhileGroupsAreAdded(t *testing.T) {
	r := NewRegistry()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				name := fmt.Sprintf("g%d-%d", w, i)
				g := r.NewGroup(name, 0, &countingGetter{})
				if r.GetGroup(name) != g {
					t.Errorf("GetGroup(%q) did not find the group just made", name)
					return
				}
			}
		}()
	}
	wg.Wait()
	for w := 0; w < 4; w++ {
		for i := 0; i < 50; i++ {
			if r.GetGroup(fmt.Sprintf("g%d-%d", w, i)) == nil {
				t.Fatalf("group g%d-%d lost", w, i)
			}
		}
	}
}
