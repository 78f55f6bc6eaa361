package statuspage

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache"
)

// testPeer is one peer of a cluster in this process: its registry, pool,
// group and server on 127.0.0.1.
type testPeer struct {
	url   string
	srv   *httptest.Server
	reg   *groupcache.Registry
	pool  *groupcache.HTTPPool
	group *groupcache.Group
}

// startPeers starts one peer for each delay, the time its Getter takes,
// all in one ring, each with a group "users" of 1 MiB.
func startPeers(t *testing.T, delays ...time.Duration) []*testPeer {
	t.Helper()
	var peers []*testPeer
	var urls []string
	for _, delay := range delays {
		p := &testPeer{reg: groupcache.NewRegistry()}
		srv := httptest.NewUnstartedServer(nil)
		p.srv = srv
		p.url = "http://" + srv.Listener.Addr().String()
		p.pool = groupcache.NewHTTPPoolOpts(p.url, &groupcache.HTTPPoolOptions{Registry: p.reg})
		srv.Config.Handler = p.pool
		srv.Start()
		t.Cleanup(srv.Close)
		t.Cleanup(p.pool.CloseIdleConnections)
		p.group = p.reg.NewGroup("users", 1<<20, groupcache.GetterFunc(func(ctx context.Context, key string, dest groupcache.Sink) error {
			if strings.HasPrefix(key, "missing") {
				return groupcache.ErrNotFound
			}
			time.Sleep(delay)
			return dest.SetString(strings.Repeat("v", 100) + key)
		}))
		peers = append(peers, p)
		urls = append(urls, p.url)
	}
	for _, p := range peers {
		p.pool.Set(urls...)
	}
	return peers
}

// get asks g for key and fails the test on an error other than
// ErrNotFound.
func get(t *testing.T, g *groupcache.Group, key string) {
	t.Helper()
	var s string
	if err := g.Get(context.Background(), key, groupcache.StringSink(&s)); err != nil && !strings.HasPrefix(key, "missing") {
		t.Fatalf("Get(%q): %v", key, err)
	}
}

// traffic asks g for n keys drawn from the first keys of a skewed
// distribution, so that some are hits and some misses.
func traffic(t *testing.T, g *groupcache.Group, round, n int) {
	t.Helper()
	for i := range n {
		k := (i * i * 7919 / (n + 1)) % (20 + 10*round)
		get(t, g, fmt.Sprintf("user-%d", k))
	}
}

func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

func TestJSONMatchesStats(t *testing.T) {
	peers := startPeers(t, 0, 0)
	a := peers[0]
	h := newHandler(a.reg, nil)
	defer h.Close()
	start := time.Now()
	for round := range 3 {
		traffic(t, a.group, round, 100)
		get(t, a.group, fmt.Sprintf("missing-%d", round))
		h.sample(start.Add(time.Duration(round+1) * time.Second))
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	status, body := fetch(t, srv.URL+"?format=json")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var got struct {
		Groups []struct {
			Name                                  string
			Gets, Loads, PeerErrors, Bytes, Items int64
			CacheHits                             int64   `json:"cache_hits"`
			CacheBytes                            int64   `json:"cache_bytes"`
			LocalLoads                            int64   `json:"local_loads"`
			PeerLoads                             int64   `json:"peer_loads"`
			HitRatio                              float64 `json:"hit_ratio"`
			History                               []struct {
				GetsPerSecond float64 `json:"gets_per_second"`
			}
		}
		Peers []struct {
			URL            string
			Self           bool
			Share          float64
			RecentRequests int64 `json:"recent_requests"`
			Requests       int64
		}
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("decoding %s: %v", body, err)
	}
	if len(got.Groups) != 1 || len(got.Peers) != 2 {
		t.Fatalf("got %d groups and %d peers; want 1 and 2", len(got.Groups), len(got.Peers))
	}
	g, st := got.Groups[0], &a.group.Stats
	main, hot := a.group.CacheStats(groupcache.MainCache), a.group.CacheStats(groupcache.HotCache)
	for _, c := range []struct {
		name      string
		got, want int64
	}{
		{"gets", g.Gets, st.Gets.Get()},
		{"cache_hits", g.CacheHits, st.CacheHits.Get()},
		{"loads", g.Loads, st.Loads.Get()},
		{"local_loads", g.LocalLoads, st.LocalLoads.Get()},
		{"peer_loads", g.PeerLoads, st.PeerLoads.Get()},
		{"peer_errors", g.PeerErrors, st.PeerErrors.Get()},
		{"bytes", g.Bytes, main.Bytes + hot.Bytes},
		{"items", g.Items, main.Items + hot.Items},
		{"cache_bytes", g.CacheBytes, 1 << 20},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d; want %d", c.name, c.got, c.want)
		}
	}
	if want := float64(g.CacheHits) / float64(g.Gets); g.HitRatio != want {
		t.Errorf("hit_ratio = %v; want %v", g.HitRatio, want)
	}
	// The first point starts when New sampled, not at a whole second.
	if len(g.History) != 3 || g.History[1].GetsPerSecond != 101 || g.History[2].GetsPerSecond != 101 {
		t.Errorf("history %+v; want 3 points, the last two of 101 gets/s", g.History)
	}
	// Every request to a peer brought a value, failed, or found no
	// value for one of the missing keys.
	var requests, notFound int64
	for round := range 3 {
		if _, remote := a.pool.PickPeer(fmt.Sprintf("missing-%d", round)); remote {
			notFound++
		}
	}
	share := 0.0
	for _, p := range got.Peers {
		share += p.Share
		requests += p.RecentRequests
		if p.Self != (p.URL == a.url) {
			t.Errorf("peer %s: self = %v", p.URL, p.Self)
		}
	}
	if want := st.PeerLoads.Get() + st.PeerErrors.Get() + notFound; requests != want || requests == 0 {
		t.Errorf("recent requests to peers add up to %d; want PeerLoads+PeerErrors+not found = %d, not 0", requests, want)
	}
	if share < 0.999 || share > 1.001 {
		t.Errorf("shares add up to %v; want 1", share)
	}
}

