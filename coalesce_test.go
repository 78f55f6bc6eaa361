package groupcache

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// A coalesceRig is two peers, an asker and an owner, whose servers count
// requests, with no caches: every Get of the asker for a key of the owner
// is a request. The owner's Getter holds the gate keys, as many as may be
// in flight before Gets are coalesced, until the test opens the gate, so
// that Gets of them stay in flight while the test lines up others behind
// them.
type coalesceRig struct {
	t             testing.TB
	c             *testCluster
	rc            requestCounter
	asker, owner  *testPeer
	gates         []string
	arrived, open chan struct{}
	openOnce      sync.Once
}

// newCoalesceRig starts a rig with opts, whose CoalesceWait is an hour
// unless set, so that a batch leaves only when a request in flight is
// answered or the batch is full; load, if not nil, answers the keys other
// than the gate in the owner's stead.
func newCoalesceRig(t *testing.T, opts HTTPPoolOptions, answer func(w http.ResponseWriter, r *http.Request) bool, load func(ctx context.Context, peer, key string, dest Sink) error) *coalesceRig {
	t.Helper()
	if opts.CoalesceWait == 0 {
		opts.CoalesceWait = time.Hour
	}
	r := &coalesceRig{t: t, arrived: make(chan struct{}, coalesceAfter), open: make(chan struct{})}
	t.Cleanup(r.openGate)
	var wrap func(p *HTTPPool, w http.ResponseWriter, req *http.Request) bool
	if answer != nil {
		wrap = func(_ *HTTPPool, w http.ResponseWriter, req *http.Request) bool { return answer(w, req) }
	}
	r.c = startClusterMounted(t, 2, 0, &opts, nil, countingMount(&r.rc, wrap), func(ctx context.Context, peer, key string, dest Sink) error {
		if slices.Contains(r.gates, key) {
			r.arrived <- struct{}{}
			select {
			case <-r.open:
			case <-time.After(10 * time.Second):
			}
		} else if load != nil {
			return load(ctx, peer, key, dest)
		}
		return dest.SetString("v:" + key)
	})
	r.asker, r.owner = r.c.peers[0], r.c.peers[1]
	r.gates = r.ownedKeys("gate-", coalesceAfter)
	return r
}

// ownedKeys returns n keys with prefix that the owner owns, or fails the
// test: a test given fewer keys than it asked for could pass with nothing
// coalesced.
func (r *coalesceRig) ownedKeys(prefix string, n int) []string {
	r.t.Helper()
	var keys []string
	for i := 0; len(keys) < n && i < 100*n+1000; i++ {
		if k := fmt.Sprintf("%s%d", prefix, i); r.c.owner(k) == r.owner {
			keys = append(keys, k)
		}
	}
	if len(keys) < n {
		r.t.Fatalf("found %d keys %s* that the owner owns; want %d", len(keys), prefix, n)
	}
	return keys
}

func (r *coalesceRig) openGate() { r.openOnce.Do(func() { close(r.open) }) }

// holdGate starts a Get of each gate key and returns once the owner holds
// them; the returned channel yields the Gets' first error, or nil, after
// the gate opens.
func (r *coalesceRig) holdGate(t *testing.T) <-chan error {
	t.Helper()
	errs := make(chan error, len(r.gates))
	for _, k := range r.gates {
		go func() {
			_, err := r.get(context.Background(), k)
			errs <- err
		}()
	}
	timeout := time.After(10 * time.Second)
	for range r.gates {
		select {
		case <-r.arrived:
		case err := <-errs:
			t.Fatalf("Get of a gate key returned %v before the gate opened", err)
		case <-timeout:
			t.Fatal("the gate keys did not reach the owner in 10s")
		}
	}
	done := make(chan error, 1)
	go func() {
		var first error
		for range r.gates {
			if err := <-errs; first == nil {
				first = err
			}
		}
		done <- first
	}()
	return done
}

// get is a Get of key by the asker, bounded by ten seconds.
func (r *coalesceRig) get(ctx context.Context, key string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var s string
	err := r.asker.group.Get(ctx, key, StringSink(&s))
	return s, err
}

// pending returns how many keys wait in the asker's pending batch to the
// owner.
func (r *coalesceRig) pending() int {
	n, _ := r.batchState()
	return n
}

// waiting returns how many callers wait for the asker's pending batch to
// the owner.
func (r *coalesceRig) waiting() int {
	_, n := r.batchState()
	return n
}

