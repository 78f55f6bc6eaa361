package groupcache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// listSource is a PeerSource that reports the lists sent on it.
type listSource struct {
	lists chan []string

	failCh chan error // an error sent here is returned by Watch

	mu   sync.Mutex
	left bool // Leave was called
}

func newListSource() *listSource {
	return &listSource{lists: make(chan []string, 16), failCh: make(chan error, 1)}
}

func (s *listSource) Watch(ctx context.Context, update func([]string)) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case l := <-s.lists:
			update(l)
		case err := <-s.failCh:
			return err
		}
	}
}

func (s *listSource) Leave(time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.left = true
	return nil
}

// discoveredPeer is an in-process peer whose ring Discover keeps.
type discoveredPeer struct {
	url    string
	pool   *HTTPPool
	group  *Group
	server *httptest.Server
	src    *listSource
	done   chan error // Discover's result
	cancel context.CancelFunc
}

// getterRuns counts Getter runs per key across peers.
type getterRuns struct {
	mu   sync.Mutex
	runs map[string]int
}

func (g *getterRuns) add(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.runs == nil {
		g.runs = make(map[string]int)
	}
	g.runs[key]++
}

func (g *getterRuns) of(key string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.runs[key]
}

func (g *getterRuns) total() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, r := range g.runs {
		n += r
	}
	return n
}

// startDiscoveredPeer starts a peer on 127.0.0.1 that runs Discover with a
// listSource of its own and the given options.
func startDiscoveredPeer(t *testing.T, runs *getterRuns, o *DiscoverOptions) *discoveredPeer {
	t.Helper()
	return startDiscoveredPeerOpts(t, runs, o, nil)
}

// startDiscoveredPeerOpts is startDiscoveredPeer with pool options.
func startDiscoveredPeerOpts(t *testing.T, runs *getterRuns, o *DiscoverOptions, popts *HTTPPoolOptions) *discoveredPeer {
	t.Helper()
	reg := NewRegistry()
	d := &discoveredPeer{server: httptest.NewUnstartedServer(nil), src: newListSource(), done: make(chan error, 1)}
	d.url = "http://" + d.server.Listener.Addr().String()
	po := HTTPPoolOptions{}
	if popts != nil {
		po = *popts
	}
	po.Registry = reg
	d.pool = NewHTTPPoolOpts(d.url, &po)
	d.server.Config.Handler = d.pool
	d.server.Start()
	d.group = reg.NewGroup("g", 1<<20, GetterFunc(func(ctx context.Context, key string, dest Sink) error {
		runs.add(key)
		return dest.SetString("v:" + key)
	}))
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	go func() { d.done <- d.pool.DiscoverOpts(ctx, d.src, o) }()
	t.Cleanup(func() {
		cancel()
		<-d.done
		d.server.Close()
		d.pool.CloseIdleConnections()
	})
	return d
}

// announce sends urls to every peer's source and waits until every ring
// has exactly those peers.
func announce(t *testing.T, peers []*discoveredPeer, urls []string) {
	t.Helper()
	for _, p := range peers {
		p.src.lists <- urls
	}
	want := slices.Sorted(slices.Values(urls))
	for _, p := range peers {
		waitFor(t, func() bool { return slices.Equal(ringPeers(p.pool), want) })
	}
}

// ringPeers returns the sorted base URLs of pool's ring.
func ringPeers(p *HTTPPool) []string {
	r := p.ring.Load()
	if r == nil {
		return nil
	}
	var urls []string
	for u := range r.getters {
		urls = append(urls, u)
	}
	slices.Sort(urls)
	return urls
}

func urlsOf(peers []*discoveredPeer) []string {
	var urls []string
	for _, p := range peers {
		urls = append(urls, p.url)
	}
	return urls
}