func TestPeerErrorsShown(t *testing.T) {
	peers := startPeers(t, 0, 0)
	a, b := peers[0], peers[1]
	h := newHandler(a.reg, nil)
	defer h.Close()
	var key string
	for i := 0; key == "" && i < 1000; i++ {
		if k := fmt.Sprintf("k%d", i); b.reg.HTTPPool() != nil {
			if p, ok := a.pool.PickPeer(k); ok && strings.HasPrefix(fmt.Sprint(p), b.url) {
				key = k
			}
		}
	}
	// B goes away: A's request fails and A loads the key itself.
	b.srv.Close()
	get(t, a.group, key)
	st := h.status(time.Now())
	found := false
	for _, p := range st.Peers {
		if p.URL == b.url {
			found = true
			if p.RecentErrors != 1 || p.LastError != "connection_refused" || p.LastErrorAt == nil {
				t.Errorf("peer B: %d recent errors, last %q; want 1, connection_refused", p.RecentErrors, p.LastError)
			}
		}
	}
	if !found {
		t.Fatalf("peer B missing from %+v", st.Peers)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if !strings.Contains(rec.Body.String(), "connection_refused at ") {
		t.Errorf("the page does not show B's error")
	}
}

func TestHistoryIsBounded(t *testing.T) {
	h := newHandler(groupcache.NewRegistry(), &Options{History: 3})
	defer h.Close()
	now := time.Now()
	for i := range 10 {
		h.sample(now.Add(time.Duration(i) * time.Second))
	}
	h.mu.Lock()
	n, last := len(h.history), h.history[len(h.history)-1].at
	h.mu.Unlock()
	if n != 3 || !last.Equal(now.Add(9*time.Second)) {
		t.Fatalf("history holds %d samples, the newest at %v; want 3, the last one taken", n, last)
	}
}

func TestRefusesOtherMethodsAndFormats(t *testing.T) {
	h := New(groupcache.NewRegistry(), nil)
	defer h.Close()
	for _, tc := range []struct {
		method, query string
		want          int
	}{
		{"GET", "", 200},
		{"HEAD", "", 200},
		{"GET", "?format=json", 200},
		{"GET", "?format=xml", 400},
		{"POST", "", 405},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, "/status"+tc.query, nil))
		if rec.Code != tc.want {
			t.Errorf("%s %s: status %d; want %d", tc.method, tc.query, rec.Code, tc.want)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/status", nil))
	if body := rec.Body.String(); !strings.Contains(body, "No groups yet") || !strings.Contains(body, "No peers") {
		t.Errorf("empty registry's page lacks its notes:\n%s", body)
	}
}

func TestCloseStopsTimingPeers(t *testing.T) {
	peers := startPeers(t, 0, 0)
	a := peers[0]
	h := New(a.reg, &Options{Interval: time.Millisecond})
	h.Close()
	h.Close() // a second Close does nothing
	for i := range 50 {
		get(t, a.group, fmt.Sprintf("k%d", i))
	}
	if n := len(h.peers.snapshot()); n != 0 {
		t.Fatalf("after Close, %d peers were timed", n)
	}
}

func TestFormatting(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{formatBytes(0), "0 B"},
		{formatBytes(1023), "1023 B"},
		{formatBytes(1536), "1.5 KiB"},
		{formatBytes(64 << 20), "64.0 MiB"},
		{percent(0.875, 8), "87.5%"},
		{percent(0, 0), "–"},
		{seconds(0.0012345), "1.23ms"},
		{seconds(0.000042), "42µs"},
		{duration(5 * time.Minute), "5 min"},
		{duration(30 * time.Second), "30 s"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q; want %q", tc.got, tc.want)
		}
	}
}
