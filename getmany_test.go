package groupcache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
	"google.golang.org/protobuf/proto"
)

// requestCounter counts the requests a peer's server receives, by method.
type requestCounter struct {
	mu sync.Mutex
	n  map[string]map[string]int // peer URL → method → count
}

func (rc *requestCounter) count(url, method string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.n[url][method]
}

// countingMount serves each pool behind a handler that counts requests;
// wrap, if not nil, may answer a request instead of the pool.
func countingMount(rc *requestCounter, wrap func(p *HTTPPool, w http.ResponseWriter, r *http.Request) bool) *mount {
	rc.n = make(map[string]map[string]int)
	return &mount{handler: func(p *HTTPPool) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rc.mu.Lock()
			if rc.n[p.self] == nil {
				rc.n[p.self] = make(map[string]int)
			}
			rc.n[p.self][r.Method]++
			rc.mu.Unlock()
			if wrap != nil && wrap(p, w, r) {
				return
			}
			p.ServeHTTP(w, r)
		})
	}}
}

// getMany runs GetMany into strings.
func getMany(g *Group, keys []string) ([]string, error) {
	vals := make([]string, len(keys))
	err := g.GetMany(context.Background(), keys, func(i int, _ string) Sink { return StringSink(&vals[i]) })
	return vals, err
}

func keyErrs(t *testing.T, err error, n int) []error {
	t.Helper()
	if err == nil {
		return make([]error, n)
	}
	var me *GetManyError
	if !errors.As(err, &me) || len(me.Errs) != n {
		t.Fatalf("GetMany error %v; want a *GetManyError for %d keys", err, n)
	}
	return me.Errs
}

func TestGetManyMixedKeys(t *testing.T) {
	var c *testCluster
	var rc requestCounter
	c = startClusterMounted(t, 3, 1<<20, nil, nil, countingMount(&rc, nil), func(_ context.Context, peer, key string, dest Sink) error {
		switch {
		case strings.HasPrefix(key, "nf-"):
			return fmt.Errorf("no such row: %w", ErrNotFound)
		case strings.HasPrefix(key, "flaky-") && peer == c.owner(key).url:
			return errors.New("owner's database is down")
		}
		return dest.SetString("v:" + key)
	})
	p0, p1, p2 := c.peers[0], c.peers[1], c.peers[2]
	local := c.keysOwnedBy(p0, 3)
	remote := append(c.keysOwnedBy(p1, 10), c.keysOwnedBy(p2, 10)...)
	var nf, flaky []string
	for i := 0; len(nf) < 2 || len(flaky) < 2; i++ {
		if k := fmt.Sprintf("nf-%d", i); c.owner(k) != p0 && len(nf) < 2 {
			nf = append(nf, k)
		}
		if k := fmt.Sprintf("flaky-%d", i); c.owner(k) != p0 && len(flaky) < 2 {
			flaky = append(flaky, k)
		}
	}
	// One local key is cached already.
	getString(t, p0.group, local[0])
	st := &p0.group.Stats
	gets, hits, localLoads := st.Gets.Get(), st.CacheHits.Get(), st.LocalLoads.Get()

	keys := slices.Concat(local, remote, nf, flaky, []string{remote[0]})
	vals, err := getMany(p0.group, keys)
	errs := keyErrs(t, err, len(keys))
	for i, k := range keys {
		if strings.HasPrefix(k, "nf-") {
			if !errors.Is(errs[i], ErrNotFound) {
				t.Errorf("key %q: error %v; want ErrNotFound", k, errs[i])
			}
			continue
		}
		if errs[i] != nil || vals[i] != "v:"+k {
			t.Errorf("key %q: %q, %v; want %q", k, vals[i], errs[i], "v:"+k)
		}
	}
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("errors.Is(%v, ErrNotFound) = false", err)
	}
	for _, k := range remote {
		if got := c.loadsOf(k); len(got) != 1 || got[0] != c.owner(k).url {
			t.Errorf("key %q loaded by %v; want once, by its owner", k, got)
		}
	}
	for _, k := range flaky {
		if got := c.loadsOf(k); len(got) != 2 || got[1] != p0.url && got[0] != p0.url {
			t.Errorf("key %q loaded by %v; want by its owner and then here", k, got)
		}
	}
	for _, p := range []*testPeer{p1, p2} {
		if n := rc.count(p.url, http.MethodPost); n != 1 {
			t.Errorf("%s got %d batches; want 1", p.url, n)
		}
		if n := rc.count(p.url, http.MethodGet); n != 0 {
			t.Errorf("%s got %d single Gets; want 0", p.url, n)
		}
	}
	distinct := int64(len(keys) - 1)
	if got := st.Gets.Get() - gets; got != distinct {
		t.Errorf("Gets = %d; want %d", got, distinct)
	}
	if got := st.CacheHits.Get() - hits; got != 1 {
		t.Errorf("CacheHits = %d; want 1", got)
	}
	if got := st.PeerLoads.Get(); got != int64(len(remote)) {
		t.Errorf("PeerLoads = %d; want %d", got, len(remote))
	}
	if got := st.PeerErrors.Get(); got != int64(len(flaky)) {
		t.Errorf("PeerErrors = %d; want %d", got, len(flaky))
	}
	if got := st.LocalLoads.Get() - localLoads; got != int64(len(local)-1+len(flaky)) {
		t.Errorf("LocalLoads = %d; want %d", got, len(local)-1+len(flaky))
	}
}