func TestDamperAddsAtOnceAndRemovesAfterSettle(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := newDamper("s", 10*time.Second)
	if got := d.update([]string{"a", "b"}, t0); !slices.Equal(got, []string{"a", "b", "s"}) {
		t.Fatalf("first list: %v; want a, b and self", got)
	}
	if got := d.update([]string{"a", "b", "c"}, t0.Add(time.Second)); !slices.Equal(got, []string{"a", "b", "c", "s"}) {
		t.Fatalf("c added: %v; want it at once", got)
	}
	// b goes missing: kept until it has been missing for 10 s.
	if got := d.update([]string{"a", "c"}, t0.Add(2*time.Second)); got != nil {
		t.Fatalf("b missing: applied %v; want no change before it settles", got)
	}
	if next, ok := d.nextDeadline(); !ok || !next.Equal(t0.Add(12*time.Second)) {
		t.Fatalf("next deadline %v, %v; want %v", next, ok, t0.Add(12*time.Second))
	}
	if got := d.update(nil, t0.Add(11*time.Second)); got != nil {
		t.Fatalf("1 s before settling: applied %v", got)
	}
	if got := d.update(nil, t0.Add(12*time.Second)); !slices.Equal(got, []string{"a", "c", "s"}) {
		t.Fatalf("after settling: %v; want b removed", got)
	}
	// a flaps: missing, then back before settling; nothing changes.
	if got := d.update([]string{"c"}, t0.Add(13*time.Second)); got != nil {
		t.Fatalf("a missing: applied %v", got)
	}
	if got := d.update([]string{"a", "c"}, t0.Add(14*time.Second)); got != nil {
		t.Fatalf("a back: applied %v; want no change", got)
	}
	if n := d.takeDamped(); n != 1 {
		t.Fatalf("damped %d; want 1", n)
	}
	if _, ok := d.nextDeadline(); ok {
		t.Fatal("a deadline is pending after a came back")
	}
	// A list without self still keeps self.
	if got := d.update([]string{"a", "c", "d"}, t0.Add(15*time.Second)); !slices.Equal(got, []string{"a", "c", "d", "s"}) {
		t.Fatalf("list without self: %v", got)
	}
}

func TestDamperWithoutSettleRemovesAtOnce(t *testing.T) {
	d := newDamper("s", 0)
	t0 := time.Now()
	d.update([]string{"a", "b", "s"}, t0)
	if got := d.update([]string{"a", "s"}, t0); !slices.Equal(got, []string{"a", "s"}) {
		t.Fatalf("%v; want b removed at once", got)
	}
}

func TestDiscoverIgnoresEmptyListsAndKeepsSelf(t *testing.T) {
	var runs getterRuns
	a := startDiscoveredPeer(t, &runs, &DiscoverOptions{Settle: -1})
	b := startDiscoveredPeer(t, &runs, &DiscoverOptions{Settle: -1})
	a.src.lists <- []string{b.url} // without self
	waitFor(t, func() bool { return len(ringPeers(a.pool)) == 2 })
	if got, want := ringPeers(a.pool), slices.Sorted(slices.Values([]string{a.url, b.url})); !slices.Equal(got, want) {
		t.Fatalf("ring %v; want %v: self is always in", got, want)
	}
	a.src.lists <- []string{}
	waitFor(t, func() bool { return a.pool.MembershipStats().EmptyIgnored == 1 })
	a.src.lists <- nil
	waitFor(t, func() bool { return a.pool.MembershipStats().EmptyIgnored == 2 })
	if got := ringPeers(a.pool); len(got) != 2 {
		t.Fatalf("after empty lists, ring %v; want it kept", got)
	}
	st := a.pool.MembershipStats()
	if st.Updates != 3 || st.Changes != 1 || st.Added != 2 || st.Removed != 0 {
		t.Fatalf("stats %+v; want 3 updates, 1 change adding 2", st)
	}
}

func TestDiscoverLogsAndCountsEveryChange(t *testing.T) {
	var logs syncBuffer
	reg := NewRegistry()
	pool := NewHTTPPoolOpts("http://self", &HTTPPoolOptions{Registry: reg, Logger: slog.New(slog.NewTextHandler(&logs, nil)), LogInterval: time.Nanosecond})
	src := newListSource()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pool.DiscoverOpts(ctx, src, &DiscoverOptions{Settle: -1}) }()
	for _, l := range [][]string{{"http://a"}, {"http://a", "http://b"}, {"http://b"}} {
		src.lists <- l
		want := slices.Sorted(slices.Values(append(slices.Clone(l), "http://self")))
		waitFor(t, func() bool { return slices.Equal(ringPeers(pool), want) })
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Discover after cancel = %v; want context.Canceled", err)
	}
	st := pool.MembershipStats()
	if st.Changes != 3 || st.Added != 3 || st.Removed != 1 {
		t.Fatalf("stats %+v; want 3 changes, 3 added (self, a, b), 1 removed", st)
	}
	if n := strings.Count(logs.String(), "peer list changed"); n != 3 {
		t.Fatalf("%d lines about changes; want 3:\n%s", n, logs.String())
	}
}

func TestDiscoverReturnsSourceFailure(t *testing.T) {
	pool := NewHTTPPoolOpts("http://self", &HTTPPoolOptions{Registry: NewRegistry()})
	src := newListSource()
	boom := errors.New("boom")
	src.failCh <- boom
	if err := pool.Discover(context.Background(), src); !errors.Is(err, boom) {
		t.Fatalf("Discover = %v; want the source's error", err)
	}
	stopped := sourceFunc(func(context.Context, func([]string)) error { return nil })
	if err := pool.Discover(context.Background(), stopped); !errors.Is(err, ErrSourceStopped) {
		t.Fatalf("Discover of a source that stops = %v; want ErrSourceStopped", err)
	}
}

