package groupcache

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand"
	"net"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSoak runs a cluster under load while its peers restart, for as
// long as the environment variable GROUPCACHE_SOAK says (a Go duration;
// CI uses 30s, and it can run for hours). It is skipped when the
// variable is unset. Run it alone, with -v to see its progress:
//
//	GROUPCACHE_SOAK=30s go test -race -run '^TestSoak$' -v .
func TestSoak(t *testing.T) {
	setting := os.Getenv("GROUPCACHE_SOAK")
	if setting == "" {
		t.Skip("set GROUPCACHE_SOAK to a duration, such as 30s, to run the soak test")
	}
	duration, err := time.ParseDuration(setting)
	if err != nil || duration <= 0 {
		t.Fatalf("GROUPCACHE_SOAK=%q is not a positive duration", setting)
	}
	const (
		peers   = 3
		clients = 32
		// keySpace keys of 16 B to 2 KiB values, about 50 MiB in all,
		// against 3 caches of cacheBytes: 8 times what fits.
		keySpace   = 50000
		cacheBytes = 2 << 20
	)
	runtime.GC()
	baseGoroutines := runtime.NumGoroutine()
	var baseMem runtime.MemStats
	runtime.ReadMemStats(&baseMem)

	s := &soak{t: t, cacheBytes: cacheBytes}
	s.start(peers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.client(int64(c), keySpace, stop)
		}()
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		s.sampleBudget(stop)
	}()
	go func() {
		defer wg.Done()
		s.restartPeers(duration/15, stop)
	}()
	start := time.Now()
	done := time.After(duration)
	progress := time.NewTicker(10 * time.Second)
run:
	for {
		select {
		case <-progress.C:
			t.Logf("%v: %d Gets, %d restarts", time.Since(start).Round(time.Second), s.gets.Load(), s.restarts.Load())
		case <-done:
			break run
		}
	}
	progress.Stop()
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)
	s.report(elapsed)

	if n := s.wrong.Load(); n != 0 {
		t.Errorf("%d Gets returned a wrong value; the first: %v", n, s.firstWrong.Load())
	}
	if n := s.failed.Load(); n != 0 {
		t.Errorf("%d Gets failed; the first: %v", n, s.firstFailure.Load())
	}
	if n := s.overBudget.Load(); n != 0 {
		t.Errorf("%d samples found the caches over their budget of %d bytes; the largest held %d", n, cacheBytes, s.maxBytes.Load())
	}
	if s.restarts.Load() < 2 {
		t.Errorf("only %d peer restarts in %v", s.restarts.Load(), elapsed)
	}

	s.shutdown()
	s = nil
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > baseGoroutines && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseGoroutines {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after the soak, %d before:\n%s", n, baseGoroutines, buf[:runtime.Stack(buf, true)])
	}
	// The caches held up to 6 MiB, and every restarted peer's up to
	// 2 MiB more; once all are dropped the heap must be back near
	// where it started.
	var mem runtime.MemStats
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	runtime.ReadMemStats(&mem)
	t.Logf("heap: %d KiB before, %d KiB after", baseMem.HeapAlloc>>10, mem.HeapAlloc>>10)
	if mem.HeapAlloc > baseMem.HeapAlloc+4<<20 {
		t.Errorf("heap grew from %d to %d bytes over the soak; %s", baseMem.HeapAlloc, mem.HeapAlloc, writeHeapProfile())
	}
}

// canonicalValue is the one right value of key: 16 B to 2 KiB, derived
// from the key's hash, starting with the key.
func canonicalValue(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	x := h.Sum64()
	n := 16 + int(x%2033)
	var b strings.Builder
	b.Grow(len(key) + 1 + n)
	b.WriteString(key)
	b.WriteByte('=')
	for b.Len() < len(key)+1+n {
		b.WriteByte("0123456789abcdef"[x&15])
		x = x>>4 | x<<60
	}
	return b.String()
}