func TestGetManyOwnerDownLoadsLocally(t *testing.T) {
	c := startCluster(t, 2, 1<<20, &HTTPPoolOptions{PeerTimeout: 2 * time.Second}, nil)
	keys := c.keysOwnedBy(c.peers[1], 20)
	c.peers[1].server.Close()
	vals, err := getMany(c.peers[0].group, keys)
	if err != nil {
		t.Fatalf("GetMany with the owner down: %v", err)
	}
	for i, k := range keys {
		if vals[i] != "v:"+k {
			t.Fatalf("key %q = %q", k, vals[i])
		}
	}
	if got := c.peers[0].group.Stats.PeerErrors.Get(); got != int64(len(keys)) {
		t.Errorf("PeerErrors = %d; want %d", got, len(keys))
	}
}

func TestGetManyExpiryTravels(t *testing.T) {
	clock := newFakeClock()
	expiry := clock.Now().Add(time.Hour)
	c := startClusterOpts(t, 2, 1<<20, nil, &GroupOptions{Now: clock.Now}, func(_ context.Context, _, key string, dest Sink) error {
		SetExpiry(dest, expiry)
		return dest.SetString("v:" + key)
	})
	keys := c.keysOwnedBy(c.peers[1], 5)
	items, err := c.peers[0].pool.ring.Load().getters[c.peers[1].url].getMany(context.Background(), "g", keys)
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range items {
		if it.GetKey() != keys[i] || string(it.Value) != "v:"+keys[i] || it.GetExpire() != expiry.UnixNano() {
			t.Errorf("item %d: %q %q %d; want expiry %d", i, it.GetKey(), it.Value, it.GetExpire(), expiry.UnixNano())
		}
	}
	// A value that expired on the way is loaded here instead.
	clock.Advance(2 * time.Hour)
	before := c.loadsOf(keys[0])
	if _, err := getMany(c.peers[0].group, keys[:1]); err != nil {
		t.Fatal(err)
	}
	if got := c.loadsOf(keys[0]); len(got) <= len(before) || got[len(got)-1] != c.peers[0].url {
		t.Errorf("expired key loaded by %v; want here last", got)
	}
}

func TestGetManySigned(t *testing.T) {
	secret := []byte("s3cret")
	c := startCluster(t, 3, 1<<20, &HTTPPoolOptions{Secret: secret}, nil)
	keys := append(c.keysOwnedBy(c.peers[1], 5), c.keysOwnedBy(c.peers[2], 5)...)
	if _, err := getMany(c.peers[0].group, keys); err != nil {
		t.Fatal(err)
	}
	if st := &c.peers[0].group.Stats; st.PeerLoads.Get() != int64(len(keys)) || st.PeerErrors.Get() != 0 {
		t.Fatalf("PeerLoads %d, PeerErrors %d; want %d and 0", st.PeerLoads.Get(), st.PeerErrors.Get(), len(keys))
	}
	body := batchBody(t, "g", keys...)
	post := func(header [][2]string, b []byte) int {
		return postBatch(t, c.peers[1].url+defaultBasePath+"g", header, b)
	}
	now := time.Now()
	cases := []struct {
		name   string
		header [][2]string
		body   []byte
		want   int
	}{
		{"unsigned", nil, body, http.StatusUnauthorized},
		{"good", signResource(secret, "POST", signedResource("g", batchResourceKey), body, now), body, http.StatusOK},
		{"other body", signResource(secret, "POST", signedResource("g", batchResourceKey), body, now), batchBody(t, "g", "other"), http.StatusForbidden},
		{"other group", signResource(secret, "POST", signedResource("h", batchResourceKey), body, now), body, http.StatusForbidden},
		{"as a GET", signResource(secret, "GET", signedResource("g", batchResourceKey), body, now), body, http.StatusForbidden},
		{"wrong secret", signResource([]byte("nope"), "POST", signedResource("g", batchResourceKey), body, now), body, http.StatusForbidden},
		{"stale", signResource(secret, "POST", signedResource("g", batchResourceKey), body, now.Add(-2*MaxSignatureSkew)), body, http.StatusForbidden},
	}
	for _, tc := range cases {
		if got := post(tc.header, tc.body); got != tc.want {
			t.Errorf("%s: status %d; want %d", tc.name, got, tc.want)
		}
	}
}