func (r *coalesceRig) batchState() (keys, waiting int) {
	pg, _ := r.asker.pool.PickPeer(r.gates[0])
	c := &pg.(*httpGetter).coalesce
	c.mu.Lock()
	defer c.mu.Unlock()
	if b := c.pending["g"]; b != nil {
		return len(b.keys), b.waiting
	}
	return 0, 0
}

// getAll gets each key concurrently, with ctxs[i] if given, and returns
// the values and errors once all are done.
func (r *coalesceRig) getAll(keys []string, ctxs []context.Context) (vals []string, errs []error, wait func()) {
	vals, errs = make([]string, len(keys)), make([]error, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		ctx := context.Background()
		if ctxs != nil {
			ctx = ctxs[i]
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			vals[i], errs[i] = r.get(ctx, k)
		}()
	}
	return vals, errs, wg.Wait
}

func (r *coalesceRig) requests(method string) int { return r.rc.count(r.owner.url, method) }

func TestConcurrentGetsShareABatch(t *testing.T) {
	r := newCoalesceRig(t, HTTPPoolOptions{}, nil, nil)
	gate := r.holdGate(t)
	keys := r.ownedKeys("key-", 20)
	vals, errs, wait := r.getAll(keys, nil)
	waitFor(t, func() bool { return r.pending() == len(keys) })
	r.openGate()
	wait()
	if err := <-gate; err != nil {
		t.Fatalf("gate: %v", err)
	}
	for i, k := range keys {
		if errs[i] != nil || vals[i] != "v:"+k {
			t.Errorf("Get(%q) = %q, %v", k, vals[i], errs[i])
		}
	}
	n := len(r.gates)
	if g, p := r.requests(http.MethodGet), r.requests(http.MethodPost); g != n || p != 1 {
		t.Errorf("%d Gets made %d GETs and %d batch POSTs at the owner; want %d and 1", len(keys)+n, g, p, n)
	}
	st := &r.asker.group.Stats
	if st.PeerLoads.Get() != int64(len(keys)+n) || st.PeerErrors.Get() != 0 {
		t.Errorf("PeerLoads %d, PeerErrors %d; want %d, 0", st.PeerLoads.Get(), st.PeerErrors.Get(), len(keys)+n)
	}
}

func TestLoneGetIsSentAtOnce(t *testing.T) {
	r := newCoalesceRig(t, HTTPPoolOptions{}, nil, nil)
	// Were a lone Get held for the wait, an hour, its ten seconds would
	// run out.
	for _, k := range r.ownedKeys("key-", 5) {
		if s, err := r.get(context.Background(), k); err != nil || s != "v:"+k {
			t.Fatalf("Get(%q) = %q, %v", k, s, err)
		}
	}
	if g, p := r.requests(http.MethodGet), r.requests(http.MethodPost); g != 5 || p != 0 {
		t.Errorf("5 sequential Gets made %d GETs and %d POSTs; want 5 and 0", g, p)
	}
}

func TestFullBatchLeavesAtOnce(t *testing.T) {
	r := newCoalesceRig(t, HTTPPoolOptions{}, nil, nil)
	gate := r.holdGate(t)
	keys := r.ownedKeys("key-", maxCoalescedKeys+6)
	vals, errs, wait := r.getAll(keys, nil)
	// The gate is still held: the first batch left because it was full.
	waitFor(t, func() bool { return r.requests(http.MethodPost) == 1 && r.pending() == 6 })
	r.openGate()
	wait()
	<-gate
	for i, k := range keys {
		if errs[i] != nil || vals[i] != "v:"+k {
			t.Errorf("Get(%q) = %q, %v", k, vals[i], errs[i])
		}
	}
	if g, p := r.requests(http.MethodGet), r.requests(http.MethodPost); g != len(r.gates) || p != 2 {
		t.Errorf("%d Gets made %d GETs and %d POSTs; want %d and 2", len(keys)+len(r.gates), g, p, len(r.gates))
	}
}