// soak is the state of a soak run: the peers in their slots, and counts.
type soak struct {
	t          *testing.T
	cacheBytes int64

	slots []atomic.Pointer[soakPeer]
	// all is every peer ever started, for the counters and shutdown.
	mu  sync.Mutex
	all []*soakPeer

	gets, writes, writeErrs, restarts   atomic.Int64
	wrong, failed, overBudget, maxBytes atomic.Int64
	firstWrong, firstFailure            atomic.Value // string
}

type soakPeer struct {
	url    string
	pool   *HTTPPool
	group  *Group
	server *httptest.Server
}

func (s *soak) start(n int) {
	s.slots = make([]atomic.Pointer[soakPeer], n)
	urls := make([]string, n)
	for i := range s.slots {
		p := s.newPeer(nil)
		s.slots[i].Store(p)
		urls[i] = p.url
	}
	for i := range s.slots {
		s.slots[i].Load().pool.Set(urls...)
	}
}

// newPeer starts a peer with empty caches, listening on ln or, if ln is
// nil, on a new port of 127.0.0.1. Its peer list is empty until Set.
func (s *soak) newPeer(ln net.Listener) *soakPeer {
	srv := httptest.NewUnstartedServer(nil)
	if ln != nil {
		srv.Listener.Close()
		srv.Listener = ln
	}
	reg := NewRegistry()
	p := &soakPeer{url: "http://" + srv.Listener.Addr().String(), server: srv}
	p.pool = NewHTTPPoolOpts(p.url, &HTTPPoolOptions{Registry: reg, PeerTimeout: 2 * time.Second, AllowUnsignedWrites: true})
	p.group = reg.NewGroup("soak", s.cacheBytes, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		return dest.SetString(canonicalValue(key))
	}))
	srv.Config.Handler = p.pool
	srv.Start()
	s.mu.Lock()
	s.all = append(s.all, p)
	s.mu.Unlock()
	return p
}

// client asks peers for Zipf-distributed keys until stop, checking every
// value. One operation in a hundred is a Set of the canonical value or a
// Remove, which may fail while a peer is down but must not make any Get
// return something else.
func (s *soak) client(seed int64, keySpace uint64, stop <-chan struct{}) {
	rng := rand.New(rand.NewSource(seed))
	zipf := rand.NewZipf(rng, 1.1, 1, keySpace-1)
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		key := fmt.Sprintf("key-%d", zipf.Uint64())
		p := s.slots[rng.Intn(len(s.slots))].Load()
		if op := rng.Intn(100); op == 0 {
			s.writes.Add(1)
			var err error
			if rng.Intn(2) == 0 {
				err = p.group.Set(context.Background(), key, []byte(canonicalValue(key)), time.Time{})
			} else {
				err = p.group.Remove(context.Background(), key)
			}
			if err != nil {
				s.writeErrs.Add(1)
			}
			continue
		}
		s.gets.Add(1)
		var got string
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := p.group.Get(ctx, key, StringSink(&got))
		cancel()
		switch {
		case err != nil:
			if s.failed.Add(1) == 1 {
				s.firstFailure.Store(fmt.Sprintf("Get(%q) on %s: %v", key, p.url, err))
			}
		case got != canonicalValue(key):
			if s.wrong.Add(1) == 1 {
				s.firstWrong.Store(fmt.Sprintf("Get(%q) on %s = %.40q", key, p.url, got))
			}
		}
	}
}

// sampleBudget checks, until stop, that no peer's caches hold more than
// cacheBytes. It reads both caches' sizes under the lock that insertions
// hold, so that it sees them between insertions, when the bound is
// exact.
func (s *soak) sampleBudget(stop <-chan struct{}) {
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		for i := range s.slots {
			g := s.slots[i].Load().group
			g.budgetMu.Lock()
			total := g.CacheStats(MainCache).Bytes + g.CacheStats(HotCache).Bytes
			g.budgetMu.Unlock()
			if total > s.cacheBytes {
				s.overBudget.Add(1)
			}
			storeMax(&s.maxBytes, total)
		}
	}
}