// sourceFunc adapts a function to PeerSource.
type sourceFunc func(ctx context.Context, update func([]string)) error

func (f sourceFunc) Watch(ctx context.Context, update func([]string)) error {
	return f(ctx, update)
}

func TestStaticPeers(t *testing.T) {
	pool := NewHTTPPoolOpts("http://a", &HTTPPoolOptions{Registry: NewRegistry()})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pool.Discover(ctx, StaticPeers{"http://a", "http://b"}) }()
	waitFor(t, func() bool { return len(ringPeers(pool)) == 2 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Discover = %v", err)
	}
}

// warmCluster starts n discovered peers that know each other and loads
// keys through every peer, so that each owner holds its keys.
func warmCluster(t *testing.T, runs *getterRuns, n, keys int, o *DiscoverOptions) []*discoveredPeer {
	t.Helper()
	var peers []*discoveredPeer
	for range n {
		peers = append(peers, startDiscoveredPeer(t, runs, o))
	}
	announce(t, peers, urlsOf(peers))
	for i := range keys {
		for _, p := range peers {
			getString(t, p.group, fmt.Sprintf("key-%d", i))
		}
	}
	return peers
}

// TestWarmHandoverOnJoin adds a peer to a warm cluster: with handover, the
// keys it now owns come from their previous owners and no Getter runs
// again; without, each moved key is loaded again.
func TestWarmHandoverOnJoin(t *testing.T) {
	const keys = 200
	for _, tc := range []struct {
		name   string
		window time.Duration
	}{{"handover", 0}, {"no handover", -1}} {
		t.Run(tc.name, func(t *testing.T) {
			var runs getterRuns
			o := &DiscoverOptions{Settle: -1, HandoverWindow: tc.window}
			peers := warmCluster(t, &runs, 3, keys, o)
			if n := runs.total(); n != keys {
				t.Fatalf("warm-up ran the Getter %d times; want %d", n, keys)
			}
			joined := startDiscoveredPeer(t, &runs, o)
			peers = append(peers, joined)
			announce(t, peers, urlsOf(peers))
			moved := 0
			for i := range keys {
				k := fmt.Sprintf("key-%d", i)
				if _, remote := joined.pool.PickPeer(k); !remote {
					moved++
				}
				for _, p := range peers {
					if got := getString(t, p.group, k); got != "v:"+k {
						t.Fatalf("Get(%q) = %q", k, got)
					}
				}
			}
			if moved == 0 {
				t.Fatal("the new peer owns no key")
			}
			extra := runs.total() - keys
			st := joined.pool.MembershipStats()
			t.Logf("%d of %d keys moved; Getter runs after the join: %d; handover hits %d", moved, keys, extra, st.HandoverHits)
			if tc.window < 0 {
				if extra != moved || st.HandoverHits != 0 {
					t.Fatalf("without handover: %d extra runs, %d hits; want %d and 0", extra, st.HandoverHits, moved)
				}
				return
			}
			if extra != 0 || st.HandoverHits != int64(moved) {
				t.Fatalf("with handover: %d extra Getter runs, %d hits; want 0 and %d", extra, st.HandoverHits, moved)
			}
		})
	}
}

// TestWarmHandoverOnLeave removes a peer that keeps serving, as one that
// shuts down does: the new owners of its keys take them from it.
func TestWarmHandoverOnLeave(t *testing.T) {
	const keys = 200
	var runs getterRuns
	o := &DiscoverOptions{Settle: -1}
	peers := warmCluster(t, &runs, 4, keys, o)
	leaving, rest := peers[0], peers[1:]
	announce(t, rest, urlsOf(rest))
	for i := range keys {
		for _, p := range rest {
			getString(t, p.group, fmt.Sprintf("key-%d", i))
		}
	}
	if extra := runs.total() - keys; extra != 0 {
		t.Fatalf("%d Getter runs after a peer left; want 0", extra)
	}
	if leaving.group.Stats.LocalLoads.Get() == 0 {
		t.Fatal("the leaving peer owned no key")
	}
}

// TestHandoverSkipsGonePreviousOwner kills a peer: the first key that
// needs it costs one failed handover, the others do not ask it, and every
// Get succeeds.
func TestHandoverSkipsGonePreviousOwner(t *testing.T) {
	const keys = 100
	var runs getterRuns
	o := &DiscoverOptions{Settle: -1}
	peers := warmCluster(t, &runs, 3, keys, o)
	dead, rest := peers[0], peers[1:]
	dead.server.CloseClientConnections()
	dead.server.Close()
	announce(t, rest, urlsOf(rest))
	for i := range keys {
		for _, p := range rest {
			k := fmt.Sprintf("key-%d", i)
			if got := getString(t, p.group, k); got != "v:"+k {
				t.Fatalf("Get(%q) = %q", k, got)
			}
		}
	}
	var errs int64
	for _, p := range rest {
		errs += p.pool.MembershipStats().HandoverErrors
	}
	if errs == 0 || errs > int64(len(rest)) {
		t.Fatalf("%d failed handovers; want one per surviving peer at most", errs)
	}
}