func TestCancelledCallerLeavesItsBatchToTheOthers(t *testing.T) {
	checkLeaks(t)
	r := newCoalesceRig(t, HTTPPoolOptions{}, nil, nil)
	gate := r.holdGate(t)
	keys := r.ownedKeys("key-", 3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	vals, errs, wait := r.getAll(keys, []context.Context{ctx, context.Background(), context.Background()})
	waitFor(t, func() bool { return r.pending() == len(keys) })
	cancel()
	// The cancelled caller leaves while the others still wait.
	waitFor(t, func() bool { return r.waiting() == len(keys)-1 })
	r.openGate()
	wait()
	<-gate
	if !errors.Is(errs[0], context.Canceled) {
		t.Errorf("cancelled Get returned %q, %v; want context.Canceled", vals[0], errs[0])
	}
	for i, k := range keys[1:] {
		if errs[i+1] != nil || vals[i+1] != "v:"+k {
			t.Errorf("Get(%q) = %q, %v", k, vals[i+1], errs[i+1])
		}
	}
	if n := r.asker.group.Stats.PeerErrors.Get(); n != 0 {
		t.Errorf("PeerErrors = %d; want 0", n)
	}
	if p := r.requests(http.MethodPost); p != 1 {
		t.Errorf("%d POSTs; want 1", p)
	}
	r.asker.pool.CloseIdleConnections()
}

// TestBatchWhoseCallersAllLeftIsDropped checks that a pending batch whose
// callers all gave up is neither sent nor joined: a later caller starts a
// batch of its own, which its predecessors' cancellation does not fail.
func TestBatchWhoseCallersAllLeftIsDropped(t *testing.T) {
	checkLeaks(t)
	r := newCoalesceRig(t, HTTPPoolOptions{}, nil, nil)
	gate := r.holdGate(t)
	keys := r.ownedKeys("key-", 4)
	ctx, cancel := context.WithCancel(context.Background())
	_, errs, wait := r.getAll(keys[:3], []context.Context{ctx, ctx, ctx})
	waitFor(t, func() bool { return r.pending() == 3 })
	cancel()
	wait()
	for i, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Get(%q) = %v; want context.Canceled", keys[i], err)
		}
	}
	if n := r.pending(); n != 0 {
		t.Errorf("%d keys still pending after their callers left; want 0", n)
	}
	late, lateErr, wait := r.getAll(keys[3:], nil)
	waitFor(t, func() bool { return r.pending() == 1 })
	r.openGate()
	wait()
	if err := <-gate; err != nil {
		t.Fatalf("gate: %v", err)
	}
	if lateErr[0] != nil || late[0] != "v:"+keys[3] {
		t.Errorf("Get(%q) = %q, %v", keys[3], late[0], lateErr[0])
	}
	if n := r.asker.group.Stats.PeerErrors.Get(); n != 0 {
		t.Errorf("PeerErrors = %d; want 0", n)
	}
	if p := r.requests(http.MethodPost); p != 1 {
		t.Errorf("%d POSTs; want 1, for the late caller alone", p)
	}
	r.asker.pool.CloseIdleConnections()
}

func TestBatchedKeysFailAsSingleGetsDo(t *testing.T) {
	var ownerURL string // set before any Get
	r := newCoalesceRig(t, HTTPPoolOptions{MaxValueBytes: 100}, nil, func(_ context.Context, peer, key string, dest Sink) error {
		switch {
		case strings.HasPrefix(key, "missing-"):
			return ErrNotFound
		case strings.HasPrefix(key, "broken-") && peer == ownerURL:
			return errors.New("owner's backend is down")
		case strings.HasPrefix(key, "big-"):
			return dest.SetString(strings.Repeat("b", 101))
		case strings.HasPrefix(key, "wide-"):
			return dest.SetString(strings.Repeat("w", 60))
		}
		return dest.SetString("v:" + key)
	})
	ownerURL = r.owner.url
	want := map[string]string{}
	var keys []string
	for prefix, val := range map[string]string{"missing-": "", "broken-": "v:", "big-": strings.Repeat("b", 101), "ok-": "v:"} {
		k := r.ownedKeys(prefix, 1)[0]
		keys = append(keys, k)
		want[k] = val
		if val == "v:" {
			want[k] += k
		}
	}
	// Two values of 60 bytes do not fit one answer of 100: the owner
	// leaves one out, which is then asked for alone.
	for _, k := range r.ownedKeys("wide-", 2) {
		keys = append(keys, k)
		want[k] = strings.Repeat("w", 60)
	}
	gate := r.holdGate(t)
	vals, errs, wait := r.getAll(keys, nil)
	waitFor(t, func() bool { return r.pending() == len(keys) })
	r.openGate()
	wait()
	<-gate
	for i, k := range keys {
		if strings.HasPrefix(k, "missing-") {
			if !errors.Is(errs[i], ErrNotFound) {
				t.Errorf("Get(%q) = %q, %v; want ErrNotFound", k, vals[i], errs[i])
			}
			continue
		}
		if errs[i] != nil || vals[i] != want[k] {
			t.Errorf("Get(%q) = %.20q, %v; want %.20q", k, vals[i], errs[i], want[k])
		}
	}
	// The broken and the big key were loaded here after the owner
	// failed them; the missing one was not.
	if n := r.asker.group.Stats.PeerErrors.Get(); n != 2 {
		t.Errorf("PeerErrors = %d; want 2", n)
	}
	for _, k := range keys {
		loads, local := r.c.loadsOf(k), 0
		for _, by := range loads {
			if by == r.asker.url {
				local++
			}
		}
		wantLocal := 0
		if strings.HasPrefix(k, "broken-") || strings.HasPrefix(k, "big-") {
			wantLocal = 1
		}
		if local != wantLocal {
			t.Errorf("key %q loaded %d times by the asker; want %d", k, local, wantLocal)
		}
	}
	if g, p := r.requests(http.MethodGet), r.requests(http.MethodPost); g != len(r.gates)+1 || p != 1 {
		t.Errorf("%d GETs and %d POSTs; want %d (the gates and the key left out) and 1", g, p, len(r.gates)+1)
	}
}