func batchBody(t *testing.T, group string, keys ...string) []byte {
	t.Helper()
	b, err := proto.Marshal(&pb.GetManyRequest{Group: &group, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func postBatch(t *testing.T, url string, header [][2]string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range header {
		req.Header.Set(kv[0], kv[1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func TestGetManyServerLimits(t *testing.T) {
	c := startCluster(t, 1, 1<<20, &HTTPPoolOptions{MaxKeyBytes: 100}, nil)
	base := c.peers[0].url + defaultBasePath
	many := make([]string, MaxBatchKeys+1)
	for i := range many {
		many[i] = fmt.Sprint(i)
	}
	cases := []struct {
		name string
		url  string
		body []byte
		want int
	}{
		{"ok", base + "g", batchBody(t, "g", "a", "b"), http.StatusOK},
		{"too many keys", base + "g", batchBody(t, "g", many...), http.StatusRequestEntityTooLarge},
		{"long key", base + "g", batchBody(t, "g", strings.Repeat("k", 101)), http.StatusRequestURITooLong},
		{"body too long", base + "g", bytes.Repeat([]byte{0}, MaxBatchKeys*(100+11)+100), http.StatusRequestEntityTooLarge},
		{"other group in body", base + "g", batchBody(t, "h", "a"), http.StatusBadRequest},
		{"malformed body", base + "g", []byte{0xff, 0xff}, http.StatusBadRequest},
		{"unknown group", base + "nope", batchBody(t, "nope", "a"), http.StatusNotFound},
		{"key in path", base + "g/a", batchBody(t, "g", "a"), http.StatusMethodNotAllowed},
	}
	for _, tc := range cases {
		if got := postBatch(t, tc.url, nil, tc.body); got != tc.want {
			t.Errorf("%s: status %d; want %d", tc.name, got, tc.want)
		}
	}
}

// TestGetManyResponseBound checks that an owner answers no more value bytes
// in one batch than MaxValueBytes, and that the keys left out are fetched
// one by one.
func TestGetManyResponseBound(t *testing.T) {
	var rc requestCounter
	value := strings.Repeat("x", 60)
	// Without coalescing, so that the keys left out, which GetMany asks
	// for concurrently, are each a GET.
	c := startClusterMounted(t, 2, 1<<20, &HTTPPoolOptions{MaxValueBytes: 100, CoalesceWait: -1}, nil, countingMount(&rc, nil), func(_ context.Context, _, key string, dest Sink) error {
		return dest.SetString(value)
	})
	keys := c.keysOwnedBy(c.peers[1], 3)
	vals, err := getMany(c.peers[0].group, keys)
	if err != nil {
		t.Fatal(err)
	}
	for i := range keys {
		if vals[i] != value {
			t.Fatalf("key %d = %q", i, vals[i])
		}
	}
	if got := rc.count(c.peers[1].url, http.MethodGet); got != 2 {
		t.Errorf("owner got %d single Gets; want 2 for the keys left out", got)
	}
	if got := c.peers[0].group.Stats.PeerErrors.Get(); got != 0 {
		t.Errorf("PeerErrors = %d; want 0", got)
	}
}

// TestGetManyFallsBackForPeersWithoutBatches checks peers that answer a
// batch as golang/groupcache does (400 for a path without a key), as an
// older version of this package does (405), and as a server that took it
// for a Get (200 with a GetResponse): GetMany asks them for each key, and
// does not send them another batch for a while.
func TestGetManyFallsBackForPeersWithoutBatches(t *testing.T) {
	answers := map[string]func(w http.ResponseWriter){
		"upstream": func(w http.ResponseWriter) { http.Error(w, "bad request", http.StatusBadRequest) },
		"older":    func(w http.ResponseWriter) { http.Error(w, "method not allowed", http.StatusMethodNotAllowed) },
		"mistaken 200": func(w http.ResponseWriter) {
			b, _ := proto.Marshal(&pb.GetResponse{Value: []byte("not a batch")})
			w.Write(b)
		},
	}
	for name, answer := range answers {
		t.Run(name, func(t *testing.T) {
			var rc requestCounter
			// No caches: every round asks the owner for every key.
			c := startClusterMounted(t, 2, 0, nil, nil, countingMount(&rc, func(_ *HTTPPool, w http.ResponseWriter, r *http.Request) bool {
				if r.Method == http.MethodPost {
					answer(w)
					return true
				}
				return false
			}), nil)
			keys := c.keysOwnedBy(c.peers[1], 10)
			for round := 0; round < 2; round++ {
				vals, err := getMany(c.peers[0].group, keys)
				if err != nil {
					t.Fatal(err)
				}
				for i, k := range keys {
					if vals[i] != "v:"+k {
						t.Fatalf("key %q = %q", k, vals[i])
					}
				}
			}
			st := &c.peers[0].group.Stats
			if st.PeerErrors.Get() != 0 || st.PeerLoads.Get() != 2*int64(len(keys)) {
				t.Errorf("PeerErrors %d, PeerLoads %d; want 0 and %d", st.PeerErrors.Get(), st.PeerLoads.Get(), 2*len(keys))
			}
			if got := rc.count(c.peers[1].url, http.MethodPost); got != 1 {
				t.Errorf("owner got %d batches; want 1, then single Gets", got)
			}
			if got := rc.count(c.peers[1].url, http.MethodGet); got != 2*len(keys) {
				t.Errorf("owner got %d single Gets; want %d", got, 2*len(keys))
			}
		})
	}
}

func TestGetManyDestinations(t *testing.T) {
	g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		return dest.SetString("v:" + key)
	}))
	if err := g.GetMany(context.Background(), []string{"a"}, nil); !errors.Is(err, ErrNilDestination) {
		t.Errorf("nil dest: %v; want ErrNilDestination", err)
	}
	var a string
	err := g.GetMany(context.Background(), []string{"a", "b"}, func(i int, key string) Sink {
		if key == "a" {
			return StringSink(&a)
		}
		return nil
	})
	errs := keyErrs(t, err, 2)
	if a != "v:a" || errs[0] != nil || !errors.Is(errs[1], ErrNilDestination) {
		t.Errorf("got %q, %v; want v:a and ErrNilDestination for b", a, errs)
	}
	if err := g.GetMany(context.Background(), nil, func(int, string) Sink { return nil }); err != nil {
		t.Errorf("no keys: %v", err)
	}
}

func TestGetManyOwnerCollapsesLoads(t *testing.T) {
	release := make(chan struct{})
	c := startCluster(t, 2, 1<<20, nil, func(ctx context.Context, peer, key string, dest Sink) error {
		<-release
		return dest.SetString("v:" + key)
	})
	keys := c.keysOwnedBy(c.peers[1], 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := getMany(c.peers[0].group, keys); err != nil {
				t.Error(err)
			}
		}()
	}
	// Let every batch reach the owner before the first load ends.
	for i := 0; c.peers[1].group.Stats.ServerRequests.Get() < 16 && i < 500; i++ {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	for _, k := range keys {
		if got := c.loadsOf(k); len(got) != 1 {
			t.Errorf("key %q loaded %d times; want once", k, len(got))
		}
	}
}

func TestGetManyCancelledIsNotAPeerError(t *testing.T) {
	c := startCluster(t, 2, 1<<20, nil, nil)
	keys := c.keysOwnedBy(c.peers[1], 5)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := c.peers[0].group.GetMany(ctx, keys, func(int, string) Sink { return nil })
	for i, e := range keyErrs(t, err, len(keys)) {
		if !errors.Is(e, context.Canceled) {
			t.Errorf("key %d: %v; want context.Canceled", i, e)
		}
	}
	if got := c.peers[0].group.Stats.PeerErrors.Get(); got != 0 {
		t.Errorf("PeerErrors = %d; want 0", got)
	}
	if got := c.loadsOf(keys[0]); len(got) != 0 {
		t.Errorf("loaded by %v; want by none", got)
	}
}

// TestBatchRequestsCountAsServedForShutdown checks that the owner counts
// a batch request as peer traffic, as it counts a GET: Shutdown waits for
// that count to stop moving before it stops answering handovers.
func TestBatchRequestsCountAsServedForShutdown(t *testing.T) {
	c := startCluster(t, 2, 1<<20, nil, nil)
	p0, p1 := c.peers[0], c.peers[1]
	keys := c.keysOwnedBy(p1, 4)
	before := p1.pool.members.served.Load()
	if err := p0.group.GetMany(context.Background(), keys, func(int, string) Sink { var s string; return StringSink(&s) }); err != nil {
		t.Fatal(err)
	}
	if got := p1.pool.members.served.Load() - before; got != 1 {
		t.Fatalf("the owner counted %d served requests for one batch of %d keys, want 1", got, len(keys))
	}
}