// TestHandoverRequestNeverLoads asks a pool for a key it has not cached,
// as a new owner does: it answers 204 without running the Getter, and the
// value once it has it.
func TestHandoverRequestNeverLoads(t *testing.T) {
	var runs getterRuns
	p := startDiscoveredPeer(t, &runs, nil)
	get := func() *http.Response {
		req, _ := http.NewRequest(http.MethodGet, p.url+"/_groupcache/g/k", nil)
		req.Header.Set(handoverHeader, "1")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := get(); res.StatusCode != http.StatusNoContent || runs.total() != 0 {
		t.Fatalf("uncached: %s, %d Getter runs; want 204 and none", res.Status, runs.total())
	}
	getString(t, p.group, "k")
	if res := get(); res.StatusCode != http.StatusOK || runs.total() != 1 {
		t.Fatalf("cached: %s, %d Getter runs; want 200 and the one Get's", res.Status, runs.total())
	}
}

// TestShutdownLeavesDrainsAndStopsOwning shuts a peer down: it tells its
// source, turns readiness off, owns no keys afterwards, and Discover
// returns nil.
func TestShutdownLeavesDrainsAndStopsOwning(t *testing.T) {
	var runs getterRuns
	o := &DiscoverOptions{Settle: 50 * time.Millisecond, DrainQuiet: 100 * time.Millisecond}
	peers := warmCluster(t, &runs, 2, 50, o)
	p := peers[0]
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := p.pool.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if took := time.Since(start); took < 150*time.Millisecond {
		t.Fatalf("Shutdown took %v; want at least the settle period and the quiet one", took)
	}
	p.src.mu.Lock()
	left := p.src.left
	p.src.mu.Unlock()
	if !p.pool.Leaving() || !left {
		t.Fatalf("Leaving %v, source left %v; want both", p.pool.Leaving(), left)
	}
	for i := range 50 {
		if _, remote := p.pool.PickPeer(fmt.Sprintf("key-%d", i)); !remote {
			t.Fatal("the pool still owns keys after Shutdown")
		}
	}
	select {
	case err := <-p.done:
		p.done <- err // for the cleanup
		if err != nil {
			t.Fatalf("Discover after Shutdown = %v; want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Discover did not return after Shutdown")
	}
	if err := p.pool.Shutdown(ctx); !errors.Is(err, ErrPoolShutdown) {
		t.Fatalf("second Shutdown = %v; want ErrPoolShutdown", err)
	}
}

// TestHandoverWhileRingsDisagree drops a peer from one ring only, as when
// peers apply a change at slightly different times: the peers that the
// changed ring now names as owners are sent keys their own rings give to
// the dropped peer, and take its copies rather than loading them.
func TestHandoverWhileRingsDisagree(t *testing.T) {
	const keys = 200
	var runs getterRuns
	// b's and c's windows for handing over after their own ring
	// changes are over by the time the rings disagree.
	a := startDiscoveredPeer(t, &runs, &DiscoverOptions{Settle: -1})
	b := startDiscoveredPeer(t, &runs, &DiscoverOptions{Settle: -1, HandoverWindow: time.Nanosecond})
	c := startDiscoveredPeer(t, &runs, &DiscoverOptions{Settle: -1, HandoverWindow: time.Nanosecond})
	peers := []*discoveredPeer{a, b, c}
	announce(t, peers, urlsOf(peers))
	for i := range keys {
		for _, p := range peers {
			getString(t, p.group, fmt.Sprintf("key-%d", i))
		}
	}
	a.src.lists <- []string{a.url, b.url}
	waitFor(t, func() bool { return len(ringPeers(a.pool)) == 2 })
	moved := 0
	for i := range keys {
		k := fmt.Sprintf("key-%d", i)
		if g, ok := c.pool.PickPeer(k); !ok || g == nil {
			moved++ // c owns it in the other rings
		}
		if got := getString(t, a.group, k); got != "v:"+k {
			t.Fatalf("Get(%q) = %q", k, got)
		}
	}
	if moved == 0 {
		t.Fatal("c owns no key")
	}
	if extra := runs.total() - keys; extra != 0 {
		t.Fatalf("%d Getter runs while the rings disagreed about %d keys; want 0", extra, moved)
	}
}
