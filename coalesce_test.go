package groupcache

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// A coalesceRig is two peers, an asker and an owner, whose servers count
// requests, with no caches: every Get of the asker for a key of the owner
// is a request. The owner's Getter holds the gate key until the test
// opens the gate, so that a Get of it stays in flight while the test
// lines up others behind it.
type coalesceRig struct {
	c             *testCluster
	rc            requestCounter
	asker, owner  *testPeer
	gate          string
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
	r := &coalesceRig{arrived: make(chan struct{}, 1), open: make(chan struct{})}
	t.Cleanup(r.openGate)
	var wrap func(p *HTTPPool, w http.ResponseWriter, req *http.Request) bool
	if answer != nil {
		wrap = func(_ *HTTPPool, w http.ResponseWriter, req *http.Request) bool { return answer(w, req) }
	}
	r.c = startClusterMounted(t, 2, 0, &opts, nil, countingMount(&r.rc, wrap), func(ctx context.Context, peer, key string, dest Sink) error {
		if key == r.gate {
			select {
			case r.arrived <- struct{}{}:
			default:
			}
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
	r.gate = r.ownedKeys("gate-", 1)[0]
	return r
}

// ownedKeys returns n keys with prefix that the owner owns.
func (r *coalesceRig) ownedKeys(prefix string, n int) []string {
	var keys []string
	for i := 0; len(keys) < n && i < 100*n+1000; i++ {
		if k := fmt.Sprintf("%s%d", prefix, i); r.c.owner(k) == r.owner {
			keys = append(keys, k)
		}
	}
	return keys
}

func (r *coalesceRig) openGate() { r.openOnce.Do(func() { close(r.open) }) }

// holdGate starts a Get of the gate key and returns once the owner holds
// it; the returned channel yields the Get's error after the gate opens.
func (r *coalesceRig) holdGate(t *testing.T) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := r.get(context.Background(), r.gate)
		done <- err
	}()
	select {
	case <-r.arrived:
	case err := <-done:
		t.Fatalf("Get of the gate key returned %v before the gate opened", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the gate key did not reach the owner in 10s")
	}
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
	pg, _ := r.asker.pool.PickPeer(r.gate)
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
	if g, p := r.requests(http.MethodGet), r.requests(http.MethodPost); g != 1 || p != 1 {
		t.Errorf("%d Gets made %d GETs and %d batch POSTs at the owner; want 1 and 1", len(keys)+1, g, p)
	}
	st := &r.asker.group.Stats
	if st.PeerLoads.Get() != int64(len(keys)+1) || st.PeerErrors.Get() != 0 {
		t.Errorf("PeerLoads %d, PeerErrors %d; want %d, 0", st.PeerLoads.Get(), st.PeerErrors.Get(), len(keys)+1)
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
	if g, p := r.requests(http.MethodGet), r.requests(http.MethodPost); g != 1 || p != 2 {
		t.Errorf("%d Gets made %d GETs and %d POSTs; want 1 and 2", len(keys)+1, g, p)
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

func TestBatchWhoseCallersAllLeftIsNotSent(t *testing.T) {
	checkLeaks(t)
	r := newCoalesceRig(t, HTTPPoolOptions{}, nil, nil)
	gate := r.holdGate(t)
	keys := r.ownedKeys("key-", 3)
	ctx, cancel := context.WithCancel(context.Background())
	_, errs, wait := r.getAll(keys, []context.Context{ctx, ctx, ctx})
	waitFor(t, func() bool { return r.pending() == len(keys) })
	cancel()
	wait()
	for i, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Get(%q) = %v; want context.Canceled", keys[i], err)
		}
	}
	r.openGate()
	if err := <-gate; err != nil {
		t.Fatalf("gate: %v", err)
	}
	// The gate's Get, answered, would have sent a pending batch.
	if p := r.requests(http.MethodPost); p != 0 {
		t.Errorf("%d POSTs for a batch nobody waited for; want 0", p)
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
	if g, p := r.requests(http.MethodGet), r.requests(http.MethodPost); g != 2 || p != 1 {
		t.Errorf("%d GETs and %d POSTs; want 2 (the gate and the key left out) and 1", g, p)
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
	if g, p := r.requests(http.MethodGet), r.requests(http.MethodPost); g != 2*(len(keys)+1) || p != 1 {
		t.Errorf("%d GETs and %d POSTs; want %d and 1", g, p, 2*(len(keys)+1))
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
	if g, p := r.requests(http.MethodGet), r.requests(http.MethodPost); g != len(keys)+1 || p != 0 {
		t.Errorf("%d GETs and %d POSTs; want %d and 0", g, p, len(keys)+1)
	}
}