// restartPeers replaces a peer every interval until stop, in turn: half
// the time by a new process on the same address, half the time by one
// on a new address, which every peer is then told of with Set.
func (s *soak) restartPeers(interval time.Duration, stop <-chan struct{}) {
	interval = max(interval, 500*time.Millisecond)
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-time.After(interval):
		}
		slot := i % len(s.slots)
		old := s.slots[slot].Load()
		var p *soakPeer
		if i%2 == 0 {
			addr := old.server.Listener.Addr().String()
			old.server.Close()
			ln, err := listenAgain(addr)
			if err != nil {
				s.t.Errorf("restarting %s: %v", addr, err)
				return
			}
			p = s.newPeer(ln)
			p.pool.Set(s.urls()...)
			s.slots[slot].Store(p)
		} else {
			p = s.newPeer(nil)
			s.slots[slot].Store(p)
			urls := s.urls()
			for j := range s.slots {
				s.slots[j].Load().pool.Set(urls...)
			}
			old.server.Close()
		}
		old.pool.CloseIdleConnections()
		s.restarts.Add(1)
	}
}

// storeMax raises m to x if x is larger.
func storeMax(m *atomic.Int64, x int64) {
	for old := m.Load(); x > old; old = m.Load() {
		if m.CompareAndSwap(old, x) {
			return
		}
	}
}

func (s *soak) urls() []string {
	urls := make([]string, len(s.slots))
	for i := range s.slots {
		urls[i] = s.slots[i].Load().url
	}
	return urls
}

// listenAgain listens on addr, which a server closed a moment ago.
func listenAgain(addr string) (net.Listener, error) {
	var err error
	for i := 0; i < 100; i++ {
		var ln net.Listener
		if ln, err = net.Listen("tcp", addr); err == nil {
			return ln, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil, err
}

func (s *soak) report(elapsed time.Duration) {
	var st struct{ gets, hits, peerLoads, peerErrors, localLoads, served int64 }
	s.mu.Lock()
	for _, p := range s.all {
		g := &p.group.Stats
		st.gets += g.Gets.Get()
		st.hits += g.CacheHits.Get()
		st.peerLoads += g.PeerLoads.Get()
		st.peerErrors += g.PeerErrors.Get()
		st.localLoads += g.LocalLoads.Get()
		st.served += g.ServerRequests.Get()
	}
	peers := len(s.all)
	s.mu.Unlock()
	s.t.Logf("soak: %v, %d client Gets (%.0f/s), %d writes (%d failed), %d restarts over %d peer generations",
		elapsed.Round(time.Millisecond), s.gets.Load(), float64(s.gets.Load())/elapsed.Seconds(), s.writes.Load(), s.writeErrs.Load(), s.restarts.Load(), peers)
	s.t.Logf("soak: group counters: Gets %d, CacheHits %d, PeerLoads %d, PeerErrors %d, LocalLoads %d, ServerRequests %d",
		st.gets, st.hits, st.peerLoads, st.peerErrors, st.localLoads, st.served)
	s.t.Logf("soak: wrong values %d, failed Gets %d, budget samples over %d bytes %d (largest %d)",
		s.wrong.Load(), s.failed.Load(), s.cacheBytes, s.overBudget.Load(), s.maxBytes.Load())
}

// shutdown closes every peer's server and connections.
func (s *soak) shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.all {
		p.server.Close()
		p.pool.CloseIdleConnections()
	}
	s.all = nil
	s.slots = nil
}

// writeHeapProfile writes a heap profile, to find what the soak left
// behind, and says where.
func writeHeapProfile() string {
	f, err := os.CreateTemp("", "groupcache-soak-*.heap")
	if err != nil {
		return "no heap profile: " + err.Error()
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		return "no heap profile: " + err.Error()
	}
	return "see go tool pprof -sample_index=inuse_space " + f.Name()
}