func TestCoalescingFallsBackForPeersWithoutBatches(t *testing.T) {
	// The owner answers a batch as golang/groupcache's server does.
	r := newCoalesceRig(t, HTTPPoolOptions{}, func(w http.ResponseWriter, req *http.Request) bool {
		if req.Method == http.MethodPost {
			http.Error(w, "bad request", http.StatusBadRequest)
			return true
		}
		return false
	}, nil)
	keys := r.ownedKeys("key-", 10)
	for round := 0; round < 2; round++ {
		gate := r.holdGate(t)
		vals, errs, wait := r.getAll(keys, nil)
		if round == 0 {
			waitFor(t, func() bool { return r.pending() == len(keys) })
		}
		r.openGate()
		wait()
		<-gate
		for i, k := range keys {
			if errs[i] != nil || vals[i] != "v:"+k {
				t.Errorf("round %d: Get(%q) = %q, %v", round, k, vals[i], errs[i])
			}
		}
		r.open, r.openOnce = make(chan struct{}), sync.Once{}
	}
	if n := r.asker.group.Stats.PeerErrors.Get(); n != 0 {
		t.Errorf("PeerErrors = %d; want 0", n)
	}
	// One batch found the owner out; every key went alone after it.
	if g, p := r.requests(http.MethodGet), r.requests(http.MethodPost); g != 2*(len(keys)+len(r.gates)) || p != 1 {
		t.Errorf("%d GETs and %d POSTs; want %d and 1", g, p, 2*(len(keys)+len(r.gates)))
	}
}

func TestNegativeCoalesceWaitSendsGetsAlone(t *testing.T) {
	r := newCoalesceRig(t, HTTPPoolOptions{CoalesceWait: -1}, nil, nil)
	gate := r.holdGate(t)
	keys := r.ownedKeys("key-", 10)
	vals, errs, wait := r.getAll(keys, nil)
	wait() // while the gate is held
	r.openGate()
	<-gate
	for i, k := range keys {
		if errs[i] != nil || vals[i] != "v:"+k {
			t.Errorf("Get(%q) = %q, %v", k, vals[i], errs[i])
		}
	}
	if g, p := r.requests(http.MethodGet), r.requests(http.MethodPost); g != len(keys)+len(r.gates) || p != 0 {
		t.Errorf("%d GETs and %d POSTs; want %d and 0", g, p, len(keys)+len(r.gates))
	}
}

// TestBatchLeavesAfterCoalesceWait holds the requests in flight for good:
// the Gets behind them are sent when CoalesceWait has passed, and answered
// while the gate is still held.
func TestBatchLeavesAfterCoalesceWait(t *testing.T) {
	r := newCoalesceRig(t, HTTPPoolOptions{CoalesceWait: 20 * time.Millisecond}, nil, nil)
	gate := r.holdGate(t)
	keys := r.ownedKeys("key-", 5)
	vals, errs, wait := r.getAll(keys, nil)
	wait() // the gate is still held
	for i, k := range keys {
		if errs[i] != nil || vals[i] != "v:"+k {
			t.Errorf("Get(%q) = %q, %v", k, vals[i], errs[i])
		}
	}
	if g, p := r.requests(http.MethodGet), r.requests(http.MethodPost); g != len(r.gates) || p < 1 || p > len(keys) {
		t.Errorf("%d GETs and %d POSTs; want %d and 1 to %d", g, p, len(r.gates), len(keys))
	}
	r.openGate()
	if err := <-gate; err != nil {
		t.Fatalf("gate: %v", err)
	}
}
